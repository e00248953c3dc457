use bytes::{BufMut, Bytes, BytesMut};

use super::{reason, topic, wire, Error, PacketType, Properties, QoS, Version};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connect {
    pub version: Version,
    pub client_id: String,
    /// Clean session (3.1/3.1.1) or clean start (5).
    pub clean_start: bool,
    pub keep_alive: u16,
    pub username: Option<String>,
    pub password: Option<Bytes>,
    pub will: Option<Will>,
    pub properties: Properties,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    /// Will properties (MQTT 5 only).
    pub properties: Properties,
}

/// CONNACK. `reason` is the raw byte: the MQTT 5 reason code, or the 3.1/3.1.1 return code
/// (0-5); `reason::connack_name(version, code)` names either.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnAck {
    pub session_present: bool,
    pub reason: u8,
    pub properties: Properties,
}

/// DISCONNECT. In 3.1/3.1.1 it has no body (reason 0, no properties). In MQTT 5 a reason of 0
/// with no properties is encoded with remaining length 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disconnect {
    pub reason: u8,
    pub properties: Properties,
}

/// AUTH (MQTT 5 only).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Auth {
    pub reason: u8,
    pub properties: Properties,
}

const FLAG_RESERVED: u8 = 0x01;
const FLAG_CLEAN_START: u8 = 0x02;
const FLAG_WILL: u8 = 0x04;
const FLAG_WILL_RETAIN: u8 = 0x20;
const FLAG_PASSWORD: u8 = 0x40;
const FLAG_USERNAME: u8 = 0x80;

impl Connect {
    /// A CONNECT for `version` with clean start, the given client id and keep alive, and
    /// nothing else.
    pub fn new(version: Version, client_id: impl Into<String>, keep_alive: u16) -> Connect {
        Connect {
            version,
            client_id: client_id.into(),
            clean_start: true,
            keep_alive,
            username: None,
            password: None,
            will: None,
            properties: Properties::default(),
        }
    }

    /// The connect flags byte.
    fn flags(&self) -> u8 {
        let mut flags = 0;
        if self.clean_start {
            flags |= FLAG_CLEAN_START;
        }
        if let Some(will) = &self.will {
            flags |= FLAG_WILL | ((will.qos as u8) << 3);
            if will.retain {
                flags |= FLAG_WILL_RETAIN;
            }
        }
        if self.password.is_some() {
            flags |= FLAG_PASSWORD;
        }
        if self.username.is_some() {
            flags |= FLAG_USERNAME;
        }
        flags
    }

    /// Decode a CONNECT body; the version comes from its protocol name and level.
    pub(crate) fn decode_body(body: &mut Bytes) -> Result<Connect, Error> {
        let name = wire::read_string(body, "protocol name")?;
        let level = wire::read_u8(body, "protocol level")?;
        let version = match (name.as_str(), level) {
            ("MQIsdp", 3) => Version::V3_1,
            ("MQTT", 4) => Version::V3_1_1,
            ("MQTT", 5) => Version::V5,
            _ => return Err(Error::UnsupportedProtocol { name, level }),
        };
        let flags = wire::read_u8(body, "connect flags")?;
        if flags & FLAG_RESERVED != 0 {
            return Err(Error::Malformed("reserved CONNECT flag set"));
        }
        let will_qos_bits = (flags >> 3) & 0b11;
        let has_will = flags & FLAG_WILL != 0;
        if !has_will && (will_qos_bits != 0 || flags & FLAG_WILL_RETAIN != 0) {
            return Err(Error::Malformed(
                "will QoS or will retain set without the will flag",
            ));
        }
        let will_qos = QoS::from_u8(will_qos_bits).ok_or(Error::InvalidQoS(will_qos_bits))?;
        if flags & FLAG_PASSWORD != 0 && flags & FLAG_USERNAME == 0 && !version.is_v5() {
            return Err(Error::Malformed("password without user name"));
        }
        let keep_alive = wire::read_u16(body, "keep alive")?;
        let properties = if version.is_v5() {
            Properties::decode(body, PacketType::Connect, false)?
        } else {
            Properties::default()
        };
        let client_id = wire::read_string(body, "client identifier")?;
        let will = if has_will {
            let properties = if version.is_v5() {
                Properties::decode(body, PacketType::Connect, true)?
            } else {
                Properties::default()
            };
            let topic = wire::read_string(body, "will topic")?;
            topic::validate_name(&topic)?;
            let payload = wire::read_binary(body, "will payload")?;
            Some(Will {
                topic,
                payload,
                qos: will_qos,
                retain: flags & FLAG_WILL_RETAIN != 0,
                properties,
            })
        } else {
            None
        };
        let username = if flags & FLAG_USERNAME != 0 {
            Some(wire::read_string(body, "user name")?)
        } else {
            None
        };
        let password = if flags & FLAG_PASSWORD != 0 {
            Some(wire::read_binary(body, "password")?)
        } else {
            None
        };
        Ok(Connect {
            version,
            client_id,
            clean_start: flags & FLAG_CLEAN_START != 0,
            keep_alive,
            username,
            password,
            will,
            properties,
        })
    }

