use super::*;
use crate::protocol::packet::test_support::*;
use crate::protocol::Packet;

fn example_subscribe() -> Subscribe {
    Subscribe {
        packet_id: 10,
        filters: vec![
            ("a/b".into(), SubOptions::qos(QoS::AtLeastOnce)),
            ("c/d".into(), SubOptions::qos(QoS::ExactlyOnce)),
        ],
        properties: Properties::default(),
    }
}

#[test]
fn subscribe_vectors() {
    // The specification's SUBSCRIBE example.
    #[rustfmt::skip]
    let v3 = [
        0x82, 0x0E, // SUBSCRIBE (flags 0010), remaining length 14
        0x00, 0x0A, // packet id 10
        0x00, 0x03, b'a', b'/', b'b', 0x01, // "a/b", QoS 1
        0x00, 0x03, b'c', b'/', b'd', 0x02, // "c/d", QoS 2
    ];
    assert_vector(
        Version::V3_1_1,
        &v3,
        &Packet::Subscribe(example_subscribe()),
    );
    assert_vector(Version::V3_1, &v3, &Packet::Subscribe(example_subscribe()));

    #[rustfmt::skip]
    let v5 = [
        0x82, 0x11, // SUBSCRIBE, remaining length 17
        0x00, 0x0A, // packet id 10
        0x02, // property length 2
        0x0B, 0x05, // subscription identifier 5
        0x00, 0x03, b'a', b'/', b'b', 0x2D, // "a/b": QoS 1, no local, retain as published, retain handling 2
        0x00, 0x03, b'c', b'/', b'd', 0x12, // "c/d": QoS 2, retain handling 1
    ];
    let mut s = example_subscribe();
    s.properties.subscription_identifiers = vec![5];
    s.filters[0].1 = SubOptions {
        qos: QoS::AtLeastOnce,
        no_local: true,
        retain_as_published: true,
        retain_handling: RetainHandling::DoNotSend,
    };
    s.filters[1].1.retain_handling = RetainHandling::SendIfNew;
    assert_vector(Version::V5, &v5, &Packet::Subscribe(s));
}

#[test]
fn suback_vectors() {
    // The specification's SUBACK example: granted QoS 0, 1, 2 and a failure.
    #[rustfmt::skip]
    let v3 = [
        0x90, 0x06, // SUBACK, remaining length 6
        0x00, 0x0A, // packet id 10
        0x00, 0x01, 0x02, 0x80, // return codes
    ];
    let s = SubAck {
        packet_id: 10,
        reason_codes: vec![0, 1, 2, 0x80],
        properties: Properties::default(),
    };
    assert_vector(Version::V3_1_1, &v3, &Packet::SubAck(s.clone()));
    assert_vector(Version::V3_1, &v3, &Packet::SubAck(s));

    #[rustfmt::skip]
    let v5 = [
        0x90, 0x05, // SUBACK, remaining length 5
        0x00, 0x0A, // packet id 10
        0x00, // property length 0
        0x01, 0x87, // Granted QoS 1, Not authorized
    ];
    let s = SubAck {
        packet_id: 10,
        reason_codes: vec![0x01, 0x87],
        properties: Properties::default(),
    };
    assert_vector(Version::V5, &v5, &Packet::SubAck(s));
}

#[test]
fn unsubscribe_and_unsuback_vectors() {
    // The specification's UNSUBSCRIBE example.
    #[rustfmt::skip]
    let v3 = [
        0xA2, 0x0C, // UNSUBSCRIBE (flags 0010), remaining length 12
        0x00, 0x0A, // packet id 10
        0x00, 0x03, b'a', b'/', b'b', // "a/b"
        0x00, 0x03, b'c', b'/', b'd', // "c/d"
    ];
    let u = Unsubscribe {
        packet_id: 10,
        filters: vec!["a/b".into(), "c/d".into()],
        properties: Properties::default(),
    };
    assert_vector(Version::V3_1_1, &v3, &Packet::Unsubscribe(u.clone()));
    #[rustfmt::skip]
    let v5 = [
        0xA2, 0x0D, // UNSUBSCRIBE, remaining length 13
        0x00, 0x0A, // packet id 10
        0x00, // property length 0
        0x00, 0x03, b'a', b'/', b'b', // "a/b"
        0x00, 0x03, b'c', b'/', b'd', // "c/d"
    ];
    assert_vector(Version::V5, &v5, &Packet::Unsubscribe(u));

    for version in [Version::V3_1, Version::V3_1_1] {
        #[rustfmt::skip]
        let v3 = [
            0xB0, 0x02, // UNSUBACK, remaining length 2
            0x00, 0x0A, // packet id 10
        ];
        let u = UnsubAck {
            packet_id: 10,
            ..UnsubAck::default()
        };
        assert_vector(version, &v3, &Packet::UnsubAck(u));
    }
    #[rustfmt::skip]
    let v5 = [
        0xB0, 0x05, // UNSUBACK, remaining length 5
        0x00, 0x0A, // packet id 10
        0x00, // property length 0
        0x00, 0x11, // Success, No subscription existed
    ];
    let u = UnsubAck {
        packet_id: 10,
        reason_codes: vec![0x00, 0x11],
        properties: Properties::default(),
    };
    assert_vector(Version::V5, &v5, &Packet::UnsubAck(u));
}

