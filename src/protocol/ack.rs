use super::Properties;

/// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape. In MQTT 5 a reason code of 0 with no
/// properties is encoded in the short 2-byte form; in 3.1/3.1.1 only the packet id exists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ack {
    pub packet_id: u16,
    pub reason: u8,
    pub properties: Properties,
}
