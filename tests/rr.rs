//! `mqtt rr` against `mqtt reply` on the real mosquitto the harness starts, and `sub --until` /
//! `--idle` (issue #12).

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;

use crate::support::cmd::{self, records};
use crate::support::subscribed::{spawn_sub, wait_subscribed};
use crate::support::{mqtt, Broker, Spawned};

const T: Duration = Duration::from_secs(20);

/// `mqtt reply -i ID ARGS`, returned once it has subscribed to its one `-t` filter.
fn responder(b: &Broker, id: &str, args: &[&str]) -> Spawned {
    let s = Spawned::spawn(
        mqtt()
            .args(["reply", "-L", &b.url("mqtt"), "-i", id])
            .args(args),
    );
    wait_subscribed(b, id, 1);
    s
}

fn rr(b: &Broker, args: &[&str]) -> std::process::Output {
    cmd::run(mqtt().args(["rr", "-L", &b.url("mqtt")]).args(args), T)
}

fn replies(out: &std::process::Output) -> Vec<Value> {
    let values = cmd::json_lines(&out.stdout);
    records(&values, "message").into_iter().cloned().collect()
}

#[test]
fn rr_gets_the_output_of_a_reply_exec_command_with_its_request_and_latency() {
    let b = Broker::plain();
    let _r = responder(&b, "up-svc", &["-t", "svc/up/req", "--exec", "tr a-z A-Z"]);
    let out = rr(&b, &["-t", "svc/up/req", "-m", "hello"]);
    cmd::assert_success(&out);
    let got = replies(&out);
    assert_eq!(got.len(), 1, "{}", cmd::describe(&out));
    assert_eq!(got[0]["payload"], "HELLO");
    assert_eq!(got[0]["request_seq"], 1);
    assert!(got[0]["latency_ms"].as_f64().is_some_and(|l| l > 0.0));
    let corr = got[0]["properties"]["correlation_data"].as_str().unwrap();
    assert_eq!(corr.len(), 16, "fresh random correlation data: {corr}");
}

#[test]
fn reply_answers_with_the_request_itself_or_a_fixed_message_and_prints_replied_records() {
    let b = Broker::plain();
    let echo = responder(&b, "echo-svc", &["-t", "svc/echo/req", "--echo", "-C", "1"]);
    let _fixed = responder(&b, "fixed-svc", &["-t", "svc/fixed/req", "-m", "pong"]);
    let out = rr(&b, &["-t", "svc/echo/req", "-m", "ping 1", "-q", "1"]);
    cmd::assert_success(&out);
    assert_eq!(replies(&out)[0]["payload"], "ping 1");
    let out = rr(&b, &["-t", "svc/fixed/req", "-m", "ping 2"]);
    cmd::assert_success(&out);
    assert_eq!(replies(&out)[0]["payload"], "pong");
    // -C 1: one request served, then exit 0 with its record.
    let done = echo.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let recs = done.json();
    let served = records(&recs, "replied");
    assert_eq!(served.len(), 1, "{recs:?}");
    assert_eq!(served[0]["topic"], "svc/echo/req");
    assert_eq!(served[0]["outcome"], "ok");
    assert_eq!(served[0]["payload_size"], 6);
}

#[test]
fn replies_that_answer_no_request_and_retained_ones_are_ignored_and_counted() {
    let b = Broker::plain();
    let url = b.url("mqtt");
    // A stale retained reply already waits on the response topic.
    cmd::assert_success(&cmd::run(
        mqtt().args(["pub", "-L", &url, "-t", "me/reply", "-r", "-m", "stale"]),
        T,
    ));
    // The responder first sends an answer to some other request, then the right one.
    let script = format!(
        "mqtt pub -L {url} -t \"$MQTT_RESPONSE_TOPIC\" -m wrong --correlation-data other >/dev/null; echo right"
    );
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_mqtt"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let _r = Spawned::spawn(mqtt().env("PATH", path).args([
        "reply",
        "-L",
        &url,
        "-i",
        "tricky",
        "-t",
        "svc/t/req",
        "--exec",
        &script,
    ]));
    wait_subscribed(&b, "tricky", 1);
    let out = rr(&b, &["-t", "svc/t/req", "-e", "me/reply", "-m", "q"]);
    cmd::assert_success(&out);
    let got = replies(&out);
    assert_eq!(got.len(), 1, "{}", cmd::describe(&out));
    assert_eq!(got[0]["payload"], "right");
    let err = cmd::stderr(&out);
    assert!(
        err.contains("ignored 2 message(s)")
            && err.contains("1 retained")
            && err.contains("1 with correlation data of no request in flight"),
        "{err}"
    );
}

