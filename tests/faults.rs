//! Faults of a real broker (restarted, frozen), a slow consumer, bad input and the handling of
//! secrets. Readiness is awaited (mosquitto's subscription log lines, records, stderr notices),
//! never slept for.
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::broker::{Broker, BrokerConfig};
use crate::support::cmd::{self, mqtt, Spawned};
use crate::support::fake::{packets, FakeBroker, Step};
use crate::support::subscribed::{spawn_sub, wait_subscribed};

const T: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Wait until `cond` holds on the child's stderr; returns how long that took.
#[track_caller]
fn wait_stderr(s: &Spawned, timeout: Duration, cond: impl Fn(&str) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        if cond(&s.stderr()) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < timeout,
            "stderr condition not met within {timeout:?}: {}",
            s.stderr()
        );
        thread::sleep(Duration::from_millis(5));
    }
}

/// A loopback URL nothing listens on: exit 2 (not 3) proves a check came before connecting.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    format!("mqtt://127.0.0.1:{port}")
}

/// Exit 2, nothing on stdout, one stderr line containing `needle`, no panic.
#[track_caller]
fn assert_usage(out: &Output, needle: &str, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: exit 2 expected\n{}",
        cmd::describe(out)
    );
    assert!(out.stdout.is_empty(), "{what}: {}", cmd::describe(out));
    let err = cmd::stderr(out);
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(
        err.contains(needle),
        "{what}: {needle:?} not in stderr: {err}"
    );
}

/// Peak resident set size (VmHWM) of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

// ---------------------------------------------------------------------------------------------
// A broker restarted or frozen
// ---------------------------------------------------------------------------------------------

#[test]
fn pub_lines_at_qos_1_lose_nothing_when_the_broker_restarts_mid_stream() {
    let mut b = Broker::start(BrokerConfig::new().persistence());
    let mut s = spawn_sub(
        &b,
        "restart-sub",
        &[
            "-t",
            "rs/#",
            "-q",
            "1",
            "--no-clean",
            "--reconnect-delay",
            "50ms",
            "--format",
            "{payload}",
        ],
    );
    let mut p = Spawned::spawn_with_stdin(mqtt().args([
        "pub",
        "-L",
        &b.url("mqtt"),
        "-i",
        "restart-pub",
        "--no-clean",
        "-t",
        "rs/a",
        "-q",
        "1",
        "-l",
        "--interval",
        "3ms",
        "--reconnect-delay",
        "50ms",
    ]));
    // 1..=300 stream in at one every 3 ms; the broker goes down while they do.
    for i in 1..=300 {
        p.send_line(&i.to_string());
    }
    let mut seen = BTreeSet::new();
    while seen.len() < 50 {
        seen.insert(s.wait_for_line(|_| true, T));
    }
    b.restart();
    for i in 301..=400 {
        p.send_line(&i.to_string());
    }
    let done = p.wait(Duration::from_secs(30));
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(done.stderr.contains("reconnected"), "{}", done.stderr);
    let recs = done.json();
    let mut seqs: Vec<u64> = recs.iter().filter_map(|r| r["seq"].as_u64()).collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=400).collect::<Vec<_>>(),
        "one published record per line"
    );
    assert!(recs.iter().all(|r| r["reason_code"] == 0), "{recs:?}");
    while seen.len() < 400 {
        let line = s.wait_for_line(|_| true, T);
        seen.insert(line);
    }
    let want: BTreeSet<String> = (1..=400).map(|i| i.to_string()).collect();
    assert_eq!(seen, want);
}

