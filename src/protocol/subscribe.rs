use bytes::{BufMut, Bytes, BytesMut};

use super::{reason, topic, wire, Error, PacketType, Properties, QoS, Version};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RetainHandling {
    /// 0: send retained messages at the time of the subscribe.
    #[default]
    SendAtSubscribe,
    /// 1: send retained messages only if the subscription does not already exist.
    SendIfNew,
    /// 2: do not send retained messages.
    DoNotSend,
}

/// Subscription options byte. In 3.1/3.1.1 only `qos` is encoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubOptions {
    pub qos: QoS,
    pub no_local: bool,
    pub retain_as_published: bool,
    pub retain_handling: RetainHandling,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subscribe {
    pub packet_id: u16,
    pub filters: Vec<(String, SubOptions)>,
    pub properties: Properties,
}

/// SUBACK: one reason code per filter (3.1.1: 0, 1, 2 or 0x80).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubAck {
    pub packet_id: u16,
    pub reason_codes: Vec<u8>,
    pub properties: Properties,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unsubscribe {
    pub packet_id: u16,
    pub filters: Vec<String>,
    pub properties: Properties,
}

/// UNSUBACK: reason codes exist only in MQTT 5 (empty in 3.1/3.1.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnsubAck {
    pub packet_id: u16,
    pub reason_codes: Vec<u8>,
    pub properties: Properties,
}

impl RetainHandling {
    pub fn from_u8(v: u8) -> Option<RetainHandling> {
        match v {
            0 => Some(RetainHandling::SendAtSubscribe),
            1 => Some(RetainHandling::SendIfNew),
            2 => Some(RetainHandling::DoNotSend),
            _ => None,
        }
    }

    pub fn as_u8(self) -> u8 {
        match self {
            RetainHandling::SendAtSubscribe => 0,
            RetainHandling::SendIfNew => 1,
            RetainHandling::DoNotSend => 2,
        }
    }
}

impl SubOptions {
    /// Options with the given QoS and everything else at its default.
    pub fn qos(qos: QoS) -> SubOptions {
        SubOptions {
            qos,
            ..SubOptions::default()
        }
    }

    /// The options byte as written in `version` (only the QoS in 3.1/3.1.1).
    pub fn to_byte(self, version: Version) -> u8 {
        let mut b = self.qos as u8;
        if version.is_v5() {
            b |= u8::from(self.no_local) << 2;
            b |= u8::from(self.retain_as_published) << 3;
            b |= self.retain_handling.as_u8() << 4;
        }
        b
    }

    /// Parse an options byte: QoS 3, retain handling 3 and reserved bits (6-7 in MQTT 5,
    /// 2-7 in 3.1/3.1.1) are errors.
    pub fn from_byte(b: u8, version: Version) -> Result<SubOptions, Error> {
        let reserved = if version.is_v5() {
            0b1100_0000
        } else {
            0b1111_1100
        };
        if b & reserved != 0 {
            return Err(Error::Malformed("reserved subscription option bits set"));
        }
        let qos = QoS::from_u8(b & 0b11).ok_or(Error::InvalidQoS(b & 0b11))?;
        let retain_handling = RetainHandling::from_u8((b >> 4) & 0b11).ok_or(Error::Malformed(
            "retain handling 3 in subscription options",
        ))?;
        Ok(SubOptions {
            qos,
            no_local: b & 0b100 != 0,
            retain_as_published: b & 0b1000 != 0,
            retain_handling,
        })
    }
}

fn read_packet_id(body: &mut Bytes, packet: PacketType) -> Result<u16, Error> {
    let id = wire::read_u16(body, "packet id")?;
    if id == 0 {
        return Err(Error::PacketIdZero {
            packet: packet.name(),
        });
    }
    Ok(id)
}

fn check_packet_id(id: u16, packet: PacketType) -> Result<(), Error> {
    if id == 0 {
        return Err(Error::PacketIdZero {
            packet: packet.name(),
        });
    }
    Ok(())
}

