use bytes::Bytes;

use super::{Properties, QoS};

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
