use bytes::Bytes;

use super::{Properties, QoS, Version};

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
