//! Issue #10, case by case: no hang, no silent loss, an honest exit code. Each test names the
//! case it covers; real mosquitto where it shows the behaviour, the fake broker where only a
//! misbehaving broker does.

use std::io::Write;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::cmd::{self, records};
use crate::support::fake::packets;
use crate::support::subscribed::spawn_sub;
use crate::support::{mqtt, Broker, BrokerConfig, FakeBroker, Spawned, Step};

const T: Duration = Duration::from_secs(10);

/// A connection that is accepted and then sees its SUBSCRIBE answered by nothing but `then`.
fn subscribe_then(then: Step) -> Vec<Step> {
    vec![
        Step::Send(packets::connack_v5(false, 0, &[])),
        Step::ExpectPacket,
        then,
    ]
}

/// Wait for `child` to exit, at most `T` after `since`; kill it and fail saying `what` if not.
#[track_caller]
fn exit_within(
    child: &mut std::process::Child,
    since: Instant,
    what: &str,
) -> std::process::ExitStatus {
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if since.elapsed() > T {
            let _ = child.kill();
            panic!("{what}");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Signal `child` and assert that it exits 130 (interrupted) within `within`.
#[track_caller]
fn stops_on(child: &mut std::process::Child, sig: libc::c_int, within: Duration) {
    // SAFETY: a plain signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    let t = Instant::now();
    let status = exit_within(child, t, &format!("still running {T:?} after signal {sig}"));
    assert_eq!(status.code(), Some(130));
    assert!(t.elapsed() < within, "took {:?}", t.elapsed());
}

fn wait_exit(s: Spawned, within: Duration) -> (cmd::Finished, Duration) {
    let t = Instant::now();
    let done = s.wait(within);
    (done, t.elapsed())
}

// 1. Stopping while subscribing.

#[test]
fn sub_ends_at_its_deadline_when_the_broker_never_answers_subscribe() {
    let fake = FakeBroker::start(subscribe_then(Step::Hang));
    let t = Instant::now();
    let out = cmd::run(
        mqtt().args(["sub", "-L", &fake.url(), "-t", "a", "-C", "1", "-W", "1s"]),
        T,
    );
    let took = t.elapsed();
    cmd::assert_code(&out, 6);
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(
        cmd::stderr(&out).contains("not acknowledged"),
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn sub_stops_on_sigterm_while_waiting_for_a_suback() {
    let fake = FakeBroker::start(subscribe_then(Step::Hang));
    let s = Spawned::spawn(mqtt().args(["sub", "-L", &fake.url(), "-t", "a"]));
    assert!(fake.wait_for(T, |c| c.first().is_some_and(|c| !c.received.is_empty())));
    s.signal(libc::SIGTERM);
    let (done, took) = wait_exit(s, T);
    // Stopped as at any other time once connected: a DISCONNECT, exit 0.
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(fake.wait_for(T, |c| c[0]
        .received
        .iter()
        .any(|p| packets::packet_type(p) == 14)));
}

#[test]
fn a_broker_that_closes_the_connection_over_a_subscribe_three_times_refuses_it() {
    // rumqttd closes over `$SYS/x`, RabbitMQ over a filter outside the user's permissions.
    let scripts = (0..4).map(|_| subscribe_then(Step::Close)).collect();
    let fake = FakeBroker::start_multi(scripts);
    let out = cmd::run(
        mqtt().args([
            "sub",
            "-L",
            &fake.url(),
            "-t",
            "$SYS/x",
            "--reconnect-delay",
            "10ms",
        ]),
        T,
    );
    cmd::assert_code(&out, 5);
    let err = cmd::stderr(&out);
    assert!(
        err.contains("closed the connection in answer to SUBSCRIBE 3 times")
            && err.contains("'$SYS/x'"),
        "{}",
        cmd::describe(&out)
    );
    assert_eq!(fake.connections().len(), 3);
}

#[test]
fn a_subscribe_lost_with_its_connection_is_answered_after_the_reconnect() {
    // The first connection drops before the SUBACK; the resumed session's renewal is the
    // answer sub waits for (it used to be taken as an internal renewal, and sub waited forever).
    let fake = FakeBroker::start_multi(vec![
        subscribe_then(Step::Close),
        vec![
            Step::Send(packets::connack_v5(true, 0, &[])),
            Step::ExpectPacket,
            Step::Send(packets::suback_v5(2, &[0])),
            Step::Send(packets::publish_v5("a", b"hello", 0, false, 0)),
            Step::Hang,
        ],
    ]);
    let out = cmd::run(
        mqtt().args([
            "sub",
            "-L",
            &fake.url(),
            "-t",
            "a",
            "-C",
            "1",
            "--no-clean",
            "--reconnect-delay",
            "10ms",
            "--format",
            "{payload}",
        ]),
        T,
    );
    cmd::assert_success(&out);
    assert_eq!(cmd::stdout(&out), "hello\n");
}

// 2. Stopping pub.

#[test]
fn pub_lines_stops_on_sigint_while_its_input_is_idle() {
    let b = Broker::plain();
    let mut p = Spawned::spawn_with_stdin(mqtt().args([
        "pub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "x",
        "-l",
        "-q",
        "1",
    ]));
    p.send_line("a");
    p.wait_for_record("published", T);
    // stdin stays open and idle, like `(echo a; sleep 30) | mqtt pub -l`.
    let _idle = p.take_stdin();
    p.signal(libc::SIGINT);
    let (done, took) = wait_exit(p, T);
    assert_eq!(done.code(), Some(130), "{}", done.stderr);
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(
        done.stderr.contains("interrupted after 1 of 1 messages"),
        "{}",
        done.stderr
    );
}

#[test]
fn pub_lines_stops_on_sigterm_while_the_broker_is_down_and_at_once_on_a_second_signal() {
    let mut b = Broker::plain();
    let mut p = Spawned::spawn_with_stdin(mqtt().args([
        "pub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "x",
        "-l",
        "-q",
        "1",
        "--reconnect-delay",
        "50ms",
    ]));
    p.send_line("a");
    p.wait_for_record("published", T);
    b.stop();
    for i in 0..100 {
        p.send_line(&format!("line {i}"));
    }
    thread::sleep(Duration::from_millis(200));
    p.signal(libc::SIGTERM);
    thread::sleep(Duration::from_millis(100));
    p.signal(libc::SIGTERM);
    let (done, took) = wait_exit(p, T);
    assert_eq!(done.code(), Some(130), "{}", done.stderr);
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert!(done.stderr.contains("exiting at once"), "{}", done.stderr);
}

#[test]
fn pub_lines_stops_on_sigint_while_stdin_outruns_the_broker() {
    let b = Broker::plain();
    let mut feeder = Command::new("sh")
        .args(["-c", "yes l | head -n 2000000"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = feeder.stdout.take().unwrap();
    let mut child = mqtt()
        .args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "x",
            "-l",
            "-q",
            "1",
            "--no-output",
        ])
        .stdin(lines)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    thread::sleep(Duration::from_millis(700));
    stops_on(&mut child, libc::SIGINT, Duration::from_secs(6));
    let _ = feeder.kill();
    let _ = feeder.wait();
}

// 3. sub with nobody reading its stdout.

#[test]
fn sub_keeps_its_deadline_while_nobody_reads_its_stdout() {
    let b = Broker::plain();
    let id = "unread-sub";
    let before = crate::support::subscribed::subscriptions(&b.log(), id);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqtt"))
        .args([
            "sub",
            "-L",
            &b.url("mqtt"),
            "-i",
            id,
            "-t",
            "flood",
            "-q",
            "1",
            "-W",
            "3s",
        ])
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", "/nonexistent/mqtt-tests")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    crate::support::subscribed::wait_subscribed(&b, id, before + 1);
    // Far more than the pipe holds: the writer blocks and the broker holds the rest.
    let out = cmd::run(
        mqtt().args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "flood",
            "-q",
            "1",
            "--payload-size",
            "1KiB",
            "--repeat",
            "5000",
            "--no-output",
        ]),
        T,
    );
    cmd::assert_success(&out);
    let status = exit_within(
        &mut child,
        started,
        "sub with a stalled stdout ignored -W 3s",
    );
    assert_eq!(status.code(), Some(6));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "took {took:?}");
    drop(child.stdout.take());
}

// 4. A broker that accepts and then closes.

#[test]
fn reconnects_to_a_broker_that_closes_at_once_back_off_and_count_toward_the_limit() {
    let scripts = (0..6)
        .map(|_| vec![Step::Send(packets::connack_v5(false, 0, &[])), Step::Close])
        .collect();
    let fake = FakeBroker::start_multi(scripts);
    let t = Instant::now();
    let out = cmd::run_with_stdin(
        mqtt().args([
            "pub",
            "-L",
            &fake.url(),
            "-t",
            "x",
            "-l",
            "-q",
            "1",
            "--reconnect-delay",
            "100ms",
            "--max-reconnects",
            "3",
        ]),
        b"a\n",
        T,
    );
    cmd::assert_code(&out, 1);
    assert!(
        cmd::stderr(&out).contains("gave up after 3 reconnect attempts"),
        "{}",
        cmd::describe(&out)
    );
    // The first connection and three reconnects, waiting 100, 200 and 400 ms before them.
    assert_eq!(fake.connections().len(), 4);
    assert!(
        t.elapsed() >= Duration::from_millis(700),
        "{:?}",
        t.elapsed()
    );
}

// 5. QoS 2 over 3.1.1 into mosquitto's default in-flight limit.

#[test]
fn qos_2_lines_over_3_1_1_all_arrive_at_mosquittos_default_inflight_limit() {
    let b = Broker::start(BrokerConfig::new().extra("max_inflight_messages 20"));
    let mut s = spawn_sub(
        &b,
        "q2-counter",
        &[
            "-t",
            "t",
            "-q",
            "2",
            "-C",
            "300",
            "-W",
            "20s",
            "--format",
            "{payload}",
        ],
    );
    let input: String = (1..=300).map(|i| format!("{i}\n")).collect();
    let out = cmd::run_with_stdin(
        mqtt().args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-V",
            "3.1.1",
            "-q",
            "2",
            "-l",
            "-t",
            "t",
        ]),
        input.as_bytes(),
        T,
    );
    cmd::assert_success(&out);
    let mut got = Vec::new();
    while let Some(l) = s.next_line(T) {
        got.push(l);
        if got.len() == 300 {
            break;
        }
    }
    assert_eq!(got.len(), 300, "{}", s.stderr());
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
}

