//! Property tests: arbitrary valid packets of every type and version encode to exactly
//! `encoded_len` bytes and decode back to the same packet; every strict prefix of the encoding
//! is incomplete (`Ok(None)`, nothing consumed).
use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::option::of as opt;
use proptest::prelude::*;

use super::packet::test_support::copy_property;
use super::properties::is_allowed;
use super::*;

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ./_\u{fc}\u{20ac}-]{0,12}"
}

fn topic_name() -> impl Strategy<Value = String> {
    "[a-z0-9$]{1,6}(/[a-z0-9 \u{fc}]{0,6}){0,3}"
}

fn topic_filter() -> impl Strategy<Value = String> {
    let level = prop_oneof![3 => "[a-z0-9]{0,5}", 1 => Just("+".to_string())];
    (vec(level, 1..4), any::<bool>(), opt("[a-z]{1,5}")).prop_map(|(levels, hash, share)| {
        let mut f = levels.join("/");
        if hash {
            f.push_str("/#");
        } else if f.is_empty() {
            f.push('a');
        }
        match share {
            Some(group) => format!("$share/{group}/{f}"),
            None => f,
        }
    })
}

fn binary(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

/// Payloads: mostly small, sometimes large enough for 2- and 3-byte remaining lengths.
fn payload() -> impl Strategy<Value = Bytes> {
    prop_oneof![8 => binary(40), 1 => binary(300), 1 => binary(20_000)]
}

/// Every property at once, each value in its valid range.
fn any_properties() -> impl Strategy<Value = Properties> {
    let a = (
        opt(0u8..=1),
        opt(any::<u32>()),
        opt(text()),
        opt(topic_name()),
        opt(binary(16)),
        vec(1u32..=268_435_455, 0..3),
        opt(any::<u32>()),
        opt(text()),
        opt(any::<u16>()),
        opt(text()),
        opt(binary(16)),
    );
    let b = (
        opt(0u8..=1),
        opt(any::<u32>()),
        opt(0u8..=1),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(1u16..),
        opt(any::<u16>()),
        opt(1u16..),
        opt(0u8..=1),
        opt(0u8..=1),
    );
    let c = (
        vec((text(), text()), 0..3),
        opt(1u32..),
        opt(0u8..=1),
        opt(0u8..=1),
        opt(0u8..=1),
    );
    (a, b, c).prop_map(|(a, b, c)| Properties {
        payload_format_indicator: a.0,
        message_expiry_interval: a.1,
        content_type: a.2,
        response_topic: a.3,
        correlation_data: a.4,
        subscription_identifiers: a.5,
        session_expiry_interval: a.6,
        assigned_client_identifier: a.7,
        server_keep_alive: a.8,
        authentication_method: a.9,
        authentication_data: a.10,
        request_problem_information: b.0,
        will_delay_interval: b.1,
        request_response_information: b.2,
        response_information: b.3,
        server_reference: b.4,
        reason_string: b.5,
        receive_maximum: b.6,
        topic_alias_maximum: b.7,
        topic_alias: b.8,
        maximum_qos: b.9,
        retain_available: b.10,
        user_properties: c.0,
        maximum_packet_size: c.1,
        wildcard_subscription_available: c.2,
        subscription_identifier_available: c.3,
        shared_subscription_available: c.4,
    })
}

/// Valid properties for `packet` (or a will) in `version`: none outside MQTT 5.
fn properties(version: Version, packet: PacketType, will: bool) -> BoxedStrategy<Properties> {
    if !version.is_v5() {
        return Just(Properties::default()).boxed();
    }
    any_properties()
        .prop_map(move |all| {
            let mut p = Properties::default();
            for pid in all.present() {
                if is_allowed(pid, packet, will) {
                    copy_property(&all, &mut p, pid);
                }
            }
            if packet != PacketType::Publish {
                p.subscription_identifiers.truncate(1);
            }
            if p.authentication_data.is_some() && p.authentication_method.is_none() {
                p.authentication_method = Some("method".into());
            }
            p
        })
        .boxed()
}

/// A reason code `packet` may carry in `version`.
fn reason_code(version: Version, packet: PacketType) -> impl Strategy<Value = u8> {
    let valid: Vec<u8> = (0..=255u8)
        .filter(|&c| reason::check(packet, version, c).is_ok())
        .collect();
    prop::sample::select(valid)
}

fn qos() -> impl Strategy<Value = QoS> {
    (0u8..3).prop_map(|q| QoS::from_u8(q).unwrap())
}

fn will(version: Version) -> impl Strategy<Value = Will> {
    (
        topic_name(),
        binary(40),
        qos(),
        any::<bool>(),
        properties(version, PacketType::Connect, true),
    )
        .prop_map(|(topic, payload, qos, retain, properties)| Will {
            topic,
            payload,
            qos,
            retain,
            properties,
        })
}

fn sub_options(version: Version, filter: &str) -> impl Strategy<Value = SubOptions> {
    let shared = topic::shared_parts(filter).is_some();
    (qos(), any::<bool>(), any::<bool>(), 0u8..3).prop_map(move |(qos, nl, rap, rh)| {
        if version.is_v5() {
            SubOptions {
                qos,
                no_local: nl && !shared,
                retain_as_published: rap,
                retain_handling: RetainHandling::from_u8(rh).unwrap(),
            }
        } else {
            SubOptions::qos(qos)
        }
    })
}

fn packet(version: Version) -> BoxedStrategy<Packet> {
    let v5 = version.is_v5();
    let connect = (
        text(),
        any::<bool>(),
        any::<u16>(),
        opt(text()),
        opt(binary(16)),
        opt(will(version)),
        properties(version, PacketType::Connect, false),
    )
        .prop_map(
            move |(client_id, clean_start, keep_alive, username, password, will, properties)| {
                // 3.1/3.1.1 have no password without a user name.
                let password = password.filter(|_| v5 || username.is_some());
                Packet::Connect(Box::new(Connect {
                    version,
                    client_id,
                    clean_start,
                    keep_alive,
                    username,
                    password,
                    will,
                    properties,
                }))
            },
        );
    let connack = (
        any::<bool>(),
        reason_code(version, PacketType::ConnAck),
        properties(version, PacketType::ConnAck, false),
    )
        .prop_map(|(sp, reason, properties)| {
            Packet::ConnAck(ConnAck {
                session_present: sp && reason == 0,
                reason,
                properties,
            })
        });
    let publish = (
        any::<bool>(),
        qos(),
        any::<bool>(),
        topic_name(),
        1u16..,
        properties(version, PacketType::Publish, false),
        payload(),
    )
        .prop_map(move |(dup, qos, retain, topic, id, properties, payload)| {
            let zero = qos == QoS::AtMostOnce;
            // An empty topic with a topic alias, sometimes.
            let topic = if v5 && properties.topic_alias.is_some() && id % 4 == 0 {
                String::new()
            } else {
                topic
            };
            Packet::Publish(Publish {
                dup: dup && !zero,
                qos,
                retain,
                topic,
                packet_id: if zero { 0 } else { id },
                properties,
                payload,
            })
        });
    let ack = |t: PacketType, make: fn(Ack) -> Packet| {
        (
            1u16..,
            reason_code(version, t),
            properties(version, t, false),
        )
            .prop_map(move |(packet_id, reason, properties)| {
                make(Ack {
                    packet_id,
                    reason,
                    properties,
                })
            })
    };
    let subscribe = (
        1u16..,
        vec(
            topic_filter().prop_flat_map(move |f| {
                let o = sub_options(version, &f);
                (Just(f), o)
            }),
            1..4,
        ),
        properties(version, PacketType::Subscribe, false),
    )
        .prop_map(|(packet_id, filters, properties)| {
            Packet::Subscribe(Subscribe {
                packet_id,
                filters,
                properties,
            })
        });
    let suback = (
        1u16..,
        vec(reason_code(version, PacketType::SubAck), 1..4),
        properties(version, PacketType::SubAck, false),
    )
        .prop_map(|(packet_id, reason_codes, properties)| {
            Packet::SubAck(SubAck {
                packet_id,
                reason_codes,
                properties,
            })
        });
    let unsubscribe = (
        1u16..,
        vec(topic_filter(), 1..4),
        properties(version, PacketType::Unsubscribe, false),
    )
        .prop_map(|(packet_id, filters, properties)| {
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                filters,
                properties,
            })
        });
    let unsuback = (
        1u16..,
        vec(reason_code(version, PacketType::UnsubAck), 1..4),
        properties(version, PacketType::UnsubAck, false),
    )
        .prop_map(move |(packet_id, codes, properties)| {
            Packet::UnsubAck(UnsubAck {
                packet_id,
                reason_codes: if v5 { codes } else { Vec::new() },
                properties,
            })
        });
    let disconnect = (
        reason_code(version, PacketType::Disconnect),
        properties(version, PacketType::Disconnect, false),
    )
        .prop_map(|(reason, properties)| Packet::Disconnect(Disconnect { reason, properties }));
    let mut all = vec![
        connect.boxed(),
        connack.boxed(),
        publish.boxed(),
        ack(PacketType::PubAck, Packet::PubAck).boxed(),
        ack(PacketType::PubRec, Packet::PubRec).boxed(),
        ack(PacketType::PubRel, Packet::PubRel).boxed(),
        ack(PacketType::PubComp, Packet::PubComp).boxed(),
        subscribe.boxed(),
        suback.boxed(),
        unsubscribe.boxed(),
        unsuback.boxed(),
        Just(Packet::PingReq).boxed(),
        Just(Packet::PingResp).boxed(),
        disconnect.boxed(),
    ];
    if v5 {
        let auth = (
            reason_code(version, PacketType::Auth),
            properties(version, PacketType::Auth, false),
        )
            .prop_map(|(reason, properties)| Packet::Auth(Auth { reason, properties }));
        all.push(auth.boxed());
    }
    prop::strategy::Union::new(all).boxed()
}

