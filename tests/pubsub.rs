//! `mqtt pub` and `mqtt sub` against a real mosquitto (and mosquitto's own clients), plus the
//! fake broker for SUBACK refusals and topic aliases: interop, the sub | pub --jsonl bridge,
//! every stop condition and exit code, retained-message handling, output formats, sources.
//!
//! Readiness is awaited, never slept for: a subscriber is ready once the broker has logged its
//! subscription (`<client id> <qos> <filter>`, mosquitto's `log_type subscribe`).
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

use crate::support::broker::{find_program, Broker, BrokerConfig};
use crate::support::cmd::{self, mqtt, Spawned};
use crate::support::fake::{packets, FakeBroker, Step};
use crate::support::subscribed::{spawn_sub, subscriptions, wait_subscribed};

const T: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `mosquitto_sub -i <id> <args>` against the broker, returned once subscribed.
fn spawn_mosquitto_sub(b: &Broker, id: &str, args: &[&str]) -> Spawned {
    let before = subscriptions(&b.log(), id);
    let filters = args.iter().filter(|a| **a == "-t").count();
    let s = Spawned::spawn(
        Command::new(find_program("mosquitto_sub"))
            .args(["-h", "127.0.0.1", "-p", &b.port().to_string(), "-i", id])
            .args(args)
            .stdin(Stdio::null()),
    );
    wait_subscribed(b, id, before + filters);
    s
}

/// `mqtt pub -L <broker> <args>`; must succeed.
#[track_caller]
fn publish(b: &Broker, args: &[&str]) -> Output {
    let out = cmd::run_default(mqtt().args(["pub", "-L", &b.url("mqtt")]).args(args));
    cmd::assert_success(&out);
    out
}

/// `mqtt pub -L <broker> <args>` with `input` on stdin; must succeed.
#[track_caller]
fn publish_stdin(b: &Broker, args: &[&str], input: &[u8]) -> Output {
    let out = cmd::run_with_stdin(
        mqtt().args(["pub", "-L", &b.url("mqtt")]).args(args),
        input,
        cmd::TIMEOUT,
    );
    cmd::assert_success(&out);
    out
}

/// `mosquitto_pub <args>` against the broker; must succeed.
#[track_caller]
fn mosquitto_pub(b: &Broker, args: &[&str]) {
    let out = cmd::run_default(
        Command::new(find_program("mosquitto_pub"))
            .args(["-h", "127.0.0.1", "-p", &b.port().to_string()])
            .args(args),
    );
    cmd::assert_success(&out);
}

/// A loopback port nothing listens on: connecting to it fails (exit 3), so exit 2 proves
/// the check came first.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    format!("mqtt://127.0.0.1:{port}")
}

fn all_bytes() -> Vec<u8> {
    (0..=255u8).collect()
}

/// Deterministic pseudo-random bytes (xorshift).
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The payload bytes of a message record (text, base64, hex or json encoding).
#[track_caller]
fn payload_of(r: &Value) -> Vec<u8> {
    let p = &r["payload"];
    match r.get("encoding").and_then(Value::as_str) {
        None => p.as_str().expect("text payload").as_bytes().to_vec(),
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(p.as_str().unwrap())
            .unwrap(),
        Some("hex") => {
            let s = p.as_str().unwrap();
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        }
        Some("json") => serde_json::to_vec(p).unwrap(),
        Some(other) => panic!("unknown encoding {other} in {r}"),
    }
}

/// Parse JSON lines; every line must be JSON.
#[track_caller]
fn parse(lines: &[String]) -> Vec<Value> {
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A temporary file with `contents`.
fn temp_file(dir: &tempfile::TempDir, name: &str, contents: &[u8]) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, contents).unwrap();
    p.to_str().unwrap().to_string()
}

fn published(out: &Output) -> Vec<Value> {
    cmd::json_lines(&out.stdout)
}

// ---------------------------------------------------------------------------------------------
// Interop with mosquitto's clients
// ---------------------------------------------------------------------------------------------

#[test]
fn interop_mqtt_pub_to_mosquitto_sub_every_qos_and_version() {
    let b = Broker::plain();
    let mut v5 = spawn_mosquitto_sub(
        &b,
        "ms-v5",
        &[
            "-V",
            "mqttv5",
            "-q",
            "2",
            "-t",
            "i/#",
            "-C",
            "6",
            "-F",
            "%t %q %r %x",
        ],
    );
    let mut v3 = spawn_mosquitto_sub(
        &b,
        "ms-v3",
        &[
            "-V",
            "mqttv311",
            "-q",
            "2",
            "-t",
            "i/#",
            "-C",
            "6",
            "-F",
            "%t %q %r %x",
        ],
    );
    let mut expected = Vec::new();
    for v in ["3.1.1", "5"] {
        for q in ["0", "1", "2"] {
            let topic = format!("i/{v}/{q}");
            let msg = format!("hello {v} q{q}");
            let out = publish(&b, &["-V", v, "-q", q, "-t", &topic, "-m", &msg]);
            let r = &published(&out)[0];
            assert_eq!(r["qos"], q.parse::<u8>().unwrap(), "{r}");
            assert_eq!(r["reason_code"], 0, "{r}");
            expected.push(format!("{topic} {q} 0 {}", hex(msg.as_bytes())));
        }
    }
    for s in [&mut v5, &mut v3] {
        let got: Vec<String> = (0..6)
            .map(|_| s.wait_for_line(|_| true, T))
            .collect::<Vec<_>>();
        assert_eq!(got, expected);
    }
    assert_eq!(v5.wait(T).code(), Some(0));
    assert_eq!(v3.wait(T).code(), Some(0));
}

#[test]
fn interop_mosquitto_pub_to_mqtt_sub_every_qos_and_version() {
    let b = Broker::plain();
    let v5 = spawn_sub(&b, "s-v5", &["-V", "5", "-q", "2", "-t", "i/#", "-C", "6"]);
    let v3 = spawn_sub(
        &b,
        "s-v3",
        &["-V", "3.1.1", "-q", "2", "-t", "i/#", "-C", "6"],
    );
    let mut expected = Vec::new();
    for v in ["mqttv311", "mqttv5"] {
        for q in ["0", "1", "2"] {
            let topic = format!("i/{v}/{q}");
            let msg = format!("hello {v} q{q}");
            mosquitto_pub(&b, &["-V", v, "-q", q, "-t", &topic, "-m", &msg]);
            expected.push(json!([topic, q.parse::<u8>().unwrap(), false, msg]));
        }
    }
    for s in [v5, v3] {
        let done = s.wait(T);
        assert_eq!(done.code(), Some(0), "{}", done.stderr);
        let got: Vec<Value> = parse(&done.lines)
            .iter()
            .map(|r| {
                assert_eq!(r["type"], "message");
                assert!(r.get("properties").is_none(), "{r}");
                json!([r["topic"], r["qos"], r["retain"], r["payload"]])
            })
            .collect();
        assert_eq!(got, expected);
    }
}

