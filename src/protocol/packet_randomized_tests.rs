use super::test_support::*;
use super::*;

fn check(data: &[u8], version: Version, limits: Limits) -> usize {
    let mut decoded = 0;
    let mut buf = BytesMut::from(data);
    loop {
        let before = buf.clone();
        match decode(&mut buf, version, limits) {
            Ok(Some(packet)) => {
                decoded += 1;
                assert!(buf.len() < before.len());
                let mut out = BytesMut::new();
                let written = encode(&packet, version, &mut out)
                    .unwrap_or_else(|e| panic!("{packet:?} from {data:02x?} does not encode: {e}"));
                assert_eq!(written, out.len());
                assert_eq!(written, packet.encoded_len(version));
                assert_eq!(
                    decode(&mut out, version, Limits::default()),
                    Ok(Some(packet)),
                    "{data:02x?}"
                );
                assert!(out.is_empty());
            }
            Ok(None) => {
                assert_eq!(buf, before);
                return decoded;
            }
            Err(_) => return decoded,
        }
    }
}

fn seeds(version: Version) -> Vec<Vec<u8>> {
    let v5 = version.is_v5();
    let props = |t| {
        if v5 {
            full_properties(t, false)
        } else {
            Properties::default()
        }
    };
    let mut connect = Connect::new(version, "client", 30);
    connect.username = Some("u".into());
    connect.password = Some(bytes::Bytes::from_static(b"p"));
    connect.properties = props(PacketType::Connect);
    connect.will = Some(Will {
        topic: "w".into(),
        payload: bytes::Bytes::from_static(b"gone"),
        qos: QoS::AtLeastOnce,
        retain: true,
        properties: if v5 {
            full_properties(PacketType::Connect, true)
        } else {
            Properties::default()
        },
    });
    let ack = |t| Ack {
        packet_id: 7,
        reason: 0,
        properties: props(t),
    };
    let mut packets = vec![
        Packet::Connect(Box::new(connect)),
        Packet::ConnAck(ConnAck {
            session_present: true,
            reason: 0,
            properties: props(PacketType::ConnAck),
        }),
        Packet::Publish(Publish {
            qos: QoS::ExactlyOnce,
            topic: "a/b".into(),
            packet_id: 9,
            properties: props(PacketType::Publish),
            payload: bytes::Bytes::from_static(b"payload"),
            ..Publish::default()
        }),
        Packet::PubAck(ack(PacketType::PubAck)),
        Packet::PubRec(ack(PacketType::PubRec)),
        Packet::PubRel(ack(PacketType::PubRel)),
        Packet::PubComp(ack(PacketType::PubComp)),
        Packet::Subscribe(Subscribe {
            packet_id: 3,
            filters: vec![
                ("a/+".into(), SubOptions::qos(QoS::AtLeastOnce)),
                ("$share/g/#".into(), SubOptions::default()),
            ],
            properties: props(PacketType::Subscribe),
        }),
        Packet::SubAck(SubAck {
            packet_id: 3,
            reason_codes: vec![0, 1, 0x80],
            properties: props(PacketType::SubAck),
        }),
        Packet::Unsubscribe(Unsubscribe {
            packet_id: 4,
            filters: vec!["a/+".into()],
            properties: props(PacketType::Unsubscribe),
        }),
        Packet::UnsubAck(UnsubAck {
            packet_id: 4,
            reason_codes: if v5 { vec![0x00, 0x11] } else { Vec::new() },
            properties: props(PacketType::UnsubAck),
        }),
        Packet::PingReq,
        Packet::PingResp,
        Packet::Disconnect(Disconnect {
            reason: 0,
            properties: props(PacketType::Disconnect),
        }),
    ];
    if v5 {
        packets.push(Packet::Auth(Auth {
            reason: 0x18,
            properties: props(PacketType::Auth),
        }));
    }
    packets.iter().map(|p| encode_vec(p, version)).collect()
}

#[test]
fn mutated_packets_keep_the_invariants() {
    let mut rng = fastrand::Rng::with_seed(0x6d71_7474);
    for version in ALL_VERSIONS {
        let seeds = seeds(version);
        for seed in &seeds {
            assert_eq!(check(seed, version, Limits::default()), 1);
        }
        let mut decoded = 0;
        for _ in 0..20_000 {
            let mut data = seeds[rng.usize(..seeds.len())].clone();
            for _ in 0..rng.usize(1..4) {
                let len = data.len();
                match rng.u8(..4) {
                    0 => data[rng.usize(..len)] = rng.u8(..),
                    1 => data[rng.usize(..len)] ^= 1 << rng.u8(..8),
                    2 => data.truncate(rng.usize(..=len)),
                    _ => data.insert(rng.usize(..=len), rng.u8(..)),
                }
                if data.is_empty() {
                    data.push(rng.u8(..));
                }
            }
            for limits in [
                Limits::default(),
                Limits {
                    max_packet_size: 64,
                },
            ] {
                decoded += check(&data, version, limits);
            }
        }
        assert!(
            decoded > 1000,
            "the mutations should still decode sometimes ({decoded})"
        );
        for _ in 0..5_000 {
            let data: Vec<u8> = (0..rng.usize(..40)).map(|_| rng.u8(..)).collect();
            check(&data, version, Limits::default());
        }
    }
}