fn read_properties(
    body: &mut Bytes,
    packet: PacketType,
    version: Version,
) -> Result<Properties, Error> {
    if version.is_v5() {
        Properties::decode(body, packet, false)
    } else {
        Ok(Properties::default())
    }
}

fn properties_len(p: &Properties, version: Version) -> usize {
    if version.is_v5() {
        p.encoded_len()
    } else {
        0
    }
}

fn check_no_local(filter: &str, opts: &SubOptions, version: Version) -> Result<(), Error> {
    if version.is_v5() && opts.no_local && topic::shared_parts(filter).is_some() {
        return Err(Error::Malformed("no local set on a shared subscription"));
    }
    Ok(())
}

impl Subscribe {
    pub(crate) fn decode_body(body: &mut Bytes, version: Version) -> Result<Subscribe, Error> {
        let packet_id = read_packet_id(body, PacketType::Subscribe)?;
        let properties = read_properties(body, PacketType::Subscribe, version)?;
        let mut filters = Vec::new();
        while !body.is_empty() {
            let filter = wire::read_string(body, "topic filter")?;
            topic::validate_filter(&filter)?;
            let opts =
                SubOptions::from_byte(wire::read_u8(body, "subscription options")?, version)?;
            check_no_local(&filter, &opts, version)?;
            filters.push((filter, opts));
        }
        if filters.is_empty() {
            return Err(Error::Malformed("SUBSCRIBE without topic filters"));
        }
        Ok(Subscribe {
            packet_id,
            filters,
            properties,
        })
    }

    pub(crate) fn validate(&self, version: Version) -> Result<(), Error> {
        check_packet_id(self.packet_id, PacketType::Subscribe)?;
        if self.filters.is_empty() {
            return Err(Error::Malformed("SUBSCRIBE without topic filters"));
        }
        for (filter, opts) in &self.filters {
            topic::validate_filter(filter)?;
            check_no_local(filter, opts, version)?;
        }
        self.properties
            .check_version(version, PacketType::Subscribe, false)
    }

    pub(crate) fn body_len(&self, version: Version) -> usize {
        2 + properties_len(&self.properties, version)
            + self
                .filters
                .iter()
                .map(|(f, _)| wire::field_len(f.len()) + 1)
                .sum::<usize>()
    }

    pub(crate) fn write_body(&self, version: Version, out: &mut BytesMut) {
        out.put_u16(self.packet_id);
        if version.is_v5() {
            self.properties.encode(out);
        }
        for (filter, opts) in &self.filters {
            wire::write_string(out, filter);
            out.put_u8(opts.to_byte(version));
        }
    }
}

impl SubAck {
    pub(crate) fn decode_body(body: &mut Bytes, version: Version) -> Result<SubAck, Error> {
        let packet_id = read_packet_id(body, PacketType::SubAck)?;
        let properties = read_properties(body, PacketType::SubAck, version)?;
        let mut reason_codes = Vec::new();
        while !body.is_empty() {
            let code = wire::read_u8(body, "reason code")?;
            reason::check(PacketType::SubAck, version, code)?;
            reason_codes.push(code);
        }
        if reason_codes.is_empty() {
            return Err(Error::Malformed("SUBACK without reason codes"));
        }
        Ok(SubAck {
            packet_id,
            reason_codes,
            properties,
        })
    }

    pub(crate) fn validate(&self, version: Version) -> Result<(), Error> {
        check_packet_id(self.packet_id, PacketType::SubAck)?;
        if self.reason_codes.is_empty() {
            return Err(Error::Malformed("SUBACK without reason codes"));
        }
        for &code in &self.reason_codes {
            reason::check(PacketType::SubAck, version, code)?;
        }
        self.properties
            .check_version(version, PacketType::SubAck, false)
    }

