//! The records of `conn`, `pub`, bench's `tick` and the diagnostics, typed: each field in the
//! order it is written, optional ones left out when absent (README "JSON records"). `message`
//! has its own module (`message.rs`, written and read back); bench's `summary` lives with
//! bench (`commands/bench/summary.rs`: it carries bench's histograms, and `bench merge` reads it
//! back with the same type).
use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::properties;
use super::record::{ms, now};
use crate::protocol::{reason, Disconnect, PacketType, Properties};
use crate::session::{ConnectOptions, Handshake};

fn is_false(b: &bool) -> bool {
    !*b
}

/// `pub --replay`'s last record: what was replayed and how late it went out.
#[derive(Serialize)]
pub struct Replayed {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    messages: u64,
    skipped: u64,
    passes: u64,
    /// Messages handed over more than 1 ms after their time; null at `--speed max`.
    late: Option<u64>,
    lateness_ms: Option<LatenessMs>,
}

/// Percentiles of the lateness, in milliseconds (microsecond precision).
#[derive(Serialize)]
pub struct LatenessMs {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

impl Replayed {
    pub fn new(
        messages: u64,
        skipped: u64,
        passes: u64,
        late: Option<u64>,
        lateness_ms: Option<LatenessMs>,
    ) -> Replayed {
        Replayed {
            kind: "replayed",
            time: now(),
            messages,
            skipped,
            passes,
            late,
            lateness_ms,
        }
    }
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

/// `tick`: what `bench` has counted, once a second, and the rates over the last interval.
#[derive(Serialize)]
pub struct Tick<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    #[serde(flatten)]
    counts: &'a TickCounts,
}

impl<'a> Tick<'a> {
    pub fn new(counts: &'a TickCounts) -> Tick<'a> {
        Tick {
            kind: "tick",
            time: now(),
            counts,
        }
    }
}

/// The figures of a `tick`, in the order they are written (bench reads them from its counters
/// and shows them in its progress bar as well).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TickCounts {
    /// Written as `elapsed_s`, seconds to the millisecond.
    #[serde(rename = "elapsed_s", serialize_with = "seconds_to_the_ms")]
    pub elapsed: Duration,
    pub connected: u64,
    pub connect_failed: u64,
    pub sent: u64,
    pub acked: u64,
    pub received: u64,
    pub sent_per_s: f64,
    pub acked_per_s: f64,
    pub received_per_s: f64,
    pub inflight: i64,
    pub overruns: u64,
    /// By kind, connection failures as `connect_<kind>`.
    pub errors: BTreeMap<String, u64>,
}

fn seconds_to_the_ms<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
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
    fn tick_records_write_every_figure_in_order_with_elapsed_seconds_to_the_ms() {
        let counts = TickCounts {
            elapsed: Duration::from_micros(1_001_600),
            connected: 3,
            connect_failed: 1,
            sent: 1000,
            acked: 990,
            received: 980,
            sent_per_s: 999.5,
            acked_per_s: 989.0,
            received_per_s: 0.0,
            inflight: 10,
            overruns: 2,
            errors: BTreeMap::from([
                ("publish_rejected".to_string(), 4),
                ("connect_refused".to_string(), 1),
            ]),
        };
        let l = line(&Tick::new(&counts));
        assert!(l.starts_with(r#"{"type":"tick","time":""#), "{l}");
        assert_eq!(
            without_time(&l),
            r#"{"type":"tick","elapsed_s":1.002,"connected":3,"connect_failed":1,"sent":1000,"acked":990,"received":980,"sent_per_s":999.5,"acked_per_s":989.0,"received_per_s":0.0,"inflight":10,"overruns":2,"errors":{"connect_refused":1,"publish_rejected":4}}"#
        );
    }

    #[test]
    fn tick_records_keep_whole_seconds_as_floats_and_an_empty_errors_object() {
        let counts = TickCounts {
            elapsed: Duration::from_secs(2),
            ..TickCounts::default()
        };
        assert_eq!(
            without_time(&line(&Tick::new(&counts))),
            r#"{"type":"tick","elapsed_s":2.0,"connected":0,"connect_failed":0,"sent":0,"acked":0,"received":0,"sent_per_s":0.0,"acked_per_s":0.0,"received_per_s":0.0,"inflight":0,"overruns":0,"errors":{}}"#
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
