//! MQTT 5 properties: one typed struct for every packet; decoding rejects unknown,
//! duplicate and not-allowed properties.
//!
//! Every property is one row of `property_table!`. The struct, the identifiers, the allowed
//! sets, length, encoding, decoding and validation below are generated from the rows, and so
//! is the JSON mapping in `output::properties`: a new property is a new row.
use bytes::{Bytes, BytesMut};

use super::property_wire::{set_once, Slot};
use super::{topic, wire, Error, PacketType, Version};

/// The MQTT 5 properties (section 2.2.2.2) in identifier order, which is also the order of
/// encoding and of JSON records; `$gen` is the macro that receives the rows. The columns:
/// - the identifier and its constant in [`id`];
/// - the field of [`Properties`], which is also the key in JSON records, then the MQTT name
///   in snake_case (used in errors) in parentheses where it differs from the field;
/// - the value: `Byte`, `Bool` (a byte that is 0 or 1, true or false in JSON), `Two`, `Four`
///   (integers of 2 and 4 bytes), `Str`, `Bin`, `SubIds` (variable byte integers) and `Pairs`
///   (string pairs); the last two may repeat, the others appear at most once;
/// - the check beyond the value's encoding: `flag` (0 or 1), `nonzero`, `sub_id` (1 to
///   268,435,455, and at most one outside PUBLISH), `topic` (a topic name) or `any`;
/// - where it may appear (`WILL` is the will properties of CONNECT);
/// - its part in a `message` record: `message` (part of the message: `pub --jsonl` sends it
///   on), `delivery` (added by the broker for this subscription: shown, not sent on), `link`
///   (resolved by the session: neither shown nor sent on) or `none` (not a PUBLISH property).
macro_rules! property_table {
    ($gen:ident) => {
        $gen! {
            0x01 PAYLOAD_FORMAT_INDICATOR payload_format_indicator: Byte, flag, PUBLISH | WILL, message;
            0x02 MESSAGE_EXPIRY_INTERVAL message_expiry_interval: Four, any, PUBLISH | WILL, message;
            0x03 CONTENT_TYPE content_type: Str, any, PUBLISH | WILL, message;
            0x08 RESPONSE_TOPIC response_topic: Str, topic, PUBLISH | WILL, message;
            0x09 CORRELATION_DATA correlation_data: Bin, any, PUBLISH | WILL, message;
            0x0B SUBSCRIPTION_IDENTIFIER subscription_identifiers("subscription_identifier"): SubIds, sub_id, PUBLISH | SUBSCRIBE, delivery;
            0x11 SESSION_EXPIRY_INTERVAL session_expiry_interval: Four, any, CONNECT | CONNACK | DISCONNECT, none;
            0x12 ASSIGNED_CLIENT_IDENTIFIER assigned_client_identifier: Str, any, CONNACK, none;
            0x13 SERVER_KEEP_ALIVE server_keep_alive: Two, any, CONNACK, none;
            0x15 AUTHENTICATION_METHOD authentication_method: Str, any, CONNECT | CONNACK | AUTH, none;
            0x16 AUTHENTICATION_DATA authentication_data: Bin, any, CONNECT | CONNACK | AUTH, none;
            0x17 REQUEST_PROBLEM_INFORMATION request_problem_information: Byte, flag, CONNECT, none;
            0x18 WILL_DELAY_INTERVAL will_delay_interval: Four, any, WILL, none;
            0x19 REQUEST_RESPONSE_INFORMATION request_response_information: Byte, flag, CONNECT, none;
            0x1A RESPONSE_INFORMATION response_information: Str, any, CONNACK, none;
            0x1C SERVER_REFERENCE server_reference: Str, any, CONNACK | DISCONNECT, none;
            0x1F REASON_STRING reason_string: Str, any, CONNACK | ACKS | SUBACK | UNSUBACK | DISCONNECT | AUTH, none;
            0x21 RECEIVE_MAXIMUM receive_maximum: Two, nonzero, CONNECT | CONNACK, none;
            0x22 TOPIC_ALIAS_MAXIMUM topic_alias_maximum: Two, any, CONNECT | CONNACK, none;
            0x23 TOPIC_ALIAS topic_alias: Two, nonzero, PUBLISH, link;
            0x24 MAXIMUM_QOS maximum_qos: Byte, flag, CONNACK, none;
            0x25 RETAIN_AVAILABLE retain_available: Bool, flag, CONNACK, none;
            0x26 USER_PROPERTY user_properties("user_property"): Pairs, any, ALL, message;
            0x27 MAXIMUM_PACKET_SIZE maximum_packet_size: Four, nonzero, CONNECT | CONNACK, none;
            0x28 WILDCARD_SUBSCRIPTION_AVAILABLE wildcard_subscription_available: Bool, flag, CONNACK, none;
            0x29 SUBSCRIPTION_IDENTIFIER_AVAILABLE subscription_identifier_available: Bool, flag, CONNACK, none;
            0x2A SHARED_SUBSCRIPTION_AVAILABLE shared_subscription_available: Bool, flag, CONNACK, none;
        }
    };
}
pub(crate) use property_table;

