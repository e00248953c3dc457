//! `mqtt ls` (issue #15) on the real mosquitto the harness starts: exact counts on a known
//! stream, retained topics, the bound on topics, the tree, and its usage errors.

use std::time::Duration;

use serde_json::Value;

use crate::support::cmd::{self, records};
use crate::support::subscribed::wait_subscribed;
use crate::support::{mqtt, Broker, Spawned};

const T: Duration = Duration::from_secs(20);

/// `mqtt ls -L <broker> -i ID ARGS --watch` (ticks, stdout being a pipe), once subscribed.
fn spawn_ls(b: &Broker, id: &str, filters: usize, args: &[&str]) -> Spawned {
    let s = Spawned::spawn(
        mqtt()
            .args(["ls", "-L", &b.url("mqtt"), "-i", id, "--watch"])
            .args(args),
    );
    wait_subscribed(b, id, filters);
    s
}

fn publish(b: &Broker, args: &[&str], input: &str) {
    let out = cmd::run_with_stdin(
        mqtt().args(["pub", "-L", &b.url("mqtt")]).args(args),
        input.as_bytes(),
        T,
    );
    cmd::assert_success(&out);
}

/// Wait for the tick that has seen `n` messages, then stop `ls` with SIGINT: its records.
fn stop_after(mut s: Spawned, n: u64) -> Vec<Value> {
    s.wait_for_json(|v| v["type"] == "ls_tick" && v["messages"] == n, T);
    s.signal(libc::SIGINT);
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    done.json()
}

#[test]
fn ls_counts_every_message_and_byte_of_a_known_stream_per_topic() {
    let b = Broker::plain();
    let s = spawn_ls(&b, "ls-known", 1, &["-t", "known/#", "-q", "1"]);
    let a: String = (1..=300).map(|i| format!("{i}\n")).collect();
    publish(&b, &["-t", "known/a", "-q", "1", "-l"], &a);
    let bb: String = (1..=50).map(|_| "xy\n").collect();
    publish(&b, &["-t", "known/b/c", "-q", "0", "-l"], &bb);
    publish(&b, &["-t", "known/r", "-q", "1", "-r", "-m", "on"], "");
    let recs = stop_after(s, 351);
    let topics = records(&recs, "topic");
    let names: Vec<&str> = topics.iter().filter_map(|t| t["topic"].as_str()).collect();
    assert_eq!(
        names,
        ["known/a", "known/b/c", "known/r"],
        "sorted by topic"
    );
    let a = topics[0];
    let bytes: u64 = (1..=300u64).map(|i| i.to_string().len() as u64).sum();
    assert_eq!(
        (a["messages"].as_u64(), a["bytes"].as_u64()),
        (Some(300), Some(bytes))
    );
    assert_eq!(a["payload"], "300");
    assert_eq!(a["qos"], serde_json::json!([1]));
    assert_eq!(a["retained"], false);
    assert!(a["rate"].as_f64().is_some_and(|r| r > 0.0), "{a}");
    assert!(a["first"].as_str() <= a["last"].as_str(), "{a}");
    let c = topics[1];
    assert_eq!(
        (c["messages"].as_u64(), c["bytes"].as_u64()),
        (Some(50), Some(100))
    );
    assert_eq!(c["qos"], serde_json::json!([0]));
    assert_eq!(topics[2]["retained"], true);
    let summary = records(&recs, "ls_summary")[0];
    assert_eq!(
        (
            summary["topics"].as_u64(),
            summary["messages"].as_u64(),
            summary["untracked_messages"].as_u64()
        ),
        (Some(3), Some(351), Some(0))
    );
}

#[test]
fn ls_sorts_by_count_and_truncates_the_last_payload() {
    let b = Broker::plain();
    let s = spawn_ls(
        &b,
        "ls-sort",
        1,
        &[
            "-t",
            "srt/#",
            "-q",
            "1",
            "--sort",
            "count",
            "--payload-bytes",
            "4",
        ],
    );
    publish(&b, &["-t", "srt/few", "-q", "1", "-m", "abcdefgh"], "");
    publish(&b, &["-t", "srt/many", "-q", "1", "-l"], "1\n2\n3\n");
    let recs = stop_after(s, 4);
    let topics = records(&recs, "topic");
    assert_eq!(topics[0]["topic"], "srt/many");
    let few = topics[1];
    assert_eq!(
        (&few["payload"], &few["truncated"], &few["payload_size"]),
        (&Value::from("abcd"), &Value::from(true), &Value::from(8))
    );
}

