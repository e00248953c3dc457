//! `mqtt bench`: every scenario against mosquitto, with exact counts.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::cmd::{
    self, assert_code, assert_success, describe, json_lines, records, Spawned,
};
use crate::support::{Broker, BrokerConfig};

const T: Duration = Duration::from_secs(30);

fn bench(b: &Broker, scenario: &str, args: &[&str]) -> Command {
    let mut c = cmd::mqtt();
    c.args([
        "bench",
        scenario,
        "-h",
        "127.0.0.1",
        "-p",
        &b.port().to_string(),
    ])
    .args(args);
    c
}

/// Run to the end; returns the summary record (and checks the ticks parse).
#[track_caller]
fn summary_of(c: &mut Command) -> Value {
    let out = cmd::run(c, T);
    assert_success(&out);
    last_summary(&out)
}

#[track_caller]
fn last_summary(out: &std::process::Output) -> Value {
    let values = json_lines(&out.stdout);
    let summaries = records(&values, "summary");
    assert_eq!(
        summaries.len(),
        1,
        "one summary expected\n{}",
        describe(out)
    );
    assert_eq!(
        values.last().unwrap()["type"],
        "summary",
        "the summary comes last"
    );
    summaries[0].clone()
}

fn u(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a count in {v}"))
}

#[test]
fn pubsub_qos1_and_qos2_count_every_message() {
    let b = Broker::plain();
    for qos in ["1", "2"] {
        let s = summary_of(&mut bench(
            &b,
            "pubsub",
            &["-c", "5", "-q", qos, "--count", "200", "-s", "64"],
        ));
        assert_eq!(s["type"], "summary");
        assert_eq!(s["scenario"], "pubsub");
        assert_eq!(
            (u(&s, "sent"), u(&s, "acked"), u(&s, "received")),
            (1000, 1000, 1000),
            "{s}"
        );
        assert_eq!(
            (
                u(&s, "expected"),
                u(&s, "lost"),
                u(&s, "duplicated"),
                u(&s, "reordered")
            ),
            (1000, 0, 0, 0),
            "{s}"
        );
        assert_eq!(s["loss_exact"], true);
        assert_eq!(
            (
                u(&s, "connected"),
                u(&s, "publishers"),
                u(&s, "subscribers")
            ),
            (6, 5, 1)
        );
        assert_eq!(u(&s, "unacked"), 0);
        assert_eq!(s["complete"], true);
        assert_eq!(s["payload_size"], 64);
        let lat = &s["latency_us"];
        assert_eq!(u(&lat["end_to_end"], "count"), 1000);
        assert_eq!(u(&lat["publish_to_ack"], "count"), 1000);
        assert_eq!(u(&lat["connect"], "count"), 6);
        let e2e = &lat["end_to_end"];
        assert!(
            u(e2e, "p50") <= u(e2e, "p99") && u(e2e, "p99") <= u(e2e, "max"),
            "{e2e}"
        );
        assert!(s["histograms"]["end_to_end"].is_string());
        assert!(s["cpu"]["percent"].as_f64().is_some());
        assert!(u(&s, "peak_rss_bytes") > 0);
    }
}

/// As fast as possible, idle threads wait before sleeping on their sockets (`--coalesce`,
/// adjusted every 100 ms while publishing): every message is still counted, at QoS 0 and 1,
/// with the waiting on and off.
#[test]
fn flood_counts_every_message_with_and_without_coalescing() {
    let b = Broker::plain();
    for (qos, coalesce) in [("1", "500us"), ("0", "500us"), ("1", "0")] {
        let s = summary_of(&mut bench(
            &b,
            "pubsub",
            &[
                "-c",
                "10",
                "-q",
                qos,
                "--count",
                "3000",
                "-s",
                "64",
                "--coalesce",
                coalesce,
            ],
        ));
        let key = format!("q{qos} --coalesce {coalesce}");
        assert_eq!(
            (u(&s, "sent"), u(&s, "received"), u(&s, "lost")),
            (30_000, 30_000, 0),
            "{key}: {s}"
        );
        assert_eq!((u(&s, "duplicated"), u(&s, "reordered")), (0, 0), "{key}");
        assert_eq!(s["complete"], true, "{key}");
        if qos == "1" {
            assert_eq!((u(&s, "acked"), u(&s, "unacked")), (30_000, 0), "{key}");
        }
    }
}

