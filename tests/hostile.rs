//! A hostile broker (the scripted fake): malformed, impossible or abrupt packets. Whatever it
//! sends, the client prints one clear error line naming the problem, exits 1 (3 while
//! connecting), never panics and never hangs (every run is bounded by a timeout).
use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::cmd::{self, mqtt};
use crate::support::fake::packets::{self, packet, string, varint};
use crate::support::fake::{FakeBroker, Step};

const T: Duration = Duration::from_secs(10);

/// The client's exit code is `code`, stderr is exactly one `mqtt: error:` line containing
/// every one of `needles`, and nothing panicked.
#[track_caller]
fn assert_one_error(out: &Output, code: i32, needles: &[&str]) {
    cmd::assert_code(out, code);
    let err = cmd::stderr(out);
    assert!(!err.contains("panicked"), "{}", cmd::describe(out));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "one stderr line expected\n{}",
        cmd::describe(out)
    );
    assert!(lines[0].starts_with("mqtt: error: "), "{}", lines[0]);
    for n in needles {
        assert!(lines[0].contains(n), "{n:?} not in {:?}", lines[0]);
    }
}

/// A v5 CONNACK (success), the SUBSCRIBE read, a SUBACK granting QoS 1 to packet id 1, then
/// `then`.
fn sub_script(then: Vec<Step>) -> Vec<Step> {
    sub_script_id(1, then)
}

/// `sub_script` for the SUBSCRIBE of packet id `id` (a renewal after a reconnect takes the
/// next id).
fn sub_script_id(id: u16, then: Vec<Step>) -> Vec<Step> {
    let mut s = vec![
        Step::Send(packets::connack_v5(false, 0, &[])),
        Step::ExpectPacket,
        Step::Send(packets::suback_v5(id, &[1])),
    ];
    s.extend(then);
    s
}

/// `mqtt sub -t t -q 1 --no-reconnect <extra>` against the fake, bounded by `T`.
fn run_sub(fake: &FakeBroker, extra: &[&str]) -> Output {
    cmd::run(
        mqtt()
            .args([
                "sub",
                "-L",
                &fake.url(),
                "-t",
                "t",
                "-q",
                "1",
                "--no-reconnect",
            ])
            .args(extra),
        T,
    )
}

/// A v5 PUBLISH with raw property bytes.
fn publish_v5_props(topic: &[u8], qos: u8, id: u16, props: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut body = (topic.len() as u16).to_be_bytes().to_vec();
    body.extend_from_slice(topic);
    if qos > 0 {
        body.extend(id.to_be_bytes());
    }
    body.extend(varint(props.len()));
    body.extend_from_slice(props);
    body.extend_from_slice(payload);
    packet(0x30 | (qos << 1), &body)
}

/// The DISCONNECT the client sent before closing (the last packet the fake recorded).
#[track_caller]
fn client_disconnect_reason(fake: &FakeBroker) -> u8 {
    let conns = fake.wait_done(1, T);
    let last = conns[0]
        .received
        .last()
        .unwrap_or_else(|| panic!("{conns:#?}"));
    assert_eq!(
        packets::packet_type(last),
        14,
        "DISCONNECT expected: {last:?}"
    );
    last[2]
}

// ---------------------------------------------------------------------------------------------
// Malformed packets
// ---------------------------------------------------------------------------------------------

#[test]
fn malformed_connack_is_exit_3() {
    for (bytes, what) in [
        // Property length 5 with no property bytes.
        (packet(0x20, &[0, 0, 5]), "runs past the end"),
        // Reserved bits of the acknowledge flags set.
        (packet(0x20, &[0x02, 0, 0]), "malformed CONNACK"),
        // A reason code CONNACK cannot carry.
        (packet(0x20, &[0, 0x03, 0]), "reason code 0x03"),
        // Wrong fixed-header flags.
        (vec![0x21, 3, 0, 0, 0], "flags"),
        // An unknown property identifier.
        (packet(0x20, &[0, 0, 2, 0x7f, 0]), "unknown property"),
    ] {
        let fake = FakeBroker::start(vec![Step::Send(bytes.clone()), Step::Hang]);
        let out = cmd::run(mqtt().args(["conn", "-L", &fake.url(), "-V", "5"]), T);
        assert_one_error(&out, 3, &["malformed CONNACK", what]);
        assert!(out.stdout.is_empty(), "{bytes:?}");
    }
    // A 3.1.1 CONNACK with a byte too many.
    let fake = FakeBroker::start(vec![Step::Send(vec![0x20, 3, 0, 0, 0]), Step::Hang]);
    let out = cmd::run(mqtt().args(["conn", "-L", &fake.url(), "-V", "3.1.1"]), T);
    assert_one_error(
        &out,
        3,
        &["malformed CONNACK", "unexpected bytes at the end"],
    );
}