/// The MQTT name of a row: the field's unless the row gives one.
macro_rules! row_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $name:literal) => {
        $name
    };
}

/// The Rust type of a value column.
macro_rules! slot_type {
    (Byte) => { Option<u8> };
    (Bool) => { Option<u8> };
    (Two) => { Option<u16> };
    (Four) => { Option<u32> };
    (Str) => { Option<String> };
    (Bin) => { Option<Bytes> };
    (SubIds) => { Vec<u32> };
    (Pairs) => { Vec<(String, String)> };
}

/// `$code` when the two column values are the same, for the columns that select code.
macro_rules! when {
    (flag flag $code:block) => {
        $code
    };
    (nonzero nonzero $code:block) => {
        $code
    };
    (sub_id sub_id $code:block) => {
        $code
    };
    (topic topic $code:block) => {
        $code
    };
    (Str Str $code:block) => {
        $code
    };
    (Bin Bin $code:block) => {
        $code
    };
    (Pairs Pairs $code:block) => {
        $code
    };
    ($a:ident $b:ident $code:block) => {};
}

/// Read one value of a property into its slot, with the checks made as it is read.
macro_rules! read_value {
    (sub_id $slot:expr, $d:expr, $name:expr, $packet:expr) => {{
        if $packet != PacketType::Publish && !$slot.is_empty() {
            return Err(Error::DuplicateProperty($name));
        }
        let v = wire::read_varint($d, $name)?;
        check_sub_id(v)?;
        $slot.push(v);
        Ok(())
    }};
    (topic $slot:expr, $d:expr, $name:expr, $packet:expr) => {{
        let topic = wire::read_string($d, $name)?;
        topic::validate_name(&topic)?;
        set_once(&mut $slot, topic, $name)
    }};
    ($check:ident $slot:expr, $d:expr, $name:expr, $packet:expr) => {
        Slot::decode(&mut $slot, $d, $name)
    };
}

