//! `mqtt pub --template` / `--template-file` and the pacing flags (`--count`, `--rate`,
//! `--jitter`) against a real mosquitto: every placeholder's value checked in what a
//! subscriber receives, braces untouched without `--template`, bad templates refused before
//! connecting.
use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::support::broker::{write_file, Broker};
use crate::support::cmd::{self, mqtt};
use crate::support::subscribed::spawn_sub;

const T: Duration = Duration::from_secs(10);

#[track_caller]
fn publish(b: &Broker, args: &[&str]) -> std::process::Output {
    let out = cmd::run_default(mqtt().args(["pub", "-L", &b.url("mqtt")]).args(args));
    cmd::assert_success(&out);
    out
}

/// A loopback port nothing listens on: exit 2 rather than 3 proves the check came first.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("mqtt://127.0.0.1:{}", l.local_addr().unwrap().port())
}

fn is_uuid_v4(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        && groups[2].starts_with('4')
        && "89ab".contains(&groups[3][..1])
}

#[test]
fn every_placeholder_of_a_templated_pub_expands_to_a_valid_value_per_message() {
    let b = Broker::plain();
    let sub = spawn_sub(&b, "tpl-sub", &["-t", "tpl/#", "-q", "1", "-C", "20"]);
    let before = SystemTime::now();
    let payload = r#"{"seq":{seq},"id":"{uuid}","r":{rand:-3-6},"f":{randf:0.5-1.50},"c":"{client_id}","now":"{now}","ms":{now_ms},"lit":"{{x} }}"}"#;
    publish(
        &b,
        &[
            "--template",
            "-t",
            "tpl/{choice:a|b}/{seq}",
            "-m",
            payload,
            "--count",
            "20",
            "--rate",
            "1k",
            "-q",
            "1",
            "-i",
            "tpl-pub",
            "--no-output",
        ],
    );
    let after = SystemTime::now();
    let done = sub.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let records = done.json();
    assert_eq!(records.len(), 20);
    let mut ids = HashSet::new();
    for (i, r) in records.iter().enumerate() {
        let seq = i as u64 + 1;
        let topic = r["topic"].as_str().unwrap();
        assert!(
            topic == format!("tpl/a/{seq}") || topic == format!("tpl/b/{seq}"),
            "{topic}"
        );
        let p: Value = serde_json::from_str(r["payload"].as_str().unwrap()).unwrap();
        assert_eq!(p["seq"], seq);
        let id = p["id"].as_str().unwrap();
        assert!(is_uuid_v4(id), "{id}");
        ids.insert(id.to_string());
        assert!((-3..=6).contains(&p["r"].as_i64().unwrap()), "{p}");
        let f = p["f"].as_f64().unwrap();
        assert!((0.5..=1.5).contains(&f), "{p}");
        assert_eq!(p["c"], "tpl-pub");
        assert_eq!(p["lit"], "{x} }}");
        let now = humantime::parse_rfc3339(p["now"].as_str().unwrap()).unwrap();
        assert!(
            now >= before - Duration::from_millis(1) && now <= after,
            "{p}"
        );
        let ms = p["ms"].as_u64().unwrap();
        let ms = std::time::UNIX_EPOCH + Duration::from_millis(ms);
        assert!(
            ms + Duration::from_millis(1) >= before && ms <= after,
            "{p}"
        );
    }
    assert_eq!(ids.len(), 20, "every uuid is fresh");
}

#[test]
fn a_template_file_is_the_payload_and_braces_stay_as_they_are_without_template() {
    let b = Broker::plain();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reading.json");
    write_file(&file, b"{\"n\":{seq},\"raw\":\"{{seq}\"}\n");
    let sub = spawn_sub(&b, "tplf-sub", &["-t", "tplf/#", "-C", "3"]);
    publish(
        &b,
        &[
            "--template-file",
            file.to_str().unwrap(),
            "-t",
            "tplf/{seq}",
            "--count",
            "2",
            "-q",
            "1",
        ],
    );
    publish(&b, &["-t", "tplf/{seq}", "-m", "{seq} {{", "-q", "1"]);
    let done = sub.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let got: Vec<(String, String)> = done
        .json()
        .iter()
        .map(|r| {
            (
                r["topic"].as_str().unwrap().into(),
                r["payload"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("tplf/1".into(), "{\"n\":1,\"raw\":\"{seq}\"}\n".into()),
            ("tplf/2".into(), "{\"n\":2,\"raw\":\"{seq}\"}\n".into()),
            ("tplf/{seq}".into(), "{seq} {{".into()),
        ]
    );
}

#[test]
fn bad_templates_and_topics_that_would_expand_to_wildcards_are_usage_errors_before_connecting() {
    let url = closed_port();
    for (args, says) in [
        (
            &["-t", "a/{choice:x|+}", "-m", "x"][..],
            "-t 'a/{choice:x|+}'",
        ),
        (&["-t", "a/{rand:1-", "-m", "x"][..], "unclosed '{'"),
        (
            &["-t", "a", "-m", "{rand:9-1}"][..],
            "-m: {rand:9-1}: MIN is above MAX",
        ),
        (
            &["-t", "a", "-m", "{what}"][..],
            "unknown placeholder {what}",
        ),
    ] {
        let out = cmd::run_default(mqtt().args(["pub", "-L", &url, "--template"]).args(args));
        cmd::assert_code(&out, 2);
        let err = cmd::stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    let out =
        cmd::run_default(mqtt().args(["pub", "-L", &url, "-t", "a", "-m", "x", "--jitter", "5ms"]));
    cmd::assert_code(&out, 2);
}