#[test]
fn interop_binary_and_large_payloads_are_byte_exact_both_ways() {
    let b = Broker::plain();
    let dir = tempfile::tempdir().unwrap();
    let small = all_bytes();
    let big = noise(1024 * 1024, 0x9e37_79b9_7f4a_7c15);
    let small_f = temp_file(&dir, "small.bin", &small);
    let big_f = temp_file(&dir, "big.bin", &big);

    // mqtt pub -> mosquitto_sub: %x is the payload in hex.
    let ms = spawn_mosquitto_sub(
        &b,
        "ms-bin",
        &[
            "-V", "mqttv5", "-q", "1", "-t", "b/#", "-C", "2", "-F", "%t %l %x",
        ],
    );
    publish(&b, &["-t", "b/small", "-q", "1", "-f", &small_f]);
    publish(&b, &["-t", "b/big", "-q", "1", "-f", &big_f]);
    let done = ms.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert_eq!(done.lines.len(), 2);
    assert_eq!(done.lines[0], format!("b/small 256 {}", hex(&small)));
    assert!(
        done.lines[1] == format!("b/big 1048576 {}", hex(&big)),
        "1 MiB payload differs (first 80 chars: {:?})",
        &done.lines[1][..80.min(done.lines[1].len())]
    );

    // mosquitto_pub -> mqtt sub (binary payloads come as base64).
    let s = spawn_sub(&b, "s-bin", &["-q", "1", "-t", "c/#", "-C", "2"]);
    mosquitto_pub(
        &b,
        &["-V", "mqttv5", "-q", "1", "-t", "c/small", "-f", &small_f],
    );
    mosquitto_pub(
        &b,
        &["-V", "mqttv311", "-q", "1", "-t", "c/big", "-f", &big_f],
    );
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let recs = done.json();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["topic"], "c/small");
    assert_eq!(recs[0]["encoding"], "base64");
    assert_eq!(recs[0]["payload"], b64(&small));
    assert_eq!(recs[1]["topic"], "c/big");
    assert!(payload_of(&recs[1]) == big, "1 MiB payload differs");
}

#[test]
fn interop_retained_messages_both_ways() {
    let b = Broker::plain();
    let bin = all_bytes();
    let dir = tempfile::tempdir().unwrap();
    let f = temp_file(&dir, "bin", &bin);
    publish(&b, &["-t", "r/ours", "-q", "1", "-r", "-f", &f]);
    mosquitto_pub(&b, &["-t", "r/theirs", "-q", "1", "-r", "-f", &f]);

    let out = cmd::run_default(
        Command::new(find_program("mosquitto_sub"))
            .args(["-h", "127.0.0.1", "-p", &b.port().to_string()])
            .args(["-t", "r/ours", "-C", "1", "-W", "5", "-F", "%r %x"]),
    );
    cmd::assert_success(&out);
    assert_eq!(cmd::stdout(&out), format!("1 {}\n", hex(&bin)));

    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "r/theirs",
        "-C",
        "1",
        "-W",
        "5s",
    ]));
    cmd::assert_success(&out);
    let r = &cmd::json_lines(&out.stdout)[0];
    assert_eq!(r["retain"], true, "{r}");
    assert_eq!(payload_of(r), bin);
}

#[test]
fn interop_mqtt5_properties_both_ways() {
    let b = Broker::plain();
    // Ours -> mosquitto_sub's JSON output.
    let mut ms = spawn_mosquitto_sub(
        &b,
        "ms-props",
        &["-V", "mqttv5", "-t", "p/ours", "-C", "1", "-F", "%j"],
    );
    publish(
        &b,
        &[
            "-t",
            "p/ours",
            "-m",
            "props",
            "--content-type",
            "text/plain; charset=utf-8",
            "--user-property",
            "k1=v1",
            "--user-property",
            "k2=v=2",
            "--correlation-data",
            "corr-17",
            "--response-topic",
            "reply/to/me",
            "-e",
            "1h",
            "--payload-format",
            "1",
        ],
    );
    let line = ms.wait_for_line(|_| true, T);
    let j: Value = serde_json::from_str(&line).unwrap();
    let p = &j["properties"];
    assert_eq!(j["payload"], "props", "{j}");
    assert_eq!(p["content-type"], "text/plain; charset=utf-8", "{j}");
    assert_eq!(
        p["user-properties"],
        json!({"k1": "v1", "k2": "v=2"}),
        "{j}"
    );
    assert_eq!(p["correlation-data"], "corr-17", "{j}");
    assert_eq!(p["response-topic"], "reply/to/me", "{j}");
    assert_eq!(p["payload-format-indicator"], 1, "{j}");
    let expiry = p["message-expiry-interval"].as_u64().expect("expiry");
    assert!((3595..=3600).contains(&expiry), "{j}");
    assert_eq!(ms.wait(T).code(), Some(0));

    // mosquitto_pub -> our message record.
    let s = spawn_sub(&b, "s-props", &["-t", "p/theirs", "-C", "1"]);
    mosquitto_pub(
        &b,
        &[
            "-V",
            "mqttv5",
            "-t",
            "p/theirs",
            "-m",
            "theirs",
            "-D",
            "PUBLISH",
            "content-type",
            "application/x-test",
            "-D",
            "PUBLISH",
            "user-property",
            "a",
            "1",
            "-D",
            "PUBLISH",
            "user-property",
            "a",
            "2",
            "-D",
            "PUBLISH",
            "correlation-data",
            "cd-9",
            "-D",
            "PUBLISH",
            "response-topic",
            "resp/x",
            "-D",
            "PUBLISH",
            "message-expiry-interval",
            "120",
            "-D",
            "PUBLISH",
            "payload-format-indicator",
            "1",
        ],
    );
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let r = &done.json()[0];
    let mut props = r["properties"].clone();
    let expiry = props
        .as_object_mut()
        .unwrap()
        .remove("message_expiry_interval")
        .and_then(|v| v.as_u64())
        .expect("expiry");
    assert!((115..=120).contains(&expiry), "{r}");
    assert_eq!(
        props,
        json!({
            "payload_format_indicator": 1,
            "content_type": "application/x-test",
            "response_topic": "resp/x",
            "correlation_data": "cd-9",
            "user_properties": [["a", "1"], ["a", "2"]]
        }),
        "{r}"
    );
    assert_eq!(r["payload"], "theirs");
}

// ---------------------------------------------------------------------------------------------
// sub | pub --jsonl
// ---------------------------------------------------------------------------------------------

