//! Payload bytes <-> JSON values: UTF-8 text as is, otherwise (or when asked) base64 or hex,
//! with `--payload json` embedding a payload that parses as JSON. Both directions, so a record
//! printed by `sub` is read back by `pub --jsonl` to the same bytes.
use base64::Engine as _;
use serde_json::Value;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PayloadFormat {
    /// UTF-8 text; base64 when the bytes are not UTF-8
    #[default]
    Text,
    /// Embed JSON payloads as JSON values; otherwise as text
    Json,
    /// Always base64
    Base64,
    /// Always hex
    Hex,
    /// Decode CBOR to JSON
    Cbor,
    /// Decode MessagePack to JSON
    Msgpack,
    /// Decode Protobuf to JSON with the schema of --proto or --descriptor-set and --message
    Protobuf,
    /// Decode Sparkplug B to JSON (topic fields, metric names from births)
    Sparkplug,
    /// By content type and topic: Sparkplug B on spBv1.0/ topics, CBOR, MessagePack or
    /// Protobuf by MQTT 5 content type, else JSON, text or base64
    Auto,
}

/// The JSON value of a payload and the `encoding` to name, if any.
pub fn encode(bytes: &[u8], format: PayloadFormat) -> (Value, Option<&'static str>) {
    match format {
        PayloadFormat::Base64 => (Value::String(base64(bytes)), Some("base64")),
        PayloadFormat::Hex => (Value::String(hex(bytes)), Some("hex")),
        PayloadFormat::Json => match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => (v, Some("json")),
            Err(_) => encode(bytes, PayloadFormat::Text),
        },
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => (Value::String(s.to_string()), None),
            Err(_) => (Value::String(base64(bytes)), Some("base64")),
        },
    }
}

/// Bytes back from a record's payload value and encoding. The error names the problem.
pub fn decode(value: &Value, encoding: Option<&str>) -> Result<Vec<u8>, String> {
    match (encoding, value) {
        (None | Some("text") | Some("utf8") | Some("utf-8"), Value::String(s)) => {
            Ok(s.as_bytes().to_vec())
        }
        (None, Value::Null) => Ok(Vec::new()),
        (Some("base64"), Value::String(s)) => unbase64(s),
        (Some("hex"), Value::String(s)) => unhex(s),
        (Some("json"), v) => serde_json::to_vec(v).map_err(|e| e.to_string()),
        (None | Some("text") | Some("utf8") | Some("utf-8") | Some("base64") | Some("hex"), _) => {
            Err("payload must be a string for this encoding".into())
        }
        (Some(other), _) => Err(format!(
            "unknown encoding '{other}' (expected base64, hex, json, cbor, msgpack, protobuf or sparkplug)"
        )),
    }
}

/// A payload that is JSON, as the JSON text itself with the white space between tokens
/// removed (so it fits on one record line): numbers, key order and duplicate keys stay exactly
/// as sent, where a parsed value would round `12345678901234567890123`, turn `-0` into `-0.0`
/// and merge duplicate keys. None when the payload is not JSON.
pub fn json_raw(bytes: &[u8]) -> Option<Box<serde_json::value::RawValue>> {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).ok()?;
    let mut text = Vec::with_capacity(bytes.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            text.push(b);
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            in_string = b == b'"';
            text.push(b);
        }
    }
    let text = String::from_utf8(text).ok()?;
    serde_json::value::RawValue::from_string(text).ok()
}

pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn unbase64(s: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| format!("invalid base64: {e}"))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// Hex to bytes; white space between digits is ignored.
pub fn unhex(s: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return Err("invalid hex: odd number of digits".into());
    }
    digits
        .chunks(2)
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16);
            let lo = (pair[1] as char).to_digit(16);
            match (hi, lo) {
                (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
                _ => Err(format!(
                    "invalid hex digit in '{}'",
                    String::from_utf8_lossy(pair)
                )),
            }
        })
        .collect()
}