#[test]
fn pubsub_over_every_transport_version_and_auth() {
    let b = Broker::start(
        BrokerConfig::all_listeners()
            .users(&[("bench", "s3cret")])
            .allow_anonymous(false),
    );
    let ca = b.ca_file().to_str().unwrap().to_string();
    let cert = b.client_cert().to_str().unwrap().to_string();
    let key = b.client_key().to_str().unwrap().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec!["-V".into(), "3.1.1".into()],
        vec!["-V".into(), "3.1".into()],
        vec![],
        vec!["-L".into(), b.url("mqtts"), "--cafile".into(), ca.clone()],
        vec![
            "-L".into(),
            b.url("mtls"),
            "--cafile".into(),
            ca.clone(),
            "--cert".into(),
            cert,
            "--key".into(),
            key,
        ],
        vec!["-L".into(), b.url("ws")],
        vec!["-L".into(), b.url("wss"), "--cafile".into(), ca],
    ];
    for extra in cases {
        // Every case authenticates: the broker takes no anonymous clients.
        let mut args: Vec<&str> = vec![
            "-c", "3", "-q", "1", "--count", "50", "-u", "bench", "-P", "s3cret",
        ];
        args.extend(extra.iter().map(String::as_str));
        let s = summary_of(&mut bench(&b, "pubsub", &args));
        assert_eq!(
            (u(&s, "sent"), u(&s, "received"), u(&s, "lost")),
            (150, 150, 0),
            "{extra:?}: {s}"
        );
        assert_eq!(u(&s, "connect_failed"), 0, "{extra:?}: {s}");
    }
}

#[test]
fn separate_pub_and_sub_processes() {
    let b = Broker::plain();
    let mut sub = Spawned::spawn(&mut bench(
        &b,
        "sub",
        &[
            "-t",
            "bench/#",
            "-q",
            "1",
            "--limit",
            "600",
            "--duration",
            "20s",
        ],
    ));
    sub.wait_for_json(
        |v| v["type"] == "tick" && v["connected"] == 1,
        Duration::from_secs(5),
    );
    let p = summary_of(&mut bench(
        &b,
        "pub",
        &["-c", "3", "-q", "1", "--count", "200", "-t", "bench/%i/%s"],
    ));
    assert_eq!(
        (u(&p, "sent"), u(&p, "acked"), u(&p, "received")),
        (600, 600, 0),
        "{p}"
    );
    assert_eq!(p["subscribers"], 0);
    let done = sub.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let values: Vec<Value> = done
        .lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let s = values
        .iter()
        .find(|v| v["type"] == "summary")
        .expect("summary");
    assert_eq!(
        (
            u(s, "received"),
            u(s, "expected"),
            u(s, "lost"),
            u(s, "duplicated")
        ),
        (600, 600, 0, 0),
        "{s}"
    );
    assert_eq!(s["loss_exact"], false);
    assert_eq!(u(&s["latency_us"]["end_to_end"], "count"), 600);
}

#[test]
fn loss_is_reported_when_the_broker_drops_messages() {
    // A subscriber that takes one message at a time and a queue of 10: a burst overflows it.
    let b = Broker::start(BrokerConfig::new().max_queued_messages(10));
    let out = cmd::run(
        &mut bench(
            &b,
            "pubsub",
            &[
                "-c",
                "5",
                "-q",
                "1",
                "--count",
                "2000",
                "--receive-maximum",
                "1",
                "--max-inflight",
                "100",
                "-s",
                "32",
                // What is lost never comes: do not wait the whole 5 s for it.
                "--drain",
                "1s",
            ],
        ),
        T,
    );
    // Lost QoS 1 messages fail the run.
    assert_code(&out, 1);
    assert!(
        cmd::stderr(&out).contains("QoS 1 messages were lost"),
        "{}",
        describe(&out)
    );
    let s = last_summary(&out);
    assert_eq!(s["complete"], false, "{s}");
    let (sent, received, lost) = (u(&s, "sent"), u(&s, "received"), u(&s, "lost"));
    assert_eq!(sent, 10_000, "{s}");
    assert_eq!(
        u(&s, "acked"),
        sent,
        "the broker acknowledges what it then drops: {s}"
    );
    assert!(lost > 0, "nothing was dropped: {s}\n{}", b.log());
    assert_eq!(u(&s, "duplicated"), 0, "{s}");
    assert_eq!(lost, sent - received, "{s}");
    assert_eq!(u(&s, "expected"), sent);
}

