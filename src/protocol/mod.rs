//! Sans-IO MQTT 3.1, 3.1.1 and 5.0 packets: types, encoding and decoding.
//!
//! Nothing in here does I/O or knows about tokio. `decode` takes whatever bytes have arrived
//! and returns `Ok(None)` until a whole packet is buffered; malformed input is a typed
//! [`Error`]. All three protocol versions share one code path with the version as a parameter.

pub mod ack;
pub mod connect;
mod error;
pub mod packet;
pub mod properties;
mod property_wire;
#[cfg(test)]
mod proptests;
pub mod publish;
pub mod reason;
pub mod subscribe;
pub mod topic;
pub mod wire;

pub use ack::Ack;
pub use connect::{Auth, ConnAck, Connect, Disconnect, Will};
pub use error::Error;
pub use packet::{decode, encode, Packet, PacketType};
pub use properties::Properties;
pub use publish::Publish;
pub use subscribe::{RetainHandling, SubAck, SubOptions, Subscribe, UnsubAck, Unsubscribe};

/// The protocol version spoken on a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// MQTT 3.1: protocol name `MQIsdp`, level 3.
    V3_1,
    /// MQTT 3.1.1: protocol name `MQTT`, level 4.
    V3_1_1,
    /// MQTT 5.0: protocol name `MQTT`, level 5.
    V5,
}

impl Version {
    /// The protocol level byte of CONNECT.
    pub fn level(self) -> u8 {
        match self {
            Version::V3_1 => 3,
            Version::V3_1_1 => 4,
            Version::V5 => 5,
        }
    }

    /// The protocol name of CONNECT.
    pub fn protocol_name(self) -> &'static str {
        match self {
            Version::V3_1 => "MQIsdp",
            Version::V3_1_1 | Version::V5 => "MQTT",
        }
    }

    /// How users write it: `3.1`, `3.1.1`, `5`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V3_1 => "3.1",
            Version::V3_1_1 => "3.1.1",
            Version::V5 => "5",
        }
    }

    pub fn is_v5(self) -> bool {
        self == Version::V5
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "3.1" | "31" | "mqttv31" | "3" => Ok(Version::V3_1),
            "3.1.1" | "311" | "mqttv311" | "4" => Ok(Version::V3_1_1),
            "5" | "5.0" | "mqttv5" => Ok(Version::V5),
            _ => Err(format!(
                "unknown protocol version '{s}' (expected 3.1, 3.1.1 or 5)"
            )),
        }
    }
}

/// Quality of service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum QoS {
    #[default]
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl QoS {
    pub fn from_u8(v: u8) -> Option<QoS> {
        match v {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

/// Limits applied while decoding.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest whole packet (fixed header included) accepted; bigger is
    /// [`Error::PacketTooLarge`] as soon as the fixed header is read.
    pub max_packet_size: u32,
}

impl Default for Limits {
    fn default() -> Self {
        // The protocol maximum: 268,435,455 bytes of remaining length plus a 5-byte header.
        Limits {
            max_packet_size: 268_435_460,
        }
    }
}