#[test]
fn remaining_length_over_4_bytes() {
    let huge = vec![0x20, 0xff, 0xff, 0xff, 0xff, 0x01];
    let fake = FakeBroker::start(vec![Step::Send(huge), Step::Hang]);
    let out = cmd::run(mqtt().args(["conn", "-L", &fake.url()]), T);
    assert_one_error(&out, 3, &["malformed CONNACK", "variable byte integer"]);

    let fake = FakeBroker::start(sub_script(vec![
        Step::Send(vec![0x30, 0xff, 0xff, 0xff, 0xff, 0x01]),
        Step::Hang,
    ]));
    let out = run_sub(&fake, &[]);
    assert_one_error(&out, 1, &["malformed packet", "variable byte integer"]);
    // The broker is told why: DISCONNECT "Malformed Packet".
    assert_eq!(client_disconnect_reason(&fake), 0x81);
}

#[test]
fn a_length_field_larger_than_the_data() {
    // The topic's length says 200 bytes; the packet holds 10.
    let mut body = 200u16.to_be_bytes().to_vec();
    body.extend_from_slice(b"abcdefgh");
    let fake = FakeBroker::start(sub_script(vec![
        Step::Send(packet(0x30, &body)),
        Step::Hang,
    ]));
    let out = run_sub(&fake, &[]);
    assert_one_error(
        &out,
        1,
        &["malformed packet", "runs past the end of the packet"],
    );
    assert_eq!(client_disconnect_reason(&fake), 0x81);
}

#[test]
fn a_packet_larger_than_the_maximum_packet_size() {
    // A whole PUBLISH over the limit.
    let fake = FakeBroker::start(sub_script(vec![
        Step::Send(packets::publish_v5("t", &[b'x'; 500], 0, false, 0)),
        Step::Hang,
    ]));
    let out = run_sub(&fake, &["--maximum-packet-size", "100"]);
    assert_one_error(&out, 1, &["exceeds the maximum packet size of 100 bytes"]);
    assert_eq!(client_disconnect_reason(&fake), 0x95);
    // Only a fixed header announcing 256 MiB: refused at once, without waiting for the body.
    let fake = FakeBroker::start(sub_script(vec![
        Step::Send(vec![0x30, 0xff, 0xff, 0xff, 0x7f]),
        Step::Hang,
    ]));
    let started = Instant::now();
    let out = run_sub(&fake, &["--maximum-packet-size", "1KiB"]);
    assert_one_error(&out, 1, &["exceeds the maximum packet size of 1024 bytes"]);
    assert!(started.elapsed() < Duration::from_secs(5));
    // A CONNACK over the limit.
    let mut reason_string = vec![0x1f];
    reason_string.extend(string(&"r".repeat(100)));
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v5(false, 0, &reason_string)),
        Step::Hang,
    ]);
    let out = cmd::run(
        mqtt().args(["conn", "-L", &fake.url(), "--maximum-packet-size", "64"]),
        T,
    );
    assert_one_error(
        &out,
        3,
        &["malformed CONNACK", "maximum packet size of 64 bytes"],
    );
}

#[test]
fn packet_id_zero() {
    let fake = FakeBroker::start(sub_script(vec![
        Step::Send(packets::publish_v5("t", b"x", 1, false, 0)),
        Step::Hang,
    ]));
    let out = run_sub(&fake, &[]);
    assert_one_error(&out, 1, &["packet id 0 in PUBLISH"]);
    // An acknowledgement of packet id 0 to pub.
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v5(false, 0, &[])),
        Step::ExpectPacket,
        Step::Send(packets::puback(0)),
        Step::Hang,
    ]);
    let out = cmd::run(
        mqtt().args([
            "pub",
            "-L",
            &fake.url(),
            "-t",
            "t",
            "-m",
            "x",
            "-q",
            "1",
            "--no-reconnect",
        ]),
        T,
    );
    assert_one_error(&out, 1, &["packet id 0 in PUBACK"]);
}