#[test]
fn sub_piped_to_pub_jsonl_copies_a_tree_byte_exact_with_properties() {
    let b = Broker::plain();
    let bin = all_bytes();
    publish(&b, &["-t", "src/retained", "-q", "1", "-r", "-m", "kept"]);
    let originals = [
        json!({"topic": "src/text", "qos": 1, "payload": "hello wörld",
               "properties": {"content_type": "text/plain",
                              "user_properties": [["k", "v"], ["k", "w"], ["ü", "ä"]]}}),
        json!({"topic": "src/bin", "qos": 2, "payload": b64(&bin), "encoding": "base64",
               "properties": {"payload_format_indicator": 0,
                              "response_topic": "reply/bin",
                              "correlation_data": {"base64": b64(&[0, 0xff, 0x80])}}}),
        json!({"topic": "src/empty", "qos": 0, "payload": ""}),
        json!({"topic": "src/json", "qos": 1, "payload": "{\"a\": 1.50,  \"b\":[ ] }\n"}),
        json!({"topic": "src/expiring", "qos": 1, "payload": "e",
               "properties": {"message_expiry_interval": 3600, "payload_format_indicator": 1}}),
    ];
    let n = originals.len() + 1;
    let n_s = n.to_string();
    let first = spawn_sub(
        &b,
        "bridge-in",
        // The optional fields are in the records pub --jsonl reads too.
        &[
            "-t",
            "src/#",
            "-q",
            "2",
            "-C",
            &n_s,
            "--field",
            "dup,packet_id,payload_size",
        ],
    );
    let third = spawn_sub(
        &b,
        "bridge-out",
        &[
            "-t",
            "dst/#",
            "-q",
            "2",
            "-C",
            &n_s,
            "--retain-as-published",
        ],
    );
    let input: String = originals.iter().map(|v| format!("{v}\n")).collect();
    let out = publish_stdin(&b, &["--jsonl"], input.as_bytes());
    assert_eq!(published(&out).len(), originals.len());

    let done = first.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert_eq!(done.lines.len(), n);
    // The transformation a user would do with jq: rename the topic, keep everything else.
    let copied: String = done
        .lines
        .iter()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            let t = v["topic"].as_str().unwrap().replacen("src/", "dst/", 1);
            v["topic"] = t.into();
            format!("{v}\n")
        })
        .collect();
    let out = publish_stdin(&b, &["--jsonl"], copied.as_bytes());
    assert_eq!(published(&out).len(), n, "{}", cmd::describe(&out));

    let done = third.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let got: HashMap<String, Value> = done
        .json()
        .into_iter()
        .map(|r| (r["topic"].as_str().unwrap().to_string(), r))
        .collect();
    assert_eq!(got.len(), n, "{got:?}");
    let kept = &got["dst/retained"];
    assert_eq!(
        (kept["retain"].clone(), payload_of(kept)),
        (json!(true), b"kept".to_vec())
    );
    for o in &originals {
        let topic = o["topic"].as_str().unwrap().replacen("src/", "dst/", 1);
        let r = &got[&topic];
        assert_eq!(r["qos"], o["qos"], "{r}");
        assert_eq!(r["retain"], false, "{r}");
        assert_eq!(payload_of(r), payload_of(o), "payload of {topic}");
        let mut props = r.get("properties").cloned().unwrap_or(json!({}));
        let mut want = o.get("properties").cloned().unwrap_or(json!({}));
        if let Some(e) = want
            .as_object_mut()
            .unwrap()
            .remove("message_expiry_interval")
        {
            let left = props
                .as_object_mut()
                .unwrap()
                .remove("message_expiry_interval")
                .and_then(|v| v.as_u64())
                .unwrap_or_else(|| panic!("expiry lost: {r}"));
            assert!(
                left <= e.as_u64().unwrap() && left + 5 >= e.as_u64().unwrap(),
                "{r}"
            );
        }
        assert_eq!(props, want, "properties of {topic}");
    }
}

// ---------------------------------------------------------------------------------------------
// Stop conditions and exit codes of sub
// ---------------------------------------------------------------------------------------------

#[test]
fn count_exits_0_after_exactly_n_messages() {
    let b = Broker::plain();
    let s = spawn_sub(&b, "count", &["-t", "c", "-q", "1", "-C", "3"]);
    publish(&b, &["-t", "c", "-q", "1", "-m", "x", "--repeat", "5"]);
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert_eq!(done.lines.len(), 3, "{:?}", done.lines);
    // Disconnected cleanly.
    assert!(
        b.log().contains("Client count disconnected."),
        "{}",
        b.log()
    );
}

#[test]
fn timeout_exits_6_with_what_arrived() {
    let b = Broker::plain();
    let started = Instant::now();
    let s = spawn_sub(&b, "wait", &["-t", "w", "-C", "2", "-W", "700ms"]);
    publish(&b, &["-t", "w", "-m", "only one"]);
    let done = s.wait(T);
    let took = started.elapsed();
    assert_eq!(done.code(), Some(6), "{}", done.stderr);
    assert_eq!(parse(&done.lines).len(), 1);
    assert_eq!(parse(&done.lines)[0]["payload"], "only one");
    assert!(
        done.stderr.contains("timed out after 1 of 2 messages"),
        "{}",
        done.stderr
    );
    assert!(took >= Duration::from_millis(700), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn exit_after_subscribe_creates_a_durable_session() {
    let b = Broker::plain();
    let started = Instant::now();
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "d/#",
        "-q",
        "1",
        "-i",
        "durable",
        "--no-clean",
        "-E",
    ]));
    cmd::assert_success(&out);
    assert!(out.stdout.is_empty(), "{}", cmd::describe(&out));
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(subscriptions(&b.log(), "durable"), 1, "{}", b.log());

    // While it is away: the broker holds the messages for the session (reason 0, not 16
    // "No matching subscribers", proves the subscription is there).
    let out = publish_stdin(&b, &["-t", "d/x", "-q", "1", "-l"], b"m1\nm2\nm3\n");
    let recs = published(&out);
    assert_eq!(recs.len(), 3);
    for r in &recs {
        assert_eq!(r["reason_code"], 0, "{r}");
    }
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "d/#",
        "-q",
        "1",
        "-i",
        "durable",
        "--no-clean",
        "-C",
        "3",
        "-W",
        "5s",
    ]));
    cmd::assert_success(&out);
    let got: Vec<Value> = cmd::json_lines(&out.stdout)
        .iter()
        .map(|r| r["payload"].clone())
        .collect();
    assert_eq!(got, vec![json!("m1"), json!("m2"), json!("m3")]);

    // -E on a session with messages waiting: nothing is printed or acknowledged, so they
    // stay queued for the next run.
    publish(&b, &["-t", "d/y", "-q", "1", "-m", "m4"]);
    let resume = |extra: &[&str]| {
        cmd::run_default(
            mqtt()
                .args(["sub", "-L", &b.url("mqtt"), "-t", "d/#", "-q", "1"])
                .args(["-i", "durable", "--no-clean"])
                .args(extra),
        )
    };
    let out = resume(&["-E"]);
    cmd::assert_success(&out);
    assert!(out.stdout.is_empty(), "{}", cmd::describe(&out));
    let out = resume(&["-C", "1", "-W", "5s"]);
    cmd::assert_success(&out);
    let recs = cmd::json_lines(&out.stdout);
    assert_eq!(
        (recs[0]["topic"].clone(), recs[0]["payload"].clone()),
        (json!("d/y"), json!("m4"))
    );
}

#[test]
fn count_leaves_the_rest_of_a_durable_queue_for_the_next_run() {
    let b = Broker::plain();
    let sub = |extra: &[&str]| {
        cmd::run_default(
            mqtt()
                .args(["sub", "-L", &b.url("mqtt"), "-i", "queue", "--no-clean"])
                .args(["-q", "1", "-t", "q/#"])
                .args(extra),
        )
    };
    cmd::assert_success(&sub(&["-E"]));
    publish_stdin(&b, &["-t", "q/x", "-q", "1", "-l"], b"m1\nm2\nm3\n");
    let out = sub(&["-C", "1"]);
    cmd::assert_success(&out);
    assert_eq!(cmd::json_lines(&out.stdout)[0]["payload"], "m1");
    // The next run gets the two messages not printed before (m1 again is allowed: at least
    // once), however it ends.
    let out = sub(&["-C", "3", "-W", "1s"]);
    let got: BTreeSet<String> = cmd::json_lines(&out.stdout)
        .iter()
        .map(|r| r["payload"].as_str().unwrap().to_string())
        .collect();
    assert!(
        got.contains("m2") && got.contains("m3"),
        "lost from the session: {got:?}\n{}",
        cmd::describe(&out)
    );
}

