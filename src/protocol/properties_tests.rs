//! Tests of the property list: allowed sets against the specification's table, vectors for
//! each value kind, duplicates, ranges and decode errors.
use super::*;
use crate::protocol::packet::test_support::{copy_property, full_properties};

/// Every place a property list appears: (packet, will).
const CONTEXTS: [(PacketType, bool); 14] = [
    (PacketType::Connect, false),
    (PacketType::Connect, true),
    (PacketType::ConnAck, false),
    (PacketType::Publish, false),
    (PacketType::PubAck, false),
    (PacketType::PubRec, false),
    (PacketType::PubRel, false),
    (PacketType::PubComp, false),
    (PacketType::Subscribe, false),
    (PacketType::SubAck, false),
    (PacketType::Unsubscribe, false),
    (PacketType::UnsubAck, false),
    (PacketType::Disconnect, false),
    (PacketType::Auth, false),
];

fn decode_bytes(bytes: &[u8], packet: PacketType, will: bool) -> Result<Properties, Error> {
    let mut b = Bytes::copy_from_slice(bytes);
    let p = Properties::decode(&mut b, packet, will);
    if p.is_ok() {
        assert!(b.is_empty());
    }
    p
}

fn encode_vec(p: &Properties) -> Vec<u8> {
    let mut out = BytesMut::new();
    p.encode(&mut out);
    assert_eq!(out.len(), p.encoded_len(), "encoded_len of {p:?}");
    assert_eq!(
        out.len(),
        wire::varint_len(p.content_len()) + p.content_len()
    );
    out.to_vec()
}

#[test]
fn allowed_sets_follow_the_specification() {
    // Section 2.2.2.2, table 2-4 ("will" is the will properties of CONNECT).
    let table: &[(u8, &[&str])] = &[
        (0x01, &["PUBLISH", "will"]),
        (0x02, &["PUBLISH", "will"]),
        (0x03, &["PUBLISH", "will"]),
        (0x08, &["PUBLISH", "will"]),
        (0x09, &["PUBLISH", "will"]),
        (0x0B, &["PUBLISH", "SUBSCRIBE"]),
        (0x11, &["CONNECT", "CONNACK", "DISCONNECT"]),
        (0x12, &["CONNACK"]),
        (0x13, &["CONNACK"]),
        (0x15, &["CONNECT", "CONNACK", "AUTH"]),
        (0x16, &["CONNECT", "CONNACK", "AUTH"]),
        (0x17, &["CONNECT"]),
        (0x18, &["will"]),
        (0x19, &["CONNECT"]),
        (0x1A, &["CONNACK"]),
        (0x1C, &["CONNACK", "DISCONNECT"]),
        (
            0x1F,
            &[
                "CONNACK",
                "PUBACK",
                "PUBREC",
                "PUBREL",
                "PUBCOMP",
                "SUBACK",
                "UNSUBACK",
                "DISCONNECT",
                "AUTH",
            ],
        ),
        (0x21, &["CONNECT", "CONNACK"]),
        (0x22, &["CONNECT", "CONNACK"]),
        (0x23, &["PUBLISH"]),
        (0x24, &["CONNACK"]),
        (0x25, &["CONNACK"]),
        (
            0x26,
            &[
                "CONNECT",
                "will",
                "CONNACK",
                "PUBLISH",
                "PUBACK",
                "PUBREC",
                "PUBREL",
                "PUBCOMP",
                "SUBSCRIBE",
                "SUBACK",
                "UNSUBSCRIBE",
                "UNSUBACK",
                "DISCONNECT",
                "AUTH",
            ],
        ),
        (0x27, &["CONNECT", "CONNACK"]),
        (0x28, &["CONNACK"]),
        (0x29, &["CONNACK"]),
        (0x2A, &["CONNACK"]),
    ];
    for pid in 0..=255u8 {
        let allowed: &[&str] = table
            .iter()
            .find(|(id, _)| *id == pid)
            .map_or(&[], |(_, a)| a);
        assert_eq!(
            property_name(pid).is_some(),
            !allowed.is_empty(),
            "{pid:#04x}"
        );
        for (packet, will) in CONTEXTS {
            let name = if will { "will" } else { packet.name() };
            assert_eq!(
                is_allowed(pid, packet, will),
                allowed.contains(&name),
                "{pid:#04x} in {name}"
            );
        }
    }
    assert!(!is_allowed(0x26, PacketType::PingReq, false));
}

