//! MQTT 5 properties: one typed struct for every packet; decoding rejects unknown,
//! duplicate and not-allowed properties.
use bytes::{BufMut, Bytes, BytesMut};

use super::{topic, wire, Error, PacketType, Version};

/// Every MQTT 5 property, typed. A packet only carries those the specification allows for it.
/// `user_properties` and `subscription_identifiers` may repeat; all others appear at most once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Properties {
    pub payload_format_indicator: Option<u8>, // 0x01 PUBLISH, will
    pub message_expiry_interval: Option<u32>, // 0x02 PUBLISH, will
    pub content_type: Option<String>,         // 0x03 PUBLISH, will
    pub response_topic: Option<String>,       // 0x08 PUBLISH, will
    pub correlation_data: Option<Bytes>,      // 0x09 PUBLISH, will
    pub subscription_identifiers: Vec<u32>,   // 0x0B PUBLISH (many), SUBSCRIBE (one)
    pub session_expiry_interval: Option<u32>, // 0x11 CONNECT, CONNACK, DISCONNECT
    pub assigned_client_identifier: Option<String>, // 0x12 CONNACK
    pub server_keep_alive: Option<u16>,       // 0x13 CONNACK
    pub authentication_method: Option<String>, // 0x15 CONNECT, CONNACK, AUTH
    pub authentication_data: Option<Bytes>,   // 0x16 CONNECT, CONNACK, AUTH
    pub request_problem_information: Option<u8>, // 0x17 CONNECT
    pub will_delay_interval: Option<u32>,     // 0x18 will
    pub request_response_information: Option<u8>, // 0x19 CONNECT
    pub response_information: Option<String>, // 0x1A CONNACK
    pub server_reference: Option<String>,     // 0x1C CONNACK, DISCONNECT
    pub reason_string: Option<String>, // 0x1F acks, CONNACK, SUBACK, UNSUBACK, DISCONNECT, AUTH
    pub receive_maximum: Option<u16>,  // 0x21 CONNECT, CONNACK
    pub topic_alias_maximum: Option<u16>, // 0x22 CONNECT, CONNACK
    pub topic_alias: Option<u16>,      // 0x23 PUBLISH
    pub maximum_qos: Option<u8>,       // 0x24 CONNACK
    pub retain_available: Option<u8>,  // 0x25 CONNACK
    pub user_properties: Vec<(String, String)>, // 0x26 every packet with properties
    pub maximum_packet_size: Option<u32>, // 0x27 CONNECT, CONNACK
    pub wildcard_subscription_available: Option<u8>, // 0x28 CONNACK
    pub subscription_identifier_available: Option<u8>, // 0x29 CONNACK
    pub shared_subscription_available: Option<u8>, // 0x2A CONNACK
}

/// Where a property list sits: the packet, and for CONNECT whether it is the will's list.
fn ctx_bit(packet: PacketType, will: bool) -> u32 {
    if will {
        WILL
    } else {
        1 << (packet as u32)
    }
}

fn ctx_name(packet: PacketType, will: bool) -> &'static str {
    if will {
        "will properties"
    } else {
        packet.name()
    }
}

const WILL: u32 = 1; // bit 0: packet type 0 does not exist
const fn bit(t: PacketType) -> u32 {
    1 << (t as u32)
}
const CONNECT: u32 = bit(PacketType::Connect);
const CONNACK: u32 = bit(PacketType::ConnAck);
const PUBLISH: u32 = bit(PacketType::Publish);
const ACKS: u32 = bit(PacketType::PubAck)
    | bit(PacketType::PubRec)
    | bit(PacketType::PubRel)
    | bit(PacketType::PubComp);
const SUBSCRIBE: u32 = bit(PacketType::Subscribe);
const SUBACK: u32 = bit(PacketType::SubAck);
const UNSUBSCRIBE: u32 = bit(PacketType::Unsubscribe);
const UNSUBACK: u32 = bit(PacketType::UnsubAck);
const DISCONNECT: u32 = bit(PacketType::Disconnect);
const AUTH: u32 = bit(PacketType::Auth);
const ALL: u32 = WILL
    | CONNECT
    | CONNACK
    | PUBLISH
    | ACKS
    | SUBSCRIBE
    | SUBACK
    | UNSUBSCRIBE
    | UNSUBACK
    | DISCONNECT
    | AUTH;