fn suback_script(codes: &[u8], then: Vec<Step>) -> Vec<Step> {
    let mut s = vec![
        Step::Send(packets::connack_v5(false, 0, &[])),
        Step::ExpectPacket,
        Step::Send(packets::suback_v5(1, codes)),
    ];
    s.extend(then);
    s
}

#[test]
fn one_refused_subscription_is_named_and_the_rest_continue() {
    let fake = FakeBroker::start(suback_script(
        &[0x01, 0x87],
        vec![
            Step::Send(packets::publish_v5("ok/t", b"still here", 0, false, 0)),
            Step::ExpectPacket,
        ],
    ));
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &fake.url(),
        "-t",
        "ok/t",
        "-t",
        "denied/t",
        "-q",
        "1",
        "-C",
        "1",
    ]));
    cmd::assert_success(&out);
    let recs = cmd::json_lines(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["payload"], "still here");
    let err = cmd::stderr(&out);
    assert!(
        err.contains("subscription to 'denied/t' refused: Not authorized (0x87)"),
        "{err}"
    );
    assert!(!err.contains("'ok/t'"), "{err}");
    let conns = fake.wait_done(1, T);
    // The SUBSCRIBE carried packet id 1 (what the scripted SUBACK answers).
    assert_eq!(packets::packet_type(&conns[0].received[0]), 8);
    assert_eq!(&conns[0].received[0][2..4], &[0, 1]);
    // The last packet is the DISCONNECT after -C 1.
    assert_eq!(packets::packet_type(&conns[0].received[1]), 14);
}

#[test]
fn every_refused_subscription_is_exit_5() {
    let fake = FakeBroker::start(suback_script(&[0x80, 0x87], vec![Step::ExpectPacket]));
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &fake.url(),
        "-t",
        "a/#",
        "-t",
        "b",
        "-q",
        "1",
    ]));
    cmd::assert_code(&out, 5);
    assert!(out.stdout.is_empty());
    let err = cmd::stderr(&out);
    assert!(
        err.contains("subscription to 'a/#' refused: Unspecified error (0x80)"),
        "{err}"
    );
    assert!(
        err.contains("subscription to 'b' refused: Not authorized (0x87)"),
        "{err}"
    );
    assert!(err.contains("every subscription was refused"), "{err}");

    // MQTT 3.1.1: the failure code 0x80.
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v3(false, 0)),
        Step::ExpectPacket,
        Step::Send(packets::suback_v3(1, &[0x80])),
        Step::ExpectPacket,
    ]);
    let out = cmd::run_default(mqtt().args(["sub", "-L", &fake.url(), "-V", "3.1.1", "-t", "x"]));
    cmd::assert_code(&out, 5);
    assert!(
        cmd::stderr(&out).contains("subscription to 'x' refused"),
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn sigint_and_sigterm_stop_sub_with_exit_0_after_a_clean_disconnect() {
    let b = Broker::plain();
    for (sig, id) in [(libc::SIGINT, "sig-int"), (libc::SIGTERM, "sig-term")] {
        let s = spawn_sub(&b, id, &["-t", "s/#", "-q", "1"]);
        s.signal(sig);
        let done = s.wait(T);
        assert_eq!(done.code(), Some(0), "{id}: {}", done.stderr);
        assert!(done.lines.is_empty());
        // mosquitto logs the clean DISCONNECT (not "closed its connection") a moment later.
        let logged = format!("Client {id} disconnected.");
        let until = std::time::Instant::now() + T;
        while !b.log().contains(&logged) && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(b.log().contains(&logged), "{}", b.log());
    }
}

#[test]
fn sub_piped_into_head_ends_at_once_with_success() {
    let b = Broker::plain();
    let script = format!(
        "'{}' sub -L {} -i head-sub -t h | head -1; echo \"status=${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_mqtt"),
        b.url("mqtt")
    );
    let mut s = Spawned::spawn(
        Command::new("bash")
            .args(["-c", &script])
            .stdin(Stdio::null()),
    );
    wait_subscribed(&b, "head-sub", 1);
    publish(&b, &["-t", "h", "-m", "first"]);
    let line = s.wait_for_line(|_| true, T);
    assert_eq!(
        serde_json::from_str::<Value>(&line).unwrap()["payload"],
        "first"
    );
    // head has gone; the next message written meets the closed pipe. (head may still be
    // closing when the second arrives, so keep publishing briefly until sub notices.)
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut n = 0;
    while s.is_running() && Instant::now() < deadline {
        n += 1;
        publish(&b, &["-t", "h", "-m", "second"]);
        let until = Instant::now() + Duration::from_millis(300);
        while s.is_running() && Instant::now() < until {
            thread::sleep(Duration::from_millis(2));
        }
    }
    let done = s.wait(T);
    assert_eq!(done.lines, vec!["status=0".to_string()], "{}", done.stderr);
    assert!(
        n <= 2,
        "sub needed {n} more messages to notice the closed pipe"
    );
    assert!(!done.stderr.contains("error"), "{}", done.stderr);
}

#[test]
fn reconnects_and_resumes_its_session_after_a_broker_restart() {
    let mut b = Broker::start(BrokerConfig::new().persistence());
    let mut s = spawn_sub(
        &b,
        "resume",
        &[
            "-t",
            "rc/#",
            "-q",
            "1",
            "--no-clean",
            "--reconnect-delay",
            "50ms",
            "--format",
            "{payload}",
        ],
    );
    publish_stdin(
        &b,
        &["-t", "rc/a", "-q", "1", "-l", "--no-output"],
        b"1\n2\n3\n4\n5\n",
    );
    let mut seen = BTreeSet::new();
    while seen.len() < 5 {
        seen.insert(s.wait_for_line(|_| true, T));
    }
    b.restart();
    publish_stdin(
        &b,
        &["-t", "rc/b", "-q", "1", "-l", "--no-output"],
        b"6\n7\n8\n9\n10\n",
    );
    while seen.len() < 10 {
        seen.insert(s.wait_for_line(|_| true, T));
    }
    let want: BTreeSet<String> = (1..=10).map(|i| i.to_string()).collect();
    assert_eq!(seen, want);
    let deadline = Instant::now() + T;
    while !s.stderr().contains("reconnected") {
        assert!(
            Instant::now() < deadline,
            "no reconnect notice: {}",
            s.stderr()
        );
        thread::sleep(Duration::from_millis(5));
    }
    s.signal(libc::SIGTERM);
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(done.stderr.contains("disconnected"), "{}", done.stderr);
}

// ---------------------------------------------------------------------------------------------
// Retained messages, filters and output of sub
// ---------------------------------------------------------------------------------------------

