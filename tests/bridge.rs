//! `mqtt bridge` (issue #15) between two real mosquittos the harness starts (and on one):
//! properties, retain and mapping kept; both brokers restarted mid-stream with --no-clean at
//! QoS 1 and 2 lose nothing, and QoS 2 duplicates nothing; loop prevention on one broker.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::support::cmd::{self, records};
use crate::support::subscribed::{spawn_sub, wait_subscribed};
use crate::support::{mqtt, Broker, BrokerConfig, Spawned};

const T: Duration = Duration::from_secs(20);

/// `mqtt bridge --from A --to B -i ID ARGS`, once subscribed to its `-t` filters on A.
fn spawn_bridge(a: &Broker, b: &Broker, id: &str, args: &[&str]) -> Spawned {
    let filters = args.iter().filter(|x| **x == "-t").count();
    let s = Spawned::spawn(
        mqtt()
            .args([
                "bridge",
                "--from",
                &a.url("mqtt"),
                "--to",
                &b.url("mqtt"),
                "-i",
                id,
            ])
            .args(args),
    );
    wait_subscribed(a, &format!("{id}-from"), filters);
    s
}

fn publish(b: &Broker, args: &[&str]) {
    let out = cmd::run(mqtt().args(["pub", "-L", &b.url("mqtt")]).args(args), T);
    cmd::assert_success(&out);
}

#[test]
fn bridge_carries_properties_retain_and_qos_to_the_mapped_topic() {
    let a = Broker::plain();
    let b = Broker::plain();
    let mut s = spawn_sub(&b, "br-props-sub", &["-t", "dst/#", "-q", "2"]);
    let tee = b.dir().join("tee.jsonl");
    let br = spawn_bridge(
        &a,
        &b,
        "br-props",
        &[
            "-t",
            "src/#",
            "--map",
            "src/#=dst/#",
            "--tee",
            tee.to_str().unwrap(),
        ],
    );
    publish(
        &a,
        &[
            "-t",
            "src/x/y",
            "-q",
            "2",
            "-r",
            "-m",
            "hello",
            "--content-type",
            "text/plain",
            "--user-property",
            "k=v",
            "--response-topic",
            "re/ply",
            "--correlation-data",
            "c1",
            "--message-expiry",
            "300",
        ],
    );
    let m = s.wait_for_record("message", T);
    assert_eq!(m["topic"], "dst/x/y");
    assert_eq!(m["payload"], "hello");
    assert_eq!(m["qos"], 2);
    let p = &m["properties"];
    assert_eq!(p["content_type"], "text/plain");
    assert_eq!(p["user_properties"], serde_json::json!([["k", "v"]]));
    assert_eq!(p["response_topic"], "re/ply");
    assert_eq!(p["correlation_data"], "c1");
    assert!(
        p["message_expiry_interval"]
            .as_u64()
            .is_some_and(|e| e <= 300),
        "{m}"
    );
    // Retained on the downstream broker too: a new subscriber gets it.
    let out = cmd::run(
        mqtt().args([
            "sub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "dst/x/y",
            "--retained-only",
        ]),
        T,
    );
    cmd::assert_success(&out);
    let got = cmd::json_lines(&out.stdout);
    assert_eq!(records(&got, "message").len(), 1, "{}", cmd::stdout(&out));
    br.signal(libc::SIGINT);
    let done = br.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let ticks = done.json();
    let last = records(&ticks, "bridged")
        .last()
        .copied()
        .cloned()
        .expect("a bridged record");
    assert_eq!(
        (last["received"].as_u64(), last["forwarded"].as_u64()),
        (Some(1), Some(1)),
        "{last}"
    );
    assert_eq!(last["end"], true);
    let teed = cmd::json_lines(&std::fs::read(&tee).unwrap());
    assert_eq!(teed.len(), 1, "{teed:?}");
    assert_eq!(
        (&teed[0]["type"], &teed[0]["topic"], &teed[0]["payload"]),
        (&"message".into(), &"src/x/y".into(), &"hello".into())
    );
}

