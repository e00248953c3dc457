//! MQTT 5 properties: one typed struct for every packet; decoding rejects unknown,
//! duplicate and not-allowed properties.
use bytes::Bytes;

/// Every MQTT 5 property, typed. A packet only carries those the specification allows for it.
/// `user_properties` and `subscription_identifiers` may repeat; all others appear at most once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Properties {
    pub payload_format_indicator: Option<u8>,      // 0x01 PUBLISH, will
    pub message_expiry_interval: Option<u32>,      // 0x02 PUBLISH, will
    pub content_type: Option<String>,              // 0x03 PUBLISH, will
    pub response_topic: Option<String>,            // 0x08 PUBLISH, will
    pub correlation_data: Option<Bytes>,           // 0x09 PUBLISH, will
    pub subscription_identifiers: Vec<u32>,        // 0x0B PUBLISH (many), SUBSCRIBE (one)
    pub session_expiry_interval: Option<u32>,      // 0x11 CONNECT, CONNACK, DISCONNECT
    pub assigned_client_identifier: Option<String>, // 0x12 CONNACK
    pub server_keep_alive: Option<u16>,            // 0x13 CONNACK
    pub authentication_method: Option<String>,     // 0x15 CONNECT, CONNACK, AUTH
    pub authentication_data: Option<Bytes>,        // 0x16 CONNECT, CONNACK, AUTH
    pub request_problem_information: Option<u8>,   // 0x17 CONNECT
    pub will_delay_interval: Option<u32>,          // 0x18 will
    pub request_response_information: Option<u8>,  // 0x19 CONNECT
    pub response_information: Option<String>,      // 0x1A CONNACK
    pub server_reference: Option<String>,          // 0x1C CONNACK, DISCONNECT
    pub reason_string: Option<String>,             // 0x1F acks, CONNACK, SUBACK, UNSUBACK, DISCONNECT, AUTH
    pub receive_maximum: Option<u16>,              // 0x21 CONNECT, CONNACK
    pub topic_alias_maximum: Option<u16>,          // 0x22 CONNECT, CONNACK
    pub topic_alias: Option<u16>,                  // 0x23 PUBLISH
    pub maximum_qos: Option<u8>,                   // 0x24 CONNACK
    pub retain_available: Option<u8>,              // 0x25 CONNACK
    pub user_properties: Vec<(String, String)>,    // 0x26 every packet with properties
    pub maximum_packet_size: Option<u32>,          // 0x27 CONNECT, CONNACK
    pub wildcard_subscription_available: Option<u8>, // 0x28 CONNACK
    pub subscription_identifier_available: Option<u8>, // 0x29 CONNACK
    pub shared_subscription_available: Option<u8>, // 0x2A CONNACK
}