#[test]
fn retained_only_dumps_retained_messages_and_exits() {
    let b = Broker::plain();
    for i in 1..=3 {
        publish(
            &b,
            &[
                "-t",
                &format!("cfg/{i}"),
                "-r",
                "-q",
                "1",
                "-m",
                &format!("v{i}"),
            ],
        );
    }
    let started = Instant::now();
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "cfg/#",
        "--retained-only",
        "--quiet",
        "200ms",
    ]));
    cmd::assert_success(&out);
    assert!(started.elapsed() < Duration::from_secs(3));
    let recs = cmd::json_lines(&out.stdout);
    let got: BTreeSet<(String, bool)> = recs
        .iter()
        .map(|r| {
            (
                r["payload"].as_str().unwrap().to_string(),
                r["retain"] == true,
            )
        })
        .collect();
    assert_eq!(
        got,
        [("v1", true), ("v2", true), ("v3", true)]
            .map(|(p, r)| (p.to_string(), r))
            .into()
    );

    // It stops at the first live message, which it does not print.
    let mut s = spawn_sub(
        &b,
        "ro",
        &["-t", "cfg/#", "--retained-only", "--quiet", "20s"],
    );
    for _ in 0..3 {
        s.wait_for_line(|_| true, T);
    }
    let started = Instant::now();
    publish(&b, &["-t", "cfg/1", "-m", "live"]);
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(done.lines.is_empty(), "{:?}", done.lines);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn remove_retained_clears_what_it_sees() {
    let b = Broker::plain();
    publish(&b, &["-t", "rm/a", "-r", "-m", "A"]);
    publish(&b, &["-t", "rm/b/c", "-r", "-q", "1", "-m", "B"]);
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "rm/#",
        "--remove-retained",
        "-C",
        "2",
    ]));
    cmd::assert_success(&out);
    assert_eq!(cmd::json_lines(&out.stdout).len(), 2);
    // A new subscriber gets nothing retained.
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "rm/#",
        "--retained-only",
        "--quiet",
        "300ms",
    ]));
    cmd::assert_success(&out);
    assert!(out.stdout.is_empty(), "{}", cmd::describe(&out));
    let out = cmd::run_default(
        Command::new(find_program("mosquitto_sub"))
            .args(["-h", "127.0.0.1", "-p", &b.port().to_string()])
            .args(["-t", "rm/#", "-W", "1", "-v"]),
    );
    assert!(out.stdout.is_empty(), "{}", cmd::describe(&out));
}

#[test]
fn no_retained_skips_stale_messages() {
    let b = Broker::plain();
    publish(&b, &["-t", "nr/x", "-r", "-m", "stale"]);
    let s = spawn_sub(&b, "nr", &["-t", "nr/#", "-R", "-C", "1"]);
    publish(&b, &["-t", "nr/x", "-m", "fresh"]);
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let recs = parse(&done.lines);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["payload"], "fresh");
    // The long spelling works the same way.
    let out = cmd::run(
        mqtt().args([
            "sub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "nr/#",
            "--no-retained",
            "-W",
            "300ms",
        ]),
        T,
    );
    cmd::assert_code(&out, 6);
    assert!(out.stdout.is_empty());
}

#[test]
fn filter_out_hides_matching_topics() {
    let b = Broker::plain();
    let s = spawn_sub(
        &b,
        "fo",
        &["-t", "f/#", "-T", "f/skip/#", "-T", "f/+/hidden", "-C", "2"],
    );
    for t in ["f/skip/x", "f/a", "f/y/hidden", "f/skip", "f/b"] {
        publish(&b, &["-t", t, "-q", "1", "-m", t]);
    }
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let topics: Vec<Value> = parse(&done.lines)
        .iter()
        .map(|r| r["topic"].clone())
        .collect();
    // f/skip itself matches f/skip/# too (the # covers the parent level).
    assert_eq!(topics, vec![json!("f/a"), json!("f/b")]);
}

#[test]
fn unsubscribe_first_drops_an_old_subscription_of_the_session() {
    let b = Broker::plain();
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &b.url("mqtt"),
        "-i",
        "unsub",
        "--no-clean",
        "-q",
        "1",
        "-t",
        "u/old",
        "-E",
    ]));
    cmd::assert_success(&out);
    let s = spawn_sub(
        &b,
        "unsub",
        &[
            "--no-clean",
            "-q",
            "1",
            "-U",
            "u/old",
            "-t",
            "u/new",
            "-C",
            "1",
        ],
    );
    publish(&b, &["-t", "u/old", "-q", "1", "-m", "old"]);
    publish(&b, &["-t", "u/new", "-q", "1", "-m", "new"]);
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let recs = parse(&done.lines);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["topic"], "u/new");
    // Nothing was left queued for u/old either.
    let out = publish(&b, &["-t", "u/old", "-q", "1", "-m", "old"]);
    assert_eq!(published(&out)[0]["reason_code"], 16);
}

#[test]
fn verbose_prints_topic_and_payload() {
    let b = Broker::plain();
    let s = spawn_sub(&b, "verbose", &["-t", "v/#", "-v", "-C", "2"]);
    publish(&b, &["-t", "v/one", "-q", "1", "-m", "hello world"]);
    publish(&b, &["-t", "v/two", "-q", "1", "-n"]);
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert_eq!(
        done.lines,
        vec!["v/one hello world".to_string(), "v/two ".to_string()]
    );
}