// 7. A broker restored from an older state.

#[test]
fn a_new_qos_2_message_with_a_reused_packet_id_is_delivered() {
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v5(false, 0, &[])),
        Step::ExpectPacket,
        Step::Send(packets::suback_v5(1, &[2])),
        Step::Send(packets::publish_v5("t", b"one", 2, false, 7)),
        Step::ExpectPacket,
        // No PUBREL: the broker lost the flow, and sends a new message with the same id.
        Step::Send(packets::publish_v5("t", b"two", 2, false, 7)),
        Step::Hang,
    ]);
    let out = cmd::run(
        mqtt().args([
            "sub",
            "-L",
            &fake.url(),
            "-t",
            "t",
            "-q",
            "2",
            "-C",
            "2",
            "--format",
            "{payload}",
        ]),
        T,
    );
    cmd::assert_success(&out);
    assert_eq!(cmd::stdout(&out), "one\ntwo\n");
    assert!(
        cmd::stderr(&out).contains("reused packet id 7"),
        "{}",
        cmd::describe(&out)
    );
}

// 8. Quota exceeded is transient.

#[test]
fn quota_exceeded_is_retried_and_the_message_delivered() {
    let ack = |reason| packets::packet(0x40, &[0, 1, reason]);
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v5(false, 0, &[])),
        Step::ExpectPacket,
        Step::Send(ack(0x97)),
        Step::ExpectPacket,
        Step::Send(packets::packet(0x40, &[0, 2, 0])),
        Step::ExpectPacket,
    ]);
    let out = cmd::run(
        mqtt().args(["pub", "-L", &fake.url(), "-t", "t", "-m", "x", "-q", "1"]),
        T,
    );
    cmd::assert_success(&out);
    let recs = cmd::json_lines(&out.stdout);
    let published = records(&recs, "published");
    assert_eq!(published.len(), 1, "{}", cmd::describe(&out));
    assert_eq!(published[0]["reason_code"], 0);
    assert!(cmd::stderr(&out).contains("quota is exceeded"));
    let conns = fake.wait_done(1, T);
    let publishes = conns[0]
        .received
        .iter()
        .filter(|p| packets::packet_type(p) == 3)
        .count();
    assert_eq!(publishes, 2, "sent once more after 0x97");
}

