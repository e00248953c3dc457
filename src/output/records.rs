//! The records of `conn`, `pub` and the diagnostics, typed: each field in the order it is
//! written, optional ones left out when absent (README "JSON records"). `message` has its own
//! module (`message.rs`, written and read back); bench's `tick` and `summary` live with bench.
use serde::Serialize;
use serde_json::{Map, Value};

use super::properties;
use super::record::{ms, now};
use crate::protocol::{reason, Disconnect, PacketType, Properties};
use crate::session::{ConnectOptions, Handshake};

fn is_false(b: &bool) -> bool {
    !*b
}

/// Append a typed record and its newline to `buf` (no intermediate string).
pub fn write(buf: &mut Vec<u8>, record: &impl Serialize) {
    // Serializing into a Vec cannot fail for these plain structs.
    let _ = serde_json::to_writer(&mut *buf, record);
    buf.push(b'\n');
}

/// One JSON line (no newline) of a typed record.
pub fn line(record: &impl Serialize) -> String {
    // Serializing plain structs of strings, numbers and JSON values cannot fail.
    serde_json::to_string(record).unwrap_or_default()
}

/// `published`: one per message `pub` sent, once it is acknowledged (or, at QoS 0, written).
#[derive(Serialize)]
pub struct Published<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    seq: u64,
    topic: &'a str,
    qos: u8,
    #[serde(skip_serializing_if = "is_false")]
    retain: bool,
    /// None at QoS 0.
    packet_id: Option<u16>,
    reason_code: u8,
    reason_name: &'static str,
    #[serde(skip_serializing_if = "Map::is_empty")]
    properties: Map<String, Value>,
}

impl<'a> Published<'a> {
    pub fn new(
        seq: u64,
        topic: &'a str,
        qos: u8,
        retain: bool,
        packet_id: u16,
        reason_code: u8,
        ack_properties: Option<&Properties>,
    ) -> Published<'a> {
        Published {
            kind: "published",
            time: now(),
            seq,
            topic,
            qos,
            retain,
            packet_id: (packet_id != 0).then_some(packet_id),
            reason_code,
            reason_name: reason::name(PacketType::PubAck, reason_code),
            properties: ack_properties.map(properties::to_map).unwrap_or_default(),
        }
    }
}

/// `connack`: the broker's answer to `conn`'s CONNECT, every property, and the timings.
#[derive(Serialize)]
pub struct Connack<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    broker: String,
    transport: &'static str,
    protocol_version: &'static str,
    client_id: &'a str,
    reason_code: u8,
    reason_name: &'static str,
    session_present: bool,
    properties: Map<String, Value>,
    timings: Timings,
}

#[derive(Serialize)]
struct Timings {
    dns_ms: Value,
    tcp_ms: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    tls_ms: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ws_ms: Option<Value>,
    mqtt_ms: Value,
    total_ms: Value,
}

impl<'a> Connack<'a> {
    pub fn new(opts: &'a ConnectOptions, hs: &'a Handshake) -> Connack<'a> {
        let c = &hs.connack;
        Connack {
            kind: "connack",
            time: now(),
            broker: opts.address(),
            transport: opts.scheme.as_str(),
            protocol_version: hs.version.as_str(),
            client_id: c
                .properties
                .assigned_client_identifier
                .as_deref()
                .unwrap_or(&opts.connect.client_id),
            reason_code: c.reason,
            reason_name: reason::connack_name(hs.version, c.reason),
            session_present: c.session_present,
            properties: properties::to_map(&c.properties),
            timings: Timings {
                dns_ms: ms(hs.timings.dns),
                tcp_ms: ms(hs.timings.tcp),
                tls_ms: hs.timings.tls.map(ms),
                ws_ms: hs.timings.ws.map(ms),
                mqtt_ms: ms(hs.mqtt),
                total_ms: ms(hs.total),
            },
        }
    }
}

/// `disconnected`: how `conn --hold` lost its connection: the server's DISCONNECT, if it sent
/// one, and the reason in words.
#[derive(Serialize, Default)]
pub struct Disconnected {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason_code: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    properties: Map<String, Value>,
    reason: String,
}

impl Disconnected {
    /// `server`: the DISCONNECT the broker sent, if any; `why`: the reason in words.
    pub fn new(server: Option<&Disconnect>, why: String) -> Disconnected {
        Disconnected {
            kind: "disconnected",
            time: now(),
            reason_code: server.map(|d| d.reason),
            reason_name: server.map(|d| reason::name(PacketType::Disconnect, d.reason)),
            properties: server
                .map(|d| properties::to_map(&d.properties))
                .unwrap_or_default(),
            reason: why,
        }
    }
}

/// `log`: a diagnostic under `--log json`.
#[derive(Serialize)]
pub struct Log<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    level: &'static str,
    #[serde(rename = "kind", skip_serializing_if = "Option::is_none")]
    event: Option<&'a str>,
    message: &'a str,
}

impl<'a> Log<'a> {
    pub fn new(level: &'static str, event: Option<&'a str>, message: &'a str) -> Log<'a> {
        Log {
            kind: "log",
            time: now(),
            level,
            event,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn without_time(line: &str) -> String {
        let v: Value = serde_json::from_str(line).unwrap();
        let mut m = v.as_object().unwrap().clone();
        assert!(m
            .shift_remove("time")
            .is_some_and(|t| t.as_str().unwrap().ends_with('Z')));
        Value::Object(m).to_string()
    }

    #[test]
    fn published_records_leave_out_what_is_absent_and_keep_their_order() {
        let qos0 = line(&Published::new(1, "a/b", 0, false, 0, 0, None));
        assert!(
            qos0.starts_with(r#"{"type":"published","time":""#),
            "{qos0}"
        );
        assert_eq!(
            without_time(&qos0),
            r#"{"type":"published","seq":1,"topic":"a/b","qos":0,"packet_id":null,"reason_code":0,"reason_name":"Success"}"#
        );
        let props = Properties {
            reason_string: Some("full".into()),
            ..Properties::default()
        };
        let refused = line(&Published::new(7, "t", 1, true, 3, 0x97, Some(&props)));
        assert_eq!(
            without_time(&refused),
            r#"{"type":"published","seq":7,"topic":"t","qos":1,"retain":true,"packet_id":3,"reason_code":151,"reason_name":"Quota exceeded","properties":{"reason_string":"full"}}"#
        );
    }

    #[test]
    fn disconnected_records_name_the_servers_reason_when_it_gave_one() {
        let lost = line(&Disconnected::new(None, "connection dead".into()));
        assert_eq!(
            without_time(&lost),
            r#"{"type":"disconnected","reason":"connection dead"}"#
        );
        let d = Disconnect {
            reason: 0x8B,
            properties: Properties::default(),
        };
        let server = line(&Disconnected::new(
            Some(&d),
            "the broker sent DISCONNECT".into(),
        ));
        assert_eq!(
            without_time(&server),
            r#"{"type":"disconnected","reason_code":139,"reason_name":"Server shutting down","reason":"the broker sent DISCONNECT"}"#
        );
    }

    #[test]
    fn log_records_carry_level_kind_and_message() {
        let l = line(&Log::new("error", Some("connect"), "cannot connect"));
        assert_eq!(
            without_time(&l),
            r#"{"type":"log","level":"error","kind":"connect","message":"cannot connect"}"#
        );
    }
}
