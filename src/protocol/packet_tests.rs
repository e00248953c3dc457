use super::test_support::*;
use super::*;

const V31: Version = Version::V3_1;
const V311: Version = Version::V3_1_1;
const V5: Version = Version::V5;

#[test]
fn malformed_inputs_give_specific_errors() {
    use Error::*;
    let flags = |packet, flags| InvalidFlags { packet, flags };
    let not_allowed = |property, packet| PropertyNotAllowed { property, packet };
    let value = |property| InvalidPropertyValue { property };
    let reason = |code, packet| InvalidReasonCode { code, packet };
    #[rustfmt::skip]
    let table: Vec<(Version, &[u8], Error)> = vec![
        // Fixed header.
        (V5, &[0x00, 0x00], InvalidPacketType(0x00)), // type 0 is reserved
        (V311, &[0xF0, 0x00], InvalidPacketType(0xF0)), // AUTH before MQTT 5
        (V31, &[0xF0, 0x00], InvalidPacketType(0xF0)),
        (V5, &[0x60, 0x02, 0x00, 0x01], flags("PUBREL", 0)), // PUBREL needs 0010
        (V311, &[0x80, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x00], flags("SUBSCRIBE", 0)),
        (V311, &[0xA3, 0x05, 0x00, 0x01, 0x00, 0x01, b'a'], flags("UNSUBSCRIBE", 3)),
        (V5, &[0x41, 0x02, 0x00, 0x01], flags("PUBACK", 1)),
        (V5, &[0x2F, 0x02, 0x00, 0x00], flags("CONNACK", 0x0F)),
        (V311, &[0xC1, 0x00], flags("PINGREQ", 1)),
        (V311, &[0xE2, 0x00], flags("DISCONNECT", 2)),
        (V311, &[0x36, 0x03, 0x00, 0x01, b't'], InvalidQoS(3)), // PUBLISH QoS 3
        (V311, &[0x38, 0x03, 0x00, 0x01, b't'], Malformed("DUP flag set on a QoS 0 PUBLISH")),
        (V311, &[0x30, 0xFF, 0xFF, 0xFF, 0xFF], MalformedVariableInteger), // 5-byte length
        (V5, &[0xC0, 0x80, 0x80, 0x80, 0x80, 0x00], MalformedVariableInteger),
        // Packet id 0.
        (V311, &[0x32, 0x05, 0x00, 0x01, b't', 0x00, 0x00], PacketIdZero { packet: "PUBLISH" }),
        (V5, &[0x40, 0x02, 0x00, 0x00], PacketIdZero { packet: "PUBACK" }),
        (V311, &[0x50, 0x02, 0x00, 0x00], PacketIdZero { packet: "PUBREC" }),
        (V311, &[0x62, 0x02, 0x00, 0x00], PacketIdZero { packet: "PUBREL" }),
        (V5, &[0x70, 0x02, 0x00, 0x00], PacketIdZero { packet: "PUBCOMP" }),
        (V311, &[0x82, 0x06, 0x00, 0x00, 0x00, 0x01, b'a', 0x00], PacketIdZero { packet: "SUBSCRIBE" }),
        (V311, &[0xA2, 0x05, 0x00, 0x00, 0x00, 0x01, b'a'], PacketIdZero { packet: "UNSUBSCRIBE" }),
        (V311, &[0x90, 0x03, 0x00, 0x00, 0x00], PacketIdZero { packet: "SUBACK" }),
        (V311, &[0xB0, 0x02, 0x00, 0x00], PacketIdZero { packet: "UNSUBACK" }),
        // Topic names and filters.
        (V311, &[0x30, 0x05, 0x00, 0x03, b'a', b'/', b'+'], InvalidTopic("wildcards are not allowed in topic names")),
        (V311, &[0x30, 0x02, 0x00, 0x00], InvalidTopic("empty")),
        (V5, &[0x30, 0x03, 0x00, 0x00, 0x00], InvalidTopic("empty")), // no topic alias
        (V311, &[0x82, 0x07, 0x00, 0x01, 0x00, 0x02, b'a', b'#', 0x00], InvalidTopicFilter("'#' must be the whole last level")),
        (V5, &[0xA2, 0x0E, 0x00, 0x01, 0x00, 0x00, 0x09, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'/', b'x'],
            InvalidTopicFilter("empty share name")),
        (V311, &[0x82, 0x02, 0x00, 0x01], Malformed("SUBSCRIBE without topic filters")),
        (V5, &[0xA2, 0x03, 0x00, 0x01, 0x00], Malformed("UNSUBSCRIBE without topic filters")),
        // Subscription options.
        (V5, &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x40], Malformed("reserved subscription option bits set")),
        (V5, &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x30], Malformed("retain handling 3 in subscription options")),
        (V311, &[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x04], Malformed("reserved subscription option bits set")),
        (V311, &[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x03], InvalidQoS(3)),
        (V5, &[0x82, 0x10, 0x00, 0x01, 0x00, 0x00, 0x0A, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'g', b'/', b'a', 0x04],
            Malformed("no local set on a shared subscription")),
        // CONNECT.
        (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x03, 0x00, 0x00, 0x00, 0x01, b'a'],
            Malformed("reserved CONNECT flag set")),
        (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x0A, 0x00, 0x00, 0x00, 0x01, b'a'],
            Malformed("will QoS or will retain set without the will flag")),
        (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x22, 0x00, 0x00, 0x00, 0x01, b'a'],
            Malformed("will QoS or will retain set without the will flag")),
        (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x1E, 0x00, 0x00, 0x00, 0x01, b'a'], InvalidQoS(3)),
        (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x42, 0x00, 0x00, 0x00, 0x01, b'a'],
            Malformed("password without user name")),
        (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x06, 0x02, 0x00, 0x00, 0x00, 0x01, b'a'],
            UnsupportedProtocol { name: "MQTT".into(), level: 6 }),
        (V5, &[0x10, 0x0F, 0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p', 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, b'a'],
            UnsupportedProtocol { name: "MQIsdp".into(), level: 4 }),
        (V5, &[0x10, 0x0E, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, b'a', 0xFF],
            TrailingBytes { packet: "CONNECT" }),
        // CONNACK.
        (V311, &[0x20, 0x02, 0x02, 0x00], Malformed("reserved CONNACK flags set")),
        (V311, &[0x20, 0x02, 0x01, 0x05], Malformed("session present with a non-zero reason code")),
        (V5, &[0x20, 0x03, 0x01, 0x80, 0x00], Malformed("session present with a non-zero reason code")),
        (V5, &[0x20, 0x03, 0x00, 0x01, 0x00], reason(0x01, "CONNACK")),
        (V311, &[0x20, 0x02, 0x00, 0x06], reason(0x06, "CONNACK")),
        (V5, &[0x20, 0x01, 0x00], Truncated { what: "reason code" }),
        // Trailing bytes.
        (V311, &[0xC0, 0x01, 0x00], TrailingBytes { packet: "PINGREQ" }),
        (V5, &[0xD0, 0x01, 0x00], TrailingBytes { packet: "PINGRESP" }),
        (V311, &[0x40, 0x03, 0x00, 0x01, 0x00], TrailingBytes { packet: "PUBACK" }),
        (V311, &[0xE0, 0x01, 0x00], TrailingBytes { packet: "DISCONNECT" }),
        (V311, &[0xB0, 0x03, 0x00, 0x01, 0x00], TrailingBytes { packet: "UNSUBACK" }),
        (V311, &[0x20, 0x03, 0x00, 0x00, 0x00], TrailingBytes { packet: "CONNACK" }),
        // Truncated fields and strings.
        (V311, &[0x30, 0x02, 0x00, 0x05], Truncated { what: "topic name" }),
        (V311, &[0x40, 0x01, 0x00], Truncated { what: "packet id" }),
        (V5, &[0x30, 0x05, 0x00, 0x01, b't', 0x05, 0x01], Truncated { what: "properties" }),
        (V5, &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x02, 0x00], Truncated { what: "message_expiry_interval" }),
        (V311, &[0x30, 0x04, 0x00, 0x02, 0xC3, 0x28], InvalidUtf8),
        (V311, &[0x30, 0x05, 0x00, 0x03, b'a', 0x00, b'b'], NullCharacter),
        // Properties (PUBLISH "t" QoS 0 unless noted).
        (V5, &[0x30, 0x05, 0x00, 0x01, b't', 0x01, 0x7F], UnknownProperty(0x7F)),
        (V5, &[0x30, 0x0A, 0x00, 0x01, b't', 0x06, 0x03, 0x00, 0x00, 0x03, 0x00, 0x00], DuplicateProperty("content_type")),
        (V5, &[0x30, 0x09, 0x00, 0x01, b't', 0x05, 0x11, 0x00, 0x00, 0x00, 0x01],
            not_allowed("session_expiry_interval", "PUBLISH")),
        (V5, &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x01, 0x02], value("payload_format_indicator")),
        (V5, &[0x30, 0x07, 0x00, 0x01, b't', 0x03, 0x23, 0x00, 0x00], value("topic_alias")),
        (V5, &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x0B, 0x00], value("subscription_identifier")),
        (V5, &[0x30, 0x07, 0x00, 0x01, b't', 0xFF, 0xFF, 0xFF, 0xFF], MalformedVariableInteger), // property length
        (V5, &[0x82, 0x09, 0x00, 0x01, 0x02, 0x0B, 0x00, 0x00, 0x01, b'a', 0x00], value("subscription_identifier")),
        (V5, &[0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0x00, 0x01, b'a', 0x00],
            DuplicateProperty("subscription_identifier")), // at most one in SUBSCRIBE
        (V5, &[0x82, 0x0D, 0x00, 0x01, 0x06, 0x0B, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 0x01, b'a', 0x00],
            MalformedVariableInteger), // subscription identifier > 268,435,455
        (V5, &[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00], value("receive_maximum")),
        (V5, &[0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02], value("maximum_qos")),
        (V5, &[0x20, 0x05, 0x00, 0x00, 0x02, 0x25, 0x02], value("retain_available")),
        (V5, &[0x20, 0x05, 0x00, 0x00, 0x02, 0x2A, 0x05], value("shared_subscription_available")),
        (V5, &[0x20, 0x05, 0x00, 0x00, 0x02, 0x17, 0x01], not_allowed("request_problem_information", "CONNACK")),
        (V5, &[0x10, 0x12, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00,
               0x05, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], value("maximum_packet_size")),
        (V5, &[0x10, 0x0F, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00,
               0x02, 0x17, 0x02, 0x00, 0x00], value("request_problem_information")),
        (V5, &[0x10, 0x0F, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00,
               0x02, 0x19, 0x07, 0x00, 0x00], value("request_response_information")),
        (V5, &[0x10, 0x12, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00,
               0x05, 0x18, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00], not_allowed("will_delay_interval", "CONNECT")),
        (V5, &[0x10, 0x18, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x06, 0x00, 0x00,
               0x00, // property length 0
               0x00, 0x00, // client id ""
               0x05, 0x11, 0x00, 0x00, 0x00, 0x01, // will properties: session expiry interval
               0x00, 0x01, b'w', 0x00, 0x00], not_allowed("session_expiry_interval", "will properties")),
        (V5, &[0xF0, 0x05, 0x18, 0x03, 0x16, 0x00, 0x00], Malformed("authentication data without authentication method")),
        // Reason codes.
        (V5, &[0x62, 0x03, 0x00, 0x01, 0x80], reason(0x80, "PUBREL")),
        (V5, &[0x40, 0x03, 0x00, 0x01, 0x92], reason(0x92, "PUBACK")),
        (V311, &[0x90, 0x03, 0x00, 0x01, 0x03], reason(0x03, "SUBACK")),
        (V5, &[0x90, 0x04, 0x00, 0x01, 0x00, 0x11], reason(0x11, "SUBACK")),
        (V5, &[0xB0, 0x04, 0x00, 0x01, 0x00, 0x01], reason(0x01, "UNSUBACK")),
        (V5, &[0xE0, 0x01, 0x84], reason(0x84, "DISCONNECT")),
        (V5, &[0xF0, 0x01, 0x80], reason(0x80, "AUTH")),
        (V5, &[0x90, 0x03, 0x00, 0x01, 0x00], Malformed("SUBACK without reason codes")),
        (V5, &[0xB0, 0x03, 0x00, 0x01, 0x00], Malformed("UNSUBACK without reason codes")),
    ];
    assert!(table.len() >= 30);
    for (version, bytes, expected) in table {
        assert_eq!(
            decode_err(bytes, version),
            expected,
            "decoding {bytes:02x?} as {version}"
        );
    }
}

