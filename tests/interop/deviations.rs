//! Where a broker breaks MQTT, `mqtt` must say what happened (shared/research/brokers.md):
//!
//! - rumqttd's 3.1.1 listener and RabbitMQ close the socket in answer to a v5 CONNECT, without
//!   the "unsupported protocol version" CONNACK;
//! - rumqttd (`$` filters other than `$share`) and RabbitMQ (filters outside the user's topic
//!   permissions) refuse a subscription by closing the connection, not with a SUBACK 0x80;
//! - RabbitMQ answers a QoS 2 PUBLISH with a PUBACK;
//! - rumqttd closes the connection on a wrong password and on keepalive 0, amqtt and rumqttd's
//!   3.1.1 listener on a 3.1 CONNECT.
//!
//! The `#[ignore]`d tests expect the client fixes of issue #10; enable them once merged.

use std::process::Output;

use super::*;
use crate::support::brokers::Server;

/// The shared broker of `kind`, or `None` when skipped (not installed, locally).
fn broker(kind: Kind, access: Access) -> Option<std::sync::Arc<Server>> {
    brokers::shared(kind, access)
}

/// `mqtt <command> -h 127.0.0.1 -p <port> <args>`: no `-V`.
fn run_unversioned(port: u16, command: &str, args: &[&str]) -> Output {
    cmd::run(
        cmd::mqtt()
            .args([command, "-h", "127.0.0.1", "-p", &port.to_string()])
            .args(args),
        T,
    )
}

/// The 3.1.1 port of `kind` (rumqttd's 3.1.1 listener; the only one of the others).
fn v3_only_port(kind: Kind) -> Option<u16> {
    broker(kind, Access::Anonymous).map(|s| s.port(Version::V3_1_1))
}

/// `conn -V <version>` to a port that answers that version's CONNECT by closing: exit 3, said so.
fn a_close_instead_of_a_connack_is_reported_as_such(kind: Kind, version: &str) {
    let Some(port) = v3_only_port(kind) else {
        return;
    };
    let out = run_unversioned(port, "conn", &["-V", version]);
    cmd::assert_code(&out, 3);
    let err = cmd::stderr(&out);
    assert!(
        err.contains("closed the connection without a CONNACK"),
        "{kind}: {err}"
    );
}

#[test]
fn rumqttd_v3_listener_closing_a_v5_connect_is_reported_with_v_5() {
    a_close_instead_of_a_connack_is_reported_as_such(Kind::Rumqttd, "5");
}

#[test]
fn rabbitmq_closing_a_v5_connect_is_reported_with_v_5() {
    a_close_instead_of_a_connack_is_reported_as_such(Kind::Rabbitmq, "5");
}

/// rumqttd's 3.1.1 listener and amqtt do not speak 3.1 either, and close rather than answer
/// "unacceptable protocol version".
#[test]
fn rumqttd_v3_listener_closing_a_3_1_connect_is_reported_with_v_3_1() {
    a_close_instead_of_a_connack_is_reported_as_such(Kind::Rumqttd, "3.1");
}

#[test]
fn amqtt_closing_a_3_1_connect_is_reported_with_v_3_1() {
    a_close_instead_of_a_connack_is_reported_as_such(Kind::Amqtt, "3.1");
}

/// rumqttd refuses keepalive 0 (no keepalive) by closing the connection as well.
#[test]
fn rumqttd_closing_a_connect_without_keepalive_is_reported() {
    let Some(server) = broker(Kind::Rumqttd, Access::Anonymous) else {
        return;
    };
    for v in Kind::Rumqttd.caps().versions {
        let port = server.port(*v);
        let out = run_unversioned(port, "conn", &["-V", v.flag(), "-k", "0"]);
        cmd::assert_code(&out, 3);
        let err = cmd::stderr(&out);
        assert!(
            err.contains("closed the connection without a CONNACK"),
            "rumqttd {v}: {err}"
        );
        // The same CONNECT with a keepalive is accepted.
        let out = run_unversioned(port, "conn", &["-V", v.flag(), "-k", "30"]);
        cmd::assert_success(&out);
    }
}

/// Fix (a) of #10: without `-V`, a close in answer to the v5 CONNECT is retried with 3.1.1, by
/// conn, pub and sub.
fn without_v_a_close_of_the_v5_connect_is_retried_with_3_1_1(kind: Kind) {
    let Some(port) = v3_only_port(kind) else {
        return;
    };
    let out = run_unversioned(port, "conn", &[]);
    cmd::assert_success(&out);
    let r = &cmd::json_lines(&out.stdout)[0];
    assert_eq!(r["protocol_version"], "3.1.1", "{kind}: {r}");

    let topic = format!("interop/{kind}/fallback/{}", std::process::id());
    let out = run_unversioned(port, "sub", &["-t", &topic, "-q", "1", "-E"]);
    cmd::assert_success(&out);
    let out = run_unversioned(port, "pub", &["-t", &topic, "-q", "1", "-m", "x"]);
    cmd::assert_success(&out);
    let r = &cmd::json_lines(&out.stdout)[0];
    assert_eq!(r["reason_code"], 0, "{kind}: {r}");
}