#[test]
fn vectors_for_each_value_kind() {
    #[rustfmt::skip]
    let cases: Vec<(&[u8], Properties)> = vec![
        (&[0x00], Properties::default()), // property length 0
        (&[0x02, 0x01, 0x01], // byte: payload format indicator 1
            Properties { payload_format_indicator: Some(1), ..Default::default() }),
        (&[0x05, 0x02, 0x00, 0x01, 0x51, 0x80], // four byte integer: message expiry 86400
            Properties { message_expiry_interval: Some(86_400), ..Default::default() }),
        (&[0x04, 0x03, 0x00, 0x01, b'x'], // string: content type "x"
            Properties { content_type: Some("x".into()), ..Default::default() }),
        (&[0x05, 0x09, 0x00, 0x02, 0x00, 0xFF], // binary: correlation data 00 FF
            Properties { correlation_data: Some(Bytes::from_static(&[0, 0xFF])), ..Default::default() }),
        (&[0x05, 0x0B, 0xFF, 0xFF, 0xFF, 0x7F], // variable byte integer: subscription identifier 268435455
            Properties { subscription_identifiers: vec![268_435_455], ..Default::default() }),
        (&[0x03, 0x23, 0x01, 0x00], // two byte integer: topic alias 256
            Properties { topic_alias: Some(256), ..Default::default() }),
        (&[0x07, 0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v'], // string pair: user property k=v
            Properties { user_properties: vec![("k".into(), "v".into())], ..Default::default() }),
    ];
    for (bytes, props) in cases {
        assert_eq!(
            decode_bytes(bytes, PacketType::Publish, false),
            Ok(props.clone()),
            "{bytes:02x?}"
        );
        assert_eq!(encode_vec(&props), bytes);
        assert_eq!(props.is_empty(), bytes == [0x00]);
        assert_eq!(props.validate(PacketType::Publish, false), Ok(()));
    }
}

#[test]
fn every_property_round_trips_and_single_ones_reject_duplicates() {
    for (packet, will) in CONTEXTS {
        let full = full_properties(packet, will);
        assert!(!full.is_empty());
        assert_eq!(full.validate(packet, will), Ok(()));
        let bytes = encode_vec(&full);
        assert_eq!(
            decode_bytes(&bytes, packet, will),
            Ok(full.clone()),
            "{packet:?} will={will}"
        );

        for pid in full.present() {
            let mut one = Properties::default();
            copy_property(&full, &mut one, pid);
            // Keep a single value for the repeatable ones, then write it twice.
            one.user_properties.truncate(1);
            one.subscription_identifiers.truncate(1);
            if pid == id::AUTHENTICATION_DATA {
                one.authentication_method = None;
            }
            let mut content = BytesMut::new();
            one.encode(&mut content);
            let mut content = content.freeze();
            let len = wire::read_varint(&mut content, "len").unwrap() as usize;
            assert_eq!(len, content.len());
            let mut twice = BytesMut::new();
            wire::write_varint(&mut twice, 2 * len);
            twice.extend_from_slice(&content);
            twice.extend_from_slice(&content);
            let name = property_name(pid).unwrap();
            let got = decode_bytes(&twice, packet, will);
            let repeatable = pid == id::USER_PROPERTY
                || (pid == id::SUBSCRIPTION_IDENTIFIER && packet == PacketType::Publish);
            if repeatable {
                let mut expected = one.clone();
                expected.user_properties.extend(one.user_properties.clone());
                expected
                    .subscription_identifiers
                    .extend(one.subscription_identifiers.clone());
                assert_eq!(got, Ok(expected), "{name} twice in {packet:?}");
            } else if pid == id::AUTHENTICATION_DATA {
                // Duplicate is found before the missing method.
                assert_eq!(got, Err(Error::DuplicateProperty(name)));
            } else {
                assert_eq!(
                    got,
                    Err(Error::DuplicateProperty(name)),
                    "{name} twice in {packet:?}"
                );
            }
        }
    }
}

#[test]
fn not_allowed_is_reported_with_names() {
    for (packet, will) in CONTEXTS {
        let everything = {
            let mut p = full_properties(PacketType::Connect, false);
            for (other, w) in CONTEXTS {
                let f = full_properties(other, w);
                for pid in f.present() {
                    if pid != id::SUBSCRIPTION_IDENTIFIER || p.subscription_identifiers.is_empty() {
                        copy_property(&f, &mut p, pid);
                    }
                }
            }
            p
        };
        for pid in everything.present() {
            if is_allowed(pid, packet, will) {
                continue;
            }
            let mut one = Properties::default();
            copy_property(&everything, &mut one, pid);
            let expected = Error::PropertyNotAllowed {
                property: property_name(pid).unwrap(),
                packet: if will {
                    "will properties"
                } else {
                    packet.name()
                },
            };
            assert_eq!(
                decode_bytes(&encode_vec(&one), packet, will),
                Err(expected.clone())
            );
            assert_eq!(one.validate(packet, will), Err(expected));
        }
    }
}

#[test]
fn value_ranges() {
    let flag_props: [(u8, &str); 8] = [
        (0x01, "payload_format_indicator"),
        (0x17, "request_problem_information"),
        (0x19, "request_response_information"),
        (0x24, "maximum_qos"),
        (0x25, "retain_available"),
        (0x28, "wildcard_subscription_available"),
        (0x29, "subscription_identifier_available"),
        (0x2A, "shared_subscription_available"),
    ];
    for (pid, name) in flag_props {
        let packet = [
            PacketType::Publish,
            PacketType::Connect,
            PacketType::ConnAck,
        ]
        .into_iter()
        .find(|&p| is_allowed(pid, p, false))
        .unwrap();
        for (v, ok) in [(0u8, true), (1, true), (2, false), (255, false)] {
            let got = decode_bytes(&[0x02, pid, v], packet, false);
            if ok {
                assert!(got.is_ok(), "{name}={v}");
            } else {
                assert_eq!(
                    got,
                    Err(Error::InvalidPropertyValue { property: name }),
                    "{name}={v}"
                );
            }
        }
    }
    let zero_props: [(&[u8], PacketType, &str); 4] = [
        (
            &[0x03, 0x21, 0x00, 0x00],
            PacketType::Connect,
            "receive_maximum",
        ),
        (
            &[0x05, 0x27, 0x00, 0x00, 0x00, 0x00],
            PacketType::ConnAck,
            "maximum_packet_size",
        ),
        (
            &[0x03, 0x23, 0x00, 0x00],
            PacketType::Publish,
            "topic_alias",
        ),
        (
            &[0x02, 0x0B, 0x00],
            PacketType::Subscribe,
            "subscription_identifier",
        ),
    ];
    for (bytes, packet, name) in zero_props {
        let expected = Err(Error::InvalidPropertyValue { property: name });
        assert_eq!(decode_bytes(bytes, packet, false), expected);
    }
    // Zero is fine where the specification allows it.
    assert!(decode_bytes(&[0x03, 0x22, 0x00, 0x00], PacketType::Connect, false).is_ok()); // topic alias maximum
    assert!(decode_bytes(&[0x03, 0x13, 0x00, 0x00], PacketType::ConnAck, false).is_ok()); // server keep alive
                                                                                          // Response topic must be a topic name.
    assert_eq!(
        decode_bytes(&[0x04, 0x08, 0x00, 0x01, b'#'], PacketType::Publish, false),
        Err(Error::InvalidTopic(
            "wildcards are not allowed in topic names"
        ))
    );
}

#[test]
fn decode_errors() {
    let p = PacketType::Publish;
    assert_eq!(
        decode_bytes(&[0x01, 0x00], p, false),
        Err(Error::UnknownProperty(0x00))
    );
    assert_eq!(
        decode_bytes(&[0x01, 0x80], p, false),
        Err(Error::UnknownProperty(0x80))
    );
    assert_eq!(
        decode_bytes(&[0x02, 0x01], p, false),
        Err(Error::Truncated { what: "properties" })
    );
    assert_eq!(
        decode_bytes(&[], p, false),
        Err(Error::Truncated {
            what: "property length"
        })
    );
    assert_eq!(
        decode_bytes(&[0x03, 0x26, 0x00, 0x00], p, false),
        Err(Error::Truncated {
            what: "user_property"
        })
    );
    assert_eq!(
        decode_bytes(&[0x04, 0x03, 0x00, 0x01, 0x00], p, false),
        Err(Error::NullCharacter)
    );
    assert_eq!(
        decode_bytes(&[0x04, 0x03, 0x00, 0x01, 0xFF], p, false),
        Err(Error::InvalidUtf8)
    );
    // The property list ends where its length says, not at the end of the buffer.
    let mut b = Bytes::from_static(&[0x02, 0x01, 0x00, 0xAA]);
    assert_eq!(
        Properties::decode(&mut b, p, false).map(|p| p.payload_format_indicator),
        Ok(Some(0))
    );
    assert_eq!(&b[..], &[0xAA]);
}

#[test]
fn check_version_rejects_properties_before_v5() {
    let p = Properties {
        reason_string: Some("r".into()),
        ..Properties::default()
    };
    assert_eq!(
        p.check_version(Version::V5, PacketType::PubAck, false),
        Ok(())
    );
    assert_eq!(
        p.check_version(Version::V3_1_1, PacketType::PubAck, false),
        Err(Error::PropertyNotAllowed {
            property: "reason_string",
            packet: "PUBACK"
        })
    );
    assert_eq!(
        Properties::default().check_version(Version::V3_1, PacketType::PubAck, false),
        Ok(())
    );
}
