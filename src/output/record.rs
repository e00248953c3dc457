//! The JSON line records (DESIGN.md section 4): one object a line, `type` first,
//! snake_case keys, ISO-8601 UTC times with microseconds.
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::payload;
use crate::protocol::Properties;

/// `2026-11-26T06:07:13.863087Z`
pub fn timestamp(t: SystemTime) -> String {
    humantime::format_rfc3339_micros(t).to_string()
}

pub fn now() -> String {
    timestamp(SystemTime::now())
}

/// Milliseconds with microsecond precision.
pub fn ms(d: Duration) -> Value {
    let v = (d.as_secs_f64() * 1e6).round() / 1e3;
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// The properties present, keyed by their MQTT 5 names in snake_case, in specification order.
/// Binary values follow the payload rule (`payload::binary_value`).
pub fn properties(p: &Properties) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    if let Some(v) = p.payload_format_indicator {
        put("payload_format_indicator", v.into());
    }
    if let Some(v) = p.message_expiry_interval {
        put("message_expiry_interval", v.into());
    }
    if let Some(v) = &p.content_type {
        put("content_type", v.as_str().into());
    }
    if let Some(v) = &p.response_topic {
        put("response_topic", v.as_str().into());
    }
    if let Some(v) = &p.correlation_data {
        put("correlation_data", payload::binary_value(v));
    }
    if !p.subscription_identifiers.is_empty() {
        put("subscription_identifiers", p.subscription_identifiers.clone().into());
    }
    if let Some(v) = p.session_expiry_interval {
        put("session_expiry_interval", v.into());
    }
    if let Some(v) = &p.assigned_client_identifier {
        put("assigned_client_identifier", v.as_str().into());
    }
    if let Some(v) = p.server_keep_alive {
        put("server_keep_alive", v.into());
    }
    if let Some(v) = &p.authentication_method {
        put("authentication_method", v.as_str().into());
    }
    if let Some(v) = &p.authentication_data {
        put("authentication_data", payload::binary_value(v));
    }
    if let Some(v) = p.request_problem_information {
        put("request_problem_information", v.into());
    }
    if let Some(v) = p.will_delay_interval {
        put("will_delay_interval", v.into());
    }
    if let Some(v) = p.request_response_information {
        put("request_response_information", v.into());
    }
    if let Some(v) = &p.response_information {
        put("response_information", v.as_str().into());
    }
    if let Some(v) = &p.server_reference {
        put("server_reference", v.as_str().into());
    }
    if let Some(v) = &p.reason_string {
        put("reason_string", v.as_str().into());
    }
    if let Some(v) = p.receive_maximum {
        put("receive_maximum", v.into());
    }
    if let Some(v) = p.topic_alias_maximum {
        put("topic_alias_maximum", v.into());
    }
    if let Some(v) = p.topic_alias {
        put("topic_alias", v.into());
    }
    if let Some(v) = p.maximum_qos {
        put("maximum_qos", v.into());
    }
    if let Some(v) = p.retain_available {
        put("retain_available", (v != 0).into());
    }
    if !p.user_properties.is_empty() {
        let pairs: Vec<Value> = p
            .user_properties
            .iter()
            .map(|(k, v)| Value::Array(vec![k.as_str().into(), v.as_str().into()]))
            .collect();
        put("user_properties", Value::Array(pairs));
    }
    if let Some(v) = p.maximum_packet_size {
        put("maximum_packet_size", v.into());
    }
    if let Some(v) = p.wildcard_subscription_available {
        put("wildcard_subscription_available", (v != 0).into());
    }
    if let Some(v) = p.subscription_identifier_available {
        put("subscription_identifier_available", (v != 0).into());
    }
    if let Some(v) = p.shared_subscription_available {
        put("shared_subscription_available", (v != 0).into());
    }
    m
}

/// Start a record: `{"type": ..., "time": ...}`.
pub fn record(kind: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), kind.into());
    m.insert("time".into(), now().into());
    m
}

/// One JSON line (no newline).
pub fn line(m: Map<String, Value>) -> String {
    Value::Object(m).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn properties_use_snake_case_names_and_payload_rules() {
        let p = Properties {
            content_type: Some("text/plain".into()),
            correlation_data: Some(Bytes::from_static(&[0xff, 0x01])),
            user_properties: vec![("k".into(), "v".into()), ("k".into(), "w".into())],
            retain_available: Some(0),
            receive_maximum: Some(20),
            ..Properties::default()
        };
        let v = Value::Object(properties(&p));
        assert_eq!(
            v,
            serde_json::json!({
                "content_type": "text/plain",
                "correlation_data": {"base64": "/wE="},
                "user_properties": [["k", "v"], ["k", "w"]],
                "retain_available": false,
                "receive_maximum": 20
            })
        );
        assert!(properties(&Properties::default()).is_empty());
    }

    #[test]
    fn records_start_with_type_and_time() {
        let r = line(record("connack"));
        assert!(r.starts_with("{\"type\":\"connack\",\"time\":\"20"), "{r}");
        assert!(r.ends_with("Z\"}"), "{r}");
        assert_eq!(ms(Duration::from_micros(1234)), serde_json::json!(1.234));
    }
}