#[test]
fn rate_holds_its_target() {
    let b = Broker::plain();
    let s = summary_of(&mut bench(
        &b,
        "pub",
        &["-c", "4", "--rate", "2000", "--duration", "2s"],
    ));
    let rate = s["throughput"]["sent_per_s"].as_f64().unwrap();
    assert!((rate - 2000.0).abs() / 2000.0 < 0.03, "rate {rate}: {s}");
    let sent = u(&s, "sent");
    assert!((3900..=4100).contains(&sent), "{s}");
    assert_eq!(s["measured_s"], 2.0);

    // -I per client: 5 clients every 10 ms = 500/s.
    let s = summary_of(&mut bench(
        &b,
        "pubsub",
        &["-c", "5", "-I", "10ms", "--duration", "1s", "-q", "1"],
    ));
    let rate = s["throughput"]["sent_per_s"].as_f64().unwrap();
    assert!((rate - 500.0).abs() / 500.0 < 0.05, "rate {rate}: {s}");
    assert_eq!(u(&s, "lost"), 0, "{s}");
}

#[test]
fn conn_holds_5000_connections_over_several_source_addresses() {
    let b = Broker::plain();
    let out = cmd::run(
        &mut bench(
            &b,
            "conn",
            &[
                "-c",
                "5000",
                "--source-ip",
                "127.0.0.1-127.0.0.4",
                "--duration",
                "1s",
                "-k",
                "30",
            ],
        ),
        Duration::from_secs(60),
    );
    assert_success(&out);
    let s = last_summary(&out);
    assert_eq!(
        (u(&s, "connected"), u(&s, "connect_failed")),
        (5000, 0),
        "{s}"
    );
    assert_eq!(u(&s["latency_us"]["connect"], "count"), 5000);
    let values = json_lines(&out.stdout);
    assert!(
        records(&values, "tick")
            .iter()
            .any(|t| t["connected"] == 5000),
        "no tick saw all 5000 connected"
    );
}

#[test]
fn connect_failures_are_counted_by_reason() {
    let b = Broker::start(
        BrokerConfig::new()
            .users(&[("u", "p")])
            .allow_anonymous(false),
    );
    let out = cmd::run(
        &mut bench(&b, "conn", &["-c", "3", "--duration", "0.2s"]),
        T,
    );
    // Refused by the broker: exit 4, as for `mqtt conn`.
    assert_code(&out, 4);
    let s = last_summary(&out);
    assert_eq!(u(&s, "connect_failed"), 3, "{s}");
    assert_eq!(s["connect_failures"]["refused_not_authorized"], 3, "{s}");
    let closed = cmd::run(
        cmd::mqtt().args(["bench", "conn", "-h", "127.0.0.1", "-p", "1", "-c", "2"]),
        T,
    );
    assert_code(&closed, 3);
    assert_eq!(
        last_summary(&closed)["connect_failures"]["connection_refused"],
        2
    );
}

#[test]
fn interrupt_prints_the_summary() {
    let b = Broker::plain();
    let mut p = Spawned::spawn(&mut bench(
        &b,
        "pub",
        &["-c", "2", "--rate", "100", "--duration", "60s", "-q", "1"],
    ));
    p.wait_for_record("tick", Duration::from_secs(5));
    p.signal(libc::SIGINT);
    let done = p.wait(Duration::from_secs(10));
    assert_eq!(done.code(), Some(130), "{}", done.stderr);
    let s: Value = serde_json::from_str(done.lines.last().unwrap()).unwrap();
    assert_eq!(s["type"], "summary");
    assert_eq!(s["complete"], false);
    assert!(u(&s, "sent") > 0);

    // Without an end, Ctrl-C is the normal end.
    let mut c = Spawned::spawn(&mut bench(&b, "conn", &["-c", "2"]));
    c.wait_for_json(
        |v| v["type"] == "tick" && v["connected"] == 2,
        Duration::from_secs(5),
    );
    c.signal(libc::SIGINT);
    let done = c.wait(Duration::from_secs(10));
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
}