#[test]
fn unknown_pubrel_is_answered_with_pubcomp_packet_identifier_not_found() {
    for (version, expect) in [
        ("5", vec![0x70, 3, 0, 7, 0x92]),
        ("3.1.1", vec![0x70, 2, 0, 7]),
    ] {
        let (connack, publish) = if version == "5" {
            (
                packets::connack_v5(false, 0, &[]),
                packets::publish_v5("t", b"after", 0, false, 0),
            )
        } else {
            (
                packets::connack_v3(false, 0),
                packets::publish_v3("t", b"after", 0, false, 0),
            )
        };
        let suback = if version == "5" {
            packets::suback_v5(1, &[1])
        } else {
            packets::suback_v3(1, &[1])
        };
        let fake = FakeBroker::start(vec![
            Step::Send(connack),
            Step::ExpectPacket,
            Step::Send(suback),
            Step::Send(vec![0x62, 2, 0, 7]),
            Step::ExpectPacket,
            // The session goes on.
            Step::Send(publish),
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
                "1",
                "-C",
                "1",
                "-V",
                version,
                "--format",
                "{payload}",
            ]),
            T,
        );
        cmd::assert_success(&out);
        assert_eq!(cmd::stdout(&out), "after\n");
        let conns = fake.wait_done(1, T);
        assert_eq!(conns[0].received[1], expect, "v{version}");
    }
}

#[test]
fn unknown_puback_pubrec_pubcomp_are_warned_about_and_the_session_goes_on() {
    // MQTT 5 section 4.4: a broker recovering an older state may acknowledge ids we no longer
    // hold. sub warns, answers a PUBREC with PUBREL "Packet Identifier not found", and goes on
    // (here until -W).
    for (bytes, name) in [
        (packets::puback(9), "PUBACK"),
        (vec![0x50, 2, 0, 9], "PUBREC"),
        (vec![0x70, 2, 0, 9], "PUBCOMP"),
    ] {
        let fake = FakeBroker::start(sub_script(vec![Step::Send(bytes), Step::Hang]));
        let out = run_sub(&fake, &["-W", "1s"]);
        cmd::assert_code(&out, 6);
        let err = cmd::stderr(&out);
        assert!(
            err.contains(&format!("{name} for packet id 9, which is not in flight")),
            "{}",
            cmd::describe(&out)
        );
        assert!(!err.contains("panicked"));
        if name == "PUBREC" {
            let conns = fake.wait_done(1, T);
            let pubrel = conns[0]
                .received
                .iter()
                .find(|p| packets::packet_type(p) == 6)
                .unwrap_or_else(|| panic!("no PUBREL: {conns:#?}"));
            assert_eq!(pubrel[..], [0x62, 3, 0, 9, 0x92], "PUBREL 9, not found");
        }
    }
    // An acknowledgement of a SUBSCRIBE or UNSUBSCRIBE never sent is still a protocol error.
    for (bytes, name) in [
        (packets::suback_v5(9, &[0]), "SUBACK"),
        (vec![0xb0, 4, 0, 9, 0, 0], "UNSUBACK"),
    ] {
        let fake = FakeBroker::start(sub_script(vec![Step::Send(bytes), Step::Hang]));
        let out = run_sub(&fake, &[]);
        assert_one_error(
            &out,
            1,
            &[
                "protocol error",
                &format!("{name} for packet id 9, which was never asked for"),
            ],
        );
        assert_eq!(client_disconnect_reason(&fake), 0x82, "{name}");
    }
    // pub: a PUBACK for the wrong id, or a PUBREC for a QoS 1 message, is warned about and
    // the message stays in flight (here until keepalive finds the fake broker dead).
    for (bytes, name) in [
        (packets::puback(2), "PUBACK"),
        (vec![0x50, 2, 0, 1], "PUBREC"),
    ] {
        let fake = FakeBroker::start(vec![
            Step::Send(packets::connack_v5(false, 0, &[])),
            Step::ExpectPacket,
            Step::Send(bytes),
            Step::Hang,
        ]);
        let out = cmd::run(
            mqtt().args([
                "pub",
                "-L",
                &fake.url(),
                "-t",
                "t",
                "-m",
                "x",
                "-q",
                "1",
                "-k",
                "1",
                "--no-reconnect",
            ]),
            T,
        );
        cmd::assert_code(&out, 1);
        let err = cmd::stderr(&out);
        assert!(err.contains(&format!("{name} for packet id")), "{err}");
        assert!(
            err.contains("connection dead") && err.contains("1 of 1 messages unacknowledged"),
            "{err}"
        );
    }
}