/// Property identifiers (MQTT 5, section 2.2.2.2).
pub mod id {
    pub const PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
    pub const MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
    pub const CONTENT_TYPE: u8 = 0x03;
    pub const RESPONSE_TOPIC: u8 = 0x08;
    pub const CORRELATION_DATA: u8 = 0x09;
    pub const SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
    pub const SESSION_EXPIRY_INTERVAL: u8 = 0x11;
    pub const ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
    pub const SERVER_KEEP_ALIVE: u8 = 0x13;
    pub const AUTHENTICATION_METHOD: u8 = 0x15;
    pub const AUTHENTICATION_DATA: u8 = 0x16;
    pub const REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
    pub const WILL_DELAY_INTERVAL: u8 = 0x18;
    pub const REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
    pub const RESPONSE_INFORMATION: u8 = 0x1A;
    pub const SERVER_REFERENCE: u8 = 0x1C;
    pub const REASON_STRING: u8 = 0x1F;
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    pub const TOPIC_ALIAS: u8 = 0x23;
    pub const MAXIMUM_QOS: u8 = 0x24;
    pub const RETAIN_AVAILABLE: u8 = 0x25;
    pub const USER_PROPERTY: u8 = 0x26;
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
    pub const WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
    pub const SUBSCRIPTION_IDENTIFIER_AVAILABLE: u8 = 0x29;
    pub const SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;
}

/// The snake_case MQTT 5 name of a property identifier and where it may appear.
fn info(pid: u8) -> Option<(&'static str, u32)> {
    use id::*;
    Some(match pid {
        PAYLOAD_FORMAT_INDICATOR => ("payload_format_indicator", PUBLISH | WILL),
        MESSAGE_EXPIRY_INTERVAL => ("message_expiry_interval", PUBLISH | WILL),
        CONTENT_TYPE => ("content_type", PUBLISH | WILL),
        RESPONSE_TOPIC => ("response_topic", PUBLISH | WILL),
        CORRELATION_DATA => ("correlation_data", PUBLISH | WILL),
        SUBSCRIPTION_IDENTIFIER => ("subscription_identifier", PUBLISH | SUBSCRIBE),
        SESSION_EXPIRY_INTERVAL => ("session_expiry_interval", CONNECT | CONNACK | DISCONNECT),
        ASSIGNED_CLIENT_IDENTIFIER => ("assigned_client_identifier", CONNACK),
        SERVER_KEEP_ALIVE => ("server_keep_alive", CONNACK),
        AUTHENTICATION_METHOD => ("authentication_method", CONNECT | CONNACK | AUTH),
        AUTHENTICATION_DATA => ("authentication_data", CONNECT | CONNACK | AUTH),
        REQUEST_PROBLEM_INFORMATION => ("request_problem_information", CONNECT),
        WILL_DELAY_INTERVAL => ("will_delay_interval", WILL),
        REQUEST_RESPONSE_INFORMATION => ("request_response_information", CONNECT),
        RESPONSE_INFORMATION => ("response_information", CONNACK),
        SERVER_REFERENCE => ("server_reference", CONNACK | DISCONNECT),
        REASON_STRING => (
            "reason_string",
            CONNACK | ACKS | SUBACK | UNSUBACK | DISCONNECT | AUTH,
        ),
        RECEIVE_MAXIMUM => ("receive_maximum", CONNECT | CONNACK),
        TOPIC_ALIAS_MAXIMUM => ("topic_alias_maximum", CONNECT | CONNACK),
        TOPIC_ALIAS => ("topic_alias", PUBLISH),
        MAXIMUM_QOS => ("maximum_qos", CONNACK),
        RETAIN_AVAILABLE => ("retain_available", CONNACK),
        USER_PROPERTY => ("user_property", ALL),
        MAXIMUM_PACKET_SIZE => ("maximum_packet_size", CONNECT | CONNACK),
        WILDCARD_SUBSCRIPTION_AVAILABLE => ("wildcard_subscription_available", CONNACK),
        SUBSCRIPTION_IDENTIFIER_AVAILABLE => ("subscription_identifier_available", CONNACK),
        SHARED_SUBSCRIPTION_AVAILABLE => ("shared_subscription_available", CONNACK),
        _ => return None,
    })
}

