//! What a person at a terminal gets: the password asked without echo (`--password-prompt`, `-P`
//! without a value) or read from stdin in scripts (`--password-stdin`), and coloured records
//! (`--color`, NO_COLOR) that a pipe never gets.
use std::process::Command;
use std::time::Duration;

use crate::support::broker::{Broker, BrokerConfig};
use crate::support::cmd::{self, mqtt};
use crate::support::pty::Pty;

const WAIT: Duration = Duration::from_secs(20);

fn broker_with_alice() -> Broker {
    Broker::start(
        BrokerConfig::new()
            .users(&[("alice", "s3cret-pw")])
            .allow_anonymous(false),
    )
}

fn conn_as_alice(b: &Broker) -> Command {
    let mut c = mqtt();
    c.args([
        "conn",
        "-h",
        "127.0.0.1",
        "-p",
        &b.port().to_string(),
        "-u",
        "alice",
    ]);
    c
}

#[test]
fn the_password_prompt_reads_the_terminal_without_echo_and_connects() {
    let b = broker_with_alice();
    for flag in ["--password-prompt", "-P"] {
        let mut pty = Pty::spawn(conn_as_alice(&b).arg(flag));
        assert!(
            pty.wait_for("Password: ", WAIT),
            "{flag}: no prompt; the terminal showed: {}",
            String::from_utf8_lossy(&pty.output)
        );
        assert!(!pty.echoes(), "{flag}: the terminal echoes at the prompt");
        pty.type_text("s3cret-pw\n");
        let (status, shown) = pty.finish(WAIT);
        assert!(status.success(), "{flag}: {status}\n{shown}");
        assert!(
            shown.contains("\"reason_name\":\"Success\""),
            "{flag}: {shown}"
        );
        assert!(
            !shown.contains("s3cret-pw"),
            "{flag}: the password was echoed: {shown}"
        );
    }
}

#[test]
fn a_wrong_password_at_the_prompt_is_refused_by_the_broker() {
    let b = broker_with_alice();
    let mut pty = Pty::spawn(conn_as_alice(&b).arg("--password-prompt"));
    assert!(pty.wait_for("Password: ", WAIT));
    pty.type_text("wrong\n");
    let (status, shown) = pty.finish(WAIT);
    assert_eq!(status.code(), Some(4), "{shown}");
}

#[test]
fn asking_for_the_password_without_a_terminal_is_a_usage_error() {
    let b = broker_with_alice();
    for flag in ["--password-prompt", "-P"] {
        let mut c = conn_as_alice(&b);
        c.arg(flag);
        // A session of its own: no controlling terminal, whatever the test runner has.
        // SAFETY: setsid is async-signal-safe.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut c, || {
                libc::setsid();
                Ok(())
            });
        }
        let out = cmd::run_default(&mut c);
        cmd::assert_code(&out, 2);
        let err = cmd::stderr(&out);
        assert!(
            err.starts_with("mqtt: error: no terminal to ask for the password"),
            "{err}"
        );
        assert!(err.contains("--password-stdin"), "{err}");
    }
}