#[test]
fn round_trips() {
    let filters = ["#", "a/+/c", "$share/group/x/#", "$SYS/broker/+"];
    for version in ALL_VERSIONS {
        let v5 = version.is_v5();
        let mut s = Subscribe {
            packet_id: 65_535,
            filters: Vec::new(),
            properties: Properties::default(),
        };
        for (i, f) in filters.iter().enumerate() {
            let opts = SubOptions {
                qos: QoS::from_u8(i as u8 % 3).unwrap(),
                no_local: v5 && i % 2 == 1,
                retain_as_published: v5 && i > 1,
                retain_handling: if v5 {
                    RetainHandling::from_u8(i as u8 % 3).unwrap()
                } else {
                    RetainHandling::SendAtSubscribe
                },
            };
            s.filters.push((f.to_string(), opts));
        }
        if v5 {
            s.properties = full_properties(PacketType::Subscribe, false);
        }
        round_trip(&Packet::Subscribe(s), version);

        let codes = if v5 {
            vec![
                0, 1, 2, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2,
            ]
        } else {
            vec![0, 1, 2, 0x80]
        };
        let properties = if v5 {
            full_properties(PacketType::SubAck, false)
        } else {
            Properties::default()
        };
        let suback = SubAck {
            packet_id: 1,
            reason_codes: codes,
            properties,
        };
        round_trip(&Packet::SubAck(suback), version);

        let properties = if v5 {
            full_properties(PacketType::Unsubscribe, false)
        } else {
            Properties::default()
        };
        let u = Unsubscribe {
            packet_id: 2,
            filters: filters.iter().map(|f| f.to_string()).collect(),
            properties,
        };
        round_trip(&Packet::Unsubscribe(u), version);

        let u = if v5 {
            UnsubAck {
                packet_id: 3,
                reason_codes: vec![0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91],
                properties: full_properties(PacketType::UnsubAck, false),
            }
        } else {
            UnsubAck {
                packet_id: 3,
                ..UnsubAck::default()
            }
        };
        round_trip(&Packet::UnsubAck(u), version);
    }
}

#[test]
fn options_byte() {
    for b in 0..=255u8 {
        let v5 = SubOptions::from_byte(b, Version::V5);
        let v3 = SubOptions::from_byte(b, Version::V3_1_1);
        let v5_ok = b & 0xC0 == 0 && b & 0x03 != 3 && (b >> 4) & 0x03 != 3;
        assert_eq!(v5.is_ok(), v5_ok, "{b:#010b}");
        assert_eq!(v3.is_ok(), b <= 2, "{b:#010b}");
        if let Ok(o) = v5 {
            assert_eq!(o.to_byte(Version::V5), b);
        }
    }
    // Only the QoS is written before MQTT 5.
    let o = SubOptions {
        qos: QoS::ExactlyOnce,
        no_local: true,
        retain_as_published: true,
        retain_handling: RetainHandling::DoNotSend,
    };
    assert_eq!(o.to_byte(Version::V3_1_1), 0x02);
    assert_eq!(o.to_byte(Version::V5), 0x2E);
}

#[test]
fn encode_rejects() {
    let mut out = BytesMut::new();
    let mut enc = |p: Packet, v: Version| crate::protocol::encode(&p, v, &mut out);
    let mut s = example_subscribe();
    s.filters[1].0 = "c/d#".into();
    assert_eq!(
        enc(Packet::Subscribe(s.clone()), Version::V5),
        Err(Error::InvalidTopicFilter(
            "'#' must be the whole last level"
        ))
    );
    s.filters.clear();
    assert_eq!(
        enc(Packet::Subscribe(s), Version::V5),
        Err(Error::Malformed("SUBSCRIBE without topic filters"))
    );
    let mut s = example_subscribe();
    s.properties.subscription_identifiers = vec![1, 2];
    assert_eq!(
        enc(Packet::Subscribe(s.clone()), Version::V5),
        Err(Error::DuplicateProperty("subscription_identifier"))
    );
    s.properties.subscription_identifiers = vec![268_435_456];
    assert_eq!(
        enc(Packet::Subscribe(s.clone()), Version::V5),
        Err(Error::InvalidPropertyValue {
            property: "subscription_identifier"
        })
    );
    s.properties.subscription_identifiers = vec![1];
    assert_eq!(
        enc(Packet::Subscribe(s), Version::V3_1_1),
        Err(Error::PropertyNotAllowed {
            property: "subscription_identifier",
            packet: "SUBSCRIBE"
        })
    );
    let suback = SubAck {
        packet_id: 1,
        reason_codes: vec![0x97],
        properties: Properties::default(),
    };
    assert_eq!(
        enc(Packet::SubAck(suback), Version::V3_1_1),
        Err(Error::InvalidReasonCode {
            code: 0x97,
            packet: "SUBACK"
        })
    );
    let unsuback = UnsubAck {
        packet_id: 1,
        reason_codes: vec![0x11],
        properties: Properties::default(),
    };
    assert_eq!(
        enc(Packet::UnsubAck(unsuback), Version::V3_1_1),
        Err(Error::InvalidReasonCode {
            code: 0x11,
            packet: "UNSUBACK"
        })
    );
    let u = Unsubscribe {
        packet_id: 0,
        filters: vec!["a".into()],
        properties: Properties::default(),
    };
    assert_eq!(
        enc(Packet::Unsubscribe(u), Version::V5),
        Err(Error::PacketIdZero {
            packet: "UNSUBSCRIBE"
        })
    );
    assert!(out.is_empty());
}
