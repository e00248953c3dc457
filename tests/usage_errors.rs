//! Every usage error, clap's own included, is one `mqtt: error: ...` on stderr (or a `log`
//! record under `--log json`) and exit 2; help and version are not errors.
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use crate::support::cmd::{self, mqtt};

/// Command lines that make each kind of error clap can report for this command line, and one
/// of the program's own.
fn cases() -> Vec<(&'static str, Vec<OsString>)> {
    let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
    let mut not_utf8 = args(&["pub", "-m", "x", "-t"]);
    not_utf8.push(OsString::from_vec(vec![b'a', 0xff]));
    vec![
        (
            "invalid value",
            args(&["sub", "-t", "x", "--payload", "yaml"]),
        ),
        (
            "value validation",
            args(&["pub", "-t", "x", "-m", "y", "-q", "3"]),
        ),
        ("unknown argument", args(&["pub", "--no-such-flag"])),
        ("invalid subcommand", args(&["frobnicate"])),
        ("too many values", args(&["conn", "--tls=yes"])),
        (
            "argument conflict",
            args(&["pub", "-t", "x", "-m", "a", "-f", "b"]),
        ),
        ("missing required argument", args(&["pub", "-m", "a"])),
        ("missing subcommand", args(&["--color", "never"])),
        ("help on a missing subcommand", args(&["bench"])),
        ("help on a missing subcommand, top level", args(&[])),
        ("invalid UTF-8", not_utf8),
        ("the program's own", args(&["pub", "-t", "a/#", "-m", "x"])),
    ]
}

#[test]
fn every_usage_error_starts_with_the_program_prefix_and_exits_2() {
    for (what, argv) in cases() {
        let out = cmd::run_default(mqtt().args(&argv));
        cmd::assert_code(&out, 2);
        let err = cmd::stderr(&out);
        assert!(err.starts_with("mqtt: error: "), "{what}: {err}");
        assert!(
            !err.contains("\nerror:"),
            "{what}: clap's own prefix: {err}"
        );
        assert!(out.stdout.is_empty(), "{what}: {}", cmd::describe(&out));
    }
}

#[test]
fn every_usage_error_is_one_json_log_record_under_log_json() {
    for (what, argv) in cases() {
        for log in [&["--log", "json"][..], &["--log=json"]] {
            let out = cmd::run_default(mqtt().args(log).args(&argv));
            cmd::assert_code(&out, 2);
            let records = cmd::json_lines(&out.stderr);
            assert_eq!(records.len(), 1, "{what}: {}", cmd::describe(&out));
            let r = &records[0];
            assert_eq!(r["type"], "log", "{what}: {r}");
            assert_eq!(r["level"], "error", "{what}: {r}");
            assert_eq!(r["kind"], "usage", "{what}: {r}");
            let message = r["message"].as_str().unwrap_or_default();
            assert!(
                !message.is_empty() && !message.starts_with("error"),
                "{what}: {r}"
            );
        }
    }
    // MQTT_LOG counts as well.
    let out = cmd::run_default(mqtt().env("MQTT_LOG", "json").args(["pub", "--nope"]));
    cmd::assert_code(&out, 2);
    assert_eq!(cmd::json_lines(&out.stderr)[0]["kind"], "usage");
}

#[test]
fn clap_s_details_and_usage_follow_the_sentence_for_a_person() {
    let out = cmd::run_default(mqtt().args(["sub", "-t", "x", "--payload", "yaml"]));
    let err = cmd::stderr(&out);
    assert!(
        err.starts_with("mqtt: error: invalid value 'yaml' for '--payload <PAYLOAD>'"),
        "{err}"
    );
    assert!(err.contains("[possible values: "), "{err}");
    assert!(err.contains("For more information, try '--help'."), "{err}");
    let out = cmd::run_default(mqtt().args(["bench"]));
    let err = cmd::stderr(&out);
    assert!(
        err.starts_with(
            "mqtt: error: 'mqtt bench' needs a subcommand: conn, pub, sub, pubsub, merge"
        ),
        "{err}"
    );
    assert!(err.contains("Examples:"), "the help follows: {err}");
}

#[test]
fn help_and_version_are_printed_on_stdout_with_exit_0() {
    for argv in [
        &["--help"][..],
        &["--version"],
        &["bench", "--help"],
        &["pub", "--help"],
    ] {
        let out = cmd::run_default(mqtt().args(argv));
        cmd::assert_success(&out);
        assert!(out.stderr.is_empty(), "{argv:?}: {}", cmd::describe(&out));
        assert!(!out.stdout.is_empty(), "{argv:?}");
    }
    let out = cmd::run_default(mqtt().args(["bench", "--help"]));
    assert!(
        cmd::stdout(&out).contains("Examples:\n  mqtt bench "),
        "{}",
        cmd::stdout(&out)
    );
}