#[test]
fn a_puback_to_a_qos_2_message_says_the_broker_has_no_qos_2() {
    // RabbitMQ's answer: it delivers QoS 2 as QoS 1.
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v5(false, 0, &[])),
        Step::ExpectPacket,
        Step::Send(packets::puback(1)),
        Step::Hang,
    ]);
    let out = cmd::run(
        mqtt().args([
            "pub",
            "-L",
            &fake.url(),
            "-t",
            "t",
            "-m",
            "x",
            "-q",
            "2",
            "--no-reconnect",
        ]),
        T,
    );
    assert_one_error(&out, 5, &["does not support QoS 2", "use -q 1"]);
}

#[test]
fn packets_a_client_never_receives() {
    let mut subscribe = 5u16.to_be_bytes().to_vec();
    subscribe.push(0);
    subscribe.extend(string("a"));
    subscribe.push(0);
    for (bytes, name) in [
        (vec![0xc0, 0], "PINGREQ"),
        (packet(0x82, &subscribe), "SUBSCRIBE"),
        (packet(0xa2, &[0, 5, 0, 0, 1, b'a']), "UNSUBSCRIBE"),
        (packets::connack_v5(false, 0, &[]), "a second CONNACK"),
    ] {
        let fake = FakeBroker::start(sub_script(vec![Step::Send(bytes), Step::Hang]));
        let out = run_sub(&fake, &[]);
        assert_one_error(
            &out,
            1,
            &[&format!(
                "the broker sent {name}, which a client never receives"
            )],
        );
    }
    // CONNECT from the "broker" (it decodes as any other packet).
    let mut body = string("MQTT");
    body.extend([5, 2, 0, 60, 0]);
    body.extend(string("x"));
    let fake = FakeBroker::start(sub_script(vec![
        Step::Send(packet(0x10, &body)),
        Step::Hang,
    ]));
    let out = run_sub(&fake, &[]);
    assert_one_error(&out, 1, &["CONNECT"]);
    // A PUBLISH instead of the CONNACK.
    let fake = FakeBroker::start(vec![
        Step::Send(packets::publish_v5("t", b"x", 0, false, 0)),
        Step::Hang,
    ]);
    let out = cmd::run(mqtt().args(["conn", "-L", &fake.url()]), T);
    assert_one_error(&out, 3, &["the broker sent PUBLISH before CONNACK"]);
    // Packet type 0 and AUTH in 3.1.1 are not packets at all.
    let fake = FakeBroker::start(sub_script(vec![Step::Send(vec![0x00, 0]), Step::Hang]));
    let out = run_sub(&fake, &[]);
    assert_one_error(&out, 1, &["invalid packet type 0"]);
}

#[test]
fn invalid_utf8_and_invalid_topic_names() {
    for (topic, what) in [
        (&[b'a', 0xff, 0xfe][..], "not valid UTF-8"),
        (&b"a/#"[..], "invalid topic name"),
        (&b"a\0b"[..], "U+0000"),
    ] {
        let fake = FakeBroker::start(sub_script(vec![
            Step::Send(publish_v5_props(topic, 0, 0, &[], b"x")),
            Step::Hang,
        ]));
        let out = run_sub(&fake, &[]);
        assert_one_error(&out, 1, &["malformed packet from the broker", what]);
    }
    // Invalid UTF-8 in a reason string.
    let fake = FakeBroker::start(sub_script(vec![
        Step::Send(packet(0xe0, &[0x8e, 4, 0x1f, 0, 1, 0xff])),
        Step::Hang,
    ]));
    let out = run_sub(&fake, &[]);
    assert_one_error(&out, 1, &["not valid UTF-8"]);
}