#[test]
fn first_byte_errors_need_no_more_bytes() {
    for (byte, version) in [
        (0x00, V5),
        (0xF0, V311),
        (0x36, V5),
        (0x38, V5),
        (0x61, V5),
        (0x81, V311),
    ] {
        let mut buf = BytesMut::from(&[byte][..]);
        assert!(
            decode(&mut buf, version, Limits::default()).is_err(),
            "{byte:#04x}"
        );
    }
}

#[test]
fn packet_too_large_is_reported_from_the_fixed_header() {
    let limits = Limits {
        max_packet_size: 16,
    };
    // PUBLISH with remaining length 127: 129 bytes in all, only the header has arrived.
    let mut buf = BytesMut::from(&[0x30, 0x7F][..]);
    assert_eq!(
        decode(&mut buf, V5, limits),
        Err(Error::PacketTooLarge { size: 129, max: 16 })
    );
    // A 4-byte remaining length claiming 268,435,455 bytes.
    let mut buf = BytesMut::from(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F][..]);
    assert_eq!(
        decode(&mut buf, V311, Limits::default()),
        Ok(None),
        "within the protocol maximum: wait for the bytes"
    );
    assert_eq!(
        decode(
            &mut buf,
            V311,
            Limits {
                max_packet_size: 1 << 20
            }
        ),
        Err(Error::PacketTooLarge {
            size: 268_435_460,
            max: 1 << 20
        })
    );
    // Exactly at the limit is fine; one byte over is not.
    let p = Packet::Publish(Publish {
        topic: "t".into(),
        payload: bytes::Bytes::from_static(&[0; 11]),
        ..Publish::default()
    });
    let bytes = encode_vec(&p, V311);
    assert_eq!(bytes.len(), 16);
    let mut buf = BytesMut::from(&bytes[..]);
    assert_eq!(decode(&mut buf, V311, limits), Ok(Some(p)));
    let mut buf = BytesMut::from(&bytes[..]);
    assert_eq!(
        decode(
            &mut buf,
            V311,
            Limits {
                max_packet_size: 15
            }
        ),
        Err(Error::PacketTooLarge { size: 16, max: 15 })
    );
}

