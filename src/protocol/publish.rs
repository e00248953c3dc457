use bytes::{BufMut, Bytes, BytesMut};

use super::{topic, wire, Error, PacketType, Properties, QoS, Version};

/// PUBLISH. `packet_id` is 0 for QoS 0 (and not encoded), non-zero otherwise.
/// `topic` may be empty in MQTT 5 when `properties.topic_alias` is set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Publish {
    pub dup: bool,
    pub qos: QoS,
    pub retain: bool,
    pub topic: String,
    pub packet_id: u16,
    pub properties: Properties,
    pub payload: Bytes,
}

/// PUBLISH topic rules: a valid topic name, or in MQTT 5 an empty one with a topic alias.
fn check_topic(topic: &str, properties: &Properties, version: Version) -> Result<(), Error> {
    if topic.is_empty() && version.is_v5() && properties.topic_alias.is_some() {
        return Ok(());
    }
    topic::validate_name(topic)
}

impl Publish {
    /// The fixed-header flags: DUP, QoS and RETAIN.
    pub(crate) fn flags(&self) -> u8 {
        (u8::from(self.dup) << 3) | ((self.qos as u8) << 1) | u8::from(self.retain)
    }

    /// Check the fixed-header flags of a PUBLISH (also used before its bytes have arrived).
    pub(crate) fn check_flags(flags: u8) -> Result<QoS, Error> {
        let qos_bits = (flags >> 1) & 0b11;
        let qos = QoS::from_u8(qos_bits).ok_or(Error::InvalidQoS(qos_bits))?;
        if qos == QoS::AtMostOnce && flags & 0b1000 != 0 {
            return Err(Error::Malformed("DUP flag set on a QoS 0 PUBLISH"));
        }
        Ok(qos)
    }

    pub(crate) fn decode_body(
        flags: u8,
        body: &mut Bytes,
        version: Version,
    ) -> Result<Publish, Error> {
        let qos = Publish::check_flags(flags)?;
        let topic = wire::read_string(body, "topic name")?;
        let packet_id = if qos == QoS::AtMostOnce {
            0
        } else {
            let id = wire::read_u16(body, "packet id")?;
            if id == 0 {
                return Err(Error::PacketIdZero { packet: "PUBLISH" });
            }
            id
        };
        let properties = if version.is_v5() {
            Properties::decode(body, PacketType::Publish, false)?
        } else {
            Properties::default()
        };
        check_topic(&topic, &properties, version)?;
        let payload = std::mem::take(body);
        Ok(Publish {
            dup: flags & 0b1000 != 0,
            qos,
            retain: flags & 1 != 0,
            topic,
            packet_id,
            properties,
            payload,
        })
    }

    pub(crate) fn validate(&self, version: Version) -> Result<(), Error> {
        if self.qos == QoS::AtMostOnce {
            if self.dup {
                return Err(Error::Malformed("DUP flag set on a QoS 0 PUBLISH"));
            }
        } else if self.packet_id == 0 {
            return Err(Error::PacketIdZero { packet: "PUBLISH" });
        }
        check_topic(&self.topic, &self.properties, version)?;
        self.properties
            .check_version(version, PacketType::Publish, false)
    }

    pub(crate) fn body_len(&self, version: Version) -> usize {
        let id = if self.qos == QoS::AtMostOnce { 0 } else { 2 };
        let props = if version.is_v5() {
            self.properties.encoded_len()
        } else {
            0
        };
        wire::field_len(self.topic.len()) + id + props + self.payload.len()
    }