#[test]
fn format_templates_render_every_placeholder() {
    let b = Broker::plain();
    let template = "{topic}|{qos}|{retain}|{payload}|{payload_hex}|{payload_base64}|\
                    {payload_size}|{content_type}|{user_property:k}|{user_properties}|\
                    {correlation_data}|{response_topic}\\t{{x}}";
    let s = spawn_sub(
        &b,
        "fmt",
        &["-t", "fm/#", "-q", "1", "--format", template, "-C", "2"],
    );
    publish(
        &b,
        &[
            "-t",
            "fm/a",
            "-q",
            "1",
            "-m",
            "hi",
            "--content-type",
            "text/plain",
            "--user-property",
            "k=v",
            "--correlation-data",
            "c1",
            "--response-topic",
            "re/sp",
        ],
    );
    publish(&b, &["-t", "fm/b", "-m", "x"]);
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert_eq!(
        done.lines,
        vec![
            r#"fm/a|1|0|hi|6869|aGk=|2|text/plain|v|[["k","v"]]|c1|re/sp	{x}"#.to_string(),
            "fm/b|0|0|x|78|eA==|1|||||\t{x}".to_string(),
        ]
    );
    // A bad template is a usage error before connecting.
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &closed_port(),
        "-t",
        "a",
        "--format",
        "{nope}",
    ]));
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("unknown placeholder '{nope}'"),
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn payload_encodings_in_records() {
    let b = Broker::plain();
    let subs: Vec<(&str, Spawned)> = ["json", "hex", "base64", "text"]
        .into_iter()
        .map(|f| {
            (
                f,
                spawn_sub(
                    &b,
                    &format!("enc-{f}"),
                    &["-t", "e/#", "-q", "1", "--payload", f, "-C", "3"],
                ),
            )
        })
        .collect();
    publish(&b, &["-t", "e/json", "-q", "1", "-m", r#"{"a":[1,2]}"#]);
    publish(&b, &["-t", "e/text", "-q", "1", "-m", "plain"]);
    publish(
        &b,
        &[
            "-t",
            "e/bin",
            "-q",
            "1",
            "-m",
            "/wA=",
            "--encoding",
            "base64",
        ],
    );
    for (f, s) in subs {
        let done = s.wait(T);
        assert_eq!(done.code(), Some(0), "{f}: {}", done.stderr);
        let got: Vec<Value> = parse(&done.lines)
            .iter()
            .map(|r| json!([r["payload"], r.get("encoding")]))
            .collect();
        let want = match f {
            "json" => vec![
                json!([{"a": [1, 2]}, "json"]),
                json!(["plain", null]),
                json!(["/wA=", "base64"]),
            ],
            "hex" => vec![
                json!(["7b2261223a5b312c325d7d", "hex"]),
                json!(["706c61696e", "hex"]),
                json!(["ff00", "hex"]),
            ],
            "base64" => vec![
                json!(["eyJhIjpbMSwyXX0=", "base64"]),
                json!(["cGxhaW4=", "base64"]),
                json!(["/wA=", "base64"]),
            ],
            _ => vec![
                json!([r#"{"a":[1,2]}"#, null]),
                json!(["plain", null]),
                json!(["/wA=", "base64"]),
            ],
        };
        assert_eq!(got, want, "--payload {f}");
    }
}

#[test]
fn optional_fields_dup_packet_id_payload_size() {
    let b = Broker::plain();
    let s = spawn_sub(
        &b,
        "fields",
        &[
            "-t",
            "fd",
            "-q",
            "1",
            "--field",
            "dup,packet_id,payload_size",
            "-C",
            "1",
        ],
    );
    publish(&b, &["-t", "fd", "-q", "1", "-m", "12345"]);
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let r = &done.json()[0];
    let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "type",
            "time",
            "topic",
            "qos",
            "retain",
            "dup",
            "packet_id",
            "payload_size",
            "payload"
        ]
    );
    assert_eq!(r["dup"], false);
    assert!(r["packet_id"].as_u64().is_some_and(|id| id >= 1), "{r}");
    assert_eq!(r["payload_size"], 5);
    // Repeatable, and without --field none of them.
    let s = spawn_sub(
        &b,
        "fields2",
        &[
            "-t",
            "fd",
            "--field",
            "payload_size",
            "--field",
            "dup",
            "-C",
            "1",
        ],
    );
    let s2 = spawn_sub(&b, "fields3", &["-t", "fd", "-C", "1"]);
    // The kebab-case spelling works too; a QoS 0 message has no packet id.
    let s3 = spawn_sub(
        &b,
        "fields4",
        &["-t", "fd", "-C", "1", "--field", "packet-id"],
    );
    publish(&b, &["-t", "fd", "-m", "ab"]);
    let r = &s3.wait(T).json()[0];
    assert_eq!(r["packet_id"], Value::Null, "{r}");
    let r = &s.wait(T).json()[0];
    assert_eq!(
        (r["payload_size"].clone(), r["dup"].clone()),
        (json!(2), json!(false))
    );
    assert!(r.get("packet_id").is_none());
    let r = &s2.wait(T).json()[0];
    for k in ["dup", "packet_id", "payload_size"] {
        assert!(r.get(k).is_none(), "{r}");
    }
}

// ---------------------------------------------------------------------------------------------
// pub: sources, records, options
// ---------------------------------------------------------------------------------------------

#[test]
fn pub_sources_message_file_stdin_null_size_and_encodings() {
    let b = Broker::plain();
    let dir = tempfile::tempdir().unwrap();
    let bin = all_bytes();
    let f = temp_file(&dir, "all.bin", &bin);
    let stdin_bytes: Vec<u8> = bin.iter().rev().copied().collect();
    let s = spawn_sub(
        &b,
        "sources",
        &[
            "-t",
            "src/#",
            "-q",
            "1",
            "-C",
            "7",
            "--format",
            "{topic} {payload_size} {payload_hex}",
        ],
    );
    publish(&b, &["-t", "src/m", "-q", "1", "-m", "hello"]);
    publish(&b, &["-t", "src/f", "-q", "1", "-f", &f]);
    publish_stdin(&b, &["-t", "src/s", "-q", "1", "-s"], &stdin_bytes);
    publish(&b, &["-t", "src/n", "-q", "1", "-n"]);
    publish(&b, &["-t", "src/size", "-q", "1", "--payload-size", "1KiB"]);
    publish(
        &b,
        &[
            "-t",
            "src/b64",
            "-q",
            "1",
            "-m",
            "aGVsbG8=",
            "--encoding",
            "base64",
        ],
    );
    publish(
        &b,
        &[
            "-t",
            "src/hex",
            "-q",
            "1",
            "-m",
            "de ad BE EF",
            "--encoding",
            "hex",
        ],
    );
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let l = &done.lines;
    assert_eq!(l.len(), 7);
    assert_eq!(l[0], "src/m 5 68656c6c6f");
    assert_eq!(l[1], format!("src/f 256 {}", hex(&bin)));
    assert_eq!(l[2], format!("src/s 256 {}", hex(&stdin_bytes)));
    assert_eq!(l[3], "src/n 0 ");
    assert!(
        l[4].starts_with("src/size 1024 ") && l[4].len() == "src/size 1024 ".len() + 2048,
        "{}",
        l[4]
    );
    assert_eq!(l[5], "src/b64 5 68656c6c6f");
    assert_eq!(l[6], "src/hex 4 deadbeef");
    // Bad encodings are usage errors before connecting.
    for enc in [
        ["-m", "not base64!", "--encoding", "base64"],
        ["-m", "xyz", "--encoding", "hex"],
    ] {
        let out = cmd::run_default(
            mqtt()
                .args(["pub", "-L", &closed_port(), "-t", "a"])
                .args(enc),
        );
        cmd::assert_code(&out, 2);
    }
}

#[test]
fn pub_lines_streams_each_line_as_it_arrives() {
    let b = Broker::plain();
    let mut s = spawn_sub(&b, "lines", &["-t", "l", "-q", "1", "-C", "4"]);
    let mut p = Spawned::spawn_with_stdin(mqtt().args([
        "pub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "l",
        "-q",
        "1",
        "-l",
    ]));
    p.send_line("first");
    // Delivered (and acknowledged) while stdin is still open.
    let r: Value = serde_json::from_str(&s.wait_for_line(|_| true, T)).unwrap();
    assert_eq!(r["payload"], "first");
    let rec = p.wait_for_record("published", T);
    assert_eq!(
        (rec["seq"].clone(), rec["reason_code"].clone()),
        (json!(1), json!(0))
    );
    assert!(p.is_running());
    p.send_line("");
    p.send_line("third line");
    p.stdin().write_all(b"no newline at end").unwrap();
    let done = p.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let seqs: Vec<Value> = done.json().iter().map(|r| r["seq"].clone()).collect();
    assert_eq!(seqs, vec![json!(2), json!(3), json!(4)]);
    let done = s.wait(T);
    let got: Vec<Value> = parse(&done.lines)
        .iter()
        .map(|r| r["payload"].clone())
        .collect();
    assert_eq!(
        got,
        vec![json!(""), json!("third line"), json!("no newline at end")]
    );
}

#[test]
fn pub_lines_at_qos_1_delivers_70000_messages() {
    let b = Broker::plain();
    const N: usize = 70_000;
    let s = spawn_sub(
        &b,
        "many",
        &[
            "-t",
            "many",
            "-q",
            "1",
            "-C",
            &N.to_string(),
            "--format",
            "{payload}",
        ],
    );
    let input: String = (0..N).map(|i| format!("{i}\n")).collect();
    let out = cmd::run_with_stdin(
        mqtt().args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "many",
            "-q",
            "1",
            "-l",
            "--no-output",
        ]),
        input.as_bytes(),
        Duration::from_secs(60),
    );
    cmd::assert_success(&out);
    assert!(out.stdout.is_empty());
    let done = s.wait(Duration::from_secs(60));
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let distinct: BTreeSet<usize> = done.lines.iter().map(|l| l.parse().unwrap()).collect();
    assert_eq!(done.lines.len(), N);
    assert_eq!(distinct.len(), N);
    assert_eq!(distinct.last(), Some(&(N - 1)));
}