fn version_and_packet() -> impl Strategy<Value = (Version, Packet)> {
    prop_oneof![
        1 => Just(Version::V3_1),
        1 => Just(Version::V3_1_1),
        3 => Just(Version::V5),
    ]
    .prop_flat_map(|v| (Just(v), packet(v)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn valid_packets_round_trip((version, packet) in version_and_packet()) {
        let mut out = BytesMut::new();
        let written = encode(&packet, version, &mut out)
            .map_err(|e| TestCaseError::fail(format!("{packet:?} does not encode: {e}")))?;
        prop_assert_eq!(written, out.len());
        prop_assert_eq!(written, packet.encoded_len(version));
        let bytes = out.clone().freeze();
        prop_assert_eq!(decode(&mut out, version, Limits::default()), Ok(Some(packet.clone())));
        prop_assert!(out.is_empty());
        // Every strict prefix is incomplete and consumes nothing.
        for cut in [0, 1, 2, written / 2, written - 1] {
            let cut = cut.min(written - 1);
            let mut prefix = BytesMut::from(&bytes[..cut]);
            prop_assert_eq!(decode(&mut prefix, version, Limits::default()), Ok(None));
            prop_assert_eq!(prefix.len(), cut);
        }
        // Two in a row decode one at a time.
        let mut two = BytesMut::from(&bytes[..]);
        two.extend_from_slice(&bytes);
        prop_assert_eq!(decode(&mut two, version, Limits::default()), Ok(Some(packet.clone())));
        prop_assert_eq!(decode(&mut two, version, Limits::default()), Ok(Some(packet)));
        prop_assert!(two.is_empty());
        // A maximum packet size one byte too small refuses it from the fixed header on.
        let limits = Limits { max_packet_size: written as u32 - 1 };
        let mut buf = BytesMut::from(&bytes[..]);
        let too_large = matches!(
            decode(&mut buf, version, limits),
            Err(Error::PacketTooLarge { .. })
        );
        prop_assert!(too_large);
    }
}