#[test]
fn merge_adds_shards_and_keeps_percentiles() {
    let b = Broker::plain();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let base = ["-c", "4", "-q", "1", "--count", "100"];

    let single = summary_of(&mut bench(
        &b,
        "pubsub",
        &[&base[..], &["--json", &path("single.json")]].concat(),
    ));
    let merge = |files: &[String]| {
        let mut c = cmd::mqtt();
        c.args(["bench", "merge"]).args(files);
        let out = cmd::run(&mut c, T);
        assert_success(&out);
        last_summary(&out)
    };
    // Merged with itself: counts double, percentiles stay.
    let twice = merge(&[path("single.json"), path("single.json")]);
    for key in [
        "sent",
        "acked",
        "received",
        "expected",
        "publishers",
        "subscribers",
        "connected",
    ] {
        assert_eq!(u(&twice, key), 2 * u(&single, key), "{key}");
    }
    for p in ["p50", "p90", "p99", "p99_9", "max"] {
        for h in ["end_to_end", "publish_to_ack", "connect"] {
            assert_eq!(
                twice["latency_us"][h][p], single["latency_us"][h][p],
                "{h} {p}"
            );
        }
    }
    assert_eq!(u(&twice["latency_us"]["end_to_end"], "count"), 800);

    // Two shards of the same load: their merge equals the single run's counts.
    for k in 0..2 {
        let shard = format!("{k}/2");
        summary_of(&mut bench(
            &b,
            "pubsub",
            &[
                &base[..],
                &["--shard", &shard, "--json", &path(&format!("s{k}.json"))],
            ]
            .concat(),
        ));
    }
    let m = merge(&[path("s0.json"), path("s1.json")]);
    for key in [
        "sent",
        "acked",
        "received",
        "expected",
        "lost",
        "publishers",
    ] {
        assert_eq!(u(&m, key), u(&single, key), "{key}: {m}");
    }
    assert_eq!(m["shards"], serde_json::json!(["0/2", "1/2"]));
    assert_eq!(u(&m["latency_us"]["end_to_end"], "count"), 400);
    assert_eq!(m["loss_exact"], true);
}

#[test]
fn usage_errors_come_before_connecting() {
    let b = Broker::plain();
    for args in [
        &["-s", "10"][..],
        &["--shard", "2/2"],
        &["-t", "a/#"],
        &["-c", "2", "-i", "fixed-id"],
        &["--source-ip", "127.0.0.2-127.0.0.1"],
    ] {
        let out = cmd::run(&mut bench(&b, "pub", args), T);
        assert_code(&out, 2);
        assert!(out.stdout.is_empty(), "{args:?}: {}", describe(&out));
    }
    let out = cmd::run(cmd::mqtt().args(["bench", "merge", "/nonexistent.json"]), T);
    assert_code(&out, 2);
}

#[test]
fn a_json_file_that_cannot_be_created_is_a_usage_error_before_connecting() {
    // Nothing listens on port 1: a run that tried to connect would fail to connect (exit 3).
    let out = cmd::run(
        cmd::mqtt()
            .args(["bench", "pub", "-h", "127.0.0.1", "-p", "1", "-C", "1"])
            .args(["--json", "/nonexistent-directory/summary.json"]),
        T,
    );
    assert_code(&out, 2);
    assert!(out.stdout.is_empty(), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot create --json"),
        "{}",
        describe(&out)
    );
}

/// mosquitto's own counts of what it received, watched by a mosquitto_sub:
/// `$SYS/broker/publish/messages/received` (PUBLISH packets of QoS 0 and 1; mosquitto 2.0.11
/// leaves QoS 2 out) and `$SYS/broker/messages/received` (every packet: CONNECT, PUBLISH,
/// PUBREL, PINGREQ, DISCONNECT ...). mosquitto publishes them every `sys_interval` (1 s here)
/// when they changed (retained, but expiring after 60 s, so the watcher runs for the whole
/// test; its keep-alive is long enough that it sends nothing meanwhile).
struct BrokerReceived {
    watcher: Spawned,
    /// The last value seen of each counter (a fresh broker has received nothing).
    publishes: u64,
    packets: u64,
}