// 9. Dead connections while only sending.

#[test]
fn pub_at_qos_0_notices_a_frozen_broker_while_streaming() {
    let mut b = Broker::plain();
    let mut p = Spawned::spawn_with_stdin(mqtt().args([
        "pub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "x",
        "-l",
        "-k",
        "1",
        "--no-output",
        "--reconnect-delay",
        "50ms",
    ]));
    p.send_line("warm-up");
    thread::sleep(Duration::from_millis(200));
    b.pause();
    let frozen = Instant::now();
    let mut noticed = None;
    while frozen.elapsed() < T {
        p.send_line("payload");
        if p.stderr().contains("connection dead") {
            noticed = Some(frozen.elapsed());
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    b.resume();
    let noticed = noticed.unwrap_or_else(|| panic!("never noticed: {}", p.stderr()));
    assert!(
        noticed < Duration::from_secs(3),
        "noticed after {noticed:?}"
    );
    p.kill();
}

// 11. Brokers that close a v5 CONNECT instead of refusing it.

#[test]
fn without_v_a_close_in_answer_to_a_v5_connect_is_retried_with_3_1_1() {
    let fake = FakeBroker::start_multi(vec![
        vec![Step::Close],
        vec![
            Step::Send(packets::connack_v3(false, 0)),
            Step::ExpectPacket,
        ],
    ]);
    let out = cmd::run(mqtt().args(["conn", "-L", &fake.url()]), T);
    cmd::assert_success(&out);
    let recs = cmd::json_lines(&out.stdout);
    assert_eq!(recs[0]["protocol_version"], "3.1.1");
    let conns = fake.wait_done(2, T);
    assert_eq!(packets::connect_protocol_level(&conns[0].connect), 5);
    assert_eq!(packets::connect_protocol_level(&conns[1].connect), 4);
}

// 12. JSON payloads through sub and pub --jsonl.

#[test]
fn json_payloads_keep_their_exact_numbers_and_keys_through_sub_and_pub_jsonl() {
    let b = Broker::plain();
    let original = r#"{"n":12345678901234567890123,"z":-0,"k":1,"k":2,"f":1.50}"#;
    let out = cmd::run_default(mqtt().args([
        "pub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "in",
        "-r",
        "-m",
        original,
    ]));
    cmd::assert_success(&out);
    let rec = cmd::run_default(mqtt().args([
        "sub",
        "-L",
        &b.url("mqtt"),
        "-t",
        "in",
        "-C",
        "1",
        "--payload",
        "json",
    ]));
    cmd::assert_success(&rec);
    assert!(
        cmd::stdout(&rec).contains(original),
        "{}",
        cmd::stdout(&rec)
    );
    let line = cmd::stdout(&rec).replace("\"topic\":\"in\"", "\"topic\":\"out\"");
    let mut s = spawn_sub(
        &b,
        "json-out",
        &["-t", "out", "-C", "1", "--format", "{payload}"],
    );
    let out = cmd::run_with_stdin(
        mqtt().args(["pub", "-L", &b.url("mqtt"), "--jsonl"]),
        line.as_bytes(),
        T,
    );
    cmd::assert_success(&out);
    assert_eq!(s.next_line(T).as_deref(), Some(original));
}

// 13. Bounded input.

#[test]
fn endless_or_huge_input_is_exit_2_without_unbounded_reading() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    // Checked before connecting: the closed port is never tried (that would be exit 3).
    let closed = "mqtt://127.0.0.1:1";
    for file in [huge.to_str().unwrap(), "/dev/zero"] {
        let t = Instant::now();
        let out = cmd::run(mqtt().args(["pub", "-L", closed, "-t", "t", "-f", file]), T);
        cmd::assert_code(&out, 2);
        assert!(
            cmd::stderr(&out).contains("the largest message MQTT can carry"),
            "{}",
            cmd::describe(&out)
        );
        assert!(t.elapsed() < Duration::from_secs(5));
    }
    // -l with an endless line: cut off at the broker's maximum packet size.
    let b = Broker::start(BrokerConfig::new().max_packet_size(1000));
    let out = pub_from_dev_zero(&["-L", &b.url("mqtt"), "-l"]);
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("input line 1: the line is longer than 1000 bytes"),
        "{}",
        cmd::describe(&out)
    );
}