/// The snake_case MQTT 5 name of a property identifier (`None` for unknown identifiers).
pub fn property_name(pid: u8) -> Option<&'static str> {
    info(pid).map(|(name, _)| name)
}

/// Whether property `pid` may appear in `packet` (or in the will properties when `will`).
pub fn is_allowed(pid: u8, packet: PacketType, will: bool) -> bool {
    info(pid).is_some_and(|(_, mask)| mask & ctx_bit(packet, will) != 0)
}

/// The largest subscription identifier.
pub const MAX_SUBSCRIPTION_IDENTIFIER: u32 = wire::MAX_VARINT;

fn check_flag(value: Option<u8>, property: &'static str) -> Result<(), Error> {
    match value {
        Some(v) if v > 1 => Err(Error::InvalidPropertyValue { property }),
        _ => Ok(()),
    }
}

fn check_nonzero<T: Copy + PartialEq + Default>(
    value: Option<T>,
    property: &'static str,
) -> Result<(), Error> {
    match value {
        Some(v) if v == T::default() => Err(Error::InvalidPropertyValue { property }),
        _ => Ok(()),
    }
}

fn check_sub_id(v: u32) -> Result<(), Error> {
    if v == 0 || v > MAX_SUBSCRIPTION_IDENTIFIER {
        return Err(Error::InvalidPropertyValue {
            property: "subscription_identifier",
        });
    }
    Ok(())
}

fn set_once<T>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), Error> {
    if slot.is_some() {
        return Err(Error::DuplicateProperty(name));
    }
    *slot = Some(value);
    Ok(())
}

impl Properties {
    /// No property is set.
    pub fn is_empty(&self) -> bool {
        *self == Properties::default()
    }

    /// Identifiers of the properties that are set, in encoding order.
    pub fn present(&self) -> Vec<u8> {
        use id::*;
        let p = self;
        let mut v = Vec::new();
        let mut add = |set: bool, pid: u8| {
            if set {
                v.push(pid)
            }
        };
        add(
            p.payload_format_indicator.is_some(),
            PAYLOAD_FORMAT_INDICATOR,
        );
        add(p.message_expiry_interval.is_some(), MESSAGE_EXPIRY_INTERVAL);
        add(p.content_type.is_some(), CONTENT_TYPE);
        add(p.response_topic.is_some(), RESPONSE_TOPIC);
        add(p.correlation_data.is_some(), CORRELATION_DATA);
        add(
            !p.subscription_identifiers.is_empty(),
            SUBSCRIPTION_IDENTIFIER,
        );
        add(p.session_expiry_interval.is_some(), SESSION_EXPIRY_INTERVAL);
        add(
            p.assigned_client_identifier.is_some(),
            ASSIGNED_CLIENT_IDENTIFIER,
        );
        add(p.server_keep_alive.is_some(), SERVER_KEEP_ALIVE);
        add(p.authentication_method.is_some(), AUTHENTICATION_METHOD);
        add(p.authentication_data.is_some(), AUTHENTICATION_DATA);
        add(
            p.request_problem_information.is_some(),
            REQUEST_PROBLEM_INFORMATION,
        );
        add(p.will_delay_interval.is_some(), WILL_DELAY_INTERVAL);
        add(
            p.request_response_information.is_some(),
            REQUEST_RESPONSE_INFORMATION,
        );
        add(p.response_information.is_some(), RESPONSE_INFORMATION);
        add(p.server_reference.is_some(), SERVER_REFERENCE);
        add(p.reason_string.is_some(), REASON_STRING);
        add(p.receive_maximum.is_some(), RECEIVE_MAXIMUM);
        add(p.topic_alias_maximum.is_some(), TOPIC_ALIAS_MAXIMUM);
        add(p.topic_alias.is_some(), TOPIC_ALIAS);
        add(p.maximum_qos.is_some(), MAXIMUM_QOS);
        add(p.retain_available.is_some(), RETAIN_AVAILABLE);
        add(!p.user_properties.is_empty(), USER_PROPERTY);
        add(p.maximum_packet_size.is_some(), MAXIMUM_PACKET_SIZE);
        add(
            p.wildcard_subscription_available.is_some(),
            WILDCARD_SUBSCRIPTION_AVAILABLE,
        );
        add(
            p.subscription_identifier_available.is_some(),
            SUBSCRIPTION_IDENTIFIER_AVAILABLE,
        );
        add(
            p.shared_subscription_available.is_some(),
            SHARED_SUBSCRIPTION_AVAILABLE,
        );
        v
    }

