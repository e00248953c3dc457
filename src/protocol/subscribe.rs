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
#[path = "subscribe_tests.rs"]
mod tests;