#[test]
fn sub_keeps_its_persistent_session_across_a_restart_at_qos_1_and_2() {
    for qos in ["1", "2"] {
        let mut b = Broker::start(BrokerConfig::new().persistence());
        let id = format!("persist-sub-{qos}");
        let mut s = spawn_sub(
            &b,
            &id,
            &[
                "-t",
                "ps/#",
                "-q",
                qos,
                "--no-clean",
                "--reconnect-delay",
                "50ms",
                "--format",
                "{payload}",
            ],
        );
        let mut p = Spawned::spawn_with_stdin(mqtt().args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-i",
            &format!("persist-pub-{qos}"),
            "--no-clean",
            "-t",
            "ps/a",
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
        b.restart();
        let done = p.wait(Duration::from_secs(30));
        assert_eq!(done.code(), Some(0), "qos {qos}: {}", done.stderr);
        let want: BTreeSet<String> = (1..=500).map(|i| i.to_string()).collect();
        let deadline = Instant::now() + Duration::from_secs(20);
        while got.iter().collect::<BTreeSet<_>>().len() < 500 {
            let left = deadline.saturating_duration_since(Instant::now());
            match s.next_line(left) {
                Some(l) => got.push(l),
                None => panic!(
                    "qos {qos}: {} of 500 distinct messages\n{}",
                    got.iter().collect::<BTreeSet<_>>().len(),
                    s.stderr()
                ),
            }
        }
        let distinct: BTreeSet<String> = got.iter().cloned().collect();
        assert_eq!(distinct, want, "qos {qos}");
        if qos == "2" {
            // Exactly once: nothing is printed twice, even across the restart. (Give a stray
            // duplicate a moment to show up.)
            while let Some(l) = s.next_line(Duration::from_millis(300)) {
                got.push(l);
            }
            assert_eq!(got.len(), 500, "duplicates at QoS 2");
        }
        wait_stderr(&s, T, |e| e.contains("reconnected (session present: true)"));
        s.signal(libc::SIGTERM);
        let done = s.wait(T);
        assert_eq!(done.code(), Some(0), "{}", done.stderr);
    }
}

#[test]
fn a_frozen_broker_is_found_dead_by_bench_connections_keepalive() {
    let mut b = Broker::plain();
    let mut bench = Spawned::spawn(mqtt().args([
        "bench",
        "conn",
        "-L",
        &b.url("mqtt"),
        "-c",
        "2",
        "-k",
        "1",
        "--duration",
        "4s",
    ]));
    bench.wait_for_json(|v| v["type"] == "tick" && v["connected"] == 2, T);
    b.pause();
    let done = bench.wait(T);
    b.resume();
    assert_eq!(done.code(), Some(1), "{}", done.stderr);
    let recs = done.json();
    let summary = recs.last().expect("a summary");
    assert_eq!(summary["type"], "summary", "{recs:?}");
    assert_eq!(summary["errors"]["connection_lost"], 2, "{summary}");
    assert!(
        done.stderr
            .contains("(keep alive 1 s): the connection is dead"),
        "{}",
        done.stderr
    );
}

#[test]
fn a_frozen_broker_is_detected_by_keepalive() {
    let mut b = Broker::plain();
    let mut s = spawn_sub(
        &b,
        "frozen-sub",
        &[
            "-t",
            "fz/#",
            "-k",
            "1",
            "--connect-timeout",
            "1s",
            "--reconnect-delay",
            "50ms",
            "--format",
            "{payload}",
        ],
    );
    let mut held = Spawned::spawn(mqtt().args(["conn", "-L", &b.url("mqtt"), "--hold", "-k", "1"]));
    held.wait_for_record("connack", T);
    b.pause();
    let frozen = Instant::now();
    // conn --hold: a `disconnected` record and exit 1, within 1.5 keepalives (plus slack for
    // scheduling).
    let done = held.wait(T);
    let held_after = frozen.elapsed();
    assert_eq!(done.code(), Some(1), "{}", done.stderr);
    let recs = done.json();
    let last = recs.last().expect("a disconnected record");
    assert_eq!(last["type"], "disconnected", "{recs:?}");
    assert!(
        last["reason"]
            .as_str()
            .unwrap()
            .contains("nothing received from the broker"),
        "{last}"
    );
    assert!(
        held_after < Duration::from_millis(2000),
        "conn --hold noticed after {held_after:?}"
    );
    assert_eq!(done.stderr.lines().count(), 1, "{}", done.stderr);
    // sub: reports the dead connection in the same time and keeps trying.
    wait_stderr(&s, T, |e| e.contains("connection dead"));
    let sub_after = frozen.elapsed();
    assert!(
        sub_after < Duration::from_millis(2000),
        "sub noticed after {sub_after:?}: {}",
        s.stderr()
    );
    b.resume();
    wait_stderr(&s, Duration::from_secs(20), |e| e.contains("reconnected"));
    wait_subscribed(&b, "frozen-sub", 2);
    let out = cmd::run(
        mqtt().args(["pub", "-L", &b.url("mqtt"), "-t", "fz/1", "-m", "thawed"]),
        T,
    );
    cmd::assert_success(&out);
    assert_eq!(s.wait_for_line(|_| true, T), "thawed");
    assert!(!s.stderr().contains("panicked"));
}

/// `sub` with its stdout stalled (a pipe nobody reads) under a flood: reading from the broker
/// pauses instead of buffering without limit, and every message arrives once stdout drains.
#[test]
fn a_slow_consumer_applies_backpressure_with_bounded_memory() {
    const N: usize = 50_000;
    let b = Broker::plain();
    let mut child = mqtt()
        .args([
            "sub",
            "-L",
            &b.url("mqtt"),
            "-i",
            "slow-sub",
            "-t",
            "flood/#",
            "--format",
            "{payload}",
            // Keepalive goes on while stdout is stalled (the writer is a thread of its own).
            "-k",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    wait_subscribed(&b, "slow-sub", 1);
    // 50,000 messages of 1 KiB (about 50 MiB) while the subscriber's stdout is not read.
    let payload = "x".repeat(1024);
    let out = cmd::run(
        mqtt().args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "flood/a",
            "-q",
            "1",
            "-m",
            &payload,
            "--repeat",
            &N.to_string(),
            "--no-output",
        ]),
        Duration::from_secs(60),
    );
    cmd::assert_success(&out);
    // Stalled for well over 1.5 keepalives: the stall itself is what is tested here.
    let stalled_since = Instant::now();
    thread::sleep(Duration::from_secs(3).saturating_sub(stalled_since.elapsed()));
    let stalled_peak = peak_rss_kib(pid);
    // Now drain stdout and count.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut n = 0usize;
        let mut bad = 0usize;
        for line in BufReader::with_capacity(1 << 20, stdout).lines() {
            let Ok(line) = line else { break };
            if line.len() == 1024 {
                n += 1;
            } else {
                bad += 1;
            }
            if n == N {
                break;
            }
        }
        let _ = tx.send((n, bad));
    });
    let (n, bad) = rx.recv_timeout(Duration::from_secs(60)).unwrap_or((0, 0));
    let peak = peak_rss_kib(pid);
    eprintln!("slow consumer: peak RSS {stalled_peak} KiB while stalled, {peak} KiB overall");
    // SAFETY: a plain signal to our own child.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGTERM);
    }
    let _ = child.wait();
    let mut err = String::new();
    use std::io::Read as _;
    let _ = child.stderr.take().unwrap().read_to_string(&mut err);
    assert_eq!((n, bad), (N, 0), "every message arrives once stdout drains");
    assert!(peak < 100 * 1024, "peak RSS {peak} KiB");
    assert!(
        !err.contains("disconnected"),
        "the stall cost the connection: {err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input: exit 2 before any network traffic, naming the problem
// ---------------------------------------------------------------------------------------------

#[test]
fn invalid_option_values_are_exit_2_naming_the_option() {
    let url = closed_port();
    let conn: &[(&[&str], &str)] = &[
        (&["-p", "70000"], "--port"),
        (&["-p", "x"], "--port"),
        (&["-k", "1.5x"], "--keepalive"),
        (&["-x", "someday"], "--session-expiry"),
        (&["--connect-timeout", "-"], "--connect-timeout"),
        (&["--source-ip", "not-an-ip"], "--source-ip"),
        (&["--will-topic", "w", "--will-qos", "3"], "--will-qos"),
        (&["--will-qos", "1"], "--will-topic"),
        (&["--will-message", "m"], "--will-topic"),
        (
            &["--will-topic", "w", "--will-payload-format", "2"],
            "--will-payload-format",
        ),
        (
            &["--will-topic", "w", "--will-delay", "soon"],
            "--will-delay",
        ),
        (
            &["--will-topic", "w", "--will-response-topic", "r/+"],
            "--will-response-topic",
        ),
        (
            &["--will-topic", "w", "--will-user-property", "k"],
            "--will-user-property",
        ),
        (&["--receive-maximum", "0"], "--receive-maximum"),
        (&["--maximum-packet-size", "0"], "--maximum-packet-size"),
        (&["--maximum-packet-size", "1TiB"], "--maximum-packet-size"),
        (&["--topic-alias-maximum", "70000"], "--topic-alias-maximum"),
        (&["--ws-header", "no-colon"], "--ws-header"),
        (
            &["--connect-user-property", "novalue"],
            "--connect-user-property",
        ),
        (&["--auth-data", "d"], "--auth-method"),
        (&["-V", "5.1"], "--protocol-version"),
        (&["-V", "3.1", "-x", "1h"], "need -V 5"),
    ];
    for (args, needle) in conn {
        let out = cmd::run_default(mqtt().args(["conn", "-L", &url]).args(*args));
        assert_usage(&out, needle, &format!("conn {args:?}"));
    }
    let out = cmd::run_default(mqtt().args(["conn", "-h", "", "-p", "1"]));
    assert_usage(&out, "host is empty", "-h ''");
    for (args, needle) in [
        (&["-h", "a:port"][..], "--host"),
        (&["-h", "[::1"], "--host"),
        (&["--source-ip", "127.0.0.9-127.0.0.1"], "--source-ip"),
    ] {
        let out = cmd::run_default(mqtt().args(["bench", "conn"]).args(args));
        assert_usage(&out, needle, &format!("bench conn {args:?}"));
    }
    // Lists are bench's: a command that connects once refuses them, naming the flag.
    let port = closed_port().replace("mqtt://127.0.0.1:", "");
    for command in [
        &["conn"][..],
        &["pub", "-t", "a", "-m", "x"],
        &["sub", "-t", "a"],
    ] {
        for (args, needle) in [
            (
                &["-h", "127.0.0.1,127.0.0.2"][..],
                "-h/--host takes one broker",
            ),
            (
                &["-h", "127.0.0.1", "--source-ip", "127.0.0.1-127.0.0.3"],
                "--source-ip takes one",
            ),
        ] {
            let out = cmd::run_default(mqtt().args(command).args(["-p", &port]).args(args));
            assert_usage(&out, needle, &format!("{command:?} {args:?}"));
        }
    }
    let long_id = "i".repeat(65_536);
    let out = cmd::run_default(mqtt().args(["conn", "-L", &url, "-i", &long_id]));
    assert_usage(&out, "client id is longer than 65535 bytes", "long -i");

    let publish: &[(&[&str], &str)] = &[
        (&["-m", "x", "--max-inflight", "0"], "--max-inflight"),
        (&["--payload-size", "300MiB"], "--payload-size"),
        (&["--payload-size", "lots"], "--payload-size"),
        (&["-m", "x", "--interval", "fast"], "--interval"),
        (&["-m", "x", "-e", "x"], "--message-expiry"),
        (&["-m", "x", "--payload-format", "2"], "--payload-format"),
        (&["-m", "zz", "--encoding", "hex"], "-m"),
        (&["-m", "!!", "--encoding", "base64"], "-m"),
        (&["-m", "x", "--encoding", "rot13"], "--encoding"),
        (&["-n", "--encoding", "hex"], "--encoding"),
        (&["-l", "--encoding", "base64"], "--encoding"),
        (&["-m", "x", "--user-property", "k"], "--user-property"),
        (&["-m", "x", "--topic-alias", "sometimes"], "--topic-alias"),
        (
            &["-m", "x", "-V", "3.1.1", "--topic-alias", "auto"],
            "--topic-alias",
        ),
        (&["-m", "x", "--reconnect-delay", "x"], "--reconnect-delay"),
        (&["-m", "x", "--max-reconnects", "x"], "--max-reconnects"),
        (&["-m", "x", "--repeat", "x1"], "--repeat"),
    ];
    for (args, needle) in publish {
        let out = cmd::run_default(mqtt().args(["pub", "-L", &url, "-t", "a"]).args(*args));
        assert_usage(&out, needle, &format!("pub {args:?}"));
    }

    let sub: &[(&[&str], &str)] = &[
        (&["-C", "x"], "--count"),
        (&["-W", "x"], "--timeout"),
        (&["--retain-handling", "3"], "--retain-handling"),
        (
            &["--subscription-identifier", "0"],
            "--subscription-identifier",
        ),
        (
            &["--subscription-identifier", "268435456"],
            "--subscription-identifier",
        ),
        (&["--payload", "bogus"], "--payload"),
        (&["--field", "bogus"], "--field"),
        (&["--format", "{topic"], "unclosed"),
        (&["--quiet", "x"], "--quiet"),
        (&["-V", "3.1.1", "--no-local"], "need MQTT 5"),
    ];
    for (args, needle) in sub {
        let out = cmd::run_default(mqtt().args(["sub", "-L", &url, "-t", "a"]).args(*args));
        assert_usage(&out, needle, &format!("sub {args:?}"));
    }
    let out = cmd::run_default(mqtt().args(["sub", "-L", &url]));
    assert_usage(&out, "--topic", "sub without -t");
}

#[test]
fn invalid_topics_and_filters_everywhere_they_are_given() {
    let url = closed_port();
    for filter in [
        "a/b#",
        "a+/b",
        "a/+b",
        "#/a",
        "",
        "$share/g",
        "$share//a",
        "$share/g+/a",
        "$share/g#/a",
    ] {
        let out = cmd::run_default(mqtt().args(["sub", "-L", &url, "-t", filter]));
        assert_usage(&out, "-t '", &format!("sub -t {filter:?}"));
    }
    let long = "f".repeat(65_536);
    let out = cmd::run_default(mqtt().args(["sub", "-L", &url, "-t", &long]));
    assert_usage(&out, "invalid topic filter", "sub -t <65536 bytes>");
    for topic in ["a/+", "+", "a/#/b"] {
        let out = cmd::run_default(mqtt().args(["conn", "-L", &url, "--will-topic", topic]));
        assert_usage(&out, "--will-topic", &format!("--will-topic {topic:?}"));
    }
    for topic in ["+/x", "x/#"] {
        let out = cmd::run_default(mqtt().args(["pub", "-L", &url, "-t", topic, "-m", "x"]));
        assert_usage(&out, "-t '", &format!("pub -t {topic:?}"));
    }
}

#[test]
fn conflicting_options_are_exit_2() {
    let url = closed_port();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("payload");
    std::fs::write(&f, "x").unwrap();
    let f = f.to_str().unwrap();
    for (args, needle) in [
        (
            vec!["pub", "-t", "a", "-m", "x", "-f", f],
            "cannot be used with",
        ),
        (
            vec!["pub", "-t", "a", "-m", "x", "-l"],
            "cannot be used with",
        ),
        (vec!["pub", "-t", "a", "-s", "-n"], "cannot be used with"),
        (
            vec!["pub", "--jsonl", "--payload-size", "1"],
            "cannot be used with",
        ),
        (
            vec!["conn", "-P", "pw", "--password-file", f],
            "cannot be used with",
        ),
        (
            vec!["sub", "-t", "a", "--retained-only", "-R"],
            "cannot be used with",
        ),
        (
            vec!["sub", "-t", "a", "-v", "--format", "{topic}"],
            "cannot be used with",
        ),
        (vec!["conn", "--cert", f], "--key"),
        (
            vec!["conn", "-V", "3.1.1", "-P", "pw"],
            "password without a user name",
        ),
    ] {
        let out = cmd::run_default(mqtt().args(&args[..1]).args(["-L", &url]).args(&args[1..]));
        assert_usage(&out, needle, &format!("{args:?}"));
    }
}

#[test]
fn unknown_url_scheme_for_every_command_and_from_the_environment() {
    for command in [
        &["conn"][..],
        &["pub", "-t", "a", "-m", "x"],
        &["sub", "-t", "a"],
    ] {
        let out = cmd::run_default(
            mqtt()
                .args(&command[..1])
                .args(["-L", "gopher://127.0.0.1:1"])
                .args(&command[1..]),
        );
        assert_usage(&out, "unknown URL scheme 'gopher'", &format!("{command:?}"));
        let out = cmd::run_default(mqtt().args(command).env("MQTT_URL", "amqp://127.0.0.1:1"));
        assert_usage(
            &out,
            "unknown URL scheme 'amqp'",
            &format!("{command:?} MQTT_URL"),
        );
    }
    for url in ["mqtt://", "mqtt://h:port", "mqtt://[::1", "127.0.0.1:1883"] {
        let out = cmd::run_default(mqtt().args(["conn", "-L", url]));
        assert_usage(&out, "invalid URL", url);
    }
}

#[test]
fn missing_and_unreadable_files_are_exit_2_naming_the_file() {
    // -h/-p rather than -L mqtt://, whose explicit scheme would turn the TLS options off.
    let url = closed_port();
    let port = url.rsplit(':').next().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let missing = dir.path().join("missing.pem");
    let missing = missing.to_str().unwrap();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate\n").unwrap();
    let garbage = garbage.to_str().unwrap();
    for (args, needle) in [
        (vec!["--password-file", missing], "--password-file"),
        (vec!["--password-file", d], "--password-file"),
        (vec!["--cafile", missing], "missing.pem"),
        (vec!["--cafile", garbage], "holds no PEM certificate"),
        (vec!["--cafile", d], "--cafile"),
        (vec!["--cert", missing, "--key", garbage], "--cert"),
        (vec!["--cert", garbage, "--key", missing], "--key"),
        (vec!["--cert", garbage, "--key", garbage], "--key"),
    ] {
        for command in [
            &["conn"][..],
            &["pub", "-t", "a", "-m", "x"],
            &["sub", "-t", "a"],
        ] {
            let out = cmd::run_default(
                mqtt()
                    .args(&command[..1])
                    .args(["-h", "127.0.0.1", "-p", &port])
                    .args(&command[1..])
                    .args(&args),
            );
            assert_usage(&out, needle, &format!("{command:?} {args:?}"));
        }
    }
}

#[test]
fn malformed_jsonl_names_the_line_and_counts_what_was_published() {
    let b = Broker::plain();
    for (input, line, before, what) in [
        (&b"{\"topic\":\"j/#\",\"payload\":\"x\"}\n"[..], 1, 0, "topic 'j/#'"),
        (b"{\"topic\":\"j/1\",\"payload\":\"a\"}\n{\"topic\":\"j/1\",\"qos\":3}\n", 2, 1, "\"qos\" must be 0, 1 or 2"),
        (b"{\"topic\":\"j/1\",\"payload\":\"a\"}\n\xff\xfe\n", 2, 1, "invalid JSON"),
        (b"\"just a string\"\n", 1, 0, "expected a JSON object"),
        (b"{\"topic\":\"j/1\"}\n{\"topic\":\"j/1\"}\n{\"topic\":\"j/1\",\"properties\":{\"bogus\":1}}\n", 3, 2, "property bogus"),
    ] {
        let out = cmd::run_with_stdin(
            mqtt().args(["pub", "-L", &b.url("mqtt"), "--jsonl", "-q", "1"]),
            input,
            T,
        );
        cmd::assert_code(&out, 2);
        let err = cmd::stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains(&format!("input line {line}: ")), "{err}");
        assert!(err.contains(what), "{what:?} not in {err}");
        assert!(
            err.contains(&format!("({before} messages before it were published)")),
            "{err}"
        );
        assert_eq!(cmd::json_lines(&out.stdout).len(), before, "{}", cmd::describe(&out));
    }
}