#[test]
fn password_stdin_takes_the_first_line_of_stdin() {
    let b = broker_with_alice();
    let out = cmd::run_with_stdin(
        conn_as_alice(&b).arg("--password-stdin"),
        b"s3cret-pw\nnot the password\n",
        WAIT,
    );
    cmd::assert_success(&out);
    let out = cmd::run_with_stdin(conn_as_alice(&b).arg("--password-stdin"), b"wrong\n", WAIT);
    cmd::assert_code(&out, 4);
    let out = cmd::run_with_stdin(conn_as_alice(&b).arg("--password-stdin"), b"", WAIT);
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("--password-stdin"),
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn password_stdin_cannot_be_used_with_messages_from_stdin() {
    for source in ["-l", "-s", "--jsonl"] {
        let out = cmd::run_default(mqtt().args(["pub", "-t", "x", "--password-stdin", source]));
        cmd::assert_code(&out, 2);
        let err = cmd::stderr(&out);
        assert!(
            err.starts_with("mqtt: error: the argument"),
            "{source}: {err}"
        );
        assert!(err.contains("--password-stdin"), "{source}: {err}");
    }
}

#[test]
fn a_published_password_stdin_message_reaches_the_broker() {
    let b = broker_with_alice();
    let out = cmd::run_with_stdin(
        mqtt().args([
            "pub",
            "-p",
            &b.port().to_string(),
            "-u",
            "alice",
            "--password-stdin",
            "-t",
            "t",
            "-m",
            "hello",
            "-q",
            "1",
        ]),
        b"s3cret-pw\n",
        WAIT,
    );
    cmd::assert_success(&out);
}

const KEY: &str = "\x1b[34;1m\"type\"\x1b[0m";

fn conn(b: &Broker) -> Command {
    let mut c = mqtt();
    c.args(["conn", "-p", &b.port().to_string()])
        .env_remove("NO_COLOR");
    c
}

#[test]
fn records_are_coloured_on_a_terminal_unless_no_color_is_set() {
    let b = Broker::plain();
    let (status, shown) = Pty::spawn(&mut conn(&b)).finish(WAIT);
    assert!(status.success(), "{shown}");
    assert!(shown.contains(KEY), "no colour on a terminal: {shown:?}");
    assert!(shown.contains("\x1b[32m\"connack\"\x1b[0m"), "{shown:?}");
    assert!(shown.contains("\x1b[36m0\x1b[0m"), "{shown:?}");
    for no_color in [&["--color", "never"][..], &[]] {
        let mut c = conn(&b);
        c.args(no_color);
        if no_color.is_empty() {
            c.env("NO_COLOR", "1");
        }
        let (status, shown) = Pty::spawn(&mut c).finish(WAIT);
        assert!(status.success(), "{shown}");
        assert!(!shown.contains('\x1b'), "{no_color:?}: {shown:?}");
        assert!(shown.contains("\"type\":\"connack\""), "{shown}");
    }
}

#[test]
fn piped_records_are_never_coloured_unless_always_is_asked_for() {
    let b = Broker::plain();
    let out = cmd::run_default(&mut conn(&b));
    cmd::assert_success(&out);
    assert!(!cmd::stdout(&out).contains('\x1b'), "{}", cmd::stdout(&out));
    assert_eq!(cmd::json_lines(&out.stdout)[0]["type"], "connack");
    let out = cmd::run_default(conn(&b).args(["--color", "always"]));
    cmd::assert_success(&out);
    assert!(cmd::stdout(&out).contains(KEY), "{}", cmd::stdout(&out));
}

#[test]
fn sub_colours_its_message_records_and_leaves_templates_alone() {
    let b = Broker::plain();
    let port = b.port().to_string();
    let out = cmd::run_default(mqtt().args([
        "pub",
        "-p",
        &port,
        "-t",
        "c/1",
        "-m",
        "{\"t\":21.5}",
        "-r",
        "-q",
        "1",
    ]));
    cmd::assert_success(&out);
    let sub = |extra: &[&str]| {
        let mut c = mqtt();
        c.args([
            "sub", "-p", &port, "-t", "c/#", "-C", "1", "--color", "always",
        ])
        .args(extra);
        cmd::run_default(&mut c)
    };
    let out = sub(&["--payload", "json"]);
    cmd::assert_success(&out);
    let text = cmd::stdout(&out);
    assert!(text.contains("\x1b[34;1m\"payload\"\x1b[0m"), "{text:?}");
    assert!(text.contains("\x1b[36m21.5\x1b[0m"), "{text:?}");
    assert!(text.contains("\x1b[32m\"c/1\"\x1b[0m"), "{text:?}");
    let out = sub(&["-v"]);
    cmd::assert_success(&out);
    assert_eq!(cmd::stdout(&out), "c/1 {\"t\":21.5}\n");
}

#[test]
fn capath_verifies_the_broker_with_a_folder_of_ca_certificates() {
    let b = Broker::start(BrokerConfig::new().tls());
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(b.ca_file(), dir.path().join("ca.pem")).unwrap();
    std::fs::write(dir.path().join("README"), "not a certificate").unwrap();
    let url = b.url("mqtts");
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "-L", &url, "--capath"])
            .arg(dir.path()),
    );
    cmd::assert_success(&out);
    // A folder with the wrong CA only: verification fails (exit 3), and says where to look.
    let wrong = tempfile::tempdir().unwrap();
    std::fs::copy(b.wrong_ca_file(), wrong.path().join("other.pem")).unwrap();
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "-L", &url, "--capath"])
            .arg(wrong.path()),
    );
    cmd::assert_code(&out, 3);
    assert!(
        cmd::stderr(&out).contains("--capath"),
        "{}",
        cmd::describe(&out)
    );
    // A folder without certificates is a usage error.
    let empty = tempfile::tempdir().unwrap();
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "-L", &url, "--capath"])
            .arg(empty.path()),
    );
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("holds no PEM certificate"),
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn password_stdin_wins_over_a_password_in_the_environment_but_not_over_one_on_the_command_line() {
    let b = broker_with_alice();
    let mut c = conn_as_alice(&b);
    c.arg("--password-stdin").env("MQTT_PASSWORD", "wrong");
    let out = cmd::run_with_stdin(&mut c, b"s3cret-pw\n", WAIT);
    cmd::assert_success(&out);
    for other in [&["-P", "s3cret-pw"][..], &["--password-file", "/dev/null"]] {
        let out = cmd::run_with_stdin(
            conn_as_alice(&b).arg("--password-stdin").args(other),
            b"s3cret-pw\n",
            WAIT,
        );
        cmd::assert_code(&out, 2);
        let err = cmd::stderr(&out);
        assert!(
            err.starts_with("mqtt: error: --password-stdin cannot be used with"),
            "{other:?}: {err}"
        );
    }
}