#[test]
fn rumqttd_v3_listener_without_v_is_connected_with_3_1_1() {
    without_v_a_close_of_the_v5_connect_is_retried_with_3_1_1(Kind::Rumqttd);
}

#[test]
fn rabbitmq_without_v_is_connected_with_3_1_1() {
    without_v_a_close_of_the_v5_connect_is_retried_with_3_1_1(Kind::Rabbitmq);
}

/// Fix (b) of #10: a connection closed right after each SUBSCRIBE, 3 times in a row, is the
/// broker refusing the filter: exit 5, the filter named.
fn a_filter_refused_by_closing_exits_5_naming_it(kind: Kind, access: Access, filter: &str) {
    let Some(server) = broker(kind, access) else {
        return;
    };
    let v = Version::V3_1_1;
    let out = cmd::run(
        cmd::mqtt()
            .arg("sub")
            .args(server.args(v, access))
            .args(["-t", filter, "-q", "1"]),
        // Three quick reconnects and a few seconds of backoff at most.
        Duration::from_secs(30),
    );
    cmd::assert_code(&out, 5);
    let err = cmd::stderr(&out);
    assert!(
        err.contains(filter),
        "{kind}: the filter is not named: {err}"
    );
}

#[test]
fn rumqttd_refusing_a_dollar_filter_by_closing_exits_5_naming_it() {
    a_filter_refused_by_closing_exits_5_naming_it(
        Kind::Rumqttd,
        Access::Anonymous,
        "$interop/refused",
    );
}

#[test]
fn rabbitmq_refusing_a_filter_outside_the_permissions_exits_5_naming_it() {
    a_filter_refused_by_closing_exits_5_naming_it(
        Kind::Rabbitmq,
        Access::Users,
        "forbidden/interop",
    );
}

/// Fix (c) of #10: a PUBACK to a QoS 2 PUBLISH is "the broker does not support QoS 2" (exit 5).
#[test]
fn rabbitmq_answering_qos_2_with_a_puback_exits_5_saying_it_has_no_qos_2() {
    let Some(server) = broker(Kind::Rabbitmq, Access::Anonymous) else {
        return;
    };
    let topic = format!("interop/rabbitmq/qos2/{}", std::process::id());
    for v in Kind::Rabbitmq.caps().versions {
        let out = cmd::run(
            cmd::mqtt()
                .arg("pub")
                .args(server.args(*v, Access::Anonymous))
                .args(["-t", &topic, "-q", "2", "-m", "x"]),
            T,
        );
        cmd::assert_code(&out, 5);
        let err = cmd::stderr(&out);
        assert!(
            err.contains("does not support QoS 2"),
            "rabbitmq {v}: {err}"
        );
    }
}

/// What RabbitMQ does grant: a QoS 2 subscription is served at QoS 1, and `sub` reports the
/// messages at the QoS they came with.
#[test]
fn rabbitmq_serves_a_qos_2_subscription_at_qos_1() {
    let Some(server) = broker(Kind::Rabbitmq, Access::Anonymous) else {
        return;
    };
    let p = Peer {
        server,
        version: Version::V3_1_1,
        access: Access::Anonymous,
    };
    let topic = p.topic("qos2-sub");
    let (mut sub, _) = p.spawn_sub(&["-t", &topic, "-q", "2"], &topic);
    p.publish(&["-t", &topic, "-q", "1", "-m", "at one"]);
    let got = p.collect_until_end(&mut sub, &topic, 1, T);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["qos"], 1, "{}", got[0]);
}

/// mosquitto at 3.1/3.1.1 takes 20 QoS 2 messages in flight and drops the rest (or resets the
/// connection): without a Receive Maximum `pub` and `bench` keep 20 in flight, and lose nothing.
#[test]
fn mosquitto_3_x_qos_2_messages_streams_and_bench_lose_nothing() {
    let Some(server) = broker(Kind::Mosquitto, Access::Anonymous) else {
        return;
    };
    for version in [Version::V3_1, Version::V3_1_1] {
        let p = Peer {
            server: server.clone(),
            version,
            access: Access::Anonymous,
        };
        super::messages::repeated_message(&p, 2);
        super::messages::line_stream(&p, 2);
        super::messages::bench_pubsub(&p, 2);
    }
}
