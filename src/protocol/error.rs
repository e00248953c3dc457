use std::fmt;

/// Why bytes could not be decoded as, or a value could not be encoded as, an MQTT packet.
/// Each variant names the problem precisely enough for a one-line diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The variable byte integer of the fixed header (or a property) ran past 4 bytes.
    MalformedVariableInteger,
    /// The packet (fixed header included) is larger than the maximum allowed.
    PacketTooLarge { size: u64, max: u32 },
    /// The first byte's high nibble is 0 or otherwise not a packet type.
    InvalidPacketType(u8),
    /// Reserved fixed-header flag bits are not as the specification requires.
    InvalidFlags { packet: &'static str, flags: u8 },
    /// A QoS of 3 (or other invalid value) in PUBLISH, a will or a subscription option.
    InvalidQoS(u8),
    /// A packet id of 0 where a non-zero one is required.
    PacketIdZero { packet: &'static str },
    /// A string is not valid UTF-8.
    InvalidUtf8,
    /// A string contains U+0000.
    NullCharacter,
    /// A field or property runs past the end of the packet.
    Truncated { what: &'static str },
    /// Bytes remain after the last field of a packet that allows none.
    TrailingBytes { packet: &'static str },
    /// A property identifier that MQTT 5 does not define.
    UnknownProperty(u8),
    /// A property that may appear at most once appeared twice.
    DuplicateProperty(&'static str),
    /// A property that is not allowed in this packet.
    PropertyNotAllowed {
        property: &'static str,
        packet: &'static str,
    },
    /// A property value out of its range (e.g. payload format indicator 2, receive maximum 0).
    InvalidPropertyValue { property: &'static str },
    /// A reason code that is not allowed in this packet.
    InvalidReasonCode { code: u8, packet: &'static str },
    /// CONNECT with an unknown protocol name or level.
    UnsupportedProtocol { name: String, level: u8 },
    /// Invalid topic name (empty, wildcard, too long ...); the text says which rule.
    InvalidTopic(&'static str),
    /// Invalid topic filter; the text says which rule.
    InvalidTopicFilter(&'static str),
    /// Any other violation; the text names it.
    Malformed(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MalformedVariableInteger => {
                f.write_str("malformed variable byte integer (longer than 4 bytes, or not in its shortest form)")
            }
            Error::PacketTooLarge { size, max } => {
                write!(
                    f,
                    "packet of {size} bytes exceeds the maximum packet size of {max} bytes"
                )
            }
            Error::InvalidPacketType(b) => write!(f, "invalid packet type {}", b >> 4),
            Error::InvalidFlags { packet, flags } => {
                write!(f, "invalid fixed header flags {flags:#06b} for {packet}")
            }
            Error::InvalidQoS(q) => write!(f, "invalid QoS {q}"),
            Error::PacketIdZero { packet } => write!(f, "packet id 0 in {packet}"),
            Error::InvalidUtf8 => f.write_str("string is not valid UTF-8"),
            Error::NullCharacter => f.write_str("string contains U+0000"),
            Error::Truncated { what } => write!(f, "{what} runs past the end of the packet"),
            Error::TrailingBytes { packet } => write!(f, "unexpected bytes at the end of {packet}"),
            Error::UnknownProperty(id) => write!(f, "unknown property identifier {id:#04x}"),
            Error::DuplicateProperty(p) => write!(f, "property {p} appears more than once"),
            Error::PropertyNotAllowed { property, packet } => {
                write!(f, "property {property} is not allowed in {packet}")
            }
            Error::InvalidPropertyValue { property } => {
                write!(f, "invalid value for property {property}")
            }
            Error::InvalidReasonCode { code, packet } => {
                write!(f, "reason code {code:#04x} is not allowed in {packet}")
            }
            Error::UnsupportedProtocol { name, level } => {
                write!(f, "unsupported protocol name {name:?} level {level}")
            }
            Error::InvalidTopic(why) => write!(f, "invalid topic name: {why}"),
            Error::InvalidTopicFilter(why) => write!(f, "invalid topic filter: {why}"),
            Error::Malformed(why) => write!(f, "malformed packet: {why}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The DISCONNECT reason (MQTT 5) for a packet that could not be decoded.
    pub fn disconnect_reason(&self) -> u8 {
        match self {
            Error::PacketTooLarge { .. } => super::reason::PACKET_TOO_LARGE,
            _ => super::reason::MALFORMED_PACKET,
        }
    }
}
