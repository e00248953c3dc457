//! The JSON line records (README "JSON records"): one object a line, `type` first,
//! snake_case keys, ISO-8601 UTC times with microseconds.
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

/// `2026-11-26T06:07:13.863087Z`
pub fn timestamp(t: SystemTime) -> String {
    humantime::format_rfc3339_micros(t).to_string()
}

/// Milliseconds since 1970 now.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

pub fn now() -> String {
    timestamp(SystemTime::now())
}

/// Milliseconds with microsecond precision.
pub fn ms(d: Duration) -> Value {
    let v = (d.as_secs_f64() * 1e6).round() / 1e3;
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
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

    #[test]
    fn records_start_with_type_and_time() {
        let r = line(record("connack"));
        assert!(r.starts_with("{\"type\":\"connack\",\"time\":\"20"), "{r}");
        assert!(r.ends_with("Z\"}"), "{r}");
        assert_eq!(ms(Duration::from_micros(1234)), serde_json::json!(1.234));
    }
}