#[test]
fn ls_keeps_at_most_max_topics_and_counts_the_rest() {
    let b = Broker::plain();
    let s = spawn_ls(
        &b,
        "ls-max",
        1,
        &["-t", "mx/#", "-q", "1", "--max-topics", "2"],
    );
    for t in ["mx/1", "mx/2", "mx/3", "mx/4"] {
        publish(&b, &["-t", t, "-q", "1", "-m", "abc"], "");
    }
    let recs = stop_after(s, 4);
    assert_eq!(records(&recs, "topic").len(), 2);
    let summary = records(&recs, "ls_summary")[0];
    assert_eq!(
        (
            summary["untracked_messages"].as_u64(),
            summary["untracked_bytes"].as_u64()
        ),
        (Some(2), Some(6))
    );
}

#[test]
fn ls_retained_lists_what_the_broker_holds_and_ends_by_itself() {
    let b = Broker::plain();
    for (t, m) in [("ret/a", "1"), ("ret/b/c", "22"), ("ret/gone", "x")] {
        publish(&b, &["-t", t, "-q", "1", "-r", "-m", m], "");
    }
    publish(&b, &["-t", "ret/gone", "-q", "1", "-r", "-m", ""], "");
    let out = cmd::run(
        mqtt().args(["ls", "-L", &b.url("mqtt"), "-t", "ret/#", "--retained"]),
        T,
    );
    cmd::assert_success(&out);
    let recs = cmd::json_lines(&out.stdout);
    let names: Vec<&str> = records(&recs, "topic")
        .iter()
        .filter_map(|t| t["topic"].as_str())
        .collect();
    assert_eq!(names, ["ret/a", "ret/b/c"]);
    assert!(records(&recs, "topic")
        .iter()
        .all(|t| t["retained"] == true));
}

#[test]
fn ls_tree_prints_the_levels_folded_with_their_counts() {
    let b = Broker::plain();
    for t in ["tr/x/a", "tr/x/b", "tr/y/z/w"] {
        publish(&b, &["-t", t, "-q", "1", "-r", "-m", "m"], "");
    }
    let out = cmd::run(
        mqtt().args([
            "ls",
            "-L",
            &b.url("mqtt"),
            "-t",
            "tr/#",
            "--retained",
            "--tree",
        ]),
        T,
    );
    cmd::assert_success(&out);
    let text = cmd::stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("tr ") && lines[0].ends_with("(3 topics)"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("  x ") && lines[1].ends_with("(2 topics)"),
        "{text}"
    );
    assert!(lines[2].starts_with("    a "), "{text}");
    assert!(lines[4].starts_with("  y/z/w "), "{text}");
    assert!(lines[5].contains("\"ls_summary\""), "{text}");
}

#[test]
fn ls_refuses_a_payload_codec_and_a_bad_filter_as_usage_errors() {
    let b = Broker::plain();
    let out = cmd::run(
        mqtt().args(["ls", "-L", &b.url("mqtt"), "--payload", "cbor"]),
        T,
    );
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("--payload"),
        "{}",
        cmd::stderr(&out)
    );
    let out = cmd::run(mqtt().args(["ls", "-L", &b.url("mqtt"), "-t", "a/#/b"]), T);
    cmd::assert_code(&out, 2);
    assert_eq!(
        cmd::stderr(&out).lines().count(),
        1,
        "{}",
        cmd::stderr(&out)
    );
}

#[test]
fn ls_watch_on_a_terminal_redraws_a_table_of_the_topics() {
    let b = Broker::plain();
    let mut pty = crate::support::pty::Pty::spawn(mqtt().args([
        "ls",
        "-L",
        &b.url("mqtt"),
        "-i",
        "ls-tty",
        "-t",
        "tty/#",
        "-q",
        "1",
        "--watch",
    ]));
    wait_subscribed(&b, "ls-tty", 1);
    publish(&b, &["-t", "tty/a", "-q", "1", "-r", "-m", "on"], "");
    assert!(
        pty.wait_for("mqtt ls: 1 topics, 1 messages", T),
        "the terminal showed: {}",
        String::from_utf8_lossy(&pty.output)
    );
    assert!(pty.wait_for("  tty/a", T));
    pty.type_text("\x03");
    let (status, shown) = pty.finish(T);
    assert!(status.success(), "{status}\n{shown}");
    assert!(shown.contains("\x1b[H\x1b[2J"), "{shown}");
    assert!(
        !shown.contains("\"type\""),
        "no records on the terminal: {shown}"
    );
}