/// Binary property values (correlation data, authentication data): a string when UTF-8,
/// else `{"base64": "..."}`.
pub fn binary_value(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(s) => Value::String(s.to_string()),
        Err(_) => serde_json::json!({ "base64": base64(bytes) }),
    }
}

pub fn binary_from_value(v: &Value) -> Result<Vec<u8>, String> {
    match v {
        Value::String(s) => Ok(s.as_bytes().to_vec()),
        Value::Object(m) => match (m.get("base64"), m.get("hex")) {
            (Some(Value::String(b)), None) => unbase64(b),
            (None, Some(Value::String(h))) => unhex(h),
            _ => Err("binary value must be a string, {\"base64\": ...} or {\"hex\": ...}".into()),
        },
        _ => Err("binary value must be a string, {\"base64\": ...} or {\"hex\": ...}".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_payloads_keep_their_numbers_and_keys_exactly_without_white_space() {
        let raw = |s: &str| json_raw(s.as_bytes()).map(|r| r.get().to_string());
        assert_eq!(
            raw("{ \"n\": 12345678901234567890123, \"z\": -0, \"k\": 1, \"k\": 2.50 }").as_deref(),
            Some(r#"{"n":12345678901234567890123,"z":-0,"k":1,"k":2.50}"#)
        );
        // White space inside strings stays, escapes too.
        assert_eq!(
            raw("[\"a b\", \"q\\\" x\", \"\\\\\"]\n").as_deref(),
            Some(r#"["a b","q\" x","\\"]"#)
        );
        assert_eq!(raw("not json"), None);
        assert_eq!(raw("  "), None);
        assert_eq!(raw("{\"a\":1} x"), None);
    }

    #[test]
    fn text_stays_text_and_binary_becomes_base64() {
        assert_eq!(
            encode(b"hello", PayloadFormat::Text),
            (json!("hello"), None)
        );
        assert_eq!(
            encode(&[0xff, 0x00], PayloadFormat::Text),
            (json!("/wA="), Some("base64"))
        );
        assert_eq!(
            encode(b"{\"a\":1}", PayloadFormat::Json),
            (json!({"a": 1}), Some("json"))
        );
        assert_eq!(
            encode(b"not json", PayloadFormat::Json),
            (json!("not json"), None)
        );
        assert_eq!(
            encode(&[0xde, 0xad], PayloadFormat::Hex),
            (json!("dead"), Some("hex"))
        );
    }

    #[test]
    fn every_encoding_round_trips() {
        let samples: [&[u8]; 4] = [b"", b"plain", &[0, 1, 2, 255, 254], "ünï".as_bytes()];
        for bytes in samples {
            for f in [
                PayloadFormat::Text,
                PayloadFormat::Base64,
                PayloadFormat::Hex,
            ] {
                let (v, enc) = encode(bytes, f);
                assert_eq!(decode(&v, enc).unwrap(), bytes, "{f:?}");
            }
        }
        assert_eq!(unhex("de ad\nbe ef").unwrap(), vec![0xde, 0xad, 0xbe, 0xef]);
        assert!(unhex("abc").is_err());
        assert!(unhex("zz").is_err());
        assert!(decode(&json!("x"), Some("rot13"))
            .unwrap_err()
            .contains("unknown encoding"));
        assert!(decode(&json!(1), None).is_err());
    }

    #[test]
    fn binary_property_values() {
        assert_eq!(binary_value(b"id-1"), json!("id-1"));
        assert_eq!(binary_value(&[0xff]), json!({"base64": "/w=="}));
        assert_eq!(
            binary_from_value(&json!({"base64": "/w=="})).unwrap(),
            vec![0xff]
        );
        assert_eq!(
            binary_from_value(&json!({"hex": "ff"})).unwrap(),
            vec![0xff]
        );
        assert!(binary_from_value(&json!(3)).is_err());
    }
}