#[test]
fn a_payload_larger_than_the_broker_maximum_is_refused_without_sending_it() {
    // The broker advertises a maximum packet size of 200 bytes in its CONNACK.
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v5(false, 0, &[0x27, 0, 0, 0, 200])),
        Step::ExpectPacket,
    ]);
    let out = cmd::run(
        mqtt().args([
            "pub",
            "-L",
            &fake.url(),
            "-t",
            "big",
            "--payload-size",
            "1KiB",
            "-q",
            "1",
        ]),
        T,
    );
    cmd::assert_code(&out, 2);
    assert!(out.stdout.is_empty(), "{}", cmd::describe(&out));
    assert!(
        cmd::stderr(&out).contains("exceeds the broker's maximum packet size of 200 bytes"),
        "{}",
        cmd::describe(&out)
    );
    // What reached the broker is the DISCONNECT only: the message was never sent.
    let conns = fake.wait_done(1, T);
    assert_eq!(conns[0].received.len(), 1);
    assert_eq!(packets::packet_type(&conns[0].received[0]), 14);
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

#[test]
fn help_never_shows_secret_environment_values() {
    for command in ["conn", "pub", "sub"] {
        let out = cmd::run_default(
            mqtt()
                .args([command, "--help"])
                .env("MQTT_PASSWORD", "env-pw-secret")
                .env("MQTT_URL", "mqtt://user:url-pw-secret@127.0.0.1:1883")
                .env("MQTT_AUTH_DATA", "auth-data-secret"),
        );
        cmd::assert_success(&out);
        let all = format!("{}{}", cmd::stdout(&out), cmd::stderr(&out));
        assert!(
            all.contains("MQTT_PASSWORD"),
            "{command}: the variable is documented"
        );
        for secret in ["env-pw-secret", "url-pw-secret", "auth-data-secret"] {
            assert!(
                !all.contains(secret),
                "{command} --help shows {secret}:\n{all}"
            );
        }
    }
}