    pub(crate) fn write_body(&self, version: Version, out: &mut BytesMut) {
        wire::write_string(out, &self.topic);
        if self.qos != QoS::AtMostOnce {
            out.put_u16(self.packet_id);
        }
        if version.is_v5() {
            self.properties.encode(out);
        }
        out.put_slice(&self.payload);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::packet::test_support::*;
    use crate::protocol::Packet;

    fn publish(qos: QoS, topic: &str, packet_id: u16, payload: &'static [u8]) -> Publish {
        Publish {
            qos,
            topic: topic.into(),
            packet_id,
            payload: Bytes::from_static(payload),
            ..Publish::default()
        }
    }

    #[test]
    fn vectors_v3() {
        // The specification's PUBLISH example: topic "a/b", packet id 10.
        #[rustfmt::skip]
        let bytes = [
            0x32, 0x09, // PUBLISH QoS 1, remaining length 9
            0x00, 0x03, b'a', b'/', b'b', // topic name "a/b"
            0x00, 0x0A, // packet id 10
            b'h', b'i', // payload
        ];
        let p = Packet::Publish(publish(QoS::AtLeastOnce, "a/b", 10, b"hi"));
        assert_vector(Version::V3_1_1, &bytes, &p);
        assert_vector(Version::V3_1, &bytes, &p);

        #[rustfmt::skip]
        let bytes = [
            0x30, 0x03, // PUBLISH QoS 0, remaining length 3
            0x00, 0x01, b't', // topic name "t", no packet id
            // empty payload
        ];
        assert_vector(
            Version::V3_1_1,
            &bytes,
            &Packet::Publish(publish(QoS::AtMostOnce, "t", 0, b"")),
        );

        #[rustfmt::skip]
        let bytes = [
            0x3D, 0x06, // PUBLISH DUP, QoS 2, RETAIN, remaining length 6
            0x00, 0x01, b't', // topic name "t"
            0xFF, 0xFF, // packet id 65535
            0x00, // payload: one zero byte
        ];
        let mut p = publish(QoS::ExactlyOnce, "t", 65_535, b"\0");
        p.dup = true;
        p.retain = true;
        assert_vector(Version::V3_1_1, &bytes, &Packet::Publish(p));
    }

    #[test]
    fn vectors_v5() {
        #[rustfmt::skip]
        let bytes = [
            0x32, 0x0A, // PUBLISH QoS 1, remaining length 10
            0x00, 0x03, b'a', b'/', b'b', // topic name "a/b"
            0x00, 0x0A, // packet id 10
            0x00, // property length 0
            b'h', b'i', // payload
        ];
        assert_vector(
            Version::V5,
            &bytes,
            &Packet::Publish(publish(QoS::AtLeastOnce, "a/b", 10, b"hi")),
        );

        #[rustfmt::skip]
        let bytes = [
            0x31, 0x07, // PUBLISH QoS 0 RETAIN, remaining length 7
            0x00, 0x00, // empty topic name ...
            0x03, 0x23, 0x00, 0x05, // ... allowed with topic alias 5
            b'x', // payload
        ];
        let mut p = publish(QoS::AtMostOnce, "", 0, b"x");
        p.retain = true;
        p.properties.topic_alias = Some(5);
        assert_vector(Version::V5, &bytes, &Packet::Publish(p));

        #[rustfmt::skip]
        let bytes = [
            0x30, 0x14, // PUBLISH QoS 0, remaining length 20
            0x00, 0x01, b't', // topic name "t"
            0x10, // property length 16
            0x01, 0x01, // payload format indicator 1 (UTF-8)
            0x03, 0x00, 0x01, b'j', // content type "j"
            0x0B, 0x80, 0x01, // subscription identifier 128
            0x0B, 0x01, // subscription identifier 1
            0x26, 0x00, 0x00, 0x00, 0x00, // user property ("", "")
            // empty payload
        ];
        let mut p = publish(QoS::AtMostOnce, "t", 0, b"");
        p.properties.payload_format_indicator = Some(1);
        p.properties.content_type = Some("j".into());
        p.properties.subscription_identifiers = vec![128, 1];
        p.properties.user_properties = vec![(String::new(), String::new())];
        assert_vector(Version::V5, &bytes, &Packet::Publish(p));
    }

    #[test]
    fn round_trips() {
        let big: &'static [u8] = Box::leak(vec![0xA5u8; 70_000].into_boxed_slice());
        for version in ALL_VERSIONS {
            for (qos, id) in [
                (QoS::AtMostOnce, 0),
                (QoS::AtLeastOnce, 1),
                (QoS::ExactlyOnce, 65_535),
            ] {
                for payload in [&b""[..], b"hello", big] {
                    let mut p = publish(qos, "sport/tennis/player1", id, payload);
                    p.retain = id == 1;
                    p.dup = qos != QoS::AtMostOnce;
                    round_trip(&Packet::Publish(p.clone()), version);
                    if version.is_v5() {
                        p.properties = full_properties(PacketType::Publish, false);
                        round_trip(&Packet::Publish(p), version);
                    }
                }
            }
        }
    }

    #[test]
    fn payload_is_zero_copy() {
        let mut buf = bytes::BytesMut::from(&[0x30, 0x06, 0x00, 0x01, b't', b'a', b'b', b'c'][..]);
        let start = buf.as_ptr() as usize;
        let packet = crate::protocol::decode(&mut buf, Version::V3_1_1, Default::default());
        let Ok(Some(Packet::Publish(p))) = packet else {
            panic!("{packet:?}")
        };
        assert_eq!(&p.payload[..], b"abc");
        assert_eq!(p.payload.as_ptr() as usize, start + 5);
    }

    #[test]
    fn encode_rejects() {
        let mut out = BytesMut::new();
        let cases = [
            (
                publish(QoS::AtLeastOnce, "t", 0, b""),
                Error::PacketIdZero { packet: "PUBLISH" },
            ),
            (
                publish(QoS::AtMostOnce, "a/+", 0, b""),
                Error::InvalidTopic("wildcards are not allowed in topic names"),
            ),
            (
                publish(QoS::AtMostOnce, "", 0, b""),
                Error::InvalidTopic("empty"),
            ),
            (
                Publish {
                    dup: true,
                    ..publish(QoS::AtMostOnce, "t", 0, b"")
                },
                Error::Malformed("DUP flag set on a QoS 0 PUBLISH"),
            ),
        ];
        for (p, err) in cases {
            assert_eq!(
                crate::protocol::encode(&Packet::Publish(p), Version::V5, &mut out),
                Err(err)
            );
        }
        let mut p = publish(QoS::AtMostOnce, "t", 0, b"");
        p.properties.content_type = Some("x".into());
        assert_eq!(
            crate::protocol::encode(&Packet::Publish(p.clone()), Version::V3_1_1, &mut out),
            Err(Error::PropertyNotAllowed {
                property: "content_type",
                packet: "PUBLISH"
            })
        );
        p.properties = Properties {
            session_expiry_interval: Some(1),
            ..Properties::default()
        };
        assert_eq!(
            crate::protocol::encode(&Packet::Publish(p.clone()), Version::V5, &mut out),
            Err(Error::PropertyNotAllowed {
                property: "session_expiry_interval",
                packet: "PUBLISH"
            })
        );
        p.properties = Properties::default();
        p.topic = "x".repeat(65_536);
        assert_eq!(
            crate::protocol::encode(&Packet::Publish(p), Version::V5, &mut out),
            Err(Error::InvalidTopic("longer than 65535 bytes"))
        );
        assert!(out.is_empty(), "nothing written on error");
    }
}