    pub(crate) fn body_len(&self, version: Version) -> usize {
        2 + properties_len(&self.properties, version) + self.reason_codes.len()
    }

    pub(crate) fn write_body(&self, version: Version, out: &mut BytesMut) {
        out.put_u16(self.packet_id);
        if version.is_v5() {
            self.properties.encode(out);
        }
        out.put_slice(&self.reason_codes);
    }
}

impl Unsubscribe {
    pub(crate) fn decode_body(body: &mut Bytes, version: Version) -> Result<Unsubscribe, Error> {
        let packet_id = read_packet_id(body, PacketType::Unsubscribe)?;
        let properties = read_properties(body, PacketType::Unsubscribe, version)?;
        let mut filters = Vec::new();
        while !body.is_empty() {
            let filter = wire::read_string(body, "topic filter")?;
            topic::validate_filter(&filter)?;
            filters.push(filter);
        }
        if filters.is_empty() {
            return Err(Error::Malformed("UNSUBSCRIBE without topic filters"));
        }
        Ok(Unsubscribe {
            packet_id,
            filters,
            properties,
        })
    }

    pub(crate) fn validate(&self, version: Version) -> Result<(), Error> {
        check_packet_id(self.packet_id, PacketType::Unsubscribe)?;
        if self.filters.is_empty() {
            return Err(Error::Malformed("UNSUBSCRIBE without topic filters"));
        }
        for filter in &self.filters {
            topic::validate_filter(filter)?;
        }
        self.properties
            .check_version(version, PacketType::Unsubscribe, false)
    }

    pub(crate) fn body_len(&self, version: Version) -> usize {
        2 + properties_len(&self.properties, version)
            + self
                .filters
                .iter()
                .map(|f| wire::field_len(f.len()))
                .sum::<usize>()
    }

    pub(crate) fn write_body(&self, version: Version, out: &mut BytesMut) {
        out.put_u16(self.packet_id);
        if version.is_v5() {
            self.properties.encode(out);
        }
        for filter in &self.filters {
            wire::write_string(out, filter);
        }
    }
}

impl UnsubAck {
    pub(crate) fn decode_body(body: &mut Bytes, version: Version) -> Result<UnsubAck, Error> {
        let packet_id = read_packet_id(body, PacketType::UnsubAck)?;
        let mut unsuback = UnsubAck {
            packet_id,
            ..UnsubAck::default()
        };
        if version.is_v5() {
            unsuback.properties = Properties::decode(body, PacketType::UnsubAck, false)?;
            while !body.is_empty() {
                let code = wire::read_u8(body, "reason code")?;
                reason::check(PacketType::UnsubAck, version, code)?;
                unsuback.reason_codes.push(code);
            }
            if unsuback.reason_codes.is_empty() {
                return Err(Error::Malformed("UNSUBACK without reason codes"));
            }
        }
        Ok(unsuback)
    }

    /// In 3.1/3.1.1 UNSUBACK carries no reason codes: only zeros (or none) pass.
    pub(crate) fn validate(&self, version: Version) -> Result<(), Error> {
        check_packet_id(self.packet_id, PacketType::UnsubAck)?;
        if version.is_v5() && self.reason_codes.is_empty() {
            return Err(Error::Malformed("UNSUBACK without reason codes"));
        }
        for &code in &self.reason_codes {
            reason::check(PacketType::UnsubAck, version, code)?;
        }
        self.properties
            .check_version(version, PacketType::UnsubAck, false)
    }

    pub(crate) fn body_len(&self, version: Version) -> usize {
        if version.is_v5() {
            2 + self.properties.encoded_len() + self.reason_codes.len()
        } else {
            2
        }
    }

    pub(crate) fn write_body(&self, version: Version, out: &mut BytesMut) {
        out.put_u16(self.packet_id);
        if version.is_v5() {
            self.properties.encode(out);
            out.put_slice(&self.reason_codes);
        }
    }
}

#[cfg(test)]
mod tests {
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
}