/// `mqtt pub -t t <args>` reading an endless stdin.
fn pub_from_dev_zero(args: &[&str]) -> std::process::Output {
    let zero = std::fs::File::open("/dev/zero").unwrap();
    mqtt()
        .args(["pub", "-t", "t"])
        .args(args)
        .stdin(zero)
        .output()
        .unwrap()
}

#[test]
fn pub_s_reads_at_most_what_mqtt_can_carry() {
    let out = pub_from_dev_zero(&["-L", "mqtt://127.0.0.1:1", "-s"]);
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("standard input is longer than"),
        "{}",
        cmd::describe(&out)
    );
}

// 14. Secrets in config errors.

#[test]
fn a_broken_profile_file_never_prints_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::File::create(&config)
        .unwrap()
        .write_all(b"[default]\nhost = \"h\"\npassword=\"S3CRET\n")
        .unwrap();
    let out = cmd::run_default(mqtt().args(["conn", "--config", config.to_str().unwrap()]));
    cmd::assert_code(&out, 2);
    let err = cmd::stderr(&out);
    assert!(!err.contains("S3CRET"), "{err}");
    assert!(err.contains("line 3"), "{err}");
}

// 15. The smaller ones.

#[test]
fn port_0_is_a_usage_error() {
    for args in [vec!["-p", "0"], vec!["-L", "mqtt://127.0.0.1:0"]] {
        let out = cmd::run_default(mqtt().arg("conn").args(&args));
        cmd::assert_code(&out, 2);
        assert!(
            cmd::stderr(&out).contains("port 0"),
            "{}",
            cmd::describe(&out)
        );
    }
}

