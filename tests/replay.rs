//! `mqtt sub --record` and `mqtt pub --jsonl --replay` against real mosquittos: a capture on
//! one broker replayed into another byte for byte (payload, properties, retain) with its gaps
//! kept, `--speed max --loop --start-at`, and bad replay input as usage errors.
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde_json::{json, Value};

use crate::support::broker::Broker;
use crate::support::cmd::{self, mqtt};
use crate::support::subscribed::spawn_sub;

const T: Duration = Duration::from_secs(20);

fn time_of(r: &Value) -> SystemTime {
    humantime::parse_rfc3339(r["time"].as_str().unwrap()).unwrap()
}

/// The record without what a replay is not meant to keep: its time, and the expiry interval
/// (which counts down while the broker holds a message).
fn content(r: &Value) -> Value {
    let mut r = r.clone();
    let m = r.as_object_mut().unwrap();
    m.remove("time");
    if let Some(p) = m.get_mut("properties").and_then(Value::as_object_mut) {
        p.remove("message_expiry_interval");
    }
    r
}

#[track_caller]
fn run_pub(b: &Broker, args: &[&str], input: &[u8]) -> std::process::Output {
    let out = cmd::run_with_stdin(
        mqtt().args(["pub", "-L", &b.url("mqtt")]).args(args),
        input,
        T,
    );
    cmd::assert_success(&out);
    out
}

fn stream() -> String {
    let bin: Vec<u8> = (0..=255u8).collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(bin);
    [
        json!({"topic": "rec/text", "qos": 1, "payload": "hello wörld",
               "properties": {"content_type": "text/plain", "user_properties": [["k", "v"], ["k", "w"]]}}),
        json!({"topic": "rec/bin", "qos": 2, "payload": b64, "encoding": "base64",
               "properties": {"response_topic": "r/1", "correlation_data": {"base64": "AP8="}}}),
        json!({"topic": "rec/kept", "qos": 1, "retain": true, "payload": "state"}),
        json!({"topic": "rec/empty", "qos": 0, "payload": ""}),
        json!({"topic": "rec/json", "qos": 1, "payload": "{\"a\": 1.50 }",
               "properties": {"payload_format_indicator": 1, "message_expiry_interval": 600}}),
        json!({"topic": "rec/last", "qos": 2, "payload": "bye"}),
    ]
    .iter()
    .map(|v| format!("{v}\n"))
    .collect()
}

#[test]
fn a_recorded_stream_replays_into_another_broker_byte_exact_with_its_gaps_kept() {
    let (source, target) = (Broker::plain(), Broker::plain());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("capture.jsonl");
    let file_s = file.to_str().unwrap();
    let recorder = spawn_sub(
        &source,
        "recorder",
        &[
            "-t",
            "rec/#",
            "-q",
            "2",
            "-C",
            "6",
            "--retain-as-published",
            "--record",
            file_s,
            "--no-stdout",
        ],
    );
    // Gaps of 40 ms and more, so that the recorded times differ by what the replay must keep.
    run_pub(
        &source,
        &["--jsonl", "--interval", "40ms"],
        stream().as_bytes(),
    );
    let done = recorder.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(done.lines.is_empty(), "--no-stdout: {:?}", done.lines);
    let recorded = cmd::json_lines(&std::fs::read(&file).unwrap());
    assert_eq!(recorded.len(), 6);

    let watcher = spawn_sub(
        &target,
        "watcher",
        &["-t", "rec/#", "-q", "2", "-C", "6", "--retain-as-published"],
    );
    let out = run_pub(
        &target,
        &["--jsonl", "--replay", "--no-output"],
        &std::fs::read(&file).unwrap(),
    );
    let done = watcher.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let replayed = done.json();
    assert_eq!(
        replayed.iter().map(content).collect::<Vec<_>>(),
        recorded.iter().map(content).collect::<Vec<_>>()
    );
    assert_eq!(replayed[2]["retain"], true);
    // The gaps: loosely here (two processes and a broker on a shared machine in between);
    // bench/compare.sh replay measures the timing error precisely.
    for i in 1..6 {
        let want = time_of(&recorded[i])
            .duration_since(time_of(&recorded[i - 1]))
            .unwrap();
        let got = time_of(&replayed[i])
            .duration_since(time_of(&replayed[i - 1]))
            .unwrap();
        let diff = want.max(got) - want.min(got);
        assert!(
            diff < Duration::from_millis(15),
            "gap {i}: recorded {want:?}, replayed {got:?}"
        );
    }
    let summary = cmd::json_lines(&out.stdout);
    assert_eq!(summary.len(), 1, "{summary:?}");
    let s = &summary[0];
    assert_eq!(
        (
            s["type"].clone(),
            s["messages"].clone(),
            s["skipped"].clone(),
            s["passes"].clone()
        ),
        (json!("replayed"), json!(6), json!(0), json!(1))
    );
    assert!(
        s["late"].is_u64() && s["lateness_ms"]["p99"].is_f64(),
        "{s}"
    );
}

