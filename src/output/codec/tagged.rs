//! The JSON form of what CBOR and MessagePack hold and JSON cannot: byte strings, NaN and the
//! infinities, integers below -2^63, tags, extension types and maps whose keys are not text.
//! Each is an object with one `$` key (two for tags and extensions), so that decoding and
//! encoding again gives the same value:
//!
//! | value | JSON |
//! |---|---|
//! | bytes | `{"$base64": "3q2+7w=="}` |
//! | NaN, ±infinity | `{"$float": "NaN"}`, `{"$float": "Infinity"}`, `{"$float": "-Infinity"}` |
//! | integer below -2^63 (CBOR) | `{"$int": "-18446744073709551616"}` |
//! | tag (CBOR) | `{"$tag": 1, "$value": 1700000000}` |
//! | extension (MessagePack) | `{"$ext": -1, "$base64": "..."}` |
//! | map with a key that is not text | `{"$map": [[1, "a"], [2, "b"]]}` |
use serde_json::{Map, Value};

use super::super::payload;

/// What one of the `$` objects stands for, when `v` is one.
pub enum Special<'a> {
    Bytes(Vec<u8>),
    Float(f64),
    BigInt(i128),
    Tag(u64, &'a Value),
    Ext(i8, Vec<u8>),
    Map(&'a [Value]),
}

pub fn bytes(b: &[u8]) -> Value {
    one("$base64", Value::String(payload::base64(b)))
}

/// A float: a JSON number when finite, else `{"$float": ...}`.
pub fn float(f: f64) -> Value {
    match serde_json::Number::from_f64(f) {
        Some(n) => Value::Number(n),
        None => one(
            "$float",
            Value::String(
                match (f.is_nan(), f > 0.0) {
                    (true, _) => "NaN",
                    (false, true) => "Infinity",
                    (false, false) => "-Infinity",
                }
                .into(),
            ),
        ),
    }
}

/// An f32 as the shortest decimal that reads back as the same f32 (12.3, not 12.300000190734863).
pub fn float32(f: f32) -> Value {
    if !f.is_finite() {
        return float(f64::from(f));
    }
    let shortest: f64 = f.to_string().parse().unwrap_or(f64::from(f));
    float(shortest)
}

pub fn big_int(i: i128) -> Value {
    if let Ok(i) = i64::try_from(i) {
        Value::from(i)
    } else if let Ok(u) = u64::try_from(i) {
        Value::from(u)
    } else {
        one("$int", Value::String(i.to_string()))
    }
}

pub fn tag(tag: u64, value: Value) -> Value {
    let mut m = Map::new();
    m.insert("$tag".into(), tag.into());
    m.insert("$value".into(), value);
    Value::Object(m)
}

pub fn ext(kind: i8, data: &[u8]) -> Value {
    let mut m = Map::new();
    m.insert("$ext".into(), kind.into());
    m.insert("$base64".into(), Value::String(payload::base64(data)));
    Value::Object(m)
}

/// A map: a JSON object when every key is text, else `{"$map": [[key, value], ...]}`.
pub fn map(entries: Vec<(Value, Value)>) -> Value {
    if entries.iter().all(|(k, _)| k.is_string()) {
        let mut m = Map::with_capacity(entries.len());
        for (k, v) in entries {
            if let Value::String(k) = k {
                m.insert(k, v);
            }
        }
        Value::Object(m)
    } else {
        let pairs = entries
            .into_iter()
            .map(|(k, v)| Value::Array(vec![k, v]))
            .collect();
        one("$map", Value::Array(pairs))
    }
}

fn one(key: &str, v: Value) -> Value {
    let mut m = Map::with_capacity(1);
    m.insert(key.into(), v);
    Value::Object(m)
}

/// Read a `$` object back; None when `m` is an ordinary object. A `$` key with a value of the
/// wrong form is an error naming it.
pub fn special(m: &Map<String, Value>) -> Result<Option<Special<'_>>, String> {
    let key = match m.keys().next() {
        Some(k) if k.starts_with('$') => k.as_str(),
        _ => return Ok(None),
    };
    let str_of = |k: &str| match m.get(k) {
        Some(Value::String(s)) => Ok(s.as_str()),
        _ => Err(format!("\"{k}\" must be a string")),
    };
    Ok(Some(match (key, m.len()) {
        ("$base64", 1) => Special::Bytes(payload::unbase64(str_of("$base64")?)?),
        ("$float", 1) => Special::Float(match str_of("$float")? {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            other => {
                return Err(format!(
                    "\"$float\": '{other}' is not NaN, Infinity or -Infinity"
                ))
            }
        }),
        ("$int", 1) => Special::BigInt(
            str_of("$int")?
                .parse()
                .map_err(|_| "\"$int\" must be a decimal integer".to_string())?,
        ),
        ("$tag", 2) => {
            let tag = m
                .get("$tag")
                .and_then(Value::as_u64)
                .ok_or("\"$tag\" must be an unsigned integer")?;
            Special::Tag(tag, m.get("$value").ok_or("a \"$tag\" needs a \"$value\"")?)
        }
        ("$ext", 2) => {
            let kind = m
                .get("$ext")
                .and_then(Value::as_i64)
                .and_then(|k| i8::try_from(k).ok())
                .ok_or("\"$ext\" must be an integer from -128 to 127")?;
            Special::Ext(kind, payload::unbase64(str_of("$base64")?)?)
        }
        ("$map", 1) => match m.get("$map") {
            Some(Value::Array(pairs)) => Special::Map(pairs),
            _ => return Err("\"$map\" must be an array of [key, value] pairs".into()),
        },
        _ => return Ok(None),
    }))
}

/// A `$map` pair.
pub fn pair(v: &Value) -> Result<(&Value, &Value), String> {
    match v {
        Value::Array(kv) if kv.len() == 2 => Ok((&kv[0], &kv[1])),
        _ => Err("\"$map\" entries must be [key, value] pairs".into()),
    }
}