#[test]
fn ctrl_c_at_the_password_prompt_ends_the_program_and_gives_the_echo_back() {
    use std::os::unix::process::ExitStatusExt;
    let b = broker_with_alice();
    let mut pty = Pty::spawn(conn_as_alice(&b).arg("--password-prompt"));
    assert!(pty.wait_for("Password: ", WAIT));
    assert!(!pty.echoes());
    pty.type_text("\u{3}");
    let status = pty.wait(WAIT);
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status}");
    assert!(pty.echoes(), "the terminal was left without echo");
}

/// `s` without its colour escapes.
fn without_colour(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn a_burst_of_coloured_records_is_every_record_once_in_colour() {
    let b = Broker::plain();
    let sub = crate::support::subscribed::spawn_sub(
        &b,
        "colour-burst",
        &["-t", "burst", "-q", "1", "-C", "2000", "--color", "always"],
    );
    let lines: String = (0..2000).map(|i| format!("{{\"n\":{i}}}\n")).collect();
    let out = cmd::run_with_stdin(
        mqtt().args([
            "pub",
            "-p",
            &b.port().to_string(),
            "-t",
            "burst",
            "-q",
            "1",
            "-l",
        ]),
        lines.as_bytes(),
        WAIT,
    );
    cmd::assert_success(&out);
    let done = sub.wait(WAIT);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert_eq!(done.all_lines.len(), 2000);
    for (i, line) in done.all_lines.iter().enumerate() {
        assert!(
            line.starts_with("\x1b[1;39m{\x1b[0m\x1b[34;1m\"type\""),
            "{line:?}"
        );
        let v: serde_json::Value = serde_json::from_str(&without_colour(line))
            .unwrap_or_else(|e| panic!("line {i} is not a record once uncoloured ({e}): {line:?}"));
        assert_eq!(v["payload"], format!("{{\"n\":{i}}}"));
    }
}