#[test]
fn bridge_loses_nothing_when_both_brokers_restart_mid_stream_at_qos_1_and_2() {
    for qos in ["1", "2"] {
        let mut a = Broker::start(BrokerConfig::new().persistence());
        let mut b = Broker::start(BrokerConfig::new().persistence());
        let sub_id = format!("brr-sub-{qos}");
        let mut s = spawn_sub(
            &b,
            &sub_id,
            &[
                "-t",
                "out/#",
                "-q",
                qos,
                "--no-clean",
                "--reconnect-delay",
                "50ms",
                "--format",
                "{payload}",
            ],
        );
        let br = spawn_bridge(
            &a,
            &b,
            &format!("brr-{qos}"),
            &[
                "-t",
                "in/#",
                "-q",
                qos,
                "--map",
                "in/#=out/#",
                "--no-clean",
                "--reconnect-delay",
                "50ms",
                "--quiet",
            ],
        );
        let mut p = Spawned::spawn_with_stdin(mqtt().args([
            "pub",
            "-L",
            &a.url("mqtt"),
            "-i",
            &format!("brr-pub-{qos}"),
            "--no-clean",
            "-t",
            "in/a",
            "-q",
            qos,
            "-l",
            "--interval",
            "2ms",
            "--reconnect-delay",
            "50ms",
            "--no-output",
        ]));
        let lines: String = (1..=500).map(|i| format!("{i}\n")).collect();
        {
            use std::io::Write;
            p.stdin().write_all(lines.as_bytes()).unwrap();
        }
        let mut got = Vec::new();
        while got.len() < 100 {
            got.push(s.wait_for_line(|_| true, T));
        }
        a.restart();
        while got.len() < 200 {
            got.push(s.wait_for_line(|_| true, T));
        }
        b.restart();
        let done = p.wait(Duration::from_secs(30));
        assert_eq!(done.code(), Some(0), "qos {qos}: {}", done.stderr);
        while got.iter().collect::<BTreeSet<_>>().len() < 500 {
            match s.next_line(T) {
                Some(l) => got.push(l),
                None => panic!(
                    "qos {qos}: {} of 500 distinct messages\nsub: {}\nbroker a: {}",
                    got.iter().collect::<BTreeSet<_>>().len(),
                    s.stderr(),
                    a.log()
                ),
            }
        }
        let want: BTreeSet<String> = (1..=500).map(|i| i.to_string()).collect();
        assert_eq!(
            got.iter().cloned().collect::<BTreeSet<_>>(),
            want,
            "qos {qos}"
        );
        br.signal(libc::SIGINT);
        let bd = br.wait(T);
        assert_eq!(bd.code(), Some(0), "qos {qos}: {}", bd.stderr);
        assert!(
            bd.stderr
                .contains("--from reconnected (session present: true)"),
            "{}",
            bd.stderr
        );
        assert!(
            bd.stderr
                .contains("--to reconnected (session present: true)"),
            "{}",
            bd.stderr
        );
        if qos == "2" {
            // Exactly once: after the bridge is gone, a last message straight to b comes after
            // anything the bridge sent; nothing before it is a second copy.
            publish(&b, &["-t", "out/a", "-q", "2", "-m", "end"]);
            loop {
                let l = s.wait_for_line(|_| true, T);
                if l == "end" {
                    break;
                }
                got.push(l);
            }
            assert_eq!(got.len(), 500, "duplicates at QoS 2");
        }
        s.signal(libc::SIGTERM);
        s.wait(T);
    }
}

#[test]
fn bridge_on_one_broker_marks_what_it_forwards_and_does_not_take_it_again() {
    let a = Broker::plain();
    let mut s = spawn_sub(
        &a,
        "br-loop-sub",
        &["-t", "lp/#", "-q", "1", "--format", "{topic}"],
    );
    let mut br = spawn_bridge(
        &a,
        &a,
        "br-loop",
        &["-t", "lp/#", "-q", "1", "--map", "lp/#=lp/out/#"],
    );
    publish(&a, &["-t", "lp/x", "-q", "1", "-m", "m"]);
    // The forwarded copy matches lp/# again: it is skipped, not carried to lp/out/out/x.
    br.wait_for_json(
        |v| v["type"] == "bridged" && v["skipped"] == 1 && v["forwarded"] == 1,
        T,
    );
    let topics: BTreeSet<String> =
        [s.wait_for_line(|_| true, T), s.wait_for_line(|_| true, T)].into();
    assert_eq!(topics, ["lp/out/x".to_string(), "lp/x".to_string()].into());
    br.signal(libc::SIGINT);
    let done = br.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(
        records(&done.json(), "bridged")
            .iter()
            .all(|r| r["forwarded"].as_u64() <= Some(1)),
        "a loop"
    );
}

#[test]
fn bridge_refuses_no_clean_without_a_client_id_and_a_bad_map_as_usage_errors() {
    let a = Broker::plain();
    let url = a.url("mqtt");
    let base = [
        "bridge",
        "--from",
        url.as_str(),
        "--to",
        url.as_str(),
        "-t",
        "x/#",
    ];
    let out = cmd::run(mqtt().args(base).arg("--no-clean"), T);
    cmd::assert_code(&out, 2);
    assert!(cmd::stderr(&out).contains("-i"), "{}", cmd::stderr(&out));
    let out = cmd::run(mqtt().args(base).args(["--map", "a/+/b=c/#"]), T);
    cmd::assert_code(&out, 2);
    assert_eq!(
        cmd::stderr(&out).lines().count(),
        1,
        "{}",
        cmd::stderr(&out)
    );
}

#[test]
fn bridge_takes_each_broker_from_a_profile_by_name() {
    let a = Broker::plain();
    let b = Broker::plain();
    let file = b.dir().join("bridge-profiles.toml");
    std::fs::write(
        &file,
        format!(
            "[edge]\nurl = \"{}\"\n\n[cloud]\nurl = \"{}\"\n",
            a.url("mqtt"),
            b.url("mqtt")
        ),
    )
    .unwrap();
    let mut s = spawn_sub(&b, "br-prof-sub", &["-t", "pf/#", "-q", "1"]);
    let br = Spawned::spawn(mqtt().args([
        "bridge",
        "--config",
        file.to_str().unwrap(),
        "--from",
        "edge",
        "--to",
        "cloud",
        "-t",
        "pf/#",
        "-i",
        "br-prof",
    ]));
    wait_subscribed(&a, "br-prof-from", 1);
    publish(&a, &["-t", "pf/1", "-q", "1", "-m", "via profiles"]);
    assert_eq!(s.wait_for_record("message", T)["payload"], "via profiles");
    br.signal(libc::SIGINT);
    let done = br.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let out = cmd::run(
        mqtt().args([
            "bridge",
            "--config",
            file.to_str().unwrap(),
            "--from",
            "nowhere",
            "--to",
            "cloud",
            "-t",
            "x",
        ]),
        T,
    );
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("nowhere"),
        "{}",
        cmd::stderr(&out)
    );
}