    /// Checks before encoding (with `self.version`).
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let version = self.version;
        wire::check_string(&self.client_id)?;
        if let Some(username) = &self.username {
            wire::check_string(username)?;
        }
        if let Some(password) = &self.password {
            wire::check_binary(password)?;
            if self.username.is_none() && !version.is_v5() {
                return Err(Error::Malformed("password without user name"));
            }
        }
        self.properties
            .check_version(version, PacketType::Connect, false)?;
        if let Some(will) = &self.will {
            topic::validate_name(&will.topic)?;
            wire::check_binary(&will.payload)?;
            will.properties
                .check_version(version, PacketType::Connect, true)?;
        }
        Ok(())
    }

    pub(crate) fn body_len(&self) -> usize {
        let v5 = self.version.is_v5();
        let props = |p: &Properties| if v5 { p.encoded_len() } else { 0 };
        wire::field_len(self.version.protocol_name().len())
            + 1 // level
            + 1 // flags
            + 2 // keep alive
            + props(&self.properties)
            + wire::field_len(self.client_id.len())
            + self.will.as_ref().map_or(0, |w| {
                props(&w.properties) + wire::field_len(w.topic.len()) + wire::field_len(w.payload.len())
            })
            + self.username.as_ref().map_or(0, |u| wire::field_len(u.len()))
            + self.password.as_ref().map_or(0, |p| wire::field_len(p.len()))
    }

    pub(crate) fn write_body(&self, out: &mut BytesMut) {
        let v5 = self.version.is_v5();
        wire::write_string(out, self.version.protocol_name());
        out.put_u8(self.version.level());
        out.put_u8(self.flags());
        out.put_u16(self.keep_alive);
        if v5 {
            self.properties.encode(out);
        }
        wire::write_string(out, &self.client_id);
        if let Some(will) = &self.will {
            if v5 {
                will.properties.encode(out);
            }
            wire::write_string(out, &will.topic);
            wire::write_binary(out, &will.payload);
        }
        if let Some(username) = &self.username {
            wire::write_string(out, username);
        }
        if let Some(password) = &self.password {
            wire::write_binary(out, password);
        }
    }
}

impl ConnAck {
    pub(crate) fn decode_body(body: &mut Bytes, version: Version) -> Result<ConnAck, Error> {
        let flags = wire::read_u8(body, "connack flags")?;
        if flags & 0xFE != 0 {
            return Err(Error::Malformed("reserved CONNACK flags set"));
        }
        let reason = wire::read_u8(body, "reason code")?;
        reason::check(PacketType::ConnAck, version, reason)?;
        let session_present = flags & 1 != 0;
        if session_present && reason != 0 {
            return Err(Error::Malformed(
                "session present with a non-zero reason code",
            ));
        }
        let properties = if version.is_v5() {
            Properties::decode(body, PacketType::ConnAck, false)?
        } else {
            Properties::default()
        };
        Ok(ConnAck {
            session_present,
            reason,
            properties,
        })
    }