/// The protocol code of the rows: [`id`], [`Properties`] and what reads, writes and checks it.
macro_rules! properties_code {
    ($( $id:literal $konst:ident $field:ident $(($name:literal))?: $kind:ident, $check:ident,
        $($ctx:ident)|+, $role:ident; )*) => {
        /// Property identifiers (MQTT 5, section 2.2.2.2).
        pub mod id {
            $( pub const $konst: u8 = $id; )*
        }

        /// Every MQTT 5 property, typed. A packet only carries those the specification allows
        /// for it. `user_properties` and `subscription_identifiers` may repeat; all others
        /// appear at most once.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct Properties {
            $(
                #[doc = concat!("`", stringify!($id), "` in ", stringify!($($ctx)|+))]
                pub $field: slot_type!($kind),
            )*
        }

        /// The snake_case MQTT 5 name of a property identifier and where it may appear.
        fn info(pid: u8) -> Option<(&'static str, u32)> {
            match pid {
                $( $id => Some((row_name!($field $($name)?), $($ctx)|+)), )*
                _ => None,
            }
        }

        impl Properties {
            /// Identifiers of the properties that are set, in encoding order.
            pub fn present(&self) -> Vec<u8> {
                let mut v = Vec::new();
                $( if Slot::is_set(&self.$field) { v.push($id); } )*
                v
            }

            /// Bytes of the properties themselves, without the property length prefix.
            pub fn content_len(&self) -> usize {
                0 $( + Slot::wire_len(&self.$field) )*
            }

            /// Write the property length and the properties (validate first with
            /// [`Properties::validate`]).
            pub fn encode(&self, out: &mut BytesMut) {
                wire::write_varint(out, self.content_len());
                $( Slot::encode(&self.$field, $id, out); )*
            }

            /// Read the value of property `pid` (known and allowed in `packet`).
            fn decode_value(
                &mut self,
                pid: u8,
                name: &'static str,
                d: &mut Bytes,
                packet: PacketType,
            ) -> Result<(), Error> {
                match pid {
                    $( $id => read_value!($check self.$field, d, name, packet), )*
                    _ => Err(Error::UnknownProperty(pid)),
                }
            }

            /// Check the values: ranges, and the rules that tie properties together.
            fn check_values(&self) -> Result<(), Error> {
                $( when!(flag $check { check_flag(self.$field, row_name!($field $($name)?))?; }); )*
                $( when!(nonzero $check {
                    check_nonzero(self.$field, row_name!($field $($name)?))?;
                }); )*
                $( when!(sub_id $check {
                    for &v in &self.$field {
                        check_sub_id(v)?;
                    }
                }); )*
                if self.authentication_data.is_some() && self.authentication_method.is_none() {
                    return Err(Error::Malformed(
                        "authentication data without authentication method",
                    ));
                }
                Ok(())
            }

            /// Repeated values where only PUBLISH may repeat them.
            fn check_repeats(&self, packet: PacketType) -> Result<(), Error> {
                $( when!(sub_id $check {
                    if packet != PacketType::Publish && self.$field.len() > 1 {
                        return Err(Error::DuplicateProperty(row_name!($field $($name)?)));
                    }
                }); )*
                Ok(())
            }

            /// Strings and binary data that fit their length prefix, topic names that are.
            fn check_encodable(&self) -> Result<(), Error> {
                $( when!(Str $kind {
                    if let Some(s) = &self.$field {
                        wire::check_string(s)?;
                    }
                }); )*
                $( when!(Pairs $kind {
                    for (k, v) in &self.$field {
                        wire::check_string(k)?;
                        wire::check_string(v)?;
                    }
                }); )*
                $( when!(Bin $kind {
                    if let Some(b) = &self.$field {
                        wire::check_binary(b)?;
                    }
                }); )*
                $( when!(topic $check {
                    if let Some(t) = &self.$field {
                        topic::validate_name(t)?;
                    }
                }); )*
                Ok(())
            }

            /// Copy property `pid` (all its values) from `from`.
            #[cfg(test)]
            pub(crate) fn copy_property(&mut self, from: &Properties, pid: u8) {
                match pid {
                    $( $id => self.$field.clone_from(&from.$field), )*
                    _ => unreachable!("unknown property {pid}"),
                }
            }
        }
    };
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

property_table!(properties_code);

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

impl Properties {
    /// No property is set.
    pub fn is_empty(&self) -> bool {
        *self == Properties::default()
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
        self.check_repeats(packet)?;
        self.check_values()?;
        self.check_encodable()
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

    /// Bytes [`Properties::encode`] writes: the property length prefix plus the properties.
    pub fn encoded_len(&self) -> usize {
        let len = self.content_len();
        wire::varint_len(len) + len
    }

    /// Read a property length and that many bytes of properties from the front of `buf`,
    /// checking each against the set allowed in `packet` (or in will properties when `will`).
    pub fn decode(buf: &mut Bytes, packet: PacketType, will: bool) -> Result<Properties, Error> {
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
            p.decode_value(pid, name, &mut data, packet)?;
        }
        p.check_values()?;
        Ok(p)
    }
}

#[cfg(test)]
#[path = "properties_tests.rs"]
mod tests;
