//! Proves the harness itself, with mosquitto's own clients as the peers.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::support::broker::{accepts, find_program};
use crate::support::cmd::{self, assert_success, describe, json_lines, try_run, Spawned};
use crate::support::fake::{packets, FakeBroker, Step};
use crate::support::{Broker, BrokerConfig};

const T: Duration = Duration::from_secs(10);

fn mosquitto(prog: &str, port: u16, args: &[&str]) -> Output {
    let mut cmd = Command::new(find_program(prog));
    cmd.args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args);
    cmd::run(&mut cmd, T)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Read the retained message on `selftest` through a listener; returns (exit code, stdout).
fn sub_one(port: u16, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["-t", "selftest", "-C", "1", "-W", "5"];
    all.extend_from_slice(args);
    let out = mosquitto("mosquitto_sub", port, &all);
    (out.status.code(), cmd::stdout(&out).trim().to_string())
}

#[test]
fn every_listener_and_password_file() {
    let b = Broker::start(
        BrokerConfig::all_listeners()
            .users(&[("alice", "secret"), ("bob", "hunter2")])
            .allow_anonymous(false),
    );
    let alice = ["-u", "alice", "-P", "secret"];
    let out = mosquitto(
        "mosquitto_pub",
        b.port(),
        &[
            &alice[..],
            &["-t", "selftest", "-m", "hello", "-r", "-q", "1"],
        ]
        .concat(),
    );
    assert_success(&out);

    // Plain, TLS and mutual TLS all deliver the retained message.
    assert_eq!(sub_one(b.port(), &alice), (Some(0), "hello".into()));
    let bob = ["-u", "bob", "-P", "hunter2"];
    assert_eq!(sub_one(b.port(), &bob), (Some(0), "hello".into()));
    let tls = [&alice[..], &["--cafile", path(b.ca_file())]].concat();
    assert_eq!(sub_one(b.tls_port(), &tls), (Some(0), "hello".into()));
    let mtls = [
        &tls[..],
        &[
            "--cert",
            path(b.client_cert()),
            "--key",
            path(b.client_key()),
        ],
    ]
    .concat();
    assert_eq!(sub_one(b.mtls_port(), &mtls), (Some(0), "hello".into()));
    let (cert, key) = b.make_client_cert("another");
    let mtls2 = [&tls[..], &["--cert", path(&cert), "--key", path(&key)]].concat();
    assert_eq!(sub_one(b.mtls_port(), &mtls2), (Some(0), "hello".into()));

    // Refusals.
    let (code, _) = sub_one(b.port(), &["-u", "alice", "-P", "wrong"]);
    assert_ne!(code, Some(0), "wrong password accepted\n{}", b.log());
    let (code, _) = sub_one(b.port(), &[]);
    assert_ne!(code, Some(0), "anonymous accepted\n{}", b.log());
    let wrong_ca = [&alice[..], &["--cafile", path(b.wrong_ca_file())]].concat();
    let (code, _) = sub_one(b.tls_port(), &wrong_ca);
    assert_ne!(code, Some(0), "server cert verified against the wrong CA");
    let (code, _) = sub_one(b.mtls_port(), &tls);
    assert_ne!(
        code,
        Some(0),
        "mTLS listener accepted a client without certificate"
    );
    let wrong_client = [
        &tls[..],
        &[
            "--cert",
            path(b.wrong_client_cert()),
            "--key",
            path(b.wrong_client_key()),
        ],
    ]
    .concat();
    let (code, _) = sub_one(b.mtls_port(), &wrong_client);
    assert_ne!(
        code,
        Some(0),
        "mTLS listener accepted a foreign client cert"
    );

    // WebSockets: the plain one completes an upgrade, the TLS one accepts connections.
    let mut ws = TcpStream::connect(("127.0.0.1", b.ws_port())).unwrap();
    ws.set_read_timeout(Some(T)).unwrap();
    write!(
        ws,
        "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: mqtt\r\n\r\n"
    )
    .unwrap();
    let mut resp = [0u8; 12];
    ws.read_exact(&mut resp).unwrap();
    assert_eq!(&resp, b"HTTP/1.1 101", "websocket upgrade refused");
    assert!(accepts(b.wss_port()));

    assert!(b.url("mqtt").ends_with(&format!(":{}", b.port())));
    assert!(b.url("wss").starts_with("wss://127.0.0.1:"));
    assert!(b.log().contains("running"), "{}", b.log());
}

#[test]
fn restart_with_persistence_keeps_retained_message() {
    let mut b = Broker::start(BrokerConfig::new().persistence());
    let (port, pid) = (b.port(), b.pid());
    let out = mosquitto(
        "mosquitto_pub",
        port,
        &["-t", "selftest", "-m", "kept", "-r", "-q", "1"],
    );
    assert_success(&out);
    b.restart();
    assert_eq!(b.port(), port);
    assert_ne!(b.pid(), pid);
    assert_eq!(sub_one(port, &[]), (Some(0), "kept".into()), "{}", b.log());

    // Without persistence a restart forgets it.
    let mut b = Broker::plain();
    let out = mosquitto(
        "mosquitto_pub",
        b.port(),
        &["-t", "selftest", "-m", "x", "-r"],
    );
    assert_success(&out);
    b.restart();
    let (code, _) = sub_one(b.port(), &["-W", "1"]);
    assert_ne!(
        code,
        Some(0),
        "retained message survived a restart without persistence"
    );
}

fn process_state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // "pid (comm) S ..." — the state follows the last ')'.
    stat[stat.rfind(')').unwrap() + 2..].chars().next().unwrap()
}

