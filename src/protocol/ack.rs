use bytes::{BufMut, Bytes, BytesMut};

use super::{reason, wire, Error, PacketType, Properties, Version};

/// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape. In MQTT 5 a reason code of 0 with no
/// properties is encoded in the short 2-byte form; in 3.1/3.1.1 only the packet id exists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ack {
    pub packet_id: u16,
    pub reason: u8,
    pub properties: Properties,
}

impl Ack {
    /// An ack with reason 0 (Success) and no properties.
    pub fn new(packet_id: u16) -> Ack {
        Ack {
            packet_id,
            ..Ack::default()
        }
    }

    pub(crate) fn decode_body(
        packet: PacketType,
        body: &mut Bytes,
        version: Version,
    ) -> Result<Ack, Error> {
        let packet_id = wire::read_u16(body, "packet id")?;
        if packet_id == 0 {
            return Err(Error::PacketIdZero {
                packet: packet.name(),
            });
        }
        let mut ack = Ack::new(packet_id);
        if version.is_v5() {
            // Remaining length 2: Success, no properties; 3: a reason, no properties.
            if !body.is_empty() {
                ack.reason = wire::read_u8(body, "reason code")?;
                reason::check(packet, version, ack.reason)?;
            }
            if !body.is_empty() {
                ack.properties = Properties::decode(body, packet, false)?;
            }
        }
        Ok(ack)
    }

    pub(crate) fn validate(&self, packet: PacketType, version: Version) -> Result<(), Error> {
        if self.packet_id == 0 {
            return Err(Error::PacketIdZero {
                packet: packet.name(),
            });
        }
        reason::check(packet, version, self.reason)?;
        self.properties.check_version(version, packet, false)
    }

    pub(crate) fn body_len(&self, version: Version) -> usize {
        if !version.is_v5() || (self.reason == 0 && self.properties.is_empty()) {
            2
        } else if self.properties.is_empty() {
            3
        } else {
            3 + self.properties.encoded_len()
        }
    }

    pub(crate) fn write_body(&self, version: Version, out: &mut BytesMut) {
        out.put_u16(self.packet_id);
        if !version.is_v5() || (self.reason == 0 && self.properties.is_empty()) {
            return;
        }
        out.put_u8(self.reason);
        if !self.properties.is_empty() {
            self.properties.encode(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::packet::test_support::*;
    use crate::protocol::Packet;

    fn acks(ack: Ack) -> [Packet; 4] {
        [
            Packet::PubAck(ack.clone()),
            Packet::PubRec(ack.clone()),
            Packet::PubRel(ack.clone()),
            Packet::PubComp(ack),
        ]
    }

    #[test]
    fn vectors_all_versions() {
        for version in ALL_VERSIONS {
            let firsts = [0x40, 0x50, 0x62, 0x70]; // PUBACK, PUBREC, PUBREL (flags 0010), PUBCOMP
            for (first, packet) in firsts.into_iter().zip(acks(Ack::new(10))) {
                #[rustfmt::skip]
                let bytes = [
                    first, 0x02, // remaining length 2 (also the MQTT 5 short form)
                    0x00, 0x0A, // packet id 10
                ];
                assert_vector(version, &bytes, &packet);
            }
        }
    }

    #[test]
    fn vectors_v5() {
        #[rustfmt::skip]
        let bytes = [
            0x50, 0x03, // PUBREC, remaining length 3
            0x00, 0x0A, // packet id 10
            0x10, // reason: No matching subscribers, no property length
        ];
        let ack = Ack {
            reason: 0x10,
            ..Ack::new(10)
        };
        assert_vector(Version::V5, &bytes, &Packet::PubRec(ack));

        #[rustfmt::skip]
        let bytes = [
            0x40, 0x09, // PUBACK, remaining length 9
            0x12, 0x34, // packet id 0x1234
            0x87, // reason: Not authorized
            0x05, // property length 5
            0x1F, 0x00, 0x02, b'n', b'o', // reason string "no"
        ];
        let ack = Ack {
            packet_id: 0x1234,
            reason: 0x87,
            properties: Properties {
                reason_string: Some("no".into()),
                ..Properties::default()
            },
        };
        assert_vector(Version::V5, &bytes, &Packet::PubAck(ack));

        // The long forms of Success are accepted and re-encoded short.
        for bytes in [
            &[0x70, 0x03, 0x00, 0x0A, 0x00][..],
            &[0x70, 0x04, 0x00, 0x0A, 0x00, 0x00],
        ] {
            assert_eq!(
                decode_all(bytes, Version::V5),
                Ok(Some(Packet::PubComp(Ack::new(10))))
            );
        }
    }

    #[test]
    fn round_trips() {
        for version in ALL_VERSIONS {
            for packet in acks(Ack::new(1)) {
                round_trip(&packet, version);
            }
        }
        for (reason, packet) in [0x97, 0x97, 0x92, 0x92]
            .into_iter()
            .zip(acks(Ack::new(65_535)))
        {
            let t = packet.packet_type();
            let ack = Ack {
                packet_id: 65_535,
                reason,
                properties: Properties::default(),
            };
            let with_props = Ack {
                properties: full_properties(t, false),
                ..ack.clone()
            };
            let success_with_props = Ack {
                reason: 0,
                ..with_props.clone()
            };
            for a in [ack, with_props, success_with_props] {
                let p = match t {
                    PacketType::PubAck => Packet::PubAck(a),
                    PacketType::PubRec => Packet::PubRec(a),
                    PacketType::PubRel => Packet::PubRel(a),
                    _ => Packet::PubComp(a),
                };
                round_trip(&p, Version::V5);
            }
        }
    }

    #[test]
    fn encode_rejects() {
        let mut out = BytesMut::new();
        let with_reason = Ack {
            reason: 0x80,
            ..Ack::new(1)
        };
        assert_eq!(
            crate::protocol::encode(
                &Packet::PubAck(with_reason.clone()),
                Version::V3_1_1,
                &mut out
            ),
            Err(Error::InvalidReasonCode {
                code: 0x80,
                packet: "PUBACK"
            })
        );
        assert_eq!(
            crate::protocol::encode(&Packet::PubRel(with_reason), Version::V5, &mut out),
            Err(Error::InvalidReasonCode {
                code: 0x80,
                packet: "PUBREL"
            })
        );
        assert_eq!(
            crate::protocol::encode(&Packet::PubComp(Ack::new(0)), Version::V5, &mut out),
            Err(Error::PacketIdZero { packet: "PUBCOMP" })
        );
        assert!(out.is_empty());
    }
}