#[test]
fn topic_alias_never_set_or_out_of_range() {
    for (alias, extra, what) in [
        (
            2u8,
            &["--topic-alias-maximum", "5"][..],
            "topic alias 2 was never set",
        ),
        (
            9,
            &["--topic-alias-maximum", "5"][..],
            "topic alias 9 is out of range",
        ),
        (1, &[][..], "topic alias 1 is out of range"),
    ] {
        let fake = FakeBroker::start(sub_script(vec![
            Step::Send(publish_v5_props(b"", 0, 0, &[0x23, 0, alias], b"x")),
            Step::Hang,
        ]));
        let out = run_sub(&fake, extra);
        assert_one_error(&out, 1, &["protocol error", what]);
        // DISCONNECT "Topic Alias invalid".
        assert_eq!(client_disconnect_reason(&fake), 0x94);
    }
    // An alias set, then used: works.
    let fake = FakeBroker::start(sub_script(vec![
        Step::Send(publish_v5_props(b"a/b", 0, 0, &[0x23, 0, 1], b"one")),
        Step::Send(publish_v5_props(b"", 0, 0, &[0x23, 0, 1], b"two")),
        Step::Hang,
    ]));
    let out = run_sub(&fake, &["--topic-alias-maximum", "5", "-C", "2", "-v"]);
    cmd::assert_success(&out);
    assert_eq!(cmd::stdout(&out), "a/b one\na/b two\n");
}

#[test]
fn bytes_dripped_one_at_a_time_still_work() {
    let mut all = packets::connack_v5(false, 0, &[0x21, 0, 10]);
    let fake = FakeBroker::start(vec![Step::SendDripped(all.clone()), Step::ExpectPacket]);
    let out = cmd::run(mqtt().args(["conn", "-L", &fake.url()]), T);
    cmd::assert_success(&out);
    assert_eq!(
        cmd::json_lines(&out.stdout)[0]["properties"]["receive_maximum"],
        10
    );

    all = packets::suback_v5(1, &[1]);
    all.extend(publish_v5_props(
        b"d/1",
        1,
        3,
        &[0x03, 0, 1, b't'],
        b"dripped",
    ));
    all.extend(packets::publish_v5("d/2", b"two", 0, false, 0));
    let fake = FakeBroker::start(vec![
        Step::SendDripped(packets::connack_v5(false, 0, &[])),
        Step::ExpectPacket,
        Step::SendDripped(all),
        Step::Hang,
    ]);
    let out = run_sub(
        &fake,
        &["-C", "2", "--format", "{topic} {payload} {content_type}"],
    );
    cmd::assert_success(&out);
    assert_eq!(cmd::stdout(&out), "d/1 dripped t\nd/2 two \n");
}

#[test]
fn connection_closed_mid_packet() {
    let whole = packets::publish_v5("t", b"0123456789", 1, false, 4);
    let fake = FakeBroker::start(sub_script(vec![
        Step::Send(whole[..6].to_vec()),
        Step::Close,
    ]));
    let out = run_sub(&fake, &[]);
    assert_one_error(
        &out,
        1,
        &[
            "lost",
            "closed the connection in the middle of a packet (6 bytes",
        ],
    );
    // During the handshake: half a CONNACK.
    let fake = FakeBroker::start(vec![Step::Send(vec![0x20, 3, 0]), Step::Close]);
    let out = cmd::run(mqtt().args(["conn", "-L", &fake.url()]), T);
    assert_one_error(&out, 3, &["closed the connection without a CONNACK"]);
    // Right after the CONNECT, nothing at all.
    let fake = FakeBroker::start(vec![Step::Close]);
    let out = cmd::run(
        mqtt().args(["pub", "-L", &fake.url(), "-t", "t", "-m", "x"]),
        T,
    );
    assert_one_error(&out, 3, &["closed the connection without a CONNACK"]);
}