    /// Check the values: ranges, and the rules that tie properties together.
    fn check_values(&self) -> Result<(), Error> {
        check_flag(self.payload_format_indicator, "payload_format_indicator")?;
        check_flag(
            self.request_problem_information,
            "request_problem_information",
        )?;
        check_flag(
            self.request_response_information,
            "request_response_information",
        )?;
        check_flag(self.maximum_qos, "maximum_qos")?;
        check_flag(self.retain_available, "retain_available")?;
        check_flag(
            self.wildcard_subscription_available,
            "wildcard_subscription_available",
        )?;
        check_flag(
            self.subscription_identifier_available,
            "subscription_identifier_available",
        )?;
        check_flag(
            self.shared_subscription_available,
            "shared_subscription_available",
        )?;
        check_nonzero(self.receive_maximum, "receive_maximum")?;
        check_nonzero(self.maximum_packet_size, "maximum_packet_size")?;
        check_nonzero(self.topic_alias, "topic_alias")?;
        for &v in &self.subscription_identifiers {
            check_sub_id(v)?;
        }
        if self.authentication_data.is_some() && self.authentication_method.is_none() {
            return Err(Error::Malformed(
                "authentication data without authentication method",
            ));
        }
        Ok(())
    }

    /// Everything [`Properties::encode`] needs to hold: each property allowed in `packet`
    /// (or in will properties), values in range, strings and binary data encodable, and at
    /// most one subscription identifier outside PUBLISH.
    pub fn validate(&self, packet: PacketType, will: bool) -> Result<(), Error> {
        let ctx = ctx_bit(packet, will);
        for pid in self.present() {
            if let Some((property, mask)) = info(pid) {
                if mask & ctx == 0 {
                    return Err(Error::PropertyNotAllowed {
                        property,
                        packet: ctx_name(packet, will),
                    });
                }
            }
        }
        if packet != PacketType::Publish && self.subscription_identifiers.len() > 1 {
            return Err(Error::DuplicateProperty("subscription_identifier"));
        }
        self.check_values()?;
        for s in [
            &self.content_type,
            &self.response_topic,
            &self.assigned_client_identifier,
            &self.authentication_method,
            &self.response_information,
            &self.server_reference,
            &self.reason_string,
        ]
        .into_iter()
        .flatten()
        {
            wire::check_string(s)?;
        }
        for (k, v) in &self.user_properties {
            wire::check_string(k)?;
            wire::check_string(v)?;
        }
        for b in [&self.correlation_data, &self.authentication_data]
            .into_iter()
            .flatten()
        {
            wire::check_binary(b)?;
        }
        if let Some(topic) = &self.response_topic {
            topic::validate_name(topic)?;
        }
        Ok(())
    }