/// At QoS 0 `sub` waits a little before sleeping on its socket while a stream goes on
/// (`--coalesce`): the whole stream arrives in order, and so does a message that comes alone
/// after it (it must not wait for more to come). Also with the waiting turned off.
#[test]
fn sub_at_qos_0_gets_a_stream_and_then_a_lone_message() {
    let b = Broker::plain();
    const N: usize = 30_000;
    for (id, extra) in [("coalesced", None), ("plain", Some("0"))] {
        let topic = format!("stream/{id}");
        let count = (N + 1).to_string();
        let mut args = vec!["-t", &topic, "-C", &count, "--format", "{payload}"];
        if let Some(c) = extra {
            args.extend(["--coalesce", c]);
        }
        let mut s = spawn_sub(&b, id, &args);
        let input: String = (0..N).map(|i| format!("{i}\n")).collect();
        let out = publish_stdin(&b, &["-t", &topic, "-l", "--no-output"], input.as_bytes());
        cmd::assert_success(&out);
        let last = (N - 1).to_string();
        s.wait_for_line(|l| l == last, T);
        let out = publish(&b, &["-t", &topic, "-m", "alone"]);
        cmd::assert_success(&out);
        let mut got = s.seen().to_vec();
        let done = s.wait(T);
        assert_eq!(done.code(), Some(0), "{}", done.stderr);
        got.extend(done.lines);
        let want: Vec<String> = (0..N)
            .map(|i| i.to_string())
            .chain(["alone".to_string()])
            .collect();
        assert!(
            got == want,
            "{id}: {} lines, last {:?}",
            got.len(),
            got.last()
        );
    }
}

#[test]
fn pub_repeat_and_interval_and_published_records() {
    let b = Broker::plain();
    let s = spawn_sub(&b, "rep", &["-t", "rep/#", "-q", "2", "-C", "5"]);
    let started = Instant::now();
    let out = publish(
        &b,
        &[
            "-t",
            "rep/x",
            "-q",
            "2",
            "-r",
            "-m",
            "r",
            "--repeat",
            "5",
            "--interval",
            "50ms",
        ],
    );
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    let recs = published(&out);
    assert_eq!(recs.len(), 5);
    let mut ids = BTreeSet::new();
    for (i, r) in recs.iter().enumerate() {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "type",
                "time",
                "seq",
                "topic",
                "qos",
                "retain",
                "packet_id",
                "reason_code",
                "reason_name"
            ],
            "{r}"
        );
        assert_eq!(r["type"], "published");
        assert_eq!(r["seq"], i + 1);
        assert_eq!(r["topic"], "rep/x");
        assert_eq!(r["qos"], 2);
        assert_eq!(r["retain"], true);
        assert_eq!(r["reason_code"], 0);
        assert_eq!(r["reason_name"], "Success");
        ids.insert(r["packet_id"].as_u64().expect("packet id"));
    }
    assert_eq!(ids.len(), 5, "{recs:?}");
    assert_eq!(s.wait(T).lines.len(), 5);

    // QoS 0: no packet id, no retain key; QoS 1 with nobody subscribed: 0x10.
    let out = publish(&b, &["-t", "nobody", "-m", "x"]);
    let r = &published(&out)[0];
    assert_eq!(r["packet_id"], Value::Null, "{r}");
    assert!(r.get("retain").is_none(), "{r}");
    assert_eq!(
        (r["qos"].clone(), r["reason_code"].clone()),
        (json!(0), json!(0))
    );
    let out = publish(&b, &["-t", "nobody", "-m", "x", "-q", "1"]);
    let r = &published(&out)[0];
    assert_eq!(r["reason_code"], 16, "{r}");
    assert_eq!(r["reason_name"], "No matching subscribers", "{r}");
    // --no-output: nothing on stdout.
    let out = publish(
        &b,
        &[
            "-t",
            "nobody",
            "-m",
            "x",
            "-q",
            "1",
            "--repeat",
            "3",
            "--no-output",
        ],
    );
    assert!(out.stdout.is_empty());
}

/// Topic name and topic alias of a v5 QoS 0 PUBLISH.
fn publish_topic_and_alias(p: &[u8]) -> (String, Option<u16>) {
    assert_eq!(p[0] >> 4, 3, "not a PUBLISH: {p:?}");
    let mut i = 1;
    while p[i] & 0x80 != 0 {
        i += 1;
    }
    i += 1;
    let len = u16::from_be_bytes([p[i], p[i + 1]]) as usize;
    let topic = String::from_utf8(p[i + 2..i + 2 + len].to_vec()).unwrap();
    i += 2 + len;
    let (plen, mut j) = (p[i] as usize, i + 1);
    assert!(plen < 128);
    let end = j + plen;
    let mut alias = None;
    while j < end {
        match p[j] {
            0x23 => {
                alias = Some(u16::from_be_bytes([p[j + 1], p[j + 2]]));
                j += 3;
            }
            other => panic!("unexpected property {other:#x} in {p:?}"),
        }
    }
    (topic, alias)
}