impl BrokerReceived {
    const PUBLISHES: &'static str = "$SYS/broker/publish/messages/received";
    const PACKETS: &'static str = "$SYS/broker/messages/received";

    /// A broker that publishes its `$SYS` counters every second, and its watcher.
    fn start() -> (Broker, BrokerReceived) {
        let b = Broker::start(BrokerConfig::new().extra("sys_interval 1"));
        let mut c = Command::new(crate::support::broker::find_program("mosquitto_sub"));
        c.args(["-h", "127.0.0.1", "-p", &b.port().to_string(), "-k", "3600"])
            .args(["-v", "-t", Self::PUBLISHES, "-t", Self::PACKETS]);
        let mut watcher = Spawned::spawn(&mut c);
        // Its own CONNECT and SUBSCRIBE count as packets: wait until they have been counted.
        let packets = loop {
            let line = watcher.wait_for_line(|l| l.starts_with(Self::PACKETS), T);
            let n = Self::value(&line);
            if n >= 2 {
                break n;
            }
        };
        let rx = BrokerReceived {
            watcher,
            publishes: 0,
            packets,
        };
        (b, rx)
    }

    fn value(line: &str) -> u64 {
        line.rsplit(' ')
            .next()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("unexpected $SYS line {line:?}"))
    }

    /// How much each counter rose: read until the one that `wanted` is about has risen by
    /// `wanted.1`, then one second and a half longer for a value beyond it (or until they
    /// stopped changing for 3 s).
    fn rise(&mut self, wanted: (&str, u64)) -> (u64, u64) {
        let (publishes, packets) = (self.publishes, self.packets);
        let target = wanted.1
            + if wanted.0 == Self::PACKETS {
                packets
            } else {
                publishes
            };
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        let mut quiet_until = std::time::Instant::now() + Duration::from_secs(3);
        loop {
            let now = std::time::Instant::now();
            if now >= deadline.min(quiet_until) {
                break;
            }
            let Some(line) = self.watcher.next_line(quiet_until.min(deadline) - now) else {
                continue;
            };
            let value = Self::value(&line);
            if line.starts_with(Self::PUBLISHES) {
                self.publishes = value;
            } else {
                self.packets = value;
            }
            let reached = if wanted.0 == Self::PACKETS {
                self.packets
            } else {
                self.publishes
            } >= target;
            quiet_until = std::time::Instant::now()
                + Duration::from_millis(if reached { 1500 } else { 3000 });
        }
        (self.publishes - publishes, self.packets - packets)
    }
}

/// `sent` is what reached the broker, counted by the broker itself: a message counts once its
/// bytes are written to the socket, and a connection closes only after the broker took all
/// of it (a close with unread data resets the connection, and the reset discards what is
/// queued). Before, 100 QoS 0 publishers reported 100,000 sent when mosquitto had received
/// 51,200 (512 per connection).
#[test]
fn sent_equals_what_the_broker_received_at_every_qos_and_number_of_connections() {
    let (b, mut rx) = BrokerReceived::start();
    let cases: &[(&str, u64, &[&str])] = &[
        ("0", 1, &["--limit", "20000"]),
        ("0", 10, &["--limit", "20000"]),
        ("0", 100, &["--limit", "100000"]),
        ("0", 100, &["--duration", "1s"]),
        ("1", 1, &["--limit", "5000"]),
        ("1", 10, &["--limit", "10000"]),
        ("1", 100, &["--limit", "10000"]),
        ("1", 10, &["--duration", "1s"]),
        ("2", 1, &["--limit", "3000"]),
        ("2", 10, &["--limit", "5000"]),
        ("2", 100, &["--limit", "5000"]),
    ];
    for &(qos, clients, end) in cases {
        let c = clients.to_string();
        let mut args = vec!["-c", &c, "-q", qos, "-t", "d/%i"];
        args.extend_from_slice(end);
        let s = summary_of(&mut bench(&b, "pub", &args));
        let sent = u(&s, "sent");
        if qos == "2" {
            // Each connection: CONNECT, a PUBLISH and a PUBREL per message, DISCONNECT.
            let (_, packets) = rx.rise((BrokerReceived::PACKETS, 2 * sent + 2 * clients));
            assert_eq!(
                packets,
                2 * sent + 2 * clients,
                "{args:?}: sent {sent}, the broker received {packets} packets: {s}"
            );
        } else {
            let (publishes, _) = rx.rise((BrokerReceived::PUBLISHES, sent));
            assert_eq!(
                sent, publishes,
                "{args:?}: sent {sent}, the broker received {publishes}: {s}"
            );
        }
        assert_eq!(s["complete"], true, "{args:?}: {s}");
        if let ["--limit", limit] = end {
            assert_eq!(sent, limit.parse::<u64>().unwrap(), "{args:?}: {s}");
            // The rate is of these messages over the measured time.
            let rate = s["throughput"]["sent_per_s"].as_f64().unwrap();
            let measured = s["measured_s"].as_f64().unwrap();
            let counted = rate * measured;
            assert!(
                (counted - sent as f64).abs() <= 0.01 * sent as f64 + 10.0,
                "{args:?}: {rate}/s over {measured} s is {counted:.0} messages, not {sent}: {s}"
            );
        }
    }
}

