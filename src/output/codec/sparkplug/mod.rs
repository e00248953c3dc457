//! Sparkplug B: the payload schema (`schema`), values by datatype (`values`), payloads as JSON
//! and back (`json`, `from_json`), the topic namespace (`topic`) and what a listening host
//! keeps (`host`: births for alias names, sequence checks).
pub mod from_json;
pub mod host;
pub mod json;
pub mod schema;
pub mod topic;
pub mod values;

use prost::Message as _;
use serde_json::Value;

pub use host::Host;
pub use topic::Topic;

/// Decode a payload without births (aliases stay unnamed).
pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    let p =
        schema::Payload::decode(bytes).map_err(|e| format!("not a Sparkplug B payload: {e}"))?;
    Ok(json::payload_json(&p, &json::Lookup::default()))
}

/// Decode a payload received on `topic`, with what `host` learned from births, and tell
/// `host` about it; returns the JSON and `--sparkplug-check`'s warnings. A STATE message is
/// JSON (Sparkplug 3.0), decoded as such.
pub fn decode_on(
    host: &mut Host,
    topic: &Topic,
    bytes: &[u8],
) -> Result<(Json, Vec<String>), String> {
    if let Topic::State { .. } = topic {
        let v: Value = serde_json::from_slice(bytes)
            .map_err(|e| format!("a STATE payload must be JSON: {e}"))?;
        return Ok((raw(&v), Vec::new()));
    }
    let p =
        schema::Payload::decode(bytes).map_err(|e| format!("not a Sparkplug B payload: {e}"))?;
    let warnings = host.observe(topic, &p);
    let mut out = Vec::with_capacity(bytes.len() * 4);
    json::write_payload(&mut out, &p, &host.lookup(topic));
    let json = String::from_utf8(out)
        .ok()
        .and_then(|text| serde_json::value::RawValue::from_string(text).ok())
        .unwrap_or_default();
    Ok((json, warnings))
}

/// Decoded JSON text, ready to go into a record.
pub type Json = Box<serde_json::value::RawValue>;

fn raw(v: &impl serde::Serialize) -> Json {
    serde_json::value::to_raw_value(v).unwrap_or_default()
}

pub fn encode(v: &Value) -> Result<Vec<u8>, String> {
    Ok(from_json::payload_from_json(v)?.encode_to_vec())
}

#[cfg(test)]
mod sparkplug_tests;
