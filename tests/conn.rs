//! `mqtt conn` against a real mosquitto: transports, versions, auth, TLS failures, URLs, env.
use std::time::Duration;

use serde_json::Value;

use crate::support::broker::{Broker, BrokerConfig};
use crate::support::cmd::{self, mqtt, Spawned};
use crate::support::fake::{packets, FakeBroker, Step};

fn connack(out: &std::process::Output) -> Value {
    let lines = cmd::json_lines(&out.stdout);
    assert_eq!(
        lines.len(),
        1,
        "one record expected: {}",
        cmd::describe(out)
    );
    assert_eq!(lines[0]["type"], "connack");
    lines[0].clone()
}

#[test]
fn every_protocol_version_over_tcp() {
    let b = Broker::plain();
    for (v, name) in [
        ("3.1", "Connection accepted"),
        ("3.1.1", "Connection accepted"),
        ("5", "Success"),
    ] {
        let out = cmd::run_default(mqtt().args([
            "conn",
            "-h",
            "127.0.0.1",
            "-p",
            &b.port().to_string(),
            "-V",
            v,
        ]));
        cmd::assert_success(&out);
        let r = connack(&out);
        assert_eq!(r["protocol_version"], v);
        assert_eq!(r["reason_code"], 0);
        assert_eq!(r["reason_name"], name);
        assert_eq!(r["session_present"], false);
        assert_eq!(r["transport"], "mqtt");
        for t in ["dns_ms", "tcp_ms", "mqtt_ms", "total_ms"] {
            assert!(r["timings"][t].as_f64().is_some(), "{t} in {r}");
        }
        assert!(r["timings"].get("tls_ms").is_none());
    }
}

#[test]
fn v5_connack_properties_are_reported() {
    let b = Broker::plain();
    let out = cmd::run_default(mqtt().args(["conn", "-L", &b.url("mqtt")]));
    cmd::assert_success(&out);
    let r = connack(&out);
    let time = r["time"].as_str().unwrap();
    assert!(
        time.ends_with('Z') && time.len() == 27,
        "ISO-8601 with microseconds: {time}"
    );
    // mosquitto 2.0 advertises these in every v5 CONNACK.
    assert!(
        r["properties"]["topic_alias_maximum"].as_u64().is_some(),
        "{r}"
    );
    assert!(r["properties"]["receive_maximum"].as_u64().is_some(), "{r}");
}

#[test]
fn server_assigned_client_id_is_reported() {
    let b = Broker::plain();
    let out = cmd::run_default(mqtt().args(["conn", "-L", &b.url("mqtt"), "-i", ""]));
    cmd::assert_success(&out);
    let r = connack(&out);
    let assigned = r["properties"]["assigned_client_identifier"]
        .as_str()
        .expect("assigned id");
    assert!(!assigned.is_empty());
    assert_eq!(r["client_id"], assigned);
}

#[test]
fn tls_websocket_and_secure_websocket() {
    let b = Broker::start(BrokerConfig::new().tls().ws().wss());
    let ca = b.ca_file().to_str().unwrap().to_string();
    for (url, transport) in [
        (b.url("mqtts"), "mqtts"),
        (b.url("ws"), "ws"),
        (b.url("wss"), "wss"),
    ] {
        for v in ["3.1.1", "5"] {
            let out = cmd::run_default(mqtt().args(["conn", "-L", &url, "--cafile", &ca, "-V", v]));
            cmd::assert_success(&out);
            let r = connack(&out);
            assert_eq!(r["transport"], transport, "{url}");
            assert_eq!(r["protocol_version"], v);
            assert_eq!(
                r["timings"].get("tls_ms").is_some(),
                transport == "mqtts" || transport == "wss",
                "{r}"
            );
            assert_eq!(
                r["timings"].get("ws_ms").is_some(),
                transport.starts_with("ws"),
                "{r}"
            );
        }
    }
}