    pub(crate) fn validate(&self, version: Version) -> Result<(), Error> {
        reason::check(PacketType::ConnAck, version, self.reason)?;
        if self.session_present && self.reason != 0 {
            return Err(Error::Malformed(
                "session present with a non-zero reason code",
            ));
        }
        self.properties
            .check_version(version, PacketType::ConnAck, false)
    }

    pub(crate) fn body_len(&self, version: Version) -> usize {
        2 + if version.is_v5() {
            self.properties.encoded_len()
        } else {
            0
        }
    }

    pub(crate) fn write_body(&self, version: Version, out: &mut BytesMut) {
        out.put_u8(u8::from(self.session_present));
        out.put_u8(self.reason);
        if version.is_v5() {
            self.properties.encode(out);
        }
    }
}

/// DISCONNECT and AUTH bodies: in MQTT 5 an optional reason code and optional properties.
fn decode_reason_and_properties(
    packet: PacketType,
    body: &mut Bytes,
    version: Version,
) -> Result<(u8, Properties), Error> {
    let mut reason = 0;
    let mut properties = Properties::default();
    if version.is_v5() {
        if !body.is_empty() {
            reason = wire::read_u8(body, "reason code")?;
            reason::check(packet, version, reason)?;
        }
        if !body.is_empty() {
            properties = Properties::decode(body, packet, false)?;
        }
    }
    Ok((reason, properties))
}

impl Disconnect {
    pub(crate) fn decode_body(body: &mut Bytes, version: Version) -> Result<Disconnect, Error> {
        let (reason, properties) =
            decode_reason_and_properties(PacketType::Disconnect, body, version)?;
        Ok(Disconnect { reason, properties })
    }

    pub(crate) fn validate(&self, version: Version) -> Result<(), Error> {
        reason::check(PacketType::Disconnect, version, self.reason)?;
        self.properties
            .check_version(version, PacketType::Disconnect, false)
    }

    pub(crate) fn body_len(&self, version: Version) -> usize {
        if !version.is_v5() || (self.reason == 0 && self.properties.is_empty()) {
            0
        } else if self.properties.is_empty() {
            1
        } else {
            1 + self.properties.encoded_len()
        }
    }

    pub(crate) fn write_body(&self, version: Version, out: &mut BytesMut) {
        if self.body_len(version) == 0 {
            return;
        }
        out.put_u8(self.reason);
        if !self.properties.is_empty() {
            self.properties.encode(out);
        }
    }
}

impl Auth {
    pub(crate) fn decode_body(body: &mut Bytes, version: Version) -> Result<Auth, Error> {
        if !version.is_v5() {
            return Err(Error::InvalidPacketType(0xF0));
        }
        let (reason, properties) = decode_reason_and_properties(PacketType::Auth, body, version)?;
        Ok(Auth { reason, properties })
    }

    pub(crate) fn validate(&self, version: Version) -> Result<(), Error> {
        if !version.is_v5() {
            return Err(Error::InvalidPacketType(0xF0));
        }
        reason::check(PacketType::Auth, version, self.reason)?;
        self.properties.validate(PacketType::Auth, false)
    }

    /// Remaining length 0 for Success without properties; otherwise the reason code and the
    /// property length are both written (the specification only allows omitting both).
    pub(crate) fn body_len(&self, _version: Version) -> usize {
        if self.reason == 0 && self.properties.is_empty() {
            0
        } else {
            1 + self.properties.encoded_len()
        }
    }

    pub(crate) fn write_body(&self, version: Version, out: &mut BytesMut) {
        if self.body_len(version) == 0 {
            return;
        }
        out.put_u8(self.reason);
        self.properties.encode(out);
    }
}

#[cfg(test)]
#[path = "connect_tests.rs"]
mod tests;