#[test]
fn replies_3_waits_for_three_responders() {
    let b = Broker::plain();
    let _a = responder(&b, "scan-a", &["-t", "svc/scan/req", "-m", "a"]);
    let _b = responder(&b, "scan-b", &["-t", "svc/scan/req", "-m", "b"]);
    let _c = responder(&b, "scan-c", &["-t", "svc/scan/req", "-m", "c"]);
    let out = rr(&b, &["-t", "svc/scan/req", "-m", "who", "--replies", "3"]);
    cmd::assert_success(&out);
    let got: BTreeSet<String> = replies(&out)
        .iter()
        .map(|r| r["payload"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, BTreeSet::from(["a".into(), "b".into(), "c".into()]));
}

#[test]
fn a_request_nobody_answers_ends_at_w_with_exit_6_and_an_unanswered_record() {
    let b = Broker::plain();
    let out = rr(&b, &["-t", "nobody/listens", "-m", "x", "-W", "300ms"]);
    cmd::assert_code(&out, 6);
    let values = cmd::json_lines(&out.stdout);
    let un = records(&values, "unanswered");
    assert_eq!(un.len(), 1, "{}", cmd::describe(&out));
    assert_eq!(un[0]["request_seq"], 1);
    assert_eq!(
        (un[0]["replies"].as_u64(), un[0]["expected"].as_u64()),
        (Some(0), Some(1))
    );
    assert!(cmd::stderr(&out).contains("1 of 1 requests not answered within 300ms"));
}

#[test]
fn over_mqtt_3_1_1_replies_are_correlated_by_order_on_the_given_response_topic() {
    let b = Broker::plain();
    let _r = responder(
        &b,
        "v3-svc",
        &[
            "-V",
            "3.1.1",
            "-t",
            "svc/v3/req",
            "--response-topic",
            "svc/v3/reply",
            "-m",
            "pong",
        ],
    );
    let out = rr(
        &b,
        &[
            "-V",
            "3.1.1",
            "-t",
            "svc/v3/req",
            "-e",
            "svc/v3/reply",
            "-m",
            "ping",
        ],
    );
    cmd::assert_success(&out);
    assert_eq!(replies(&out)[0]["payload"], "pong");
    let out = rr(&b, &["-V", "3.1.1", "-t", "svc/v3/req", "-m", "ping"]);
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("give -e RESPONSE_TOPIC"),
        "{}",
        cmd::stderr(&out)
    );
}

#[test]
fn a_pipeline_of_1000_requests_gets_each_reply_matched_to_its_request_exactly_once() {
    let b = Broker::plain();
    let _r = responder(
        &b,
        "sq-svc",
        &[
            "-t",
            "svc/sq/req",
            "-q",
            "1",
            "--concurrency",
            "8",
            "--no-output",
            "--exec",
            "read x; echo $((x*x))",
        ],
    );
    let input: String = (1..=1000).map(|i| format!("{i}\n")).collect();
    let out = cmd::run_with_stdin(
        mqtt().args([
            "rr",
            "-L",
            &b.url("mqtt"),
            "-t",
            "svc/sq/req",
            "-l",
            "-q",
            "1",
            "--max-inflight",
            "64",
            "-W",
            "15s",
        ]),
        input.as_bytes(),
        Duration::from_secs(60),
    );
    cmd::assert_success(&out);
    let got = replies(&out);
    assert_eq!(got.len(), 1000);
    let mut seen = BTreeSet::new();
    for r in &got {
        let seq = r["request_seq"].as_u64().unwrap();
        assert!(seen.insert(seq), "request {seq} answered twice");
        assert_eq!(r["payload"], (seq * seq).to_string(), "reply to {seq}");
    }
    assert_eq!(seen.len(), 1000);
}

#[test]
fn a_failing_command_is_answered_with_an_error_property_and_reply_keeps_serving() {
    let b = Broker::plain();
    let mut r = responder(
        &b,
        "bad-svc",
        &["-t", "svc/bad/req", "--exec", "echo oops; exit 3"],
    );
    for _ in 0..2 {
        let out = rr(&b, &["-t", "svc/bad/req", "-m", "x"]);
        cmd::assert_success(&out);
        let got = replies(&out);
        assert_eq!(got[0]["payload"], "oops");
        let props = &got[0]["properties"]["user_properties"];
        assert_eq!(
            props[0],
            serde_json::json!(["error", "the command exited with status 3"])
        );
    }
    assert!(r.is_running(), "reply goes on after a failing command");
    r.signal(libc::SIGTERM);
    let done = r.wait(T);
    assert_eq!(done.code(), Some(0), "a signal: DISCONNECT, exit 0");
    let recs = done.json();
    let served = records(&recs, "replied");
    assert_eq!(served.len(), 2);
    assert_eq!(served[0]["outcome"], "error");
    assert_eq!(served[0]["exit_code"], 3);
    assert!(
        done.stderr.contains("the command exited with status 3"),
        "{}",
        done.stderr
    );
}