#[test]
fn tls_with_localhost_name_and_sni_override() {
    let b = Broker::start(BrokerConfig::new().tls());
    let ca = b.ca_file().to_str().unwrap();
    let port = b.tls_port().to_string();
    // The certificate names localhost and 127.0.0.1; connecting by IP with --sni localhost works.
    let out = cmd::run_default(mqtt().args([
        "conn",
        "--tls",
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "--cafile",
        ca,
        "--sni",
        "localhost",
    ]));
    cmd::assert_success(&out);
    // A name the certificate does not carry is refused: host names are checked.
    let out = cmd::run_default(mqtt().args([
        "conn",
        "--tls",
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "--cafile",
        ca,
        "--sni",
        "example.com",
    ]));
    cmd::assert_code(&out, 3);
    assert!(
        cmd::stderr(&out).contains("certificate"),
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn wrong_ca_is_a_connect_failure_naming_the_certificate_problem() {
    let b = Broker::start(BrokerConfig::new().tls());
    let out = cmd::run_default(mqtt().args([
        "conn",
        "-L",
        &b.url("mqtts"),
        "--cafile",
        b.wrong_ca_file().to_str().unwrap(),
    ]));
    cmd::assert_code(&out, 3);
    let err = cmd::stderr(&out);
    assert!(
        err.contains("TLS handshake") && err.contains("certificate verify failed"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    // Without --cafile the system roots do not know the test CA either.
    let out = cmd::run_default(mqtt().args(["conn", "-L", &b.url("mqtts")]));
    cmd::assert_code(&out, 3);
}

#[test]
fn insecure_connects_and_warns() {
    let b = Broker::start(BrokerConfig::new().tls());
    let out = cmd::run_default(mqtt().args(["conn", "-L", &b.url("mqtts"), "--insecure"]));
    cmd::assert_success(&out);
    assert!(
        cmd::stderr(&out).contains("warning: --insecure"),
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn client_certificates() {
    let b = Broker::start(BrokerConfig::new().mtls());
    let ca = b.ca_file().to_str().unwrap();
    let url = b.url("mtls");
    let out = cmd::run_default(mqtt().args([
        "conn",
        "-L",
        &url,
        "--cafile",
        ca,
        "--cert",
        b.client_cert().to_str().unwrap(),
        "--key",
        b.client_key().to_str().unwrap(),
    ]));
    cmd::assert_success(&out);
    let out = cmd::run_default(mqtt().args(["conn", "-L", &url, "--cafile", ca]));
    cmd::assert_code(&out, 3);
    let out = cmd::run_default(mqtt().args([
        "conn",
        "-L",
        &url,
        "--cafile",
        ca,
        "--cert",
        b.wrong_client_cert().to_str().unwrap(),
        "--key",
        b.wrong_client_key().to_str().unwrap(),
    ]));
    cmd::assert_code(&out, 3);
    // --cert without --key is a usage error.
    let out = cmd::run_default(mqtt().args([
        "conn",
        "-L",
        &url,
        "--cert",
        b.client_cert().to_str().unwrap(),
    ]));
    cmd::assert_code(&out, 2);
}

#[test]
fn password_accepted_refused_and_never_shown() {
    let b = Broker::start(
        BrokerConfig::new()
            .users(&[("alice", "s3cret-pw")])
            .allow_anonymous(false),
    );
    let port = b.port().to_string();
    let out = cmd::run_default(mqtt().args([
        "conn",
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-u",
        "alice",
        "-P",
        "s3cret-pw",
    ]));
    cmd::assert_success(&out);
    for v in ["5", "3.1.1"] {
        let out = cmd::run_default(mqtt().args([
            "conn",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-u",
            "alice",
            "-P",
            "wrong-pw-xyz",
            "-V",
            v,
        ]));
        cmd::assert_code(&out, 4);
        let r = connack(&out);
        let code = r["reason_code"].as_u64().unwrap();
        assert!(
            code == 0x86 || code == 0x87 || code == 4 || code == 5,
            "{r}"
        );
        let err = cmd::stderr(&out);
        assert!(err.contains("refused the connection"), "{err}");
        assert!(err.contains(r["reason_name"].as_str().unwrap()), "{err}");
        let all = format!("{}{}", cmd::stdout(&out), err);
        assert!(!all.contains("wrong-pw-xyz"), "password leaked: {all}");
    }
    // Anonymous is refused too.
    let out = cmd::run_default(mqtt().args(["conn", "-h", "127.0.0.1", "-p", &port]));
    cmd::assert_code(&out, 4);
}

#[test]
fn password_from_file_and_environment() {
    let b = Broker::start(
        BrokerConfig::new()
            .users(&[("bob", "file-pw")])
            .allow_anonymous(false),
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("pw");
    std::fs::write(&f, "file-pw\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = cmd::run_default(mqtt().args([
        "conn",
        "-L",
        &b.url("mqtt"),
        "-u",
        "bob",
        "--password-file",
        f.to_str().unwrap(),
    ]));
    cmd::assert_success(&out);
    assert!(!cmd::stderr(&out).contains("readable by other users"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = cmd::run_default(mqtt().args([
            "conn",
            "-L",
            &b.url("mqtt"),
            "-u",
            "bob",
            "--password-file",
            f.to_str().unwrap(),
        ]));
        cmd::assert_success(&out);
        assert!(
            cmd::stderr(&out).contains("readable by other users"),
            "{}",
            cmd::describe(&out)
        );
    }
    let out = cmd::run_default(
        mqtt()
            .args(["conn"])
            .env("MQTT_HOST", "127.0.0.1")
            .env("MQTT_PORT", b.port().to_string())
            .env("MQTT_USERNAME", "bob")
            .env("MQTT_PASSWORD", "file-pw"),
    );
    cmd::assert_success(&out);
    assert_eq!(connack(&out)["broker"], format!("127.0.0.1:{}", b.port()));
}

#[test]
fn url_carries_credentials_and_path() {
    let b = Broker::start(
        BrokerConfig::new()
            .ws()
            .users(&[("carol", "p@ss:word")])
            .allow_anonymous(false),
    );
    let url = format!("mqtt://carol:p%40ss%3Aword@127.0.0.1:{}", b.port());
    cmd::assert_success(&cmd::run_default(mqtt().args(["conn", "-L", &url])));
    let url = format!("ws://carol:p%40ss%3Aword@127.0.0.1:{}/mqtt", b.ws_port());
    let out = cmd::run_default(mqtt().args(["conn", "-L", &url]));
    cmd::assert_success(&out);
    assert_eq!(connack(&out)["transport"], "ws");
    let out =
        cmd::run_default(mqtt().args(["conn", "-L", &format!("http://127.0.0.1:{}", b.port())]));
    cmd::assert_code(&out, 2);
    assert!(cmd::stderr(&out).contains("unknown URL scheme 'http'"));
}

#[test]
fn closed_port_is_exit_3() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = cmd::run_default(mqtt().args(["conn", "-h", "127.0.0.1", "-p", &port.to_string()]));
    cmd::assert_code(&out, 3);
    assert!(
        cmd::stderr(&out).contains("Connection refused"),
        "{}",
        cmd::describe(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn no_connack_times_out_with_exit_3() {
    let fake = FakeBroker::start(vec![Step::Hang]);
    let out =
        cmd::run_default(mqtt().args(["conn", "-L", &fake.url(), "--connect-timeout", "300ms"]));
    cmd::assert_code(&out, 3);
    assert!(
        cmd::stderr(&out).contains("no CONNACK"),
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn falls_back_to_3_1_1_when_the_broker_refuses_5() {
    // First connection: a 3.1.1-only broker's answer to a v5 CONNECT; second: accepted.
    let fake = FakeBroker::start_multi(vec![
        vec![Step::Send(vec![0x20, 0x02, 0x00, 0x01]), Step::Close],
        vec![Step::Send(vec![0x20, 0x02, 0x00, 0x00]), Step::ExpectPacket],
    ]);
    let out = cmd::run_default(mqtt().args(["conn", "-L", &fake.url()]));
    cmd::assert_success(&out);
    assert_eq!(connack(&out)["protocol_version"], "3.1.1");
    let conns = fake.wait_done(2, Duration::from_secs(5));
    assert_eq!(packets::connect_protocol_level(&conns[0].connect), 5);
    assert_eq!(packets::connect_protocol_level(&conns[1].connect), 4);
    // With -V 5 given, no fallback: the refusal is reported.
    let fake = FakeBroker::start(vec![Step::Send(vec![0x20, 0x02, 0x00, 0x01]), Step::Close]);
    let out = cmd::run_default(mqtt().args(["conn", "-L", &fake.url(), "-V", "5"]));
    cmd::assert_code(&out, 4);
    assert!(
        cmd::stderr(&out).contains("Unsupported Protocol Version")
            && cmd::stderr(&out).contains("try -V 3.1.1"),
        "{}",
        cmd::describe(&out)
    );
    // The refusal has its `connack` record like every other refusal.
    assert_eq!(
        connack(&out)["reason_code"],
        0x84,
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn hold_keeps_the_connection_and_reports_a_drop() {
    let mut b = Broker::plain();
    let out =
        cmd::run_default(mqtt().args(["conn", "-L", &b.url("mqtt"), "--hold", "300ms", "-k", "1"]));
    cmd::assert_success(&out);
    let mut held = Spawned::spawn(mqtt().args(["conn", "-L", &b.url("mqtt"), "--hold"]));
    held.wait_for_record("connack", Duration::from_secs(5));
    b.stop();
    let done = held.wait(Duration::from_secs(10));
    assert_eq!(done.code(), Some(1), "{}", done.stderr);
    let recs = done.json();
    assert_eq!(
        recs.last().map(|r| r["type"].clone()),
        Some(Value::from("disconnected")),
        "{recs:?}"
    );
}

#[test]
fn sigterm_during_hold_disconnects_cleanly() {
    let b = Broker::plain();
    let mut held = Spawned::spawn(mqtt().args(["conn", "-L", &b.url("mqtt"), "--hold"]));
    held.wait_for_record("connack", Duration::from_secs(5));
    held.signal(libc::SIGTERM);
    let done = held.wait(Duration::from_secs(5));
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
}

#[test]
fn usage_errors_exit_2_before_connecting() {
    for args in [
        vec!["conn", "-V", "4.0"],
        vec!["conn", "-k", "70000"],
        vec!["conn", "--will-topic", "a/#"],
        vec!["conn", "-V", "3.1.1", "--receive-maximum", "5"],
        vec!["conn", "--cafile", "/nonexistent/ca.pem"],
        vec!["conn", "--connect-timeout", "soon"],
        vec!["conn", "--nonsense"],
    ] {
        let out = cmd::run_default(mqtt().args(&args));
        cmd::assert_code(&out, 2);
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn source_ip_binds_the_local_address() {
    let b = Broker::plain();
    let out = cmd::run_default(mqtt().args([
        "conn",
        "-L",
        &b.url("mqtt"),
        "--source-ip",
        "127.0.0.7",
        "-i",
        "from-seven",
    ]));
    cmd::assert_success(&out);
    let log = b.log();
    assert!(
        log.lines()
            .any(|l| l.contains("from 127.0.0.7") && l.contains("from-seven")),
        "{log}"
    );
    let out =
        cmd::run_default(mqtt().args(["conn", "-L", &b.url("mqtt"), "--source-ip", "not-an-ip"]));
    cmd::assert_code(&out, 2);
}

#[test]
fn websocket_handshake_carries_path_subprotocol_and_extra_headers() {
    // A listener that records the HTTP upgrade request and hangs up: the handshake fails
    // (exit 3), and the request shows what was sent.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        use std::io::Read;
        let (mut s, _) = listener.accept().unwrap();
        let mut req = Vec::new();
        let mut buf = [0u8; 1024];
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            req.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&req).to_string()
    });
    let out = cmd::run_default(mqtt().args([
        "conn",
        "-L",
        &format!("ws://127.0.0.1:{port}/custom/path"),
        "--ws-header",
        "X-Api-Key: k-123",
        "--ws-header",
        "X-Other: two words",
    ]));
    cmd::assert_code(&out, 3);
    assert!(
        cmd::stderr(&out).contains("WebSocket handshake"),
        "{}",
        cmd::describe(&out)
    );
    let req = server.join().unwrap().to_ascii_lowercase();
    assert!(req.starts_with("get /custom/path http/1.1\r\n"), "{req}");
    assert!(
        req.contains("\r\nsec-websocket-protocol: mqtt\r\n"),
        "{req}"
    );
    assert!(req.contains("\r\nx-api-key: k-123\r\n"), "{req}");
    assert!(req.contains("\r\nx-other: two words\r\n"), "{req}");
}

#[test]
fn log_json_puts_diagnostics_on_stderr_as_json_lines() {
    let out =
        cmd::run_default(mqtt().args(["conn", "-h", "127.0.0.1", "-p", "1", "--log", "json"]));
    cmd::assert_code(&out, 3);
    let lines = cmd::json_lines(&out.stderr);
    assert_eq!(lines.len(), 1, "{}", cmd::describe(&out));
    assert_eq!(lines[0]["type"], "log");
    assert_eq!(lines[0]["level"], "error");
    assert_eq!(lines[0]["kind"], "connect");
    assert!(lines[0]["message"]
        .as_str()
        .unwrap()
        .contains("Connection refused"));
    let b = Broker::start(BrokerConfig::new().tls());
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "-L", &b.url("mqtts"), "--insecure"])
            .env("MQTT_LOG", "json"),
    );
    cmd::assert_success(&out);
    let lines = cmd::json_lines(&out.stderr);
    assert_eq!(lines[0]["level"], "warning", "{lines:?}");
    assert!(lines[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("--insecure"));
}