#[test]
fn pause_resume_stop() {
    let mut b = Broker::plain();
    b.pause();
    let deadline = Instant::now() + T;
    while process_state(b.pid()) != 'T' {
        assert!(Instant::now() < deadline, "broker not stopped by SIGSTOP");
        std::thread::yield_now();
    }
    b.resume();
    while process_state(b.pid()) == 'T' {
        assert!(Instant::now() < deadline, "broker not resumed by SIGCONT");
        std::thread::yield_now();
    }
    assert_success(&mosquitto(
        "mosquitto_pub",
        b.port(),
        &["-t", "a", "-m", "b"],
    ));
    let port = b.port();
    b.stop();
    assert!(!accepts(port), "port still open after stop()");
}

#[test]
fn fake_broker_follows_script() {
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v3(false, 0)),
        Step::ExpectPacket,
        Step::SendDripped(packets::pingresp()),
        Step::ExpectBytes(2),
        Step::Close,
    ]);
    let mut s = TcpStream::connect(("127.0.0.1", fake.port())).unwrap();
    s.set_read_timeout(Some(T)).unwrap();
    let mut connect = vec![0x10, 0];
    let body = [
        &packets::string("MQTT")[..],
        &[4, 2, 0, 60],
        &packets::string("id"),
    ]
    .concat();
    connect[1] = body.len() as u8;
    connect.extend(&body);
    // Split the CONNECT to check the fake reads it whole.
    s.write_all(&connect[..3]).unwrap();
    s.flush().unwrap();
    s.write_all(&connect[3..]).unwrap();
    let mut connack = [0u8; 4];
    s.read_exact(&mut connack).unwrap();
    assert_eq!(connack.to_vec(), packets::connack_v3(false, 0));
    s.write_all(&[0xc0, 0]).unwrap(); // PINGREQ
    let mut pong = [0u8; 2];
    s.read_exact(&mut pong).unwrap();
    assert_eq!(pong, [0xd0, 0]);
    s.write_all(&[0xe0, 0]).unwrap(); // DISCONNECT, read as 2 raw bytes
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap(); // Close => EOF
    assert!(rest.is_empty());

    let conns = fake.wait_done(1, T);
    assert_eq!(conns[0].connect, connect);
    assert_eq!(packets::connect_protocol_level(&conns[0].connect), 4);
    assert_eq!(conns[0].received, vec![vec![0xc0, 0], vec![0xe0, 0]]);
}

#[test]
fn fake_broker_with_a_real_client() {
    let fake = FakeBroker::start_multi(vec![
        vec![Step::Send(packets::connack_v3(false, 5))],
        vec![
            Step::Send(packets::connack_v3(false, 0)),
            Step::ExpectPacket,
            Step::ExpectPacket,
            Step::Close,
        ],
    ]);
    let refused = mosquitto("mosquitto_pub", fake.port(), &["-t", "x/y", "-m", "hi"]);
    assert_ne!(refused.status.code(), Some(0), "{}", describe(&refused));
    let out = mosquitto("mosquitto_pub", fake.port(), &["-t", "x/y", "-m", "hi"]);
    assert_success(&out);
    let conns = fake.wait_done(2, T);
    assert_eq!(
        conns[1].received[0],
        packets::publish_v3("x/y", b"hi", 0, false, 0)
    );
    // DISCONNECT
    assert_eq!(packets::packet_type(&conns[1].received[1]), 14);
    assert_eq!(conns.len(), 2);
}

#[test]
fn fake_broker_hang_records_and_stops_on_drop() {
    let fake = FakeBroker::start(vec![Step::Send(packets::connack_v3(false, 0)), Step::Hang]);
    let mut s = TcpStream::connect(("127.0.0.1", fake.port())).unwrap();
    s.write_all(&[0x10, 12, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 1, 0, 0])
        .unwrap();
    s.write_all(&[0xc0, 0]).unwrap();
    assert!(fake.wait_for(T, |c| c.first().is_some_and(|r| r.received.len() == 1)));
    drop(fake); // must not hang with the connection still open
}

#[test]
fn command_helpers() {
    // Timeouts kill instead of hanging.
    let start = Instant::now();
    let mut sleep = Command::new("sleep");
    sleep.arg("30");
    assert!(try_run(&mut sleep, None, Duration::from_millis(200)).is_err());
    assert!(start.elapsed() < Duration::from_secs(5));

    // stdin is fed, stdout collected.
    let mut cat = Command::new("cat");
    let out = cmd::run_with_stdin(&mut cat, b"{\"a\":1}\n{\"b\":[2]}\n", T);
    let v = json_lines(&out.stdout);
    assert_eq!(v.len(), 2);
    assert_eq!(v[1]["b"][0], 2);
    assert!(json_lines(b"").is_empty());
    assert!(std::panic::catch_unwind(|| json_lines(b"{}\nnot json\n")).is_err());

    // Spawned: wait for events as they come, then signal.
    let mut sh = Command::new("sh");
    sh.args([
        "-c",
        r#"echo '{"type":"ready"}'; read x; echo oops >&2; echo "{\"type\":\"got\",\"x\":\"$x\"}"; exec sleep 30"#,
    ]);
    let mut p = Spawned::spawn_with_stdin(&mut sh);
    p.wait_for_record("ready", T);
    p.send_line("42");
    let got = p.wait_for_record("got", T);
    assert_eq!(got["x"], "42");
    p.signal(libc::SIGTERM);
    let fin = p.wait(T);
    assert_eq!(fin.code(), None); // killed by the signal
    assert_eq!(fin.all_lines.len(), 2);
    assert_eq!(fin.stderr.trim(), "oops");

    // The binary under test is built and runnable.
    let out = cmd::run(cmd::mqtt().arg("--help"), T);
    assert!(out.status.code().is_some(), "{}", describe(&out));
}