#[test]
fn a_request_without_a_response_topic_is_logged_and_skipped() {
    let b = Broker::plain();
    let r = responder(
        &b,
        "skip-svc",
        &["-t", "svc/skip/req", "-m", "pong", "-C", "1"],
    );
    cmd::assert_success(&cmd::run(
        mqtt().args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "svc/skip/req",
            "-m",
            "no reply wanted",
        ]),
        T,
    ));
    let done = r.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(
        done.stderr.contains("has no Response Topic: skipped"),
        "{}",
        done.stderr
    );
    let recs = done.json();
    assert_eq!(records(&recs, "replied")[0]["outcome"], "skipped");
}

fn publish_q1(b: &Broker, topic: &str, payload: &str) {
    cmd::assert_success(&cmd::run(
        mqtt().args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-t",
            topic,
            "-q",
            "1",
            "-m",
            payload,
        ]),
        T,
    ));
}

fn publish(b: &Broker, topic: &str, payload: &str) {
    cmd::assert_success(&cmd::run(
        mqtt().args(["pub", "-L", &b.url("mqtt"), "-t", topic, "-m", payload]),
        T,
    ));
}

#[test]
fn sub_until_stops_at_the_first_message_meeting_text_regex_or_json_conditions() {
    let b = Broker::plain();
    for (i, (cond, miss, hit)) in [
        ("ready", "starting", "service ready"),
        ("/^t=[0-9]{2}$/", "t=4", "t=42"),
        (
            r#".status == "online""#,
            r#"{"status":"offline"}"#,
            r#"{"status":"online"}"#,
        ),
        (".temp > 30", r#"{"temp":30}"#, r#"{"temp":30.5}"#),
    ]
    .into_iter()
    .enumerate()
    {
        let topic = format!("until/{i}");
        let id = format!("until-{i}");
        let s = spawn_sub(&b, &id, &["-t", &topic, "--until", cond, "-W", "10s"]);
        publish(&b, &topic, miss);
        publish(&b, &topic, hit);
        publish(&b, &topic, "after");
        let done = s.wait(T);
        assert_eq!(done.code(), Some(0), "{cond}: {}", done.stderr);
        let payloads: Vec<Value> = done.json().iter().map(|r| r["payload"].clone()).collect();
        assert_eq!(
            payloads,
            [miss, hit],
            "{cond}: printed up to and including the match"
        );
    }
}

#[test]
fn sub_until_without_a_match_ends_at_w_with_exit_6_and_a_malformed_one_is_exit_2() {
    let b = Broker::plain();
    let s = spawn_sub(
        &b,
        "until-none",
        &["-t", "until/none", "--until", "never", "-W", "500ms"],
    );
    publish(&b, "until/none", "something else");
    let done = s.wait(T);
    assert_eq!(done.code(), Some(6), "{}", done.stderr);
    assert!(
        done.stderr.contains("none meeting --until"),
        "{}",
        done.stderr
    );
    let out = cmd::run(
        mqtt().args(["sub", "-L", &b.url("mqtt"), "-t", "x", "--until", ".temp >"]),
        T,
    );
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("a value is missing after '>'"),
        "{}",
        cmd::stderr(&out)
    );
}

#[test]
fn sub_idle_takes_what_is_queued_then_exits_once_quiet() {
    let b = Broker::plain();
    // A durable session with three messages queued for it.
    let url = b.url("mqtt");
    let session = [
        "sub",
        "-L",
        &url,
        "-i",
        "idle-q",
        "-t",
        "idle/q",
        "-q",
        "1",
        "--no-clean",
    ];
    cmd::assert_success(&cmd::run(mqtt().args(session).arg("-E"), T));
    for i in 0..3 {
        publish_q1(&b, "idle/q", &i.to_string());
    }
    let out = cmd::run(mqtt().args(session).args(["--idle", "300ms"]), T);
    cmd::assert_success(&out);
    assert_eq!(cmd::json_lines(&out.stdout).len(), 3);
    // From the start: nothing comes at all, exit 0 after the quiet time.
    let out = cmd::run(
        mqtt().args([
            "sub",
            "-L",
            &url,
            "-t",
            "idle/none",
            "--idle",
            "200ms",
            "--idle-from-start",
        ]),
        T,
    );
    cmd::assert_success(&out);
    assert!(out.stdout.is_empty());
}