#[test]
fn topic_alias_auto_replaces_repeated_topics() {
    let input = ["t/a", "t/b", "t/a", "t/b", "t/a"]
        .iter()
        .map(|t| format!("{{\"topic\":\"{t}\",\"payload\":\"{t}\"}}\n"))
        .collect::<String>();
    // On the wire: the first use of a topic carries it with an alias, later uses only the alias.
    let mut script = vec![Step::Send(packets::connack_v5(
        false,
        0,
        &[0x22, 0x00, 0x0a],
    ))];
    script.extend(std::iter::repeat_n(Step::ExpectPacket, 6));
    let fake = FakeBroker::start(script);
    let out = cmd::run_with_stdin(
        mqtt().args(["pub", "-L", &fake.url(), "--jsonl", "--topic-alias", "auto"]),
        input.as_bytes(),
        T,
    );
    cmd::assert_success(&out);
    let topics: Vec<Value> = published(&out).iter().map(|r| r["topic"].clone()).collect();
    assert_eq!(topics, ["t/a", "t/b", "t/a", "t/b", "t/a"].map(Value::from));
    let conns = fake.wait_done(1, T);
    let wire: Vec<(String, Option<u16>)> = conns[0].received[..5]
        .iter()
        .map(|p| publish_topic_and_alias(p))
        .collect();
    let (a, b) = (
        wire[0].1.expect("alias for t/a"),
        wire[1].1.expect("alias for t/b"),
    );
    assert_ne!(a, b);
    assert_eq!(
        wire,
        vec![
            ("t/a".into(), Some(a)),
            ("t/b".into(), Some(b)),
            (String::new(), Some(a)),
            (String::new(), Some(b)),
            (String::new(), Some(a)),
        ]
    );

    // Through mosquitto a subscriber still sees the full names.
    let broker = Broker::plain();
    let s = spawn_sub(&broker, "alias", &["-t", "t/#", "-q", "1", "-C", "5", "-v"]);
    let input_q1 = input.replace("\"payload\"", "\"qos\":1,\"payload\"");
    publish_stdin(
        &broker,
        &["--jsonl", "--topic-alias", "auto"],
        input_q1.as_bytes(),
    );
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert_eq!(
        done.lines,
        ["t/a t/a", "t/b t/b", "t/a t/a", "t/b t/b", "t/a t/a"].map(String::from)
    );
    // Aliases need MQTT 5.
    let out = cmd::run_default(mqtt().args([
        "pub",
        "-L",
        &closed_port(),
        "-V",
        "3.1.1",
        "-t",
        "a",
        "-m",
        "x",
        "--topic-alias",
        "auto",
    ]));
    cmd::assert_code(&out, 2);
}

// ---------------------------------------------------------------------------------------------
// pub: usage errors and rejections
// ---------------------------------------------------------------------------------------------

#[test]
fn invalid_topics_are_exit_2_before_connecting() {
    let url = closed_port();
    let long = "x".repeat(65_536);
    for topic in ["a/#", "a/+/b", "#", "", long.as_str()] {
        let out = cmd::run_default(mqtt().args(["pub", "-L", &url, "-t", topic, "-m", "x"]));
        cmd::assert_code(&out, 2);
        assert!(out.stdout.is_empty());
        assert!(
            cmd::stderr(&out).contains("-t '"),
            "{}",
            &cmd::stderr(&out)[..200.min(cmd::stderr(&out).len())]
        );
    }
    // The longest legal topic (65535 bytes) passes validation: the closed port is then exit 3.
    let out = cmd::run_default(mqtt().args(["pub", "-L", &url, "-t", &long[1..], "-m", "x"]));
    cmd::assert_code(&out, 3);
}

#[test]
fn other_usage_errors_are_exit_2_before_connecting() {
    let url = closed_port();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.bin");
    let missing = missing.to_str().unwrap();
    let a_dir = dir.path().to_str().unwrap();
    for args in [
        vec!["pub", "-t", "a", "-m", "x", "-q", "3"],
        vec!["sub", "-t", "a", "-q", "3"],
        vec!["pub", "-t", "a", "-f", missing],
        vec!["pub", "-t", "a", "-f", a_dir],
        vec!["pub", "-t", "a", "-m", "x", "-n"],
        vec!["pub", "-t", "a"],
        vec!["sub", "-t", "a/#/b"],
        vec!["sub", "-t", "a", "-T", "b/#/c"],
        vec!["sub", "-t", "a", "-U", "b/#/c"],
        vec!["pub", "-t", "a", "-m", "x", "--response-topic", "r/#"],
        vec!["pub", "-t", "a", "-m", "x", "--repeat", "ten"],
        vec!["sub", "-t", "a", "-t", "b", "-q", "0", "-q", "1", "-q", "2"],
        vec!["sub", "-t", "a", "--coalesce", "soon"],
        vec!["pub", "-t", "a", "-l", "--coalesce", "-1ms"],
        vec![
            "pub",
            "-V",
            "3.1.1",
            "-t",
            "a",
            "-m",
            "x",
            "--content-type",
            "t",
        ],
    ] {
        let out = cmd::run_default(mqtt().args(&args[..1]).args(["-L", &url]).args(&args[1..]));
        cmd::assert_code(&out, 2);
        assert!(out.stdout.is_empty(), "{args:?}");
        if args.contains(&missing) {
            assert!(
                cmd::stderr(&out).contains("missing.bin"),
                "{}",
                cmd::describe(&out)
            );
        }
    }
}

#[test]
fn malformed_jsonl_line_is_exit_2_after_publishing_what_came_before() {
    let b = Broker::plain();
    let s = spawn_sub(&b, "jsonl-bad", &["-t", "j/#", "-q", "1", "-C", "2"]);
    let input = "{\"topic\":\"j/1\",\"payload\":\"one\",\"qos\":1}\n\n{\"topic\":\"j/2\",\"payload\":\"two\",\"qos\":1}\n{\"topic\":\"j/3\",\"payload\":\n{\"topic\":\"j/4\",\"payload\":\"four\"}\n";
    let out = cmd::run_with_stdin(
        mqtt().args(["pub", "-L", &b.url("mqtt"), "--jsonl"]),
        input.as_bytes(),
        T,
    );
    cmd::assert_code(&out, 2);
    let recs = published(&out);
    let seqs: Vec<Value> = recs.iter().map(|r| r["seq"].clone()).collect();
    assert_eq!(seqs, vec![json!(1), json!(3)], "{}", cmd::describe(&out));
    let err = cmd::stderr(&out);
    assert!(err.contains("input line 4"), "{err}");
    assert!(err.contains("2 messages before it were published"), "{err}");
    let done = s.wait(T);
    let got: Vec<Value> = parse(&done.lines)
        .iter()
        .map(|r| r["payload"].clone())
        .collect();
    assert_eq!(got, vec![json!("one"), json!("two")]);
}

#[test]
fn a_message_larger_than_the_broker_maximum_is_exit_2_and_never_sent() {
    let b = Broker::start(BrokerConfig::new().max_packet_size(1000));
    let big = "x".repeat(2000);
    for q in ["0", "1", "2"] {
        let out = cmd::run_default(mqtt().args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "big",
            "-q",
            q,
            "-m",
            &big,
        ]));
        cmd::assert_code(&out, 2);
        // No `published` record: the broker never saw it, so it answered nothing.
        assert!(published(&out).is_empty(), "{}", cmd::describe(&out));
        assert!(
            cmd::stderr(&out).contains("exceeds the broker's maximum packet size of 1000 bytes"),
            "{}",
            cmd::describe(&out)
        );
    }
    // A stream stops at the line that cannot be sent: what came before it is published.
    let input = format!("small\n{big}\nsmall\n");
    let out = cmd::run_with_stdin(
        mqtt().args(["pub", "-L", &b.url("mqtt"), "-t", "big", "-q", "1", "-l"]),
        input.as_bytes(),
        T,
    );
    cmd::assert_code(&out, 2);
    let recs = published(&out);
    assert_eq!(recs.len(), 1, "{}", cmd::describe(&out));
    assert_eq!(recs[0]["seq"], 1);
    assert!(
        cmd::stderr(&out).contains("input line 2:"),
        "{}",
        cmd::describe(&out)
    );
}
