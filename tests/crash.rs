//! A broker killed with SIGKILL mid-stream and restarted from a snapshot at most a second old
//! (issue #10, case 7): the clients recover as MQTT 5 section 4.4 says, finish, and say what
//! happened; the counts of lost and duplicated messages (the broker's doing) are printed.

use std::collections::HashSet;
use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use crate::support::cmd;
use crate::support::subscribed::spawn_sub;
use crate::support::{mqtt, Broker, BrokerConfig, Spawned};

const T: Duration = Duration::from_secs(10);

fn crash_mid_stream(qos: &str, n: usize) {
    let mut b = Broker::start(
        BrokerConfig::new()
            .persistence()
            .extra("autosave_interval 1"),
    );
    let url = b.url("mqtt");
    let sub_id = format!("crash-sub-{qos}");
    let mut s = spawn_sub(
        &b,
        &sub_id,
        &[
            "-t",
            "crash/#",
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
        &url,
        "-i",
        &format!("crash-pub-{qos}"),
        "-t",
        "crash/t",
        "-q",
        qos,
        "-l",
        "--no-clean",
        "--reconnect-delay",
        "50ms",
    ]));
    let mut stdin = p.take_stdin().expect("stdin");
    let writer = thread::spawn(move || {
        let mut lines = String::new();
        for i in 1..=n {
            lines.push_str(&format!("{i}\n"));
        }
        let _ = stdin.write_all(lines.as_bytes());
    });
    // A third of the stream through (autosave has run at most a second ago): the crash.
    for _ in 0..n / 3 {
        p.next_line(T).expect("published records before the crash");
    }
    b.crash_and_restart();
    writer.join().unwrap();
    let done = p.wait(Duration::from_secs(60));
    assert_eq!(
        done.code(),
        Some(0),
        "pub did not finish after the crash: {}",
        done.stderr
    );
    let published = done.all_lines.len();
    let out = cmd::run(
        mqtt().args(["pub", "-L", &url, "-t", "crash/end", "-q", qos, "-m", "end"]),
        T,
    );
    cmd::assert_success(&out);
    let (mut seen, mut dups) = (HashSet::new(), 0usize);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = s
            .next_line(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|| panic!("the end marker never arrived: {}", s.stderr()));
        if line == "end" {
            break;
        }
        if !seen.insert(line) {
            dups += 1;
        }
    }
    let lost = n - seen.len();
    eprintln!(
        "crash test, QoS {qos}: {n} lines, {published} acknowledged to pub, {} received, {lost} \
         lost, {dups} duplicated\npub said:\n{}\nsub said:\n{}",
        seen.len(),
        done.stderr,
        s.stderr()
    );
    for said in [done.stderr.as_str(), &s.stderr()] {
        assert!(!said.contains("protocol error"), "{said}");
        assert!(!said.contains("panicked"), "{said}");
    }
    s.kill();
}

#[test]
fn qos_2_streams_survive_a_broker_killed_and_restored_from_an_older_snapshot() {
    crash_mid_stream("2", 20_000);
}

#[test]
fn qos_1_streams_survive_a_broker_killed_and_restored_from_an_older_snapshot() {
    crash_mid_stream("1", 60_000);
}

#[test]
fn a_pub_no_clean_restarted_after_its_own_crash_finishes_the_stream() {
    // The dead process's QoS 2 flows stay in the broker's session and count against its
    // Receive Maximum: the new process is told "Quota exceeded", releases the ids it does not
    // use, and goes on.
    let b = Broker::plain();
    let url = b.url("mqtt");
    let args = [
        "pub",
        "-L",
        &url,
        "-i",
        "crashing-pub",
        "-t",
        "c/t",
        "-q",
        "2",
        "-l",
        "--no-clean",
    ];
    let mut first = Spawned::spawn_with_stdin(mqtt().args(args));
    let mut stdin = first.take_stdin().expect("stdin");
    let lines: String = (1..=200_000).map(|i| format!("{i}\n")).collect();
    let writer = thread::spawn(move || {
        let _ = stdin.write_all(lines.as_bytes());
    });
    for _ in 0..2_000 {
        first.next_line(T).expect("published records");
    }
    first.signal(libc::SIGKILL);
    let _ = writer.join();
    let _ = first.wait(T);
    let input: String = (1..=2_000).map(|i| format!("again {i}\n")).collect();
    let out = cmd::run_with_stdin(mqtt().args(args), input.as_bytes(), Duration::from_secs(30));
    cmd::assert_success(&out);
    assert_eq!(cmd::json_lines(&out.stdout).len(), 2_000);
    eprintln!("restarted pub said:\n{}", cmd::stderr(&out));
}