#[test]
fn the_password_never_appears_in_records_or_errors() {
    let secret = "pw-never-shown-42";
    let url_with_pw = |port: String| format!("mqtt://alice:{secret}@127.0.0.1:{port}");
    let closed = closed_port();
    let closed_port_no = closed.rsplit(':').next().unwrap().to_string();
    let mut outputs: Vec<Output> = Vec::new();
    // Could not connect.
    outputs.push(cmd::run_default(mqtt().args([
        "conn",
        "-L",
        &url_with_pw(closed_port_no.clone()),
    ])));
    outputs.push(cmd::run_default(
        mqtt().args(["conn", "-L", &closed, "-u", "alice", "-P", secret]),
    ));
    // Usage errors around the password.
    outputs.push(cmd::run_default(
        mqtt().args(["conn", "-L", &closed, "-V", "3.1.1", "-P", secret]),
    ));
    outputs.push(cmd::run_default(mqtt().args([
        "conn",
        "-L",
        &format!("mqtt://alice:{secret}@127.0.0.1:notaport"),
    ])));
    // Refused, malformed CONNACK, and a server DISCONNECT during --hold.
    for script in [
        vec![
            Step::Send(packets::connack_v5(false, 0x86, &[])),
            Step::Hang,
        ],
        vec![Step::Send(vec![0x20, 1, 0]), Step::Hang],
        vec![
            Step::Send(packets::connack_v5(false, 0, &[])),
            Step::Send(packets::disconnect_v5(0x87)),
            Step::Hang,
        ],
    ] {
        let fake = FakeBroker::start(script);
        let out = cmd::run(
            mqtt().args([
                "conn",
                "-L",
                &url_with_pw(fake.port().to_string()),
                "--hold",
            ]),
            T,
        );
        assert_ne!(out.status.code(), Some(0), "{}", cmd::describe(&out));
        // It was sent to the broker, of course.
        let conns = fake.wait_done(1, T);
        assert!(
            String::from_utf8_lossy(&conns[0].connect).contains(secret),
            "the CONNECT carries the password"
        );
        outputs.push(out);
    }
    // pub and sub with the password in the environment, failing to connect.
    for command in [&["pub", "-t", "a", "-m", "x"][..], &["sub", "-t", "a"]] {
        outputs.push(cmd::run_default(
            mqtt()
                .args(command)
                .args(["-L", &closed, "-u", "alice"])
                .env("MQTT_PASSWORD", secret),
        ));
    }
    for out in &outputs {
        let all = format!("{}{}", cmd::stdout(out), cmd::stderr(out));
        assert!(
            !all.contains(secret),
            "password leaked:\n{}",
            cmd::describe(out)
        );
        assert!(!all.contains("panicked"), "{}", cmd::describe(out));
    }
}