#[test]
fn decodes_a_stream_of_packets() {
    let packets = [
        Packet::PingReq,
        Packet::PubAck(Ack::new(3)),
        Packet::Publish(Publish {
            topic: "a".into(),
            payload: bytes::Bytes::from_static(b"xyz"),
            ..Publish::default()
        }),
        Packet::PingResp,
        Packet::Disconnect(Disconnect::default()),
    ];
    for version in ALL_VERSIONS {
        let mut stream = BytesMut::new();
        for p in &packets {
            encode(p, version, &mut stream).unwrap();
        }
        // Feed it one byte at a time.
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for &b in stream.iter() {
            buf.extend_from_slice(&[b]);
            while let Some(p) = decode(&mut buf, version, Limits::default()).unwrap() {
                got.push(p);
            }
        }
        assert_eq!(got, packets);
        assert!(buf.is_empty());
    }
}

#[test]
fn ping_vectors() {
    for version in ALL_VERSIONS {
        assert_vector(version, &[0xC0, 0x00], &Packet::PingReq); // PINGREQ, remaining length 0
        assert_vector(version, &[0xD0, 0x00], &Packet::PingResp); // PINGRESP, remaining length 0
    }
}

#[test]
fn encode_rejects_oversized_packets_without_writing() {
    let p = Packet::Publish(Publish {
        topic: "t".into(),
        payload: bytes::Bytes::from(vec![0u8; wire::MAX_REMAINING_LENGTH]),
        ..Publish::default()
    });
    let mut out = BytesMut::from(&b"keep"[..]);
    assert_eq!(
        encode(&p, V311, &mut out),
        Err(Error::PacketTooLarge {
            size: 268_435_464,
            max: 268_435_460
        })
    );
    assert_eq!(&out[..], b"keep");
}

#[test]
fn names_and_types() {
    let names = [
        "CONNECT",
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
        "PINGREQ",
        "PINGRESP",
        "DISCONNECT",
        "AUTH",
    ];
    for (i, name) in names.iter().enumerate() {
        let t = PacketType::from_u8(i as u8 + 1).unwrap();
        assert_eq!(t as usize, i + 1);
        assert_eq!(t.name(), *name);
    }
    assert_eq!(PacketType::from_u8(0), None);
    assert_eq!(PacketType::from_u8(16), None);
    assert_eq!(
        Packet::PubRel(Ack::new(1)).packet_type(),
        PacketType::PubRel
    );
    assert_eq!(Packet::PingResp.packet_type().to_string(), "PINGRESP");
}