    /// Check that this list can be sent with `version`: in 3.1/3.1.1 it must be empty.
    pub fn check_version(
        &self,
        version: Version,
        packet: PacketType,
        will: bool,
    ) -> Result<(), Error> {
        if version.is_v5() {
            return self.validate(packet, will);
        }
        match self.present().first().and_then(|&pid| property_name(pid)) {
            Some(property) => Err(Error::PropertyNotAllowed {
                property,
                packet: ctx_name(packet, will),
            }),
            None => Ok(()),
        }
    }

    /// Bytes of the properties themselves, without the property length prefix.
    pub fn content_len(&self) -> usize {
        let s = |o: &Option<String>| o.as_ref().map_or(0, |s| 1 + wire::field_len(s.len()));
        let b = |o: &Option<Bytes>| o.as_ref().map_or(0, |b| 1 + wire::field_len(b.len()));
        let n = |present: bool, width: usize| if present { 1 + width } else { 0 };
        let p = self;
        n(p.payload_format_indicator.is_some(), 1)
            + n(p.message_expiry_interval.is_some(), 4)
            + s(&p.content_type)
            + s(&p.response_topic)
            + b(&p.correlation_data)
            + p.subscription_identifiers
                .iter()
                .map(|&v| 1 + wire::varint_len(v as usize))
                .sum::<usize>()
            + n(p.session_expiry_interval.is_some(), 4)
            + s(&p.assigned_client_identifier)
            + n(p.server_keep_alive.is_some(), 2)
            + s(&p.authentication_method)
            + b(&p.authentication_data)
            + n(p.request_problem_information.is_some(), 1)
            + n(p.will_delay_interval.is_some(), 4)
            + n(p.request_response_information.is_some(), 1)
            + s(&p.response_information)
            + s(&p.server_reference)
            + s(&p.reason_string)
            + n(p.receive_maximum.is_some(), 2)
            + n(p.topic_alias_maximum.is_some(), 2)
            + n(p.topic_alias.is_some(), 2)
            + n(p.maximum_qos.is_some(), 1)
            + n(p.retain_available.is_some(), 1)
            + p.user_properties
                .iter()
                .map(|(k, v)| 1 + wire::field_len(k.len()) + wire::field_len(v.len()))
                .sum::<usize>()
            + n(p.maximum_packet_size.is_some(), 4)
            + n(p.wildcard_subscription_available.is_some(), 1)
            + n(p.subscription_identifier_available.is_some(), 1)
            + n(p.shared_subscription_available.is_some(), 1)
    }

    /// Bytes [`Properties::encode`] writes: the property length prefix plus the properties.
    pub fn encoded_len(&self) -> usize {
        let len = self.content_len();
        wire::varint_len(len) + len
    }