#[test]
fn a_suback_with_the_wrong_number_of_codes_an_unasked_auth_and_a_false_session_are_errors() {
    let cases: Vec<(Vec<Step>, &str)> = vec![
        (
            vec![
                Step::Send(packets::connack_v5(false, 0, &[])),
                Step::ExpectPacket,
                Step::Send(packets::suback_v5(1, &[0, 0])),
                Step::Hang,
            ],
            "2 reason codes for 1 filters",
        ),
        (
            vec![
                Step::Send(packets::connack_v5(false, 0, &[])),
                Step::ExpectPacket,
                Step::Send(vec![0xf0, 0]),
                Step::Hang,
            ],
            "AUTH without an authentication method",
        ),
        (
            vec![Step::Send(packets::connack_v5(true, 0, &[])), Step::Hang],
            "session is present although a clean start was asked for",
        ),
    ];
    for (script, want) in cases {
        let fake = FakeBroker::start(script);
        let out = cmd::run(
            mqtt().args(["sub", "-L", &fake.url(), "-t", "a", "--no-reconnect"]),
            T,
        );
        cmd::assert_code(&out, 1);
        assert!(
            cmd::stderr(&out).contains(want),
            "{want}: {}",
            cmd::describe(&out)
        );
    }
}

#[test]
fn conn_v5_refused_by_a_3_1_1_broker_prints_its_connack_record() {
    let fake = FakeBroker::start(vec![Step::Send(vec![0x20, 2, 0, 1]), Step::Close]);
    let out = cmd::run(mqtt().args(["conn", "-L", &fake.url(), "-V", "5"]), T);
    cmd::assert_code(&out, 4);
    let recs: Vec<Value> = cmd::json_lines(&out.stdout);
    assert_eq!(recs[0]["type"], "connack");
    assert_eq!(recs[0]["reason_name"], "Unsupported Protocol Version");
}

#[test]
fn a_puback_packet_too_large_from_mosquittos_message_size_limit_is_a_rejection() {
    // 0x95 is not in MQTT 5's PUBACK list, but mosquitto sends it: a refusal, not a protocol error.
    let b = Broker::start(BrokerConfig::new().message_size_limit(100));
    let big = "x".repeat(500);
    let out = cmd::run_default(mqtt().args([
        "pub",
        "-L",
        &b.url("mqtt"),
        "-V",
        "5",
        "-t",
        "big",
        "-q",
        "1",
        "-m",
        &big,
    ]));
    cmd::assert_code(&out, 5);
    let recs = cmd::json_lines(&out.stdout);
    assert_eq!(recs[0]["reason_code"], 0x95, "{}", cmd::describe(&out));
    assert_eq!(recs[0]["reason_name"], "Packet too large");
}

#[test]
fn pub_stops_on_sigterm_while_nobody_reads_its_records() {
    // The records of a long run fill a pipe nobody reads: pub must still stop on a signal.
    let b = Broker::plain();
    let mut child = mqtt()
        .args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "unread",
            "-q",
            "1",
            "-m",
            "x",
            "--repeat",
            "1000000",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Long enough for the pipe (64 KiB, about 600 records) to fill.
    thread::sleep(Duration::from_millis(1500));
    stops_on(&mut child, libc::SIGTERM, Duration::from_secs(7));
    drop(child.stdout.take());
}

#[test]
fn bench_stops_on_sigterm_while_nobody_reads_its_ticks() {
    // Its first tick meets a full pipe: the run (on one thread) must still see the signal.
    let b = Broker::plain();
    let (unread, stdout) = cmd::full_pipe();
    let mut child = mqtt()
        .args([
            "bench",
            "pub",
            "-c",
            "1",
            "--duration",
            "2s",
            "--threads",
            "1",
        ])
        .args(["-h", "127.0.0.1", "-p", &b.port().to_string()])
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Past the first tick (at 1 s), before the end of the run.
    thread::sleep(Duration::from_millis(1500));
    stops_on(&mut child, libc::SIGTERM, Duration::from_secs(4));
    drop(unread);
}
