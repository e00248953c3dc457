use super::*;
use crate::protocol::packet::test_support::*;
use crate::protocol::Packet;

/// The specification's CONNECT example flags: user name, password, will QoS 1, will,
/// clean session; keep alive 10.
fn example_connect(version: Version) -> Connect {
    Connect {
        version,
        client_id: "cid".into(),
        clean_start: true,
        keep_alive: 10,
        username: Some("user".into()),
        password: Some(Bytes::from_static(b"pw")),
        will: Some(Will {
            topic: "w/t".into(),
            payload: Bytes::from_static(b"by"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Properties::default(),
        }),
        properties: Properties::default(),
    }
}

#[test]
fn connect_vectors() {
    #[rustfmt::skip]
    let v311 = [
        0x10, 0x22, // CONNECT, remaining length 34
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
        0x04, // protocol level 4 (3.1.1)
        0xCE, // flags: user name, password, will QoS 1, will, clean session
        0x00, 0x0A, // keep alive 10
        0x00, 0x03, b'c', b'i', b'd', // client id "cid"
        0x00, 0x03, b'w', b'/', b't', // will topic "w/t"
        0x00, 0x02, b'b', b'y', // will payload "by"
        0x00, 0x04, b'u', b's', b'e', b'r', // user name "user"
        0x00, 0x02, b'p', b'w', // password "pw"
    ];
    assert_vector(
        Version::V3_1_1,
        &v311,
        &Packet::Connect(Box::new(example_connect(Version::V3_1_1))),
    );
    // CONNECT carries its own version: the decode/encode version argument is ignored.
    assert_vector(
        Version::V5,
        &v311,
        &Packet::Connect(Box::new(example_connect(Version::V3_1_1))),
    );

    #[rustfmt::skip]
    let v5 = [
        0x10, 0x29, // CONNECT, remaining length 41
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
        0x05, // protocol level 5
        0xCE, // flags: user name, password, will QoS 1, will, clean start
        0x00, 0x0A, // keep alive 10
        0x05, // property length 5
        0x11, 0x00, 0x00, 0x00, 0x0A, // session expiry interval 10
        0x00, 0x03, b'c', b'i', b'd', // client id "cid"
        0x00, // will property length 0
        0x00, 0x03, b'w', b'/', b't', // will topic "w/t"
        0x00, 0x02, b'b', b'y', // will payload "by"
        0x00, 0x04, b'u', b's', b'e', b'r', // user name "user"
        0x00, 0x02, b'p', b'w', // password "pw"
    ];
    let mut c = example_connect(Version::V5);
    c.properties.session_expiry_interval = Some(10);
    assert_vector(Version::V5, &v5, &Packet::Connect(Box::new(c)));

    #[rustfmt::skip]
    let v31 = [
        0x10, 0x0F, // CONNECT, remaining length 15
        0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p', // protocol name "MQIsdp"
        0x03, // protocol level 3
        0x02, // flags: clean session
        0x00, 0x3C, // keep alive 60
        0x00, 0x01, b'a', // client id "a"
    ];
    let c = Connect::new(Version::V3_1, "a", 60);
    assert_vector(Version::V3_1, &v31, &Packet::Connect(Box::new(c)));

    #[rustfmt::skip]
    let v5_password_only = [
        0x10, 0x11, // CONNECT, remaining length 17
        0x00, 0x04, b'M', b'Q', b'T', b'T', // protocol name "MQTT"
        0x05, // protocol level 5
        0x40, // flags: password only (allowed in MQTT 5), no clean start
        0x00, 0x00, // keep alive 0
        0x00, // property length 0
        0x00, 0x00, // empty client id
        0x00, 0x02, 0x00, 0xFF, // password: binary 00 FF
    ];
    let c = Connect {
        clean_start: false,
        password: Some(Bytes::from_static(&[0x00, 0xFF])),
        ..Connect::new(Version::V5, "", 0)
    };
    assert_vector(
        Version::V5,
        &v5_password_only,
        &Packet::Connect(Box::new(c)),
    );
}

#[test]
fn connect_round_trips() {
    for version in ALL_VERSIONS {
        round_trip(
            &Packet::Connect(Box::new(Connect::new(version, "", 0))),
            version,
        );
        round_trip(
            &Packet::Connect(Box::new(example_connect(version))),
            version,
        );
        for (qos, retain) in [(QoS::AtMostOnce, true), (QoS::ExactlyOnce, false)] {
            let mut c = example_connect(version);
            c.clean_start = false;
            c.keep_alive = 65_535;
            c.password = None;
            if let Some(w) = c.will.as_mut() {
                w.qos = qos;
                w.retain = retain;
                w.payload = Bytes::from(vec![7u8; 65_535]);
            }
            if version.is_v5() {
                c.properties = full_properties(PacketType::Connect, false);
                if let Some(w) = c.will.as_mut() {
                    w.properties = full_properties(PacketType::Connect, true);
                }
            }
            round_trip(&Packet::Connect(Box::new(c)), version);
        }
    }
}

#[test]
fn connack_vectors() {
    for version in [Version::V3_1, Version::V3_1_1] {
        #[rustfmt::skip]
        let accepted = [
            0x20, 0x02, // CONNACK, remaining length 2
            0x01, // session present
            0x00, // return code 0: Connection accepted
        ];
        let c = ConnAck {
            session_present: true,
            ..ConnAck::default()
        };
        assert_vector(version, &accepted, &Packet::ConnAck(c));
        #[rustfmt::skip]
        let refused = [
            0x20, 0x02, // CONNACK, remaining length 2
            0x00, // no session
            0x05, // return code 5: Not authorized
        ];
        let c = ConnAck {
            reason: 5,
            ..ConnAck::default()
        };
        assert_vector(version, &refused, &Packet::ConnAck(c));
    }
    #[rustfmt::skip]
    let v5 = [
        0x20, 0x09, // CONNACK, remaining length 9
        0x00, // no session
        0x00, // reason: Success
        0x06, // property length 6
        0x21, 0x00, 0x14, // receive maximum 20
        0x22, 0x00, 0x0A, // topic alias maximum 10
    ];
    let c = ConnAck {
        properties: Properties {
            receive_maximum: Some(20),
            topic_alias_maximum: Some(10),
            ..Properties::default()
        },
        ..ConnAck::default()
    };
    assert_vector(Version::V5, &v5, &Packet::ConnAck(c));
    #[rustfmt::skip]
    let v5 = [
        0x20, 0x03, // CONNACK, remaining length 3
        0x00, // no session
        0x84, // reason: Unsupported Protocol Version
        0x00, // property length 0
    ];
    let c = ConnAck {
        reason: 0x84,
        ..ConnAck::default()
    };
    assert_vector(Version::V5, &v5, &Packet::ConnAck(c));
}

#[test]
fn connack_round_trips() {
    for version in ALL_VERSIONS {
        round_trip(&Packet::ConnAck(ConnAck::default()), version);
    }
    let c = ConnAck {
        session_present: true,
        reason: 0,
        properties: full_properties(PacketType::ConnAck, false),
    };
    round_trip(&Packet::ConnAck(c), Version::V5);
    let c = ConnAck {
        session_present: false,
        reason: 0x9C,
        properties: Properties {
            server_reference: Some("b:1883".into()),
            ..Properties::default()
        },
    };
    round_trip(&Packet::ConnAck(c), Version::V5);
}

#[test]
fn disconnect_and_auth_vectors() {
    for version in ALL_VERSIONS {
        // DISCONNECT, remaining length 0 (MQTT 5: Normal disconnection, no properties)
        assert_vector(
            version,
            &[0xE0, 0x00],
            &Packet::Disconnect(Disconnect::default()),
        );
    }
    #[rustfmt::skip]
    let with_will = [
        0xE0, 0x01, // DISCONNECT, remaining length 1
        0x04, // reason: Disconnect with Will Message, no property length
    ];
    let d = Disconnect {
        reason: 0x04,
        ..Disconnect::default()
    };
    assert_vector(Version::V5, &with_will, &Packet::Disconnect(d));
    #[rustfmt::skip]
    let taken_over = [
        0xE0, 0x07, // DISCONNECT, remaining length 7
        0x8E, // reason: Session taken over
        0x05, // property length 5
        0x11, 0x00, 0x00, 0x00, 0x00, // session expiry interval 0
    ];
    let d = Disconnect {
        reason: 0x8E,
        properties: Properties {
            session_expiry_interval: Some(0),
            ..Properties::default()
        },
    };
    assert_vector(Version::V5, &taken_over, &Packet::Disconnect(d));
    // Reason 0 with an empty property list decodes; it re-encodes short.
    assert_eq!(
        decode_all(&[0xE0, 0x02, 0x00, 0x00], Version::V5),
        Ok(Some(Packet::Disconnect(Disconnect::default())))
    );

    // AUTH, remaining length 0: Success, no properties
    assert_vector(Version::V5, &[0xF0, 0x00], &Packet::Auth(Auth::default()));
    #[rustfmt::skip]
    let auth = [
        0xF0, 0x0C, // AUTH, remaining length 12
        0x18, // reason: Continue authentication
        0x0A, // property length 10
        0x15, 0x00, 0x04, b'S', b'C', b'R', b'M', // authentication method "SCRM"
        0x16, 0x00, 0x00, // authentication data: empty
    ];
    let a = Auth {
        reason: 0x18,
        properties: Properties {
            authentication_method: Some("SCRM".into()),
            authentication_data: Some(Bytes::new()),
            ..Properties::default()
        },
    };
    assert_vector(Version::V5, &auth, &Packet::Auth(a));
    #[rustfmt::skip]
    let reauth = [
        0xF0, 0x02, // AUTH, remaining length 2
        0x19, // reason: Re-authenticate
        0x00, // property length 0 (always written when the reason is not 0)
    ];
    let a = Auth {
        reason: 0x19,
        ..Auth::default()
    };
    assert_vector(Version::V5, &reauth, &Packet::Auth(a.clone()));
    // The property length may be left out when decoding.
    assert_eq!(
        decode_all(&[0xF0, 0x01, 0x19], Version::V5),
        Ok(Some(Packet::Auth(a)))
    );
}

#[test]
fn disconnect_and_auth_round_trips() {
    for version in ALL_VERSIONS {
        round_trip(&Packet::Disconnect(Disconnect::default()), version);
    }
    for reason in [0x00, 0x04, 0x80, 0x8B, 0xA2] {
        let d = Disconnect {
            reason,
            properties: full_properties(PacketType::Disconnect, false),
        };
        round_trip(&Packet::Disconnect(d), Version::V5);
        let a = Auth {
            reason: [0x00, 0x18, 0x19][usize::from(reason) % 3],
            properties: full_properties(PacketType::Auth, false),
        };
        round_trip(&Packet::Auth(a), Version::V5);
    }
}

#[test]
fn encode_rejects() {
    let mut out = BytesMut::new();
    let mut enc = |p: Packet, v: Version| crate::protocol::encode(&p, v, &mut out);
    let mut c = Connect::new(Version::V3_1_1, "x", 0);
    c.password = Some(Bytes::from_static(b"p"));
    assert_eq!(
        enc(Packet::Connect(Box::new(c.clone())), Version::V5),
        Err(Error::Malformed("password without user name"))
    );
    c.version = Version::V5;
    c.client_id = "x".repeat(65_536);
    assert_eq!(
        enc(Packet::Connect(Box::new(c.clone())), Version::V5),
        Err(Error::Malformed("string longer than 65535 bytes"))
    );
    c.client_id = "x".into();
    c.will = Some(Will {
        topic: "w/#".into(),
        ..Will::default()
    });
    assert_eq!(
        enc(Packet::Connect(Box::new(c.clone())), Version::V5),
        Err(Error::InvalidTopic(
            "wildcards are not allowed in topic names"
        ))
    );
    c.will = Some(Will {
        topic: "w".into(),
        properties: Properties {
            session_expiry_interval: Some(1),
            ..Properties::default()
        },
        ..Will::default()
    });
    assert_eq!(
        enc(Packet::Connect(Box::new(c)), Version::V5),
        Err(Error::PropertyNotAllowed {
            property: "session_expiry_interval",
            packet: "will properties"
        })
    );
    assert_eq!(
        enc(Packet::Auth(Auth::default()), Version::V3_1_1),
        Err(Error::InvalidPacketType(0xF0))
    );
    assert_eq!(
        enc(
            Packet::Disconnect(Disconnect {
                reason: 4,
                ..Disconnect::default()
            }),
            Version::V3_1_1
        ),
        Err(Error::InvalidReasonCode {
            code: 4,
            packet: "DISCONNECT"
        })
    );
    assert_eq!(
        enc(
            Packet::ConnAck(ConnAck {
                session_present: true,
                reason: 0x80,
                ..ConnAck::default()
            }),
            Version::V5
        ),
        Err(Error::Malformed(
            "session present with a non-zero reason code"
        ))
    );
    assert_eq!(
        enc(
            Packet::ConnAck(ConnAck {
                reason: 6,
                ..ConnAck::default()
            }),
            Version::V3_1_1
        ),
        Err(Error::InvalidReasonCode {
            code: 6,
            packet: "CONNACK"
        })
    );
    assert!(out.is_empty());
}