    /// Write the property length and the properties (validate first with
    /// [`Properties::validate`]).
    pub fn encode(&self, out: &mut BytesMut) {
        use id::*;
        let p = self;
        wire::write_varint(out, p.content_len());
        let byte = |out: &mut BytesMut, pid: u8, v: Option<u8>| {
            if let Some(v) = v {
                out.put_u8(pid);
                out.put_u8(v);
            }
        };
        let two = |out: &mut BytesMut, pid: u8, v: Option<u16>| {
            if let Some(v) = v {
                out.put_u8(pid);
                out.put_u16(v);
            }
        };
        let four = |out: &mut BytesMut, pid: u8, v: Option<u32>| {
            if let Some(v) = v {
                out.put_u8(pid);
                out.put_u32(v);
            }
        };
        let string = |out: &mut BytesMut, pid: u8, v: &Option<String>| {
            if let Some(v) = v {
                out.put_u8(pid);
                wire::write_string(out, v);
            }
        };
        let binary = |out: &mut BytesMut, pid: u8, v: &Option<Bytes>| {
            if let Some(v) = v {
                out.put_u8(pid);
                wire::write_binary(out, v);
            }
        };
        byte(out, PAYLOAD_FORMAT_INDICATOR, p.payload_format_indicator);
        four(out, MESSAGE_EXPIRY_INTERVAL, p.message_expiry_interval);
        string(out, CONTENT_TYPE, &p.content_type);
        string(out, RESPONSE_TOPIC, &p.response_topic);
        binary(out, CORRELATION_DATA, &p.correlation_data);
        for &v in &p.subscription_identifiers {
            out.put_u8(SUBSCRIPTION_IDENTIFIER);
            wire::write_varint(out, v as usize);
        }
        four(out, SESSION_EXPIRY_INTERVAL, p.session_expiry_interval);
        string(
            out,
            ASSIGNED_CLIENT_IDENTIFIER,
            &p.assigned_client_identifier,
        );
        two(out, SERVER_KEEP_ALIVE, p.server_keep_alive);
        string(out, AUTHENTICATION_METHOD, &p.authentication_method);
        binary(out, AUTHENTICATION_DATA, &p.authentication_data);
        byte(
            out,
            REQUEST_PROBLEM_INFORMATION,
            p.request_problem_information,
        );
        four(out, WILL_DELAY_INTERVAL, p.will_delay_interval);
        byte(
            out,
            REQUEST_RESPONSE_INFORMATION,
            p.request_response_information,
        );
        string(out, RESPONSE_INFORMATION, &p.response_information);
        string(out, SERVER_REFERENCE, &p.server_reference);
        string(out, REASON_STRING, &p.reason_string);
        two(out, RECEIVE_MAXIMUM, p.receive_maximum);
        two(out, TOPIC_ALIAS_MAXIMUM, p.topic_alias_maximum);
        two(out, TOPIC_ALIAS, p.topic_alias);
        byte(out, MAXIMUM_QOS, p.maximum_qos);
        byte(out, RETAIN_AVAILABLE, p.retain_available);
        for (k, v) in &p.user_properties {
            out.put_u8(USER_PROPERTY);
            wire::write_string(out, k);
            wire::write_string(out, v);
        }
        four(out, MAXIMUM_PACKET_SIZE, p.maximum_packet_size);
        byte(
            out,
            WILDCARD_SUBSCRIPTION_AVAILABLE,
            p.wildcard_subscription_available,
        );
        byte(
            out,
            SUBSCRIPTION_IDENTIFIER_AVAILABLE,
            p.subscription_identifier_available,
        );
        byte(
            out,
            SHARED_SUBSCRIPTION_AVAILABLE,
            p.shared_subscription_available,
        );
    }