#[test]
fn no_connack_at_all_for_pub_and_sub() {
    for args in [vec!["pub", "-t", "t", "-m", "x"], vec!["sub", "-t", "t"]] {
        let fake = FakeBroker::start(vec![Step::Hang]);
        let started = Instant::now();
        let out = cmd::run(
            mqtt()
                .args(&args)
                .args(["-L", &fake.url(), "--connect-timeout", "300ms"]),
            T,
        );
        assert_one_error(&out, 3, &["no CONNACK", "within 300ms"]);
        assert!(started.elapsed() < Duration::from_secs(5), "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// DISCONNECT from the server, with a reason string and a server reference
// ---------------------------------------------------------------------------------------------

/// A v5 DISCONNECT with a reason string and, optionally, a server reference.
fn disconnect_with(reason: u8, text: &str, server: Option<&str>) -> Vec<u8> {
    let mut props = vec![0x1f];
    props.extend(string(text));
    if let Some(s) = server {
        props.push(0x1c);
        props.extend(string(s));
    }
    let mut body = vec![reason];
    body.extend(varint(props.len()));
    body.extend(props);
    packet(0xe0, &body)
}

#[test]
fn final_disconnect_reasons_are_exit_5_with_the_reason_named() {
    let d = disconnect_with(0x8e, "another client took this id", None);
    // conn --hold: a disconnected record with the reason, then exit 5.
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v5(false, 0, &[])),
        Step::Send(d.clone()),
        Step::Hang,
    ]);
    let out = cmd::run(mqtt().args(["conn", "-L", &fake.url(), "--hold"]), T);
    assert_one_error(
        &out,
        5,
        &[
            "Session taken over",
            "(reason 0x8e)",
            "another client took this id",
        ],
    );
    let recs = cmd::json_lines(&out.stdout);
    let disc = cmd::records(&recs, "disconnected");
    assert_eq!(disc.len(), 1, "one record: {}", cmd::describe(&out));
    assert!(disc[0]["reason"]
        .as_str()
        .unwrap()
        .contains("Session taken over"));
    assert_eq!(disc[0]["reason_code"], 0x8e);
    assert_eq!(disc[0]["reason_name"], "Session taken over");
    assert_eq!(
        disc[0]["properties"]["reason_string"],
        "another client took this id"
    );

    // sub: exit 5, no reconnect for a final reason.
    let fake = FakeBroker::start(sub_script(vec![Step::Send(d.clone()), Step::Hang]));
    let out = cmd::run(mqtt().args(["sub", "-L", &fake.url(), "-t", "t"]), T);
    assert_one_error(
        &out,
        5,
        &["Session taken over", "another client took this id"],
    );
    assert_eq!(fake.connections().len(), 1);

    // pub: exit 5, and what was unacknowledged is counted.
    let fake = FakeBroker::start(vec![
        Step::Send(packets::connack_v5(false, 0, &[])),
        Step::ExpectPacket,
        Step::Send(disconnect_with(0x97, "quota", Some("other.example:1883"))),
        Step::Hang,
    ]);
    let out = cmd::run(
        mqtt().args(["pub", "-L", &fake.url(), "-t", "t", "-m", "x", "-q", "1"]),
        T,
    );
    assert_one_error(
        &out,
        5,
        &[
            "Quota exceeded",
            "quota",
            "server reference: other.example:1883",
            "1 of 1 messages unacknowledged",
        ],
    );
}

#[test]
fn use_another_server_and_server_shutting_down_make_sub_reconnect() {
    for (reason, name) in [(0x9c, "Use another server"), (0x8b, "Server shutting down")] {
        let fake = FakeBroker::start_multi(vec![
            sub_script(vec![
                Step::Send(disconnect_with(reason, "moving", Some("b2.example:1883"))),
                Step::Hang,
            ]),
            sub_script_id(
                2,
                vec![
                    Step::Send(packets::publish_v5("t", b"hello again", 0, false, 0)),
                    Step::Hang,
                ],
            ),
        ]);
        let out = cmd::run(
            mqtt().args([
                "sub",
                "-L",
                &fake.url(),
                "-t",
                "t",
                "-C",
                "1",
                "--reconnect-delay",
                "20ms",
                "--format",
                "{payload}",
            ]),
            T,
        );
        cmd::assert_success(&out);
        assert_eq!(cmd::stdout(&out), "hello again\n");
        let err = cmd::stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        let line = err
            .lines()
            .find(|l| l.contains("disconnected"))
            .unwrap_or_else(|| panic!("no disconnected line: {err}"));
        for n in [
            name,
            "moving",
            "server reference: b2.example:1883",
            "reconnecting",
        ] {
            assert!(line.contains(n), "{n:?} not in {line:?}");
        }
        assert!(err.contains("reconnected"), "{err}");
    }
}