#[test]
fn insecure_warns_for_every_command() {
    let b = Broker::start(BrokerConfig::new().tls());
    for command in [
        &["pub", "-t", "a", "-m", "x"][..],
        &["sub", "-t", "a", "-E"],
    ] {
        let out = cmd::run_default(
            mqtt()
                .args(&command[..1])
                .args(["-L", &b.url("mqtts"), "--insecure"])
                .args(&command[1..]),
        );
        cmd::assert_success(&out);
        assert!(
            cmd::stderr(&out).contains("warning: --insecure"),
            "{}",
            cmd::describe(&out)
        );
    }
    // Without it, pub and sub verify the certificate too.
    for command in [
        &["pub", "-t", "a", "-m", "x"][..],
        &["sub", "-t", "a", "-E"],
    ] {
        let out = cmd::run_default(
            mqtt()
                .args(&command[..1])
                .args(["-L", &b.url("mqtts")])
                .args(&command[1..]),
        );
        cmd::assert_code(&out, 3);
        assert!(
            cmd::stderr(&out).contains("certificate"),
            "{}",
            cmd::describe(&out)
        );
    }
}

/// The connection drops after the last message is handed over but before its PUBACK: with
/// --no-clean, pub reconnects and resends it, as it does in the middle of a stream.
#[test]
fn pub_resends_the_last_message_when_the_connection_drops_after_the_input_ended() {
    let fake = FakeBroker::start_multi(vec![
        vec![
            Step::Send(packets::connack_v5(false, 0, &[])),
            Step::ExpectPacket,
            Step::Close,
        ],
        vec![
            Step::Send(packets::connack_v5(true, 0, &[])),
            Step::ExpectPacket,
            Step::Send(packets::puback(1)),
            Step::ExpectPacket,
        ],
    ]);
    let out = cmd::run(
        mqtt().args([
            "pub",
            "-L",
            &fake.url(),
            "-i",
            "resend",
            "--no-clean",
            "-t",
            "t",
            "-m",
            "x",
            "-q",
            "1",
            "--reconnect-delay",
            "20ms",
        ]),
        T,
    );
    cmd::assert_success(&out);
    let conns = fake.wait_done(2, T);
    // The resent PUBLISH carries DUP.
    assert_eq!(conns[1].received[0][0], 0x3a, "{conns:#?}");
}

/// A broker that drops the connection over one message (3.1.1 cannot announce its maximum
/// packet size): pub resends it after each reconnect, then gives up instead of looping.
#[test]
fn pub_gives_up_on_a_message_the_broker_keeps_dropping_the_connection_over() {
    let b = Broker::start(BrokerConfig::new().max_packet_size(1000));
    let big = "x".repeat(2000);
    let out = cmd::run(
        mqtt()
            .args([
                "pub",
                "-L",
                &b.url("mqtt"),
                "-V",
                "3.1.1",
                "-q",
                "1",
                "-t",
                "big",
            ])
            .args(["-m", &big, "--reconnect-delay", "20ms"]),
        Duration::from_secs(20),
    );
    cmd::assert_code(&out, 1);
    let err = cmd::stderr(&out);
    assert!(
        err.contains("gave up") && err.contains("maximum packet size"),
        "{err}"
    );
    assert_eq!(err.matches("reconnecting").count(), 4, "{err}");
}