/// MQTT 3.1/3.1.1 has no Receive Maximum, and mosquitto (20 QoS 2 messages in flight by
/// default) handles those beyond its limit badly: with its default queue limit it acknowledges
/// them and drops them without a word (3,298-4,679 of 20,000 lost with a window of 32), with
/// `max_queued_messages 0` (this harness) it closes the connection. Without `--max-inflight`
/// the window is 20 there, and nothing is lost.
#[test]
fn qos2_over_mqtt_3_loses_nothing_into_mosquittos_in_flight_limit() {
    let b = Broker::plain();
    let run = |extra: &[&str]| {
        let mut args = vec!["-c", "10", "-q", "2", "--count", "1000"];
        args.extend_from_slice(extra);
        let out = cmd::run(&mut bench(&b, "pubsub", &args), T);
        (last_summary(&out), out)
    };
    for version in ["3.1.1", "3.1"] {
        let (s, out) = run(&["-V", version]);
        assert_success(&out);
        assert_eq!(
            (
                u(&s, "sent"),
                u(&s, "acked"),
                u(&s, "received"),
                u(&s, "lost")
            ),
            (10_000, 10_000, 10_000, 0),
            "-V {version}: {s}"
        );
        assert_eq!(s["errors"], serde_json::json!({}), "-V {version}: {s}");
    }
    // --max-inflight still decides: above mosquitto's limit, the broker cuts the publishers off.
    let (s, out) = run(&["-V", "3.1.1", "--max-inflight", "32"]);
    assert_code(&out, 1);
    assert!(
        u(&s["errors"], "connection_lost") > 0 && u(&s, "lost") > 0,
        "{s}\n{}",
        describe(&out)
    );
}

/// mosquitto with `max_packet_size 256` announces it to MQTT 5 clients; a run whose PUBLISH
/// packets cannot fit stops at the first CONNACK, before publishing, as a usage error naming
/// the limit and the payload size that fits. Before, the default 256-byte payload made the
/// broker disconnect every publisher, and the run exited 0, "complete".
#[test]
fn a_payload_beyond_the_brokers_maximum_packet_size_is_a_usage_error_naming_the_limit() {
    let b = Broker::start(BrokerConfig::new().max_packet_size(256));
    for (scenario, args) in [
        ("pub", &["-c", "2", "-q", "1", "--count", "10"][..]),
        ("pubsub", &["-c", "2", "-q", "1", "--count", "10"]),
    ] {
        let out = cmd::run(&mut bench(&b, scenario, args), T);
        assert_code(&out, 2);
        let err = cmd::stderr(&out);
        assert!(
            err.contains("Maximum Packet Size is 256 bytes") && err.contains("use -s 241 or less"),
            "{scenario}: {}",
            describe(&out)
        );
        assert!(
            records(&json_lines(&out.stdout), "summary").is_empty(),
            "{scenario}: {}",
            describe(&out)
        );
    }
    assert!(
        !b.log().contains("disconnected due to malformed packet")
            && !b.log().to_lowercase().contains("too large"),
        "the broker saw an oversized packet:\n{}",
        b.log()
    );
    // What fits is sent: 1 + 2 + 2 + "bench/0" + 2 + 1 + 241 = 256 bytes.
    let s = summary_of(&mut bench(
        &b,
        "pub",
        &["-c", "2", "-q", "1", "--count", "10", "-s", "241"],
    ));
    assert_eq!((u(&s, "sent"), u(&s, "acked")), (20, 20), "{s}");
    assert_eq!(s["errors"], serde_json::json!({}), "{s}");
}