#[test]
fn max_speed_loops_start_at_a_recorded_time_and_skip_what_came_before() {
    let b = Broker::plain();
    let times = [
        "2026-12-01T10:00:00Z",
        "2026-12-01T10:00:05Z",
        "2026-12-01T10:00:10Z",
        "2026-12-01T11:00:00Z",
    ];
    let input: String = times
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{}\n", json!({"type": "message", "time": t, "topic": format!("loop/{i}"), "qos": 1, "retain": false, "payload": "x"})))
        .collect();
    let watcher = spawn_sub(&b, "loop-watcher", &["-t", "loop/#", "-q", "1", "-C", "9"]);
    let out = run_pub(
        &b,
        &[
            "--jsonl",
            "--replay",
            "--speed",
            "max",
            "--loop",
            "3",
            "--start-at",
            "2026-12-01T10:00:05Z",
            "--no-output",
        ],
        input.as_bytes(),
    );
    let done = watcher.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let topics: Vec<String> = done
        .json()
        .iter()
        .map(|r| r["topic"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(topics, ["loop/1", "loop/2", "loop/3"].repeat(3));
    let s = &cmd::json_lines(&out.stdout)[0];
    assert_eq!(
        (
            s["messages"].clone(),
            s["skipped"].clone(),
            s["passes"].clone()
        ),
        (json!(9), json!(1), json!(3))
    );
    assert!(
        s["late"].is_null() && s["lateness_ms"].is_null(),
        "no lateness at max speed: {s}"
    );
    // An hour-long gap at 1x would wait; an offset start skips the first 10 s.
    let watcher = spawn_sub(
        &b,
        "offset-watcher",
        &["-t", "loop/#", "-q", "1", "-C", "1"],
    );
    let out = run_pub(
        &b,
        &["--jsonl", "--replay", "--start-at", "10s", "--speed", "max"],
        input.as_bytes(),
    );
    assert_eq!(cmd::json_lines(&out.stdout).last().unwrap()["skipped"], 2);
    assert_eq!(watcher.wait(T).json()[0]["topic"], "loop/2");
}

#[test]
fn a_record_without_a_time_and_a_bad_speed_are_usage_errors() {
    let b = Broker::plain();
    let out = cmd::run_with_stdin(
        mqtt().args(["pub", "-L", &b.url("mqtt"), "--jsonl", "--replay"]),
        b"{\"topic\":\"a\",\"payload\":\"x\"}\n",
        T,
    );
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("input line 1: no \"time\""),
        "{}",
        cmd::stderr(&out)
    );
    for bad in [
        &["--speed", "0x"][..],
        &["--loop", "0"],
        &["--start-at", "soon"],
    ] {
        let out = cmd::run_default(
            mqtt()
                .args(["pub", "-L", &b.url("mqtt"), "--jsonl", "--replay"])
                .args(bad),
        );
        cmd::assert_code(&out, 2);
    }
    let out = cmd::run_default(mqtt().args([
        "pub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "a",
        "-m",
        "x",
        "--speed",
        "2x",
    ]));
    cmd::assert_code(&out, 2);
}

#[test]
fn a_replay_looping_forever_reports_its_lateness_when_a_signal_stops_it() {
    use std::io::Write as _;
    let b = Broker::plain();
    let input: String = (0..4)
        .map(|i| {
            let t = format!("2026-12-01T10:00:00.{:03}Z", i * 10);
            format!(
                "{}\n",
                json!({"time": t, "topic": "forever/x", "qos": 1, "payload": i.to_string()})
            )
        })
        .collect();
    let watcher = spawn_sub(
        &b,
        "forever-watcher",
        &["-t", "forever/#", "-q", "1", "-C", "30"],
    );
    let mut p = cmd::Spawned::spawn_with_stdin(mqtt().args([
        "pub",
        "-L",
        &b.url("mqtt"),
        "--jsonl",
        "--replay",
        "--loop",
        "forever",
        "--no-output",
    ]));
    p.stdin().write_all(input.as_bytes()).unwrap();
    p.close_stdin();
    // 30 messages are more than seven passes over the four records.
    let done = watcher.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    p.signal(libc::SIGINT);
    let done = p.wait(T);
    assert_eq!(done.code(), Some(130), "{}", done.stderr);
    let records = cmd::json_lines(done.lines.join("\n").as_bytes());
    let s = records.last().unwrap();
    assert_eq!(s["type"], "replayed", "{records:?}");
    assert!(
        s["messages"].as_u64().unwrap() >= 30 && s["passes"].as_u64().unwrap() >= 8,
        "{s}"
    );
    assert!(s["lateness_ms"]["p50"].is_f64(), "{s}");
}

#[test]
fn a_record_file_gets_the_plain_record_while_stdout_prints_as_asked() {
    let b = Broker::plain();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("both.jsonl");
    let sub = spawn_sub(
        &b,
        "both",
        &[
            "-t",
            "both/#",
            "-C",
            "2",
            "--format",
            "{topic}={payload_hex}",
            "--record",
            file.to_str().unwrap(),
        ],
    );
    run_pub(
        &b,
        &["-t", "both/a", "-m", "hi", "--count", "2", "-q", "1"],
        b"",
    );
    let done = sub.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert_eq!(done.lines, ["both/a=6869", "both/a=6869"]);
    let recorded = cmd::json_lines(&std::fs::read(&file).unwrap());
    assert_eq!(recorded.len(), 2);
    for r in &recorded {
        assert_eq!(
            (r["type"].clone(), r["topic"].clone(), r["payload"].clone()),
            (json!("message"), json!("both/a"), json!("hi"))
        );
    }
}

#[test]
fn a_record_file_that_cannot_be_opened_and_misplaced_flags_are_usage_errors_before_connecting() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("mqtt://127.0.0.1:{}", l.local_addr().unwrap().port());
    drop(l);
    let out = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &url,
        "-t",
        "a",
        "--record",
        "/nonexistent/dir/r.jsonl",
    ]));
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("--record /nonexistent/dir/r.jsonl"),
        "{}",
        cmd::stderr(&out)
    );
    let out = cmd::run_default(mqtt().args(["sub", "-L", &url, "-t", "a", "--no-stdout"]));
    cmd::assert_code(&out, 2);
    let out = cmd::run_default(mqtt().args([
        "rr",
        "-L",
        &url,
        "-t",
        "a",
        "--template-file",
        "/dev/null",
    ]));
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("--template-file is pub's"),
        "{}",
        cmd::stderr(&out)
    );
}