    /// Read a property length and that many bytes of properties from the front of `buf`,
    /// checking each against the set allowed in `packet` (or in will properties when `will`).
    pub fn decode(buf: &mut Bytes, packet: PacketType, will: bool) -> Result<Properties, Error> {
        use id::*;
        let len = wire::read_varint(buf, "property length")?;
        let mut data = wire::read_bytes(buf, len as usize, "properties")?;
        let ctx = ctx_bit(packet, will);
        let mut p = Properties::default();
        while !data.is_empty() {
            // Identifiers are variable byte integers, but every defined one fits in one byte;
            // a first byte with the continuation bit is unknown either way.
            let pid = wire::read_u8(&mut data, "property identifier")?;
            let (name, mask) = info(pid).ok_or(Error::UnknownProperty(pid))?;
            if mask & ctx == 0 {
                return Err(Error::PropertyNotAllowed {
                    property: name,
                    packet: ctx_name(packet, will),
                });
            }
            let d = &mut data;
            match pid {
                PAYLOAD_FORMAT_INDICATOR => set_once(
                    &mut p.payload_format_indicator,
                    wire::read_u8(d, name)?,
                    name,
                )?,
                MESSAGE_EXPIRY_INTERVAL => set_once(
                    &mut p.message_expiry_interval,
                    wire::read_u32(d, name)?,
                    name,
                )?,
                CONTENT_TYPE => set_once(&mut p.content_type, wire::read_string(d, name)?, name)?,
                RESPONSE_TOPIC => {
                    let topic = wire::read_string(d, name)?;
                    topic::validate_name(&topic)?;
                    set_once(&mut p.response_topic, topic, name)?
                }
                CORRELATION_DATA => {
                    set_once(&mut p.correlation_data, wire::read_binary(d, name)?, name)?
                }
                SUBSCRIPTION_IDENTIFIER => {
                    if packet != PacketType::Publish && !p.subscription_identifiers.is_empty() {
                        return Err(Error::DuplicateProperty(name));
                    }
                    let v = wire::read_varint(d, name)?;
                    check_sub_id(v)?;
                    p.subscription_identifiers.push(v);
                }
                SESSION_EXPIRY_INTERVAL => set_once(
                    &mut p.session_expiry_interval,
                    wire::read_u32(d, name)?,
                    name,
                )?,
                ASSIGNED_CLIENT_IDENTIFIER => set_once(
                    &mut p.assigned_client_identifier,
                    wire::read_string(d, name)?,
                    name,
                )?,
                SERVER_KEEP_ALIVE => {
                    set_once(&mut p.server_keep_alive, wire::read_u16(d, name)?, name)?
                }
                AUTHENTICATION_METHOD => set_once(
                    &mut p.authentication_method,
                    wire::read_string(d, name)?,
                    name,
                )?,
                AUTHENTICATION_DATA => set_once(
                    &mut p.authentication_data,
                    wire::read_binary(d, name)?,
                    name,
                )?,
                REQUEST_PROBLEM_INFORMATION => set_once(
                    &mut p.request_problem_information,
                    wire::read_u8(d, name)?,
                    name,
                )?,
                WILL_DELAY_INTERVAL => {
                    set_once(&mut p.will_delay_interval, wire::read_u32(d, name)?, name)?
                }
                REQUEST_RESPONSE_INFORMATION => set_once(
                    &mut p.request_response_information,
                    wire::read_u8(d, name)?,
                    name,
                )?,
                RESPONSE_INFORMATION => set_once(
                    &mut p.response_information,
                    wire::read_string(d, name)?,
                    name,
                )?,
                SERVER_REFERENCE => {
                    set_once(&mut p.server_reference, wire::read_string(d, name)?, name)?
                }
                REASON_STRING => set_once(&mut p.reason_string, wire::read_string(d, name)?, name)?,
                RECEIVE_MAXIMUM => {
                    set_once(&mut p.receive_maximum, wire::read_u16(d, name)?, name)?
                }
                TOPIC_ALIAS_MAXIMUM => {
                    set_once(&mut p.topic_alias_maximum, wire::read_u16(d, name)?, name)?
                }
                TOPIC_ALIAS => set_once(&mut p.topic_alias, wire::read_u16(d, name)?, name)?,
                MAXIMUM_QOS => set_once(&mut p.maximum_qos, wire::read_u8(d, name)?, name)?,
                RETAIN_AVAILABLE => {
                    set_once(&mut p.retain_available, wire::read_u8(d, name)?, name)?
                }
                USER_PROPERTY => {
                    let k = wire::read_string(d, name)?;
                    let v = wire::read_string(d, name)?;
                    p.user_properties.push((k, v));
                }
                MAXIMUM_PACKET_SIZE => {
                    set_once(&mut p.maximum_packet_size, wire::read_u32(d, name)?, name)?
                }
                WILDCARD_SUBSCRIPTION_AVAILABLE => set_once(
                    &mut p.wildcard_subscription_available,
                    wire::read_u8(d, name)?,
                    name,
                )?,
                SUBSCRIPTION_IDENTIFIER_AVAILABLE => set_once(
                    &mut p.subscription_identifier_available,
                    wire::read_u8(d, name)?,
                    name,
                )?,
                SHARED_SUBSCRIPTION_AVAILABLE => set_once(
                    &mut p.shared_subscription_available,
                    wire::read_u8(d, name)?,
                    name,
                )?,
                _ => return Err(Error::UnknownProperty(pid)),
            }
        }
        p.check_values()?;
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
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
                        if pid != id::SUBSCRIPTION_IDENTIFIER
                            || p.subscription_identifiers.is_empty()
                        {
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
}