/// A run whose clients the broker cut off is not complete and exits 1: over MQTT 3.1.1
/// nothing announces mosquitto's `max_packet_size`, and it closes the connection of each
/// publisher whose PUBLISH is too large. Before, that run exited 0, "complete".
#[test]
fn clients_cut_off_by_the_broker_fail_the_run() {
    let b = Broker::start(BrokerConfig::new().max_packet_size(256));
    let out = cmd::run(
        &mut bench(
            &b,
            "pub",
            &["-V", "3.1.1", "-c", "2", "-q", "1", "--count", "10"],
        ),
        T,
    );
    assert_code(&out, 1);
    let s = last_summary(&out);
    assert_eq!(s["complete"], false, "{s}");
    assert_eq!(u(&s["errors"], "connection_lost"), 2, "{s}");
    assert!(
        cmd::stderr(&out).contains("clients were cut off or failed (connection_lost 2)"),
        "{}",
        describe(&out)
    );
}

/// Connections that could not be made fail the run (exit 3) even when others ran: here half
/// of the clients go to a port where nothing listens.
#[test]
fn connections_that_fail_fail_the_run() {
    let b = Broker::plain();
    let hosts = format!("127.0.0.1:{},127.0.0.1:1", b.port());
    let out = cmd::run(
        cmd::mqtt().args(["bench", "pub", "-h", &hosts, "-c", "4", "--count", "10"]),
        T,
    );
    assert_code(&out, 3);
    let s = last_summary(&out);
    assert_eq!((u(&s, "connected"), u(&s, "connect_failed")), (2, 2), "{s}");
    assert_eq!(u(&s, "sent"), 20, "{s}");
    assert_eq!(s["complete"], false, "{s}");
    assert!(
        cmd::stderr(&out).contains("2 of 4 connections failed (connection_refused 2)"),
        "{}",
        describe(&out)
    );
}

#[test]
fn ticks_nobody_reads_are_skipped_and_the_summary_waits_for_the_reader() {
    // The first tick meets a full pipe and the second waits behind it: the third (at 3 s) is
    // skipped, the run ends at its duration, and the summary is written once the pipe is read.
    let b = Broker::plain();
    let (unread, stdout) = cmd::full_pipe();
    let mut child = bench(
        &b,
        "pub",
        &["-c", "1", "--duration", "4s", "--threads", "1"],
    )
    .stdout(Stdio::from(stdout))
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let stderr = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    std::thread::sleep(Duration::from_millis(5500));
    let stdout = std::thread::spawn(move || {
        let mut data = Vec::new();
        let _ = std::fs::File::from(unread).read_to_end(&mut data);
        data
    });
    let read_from = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if read_from.elapsed() > Duration::from_secs(3) {
            let _ = child.kill();
            panic!("still running 3 s after its stdout was read");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = Output {
        status,
        // What the test filled the pipe with comes first.
        stdout: stdout
            .join()
            .unwrap()
            .into_iter()
            .skip_while(|&c| c == b'x')
            .collect(),
        stderr: stderr.join().unwrap().into_bytes(),
    };
    assert_success(&out);
    let ticks = records(&json_lines(&out.stdout), "tick").len();
    assert!((1..4).contains(&ticks), "{ticks} ticks\n{}", describe(&out));
    let summary = last_summary(&out);
    assert_eq!(summary["complete"], true);
    assert!(u(&summary, "sent") > 0);
    assert!(
        cmd::stderr(&out).contains("tick record(s) skipped: stdout did not take them"),
        "{}",
        describe(&out)
    );
}
