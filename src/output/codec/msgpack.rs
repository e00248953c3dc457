//! MessagePack <-> JSON with rmpv; what JSON cannot hold takes the `$` forms of
//! [`super::tagged`].
use rmpv::Value as Mp;
use serde_json::Value;

use super::tagged::{self, Special};

/// Nesting deeper than this is refused rather than risking the stack.
const DEPTH: usize = 128;

pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    let mut rest = bytes;
    let v = rmpv::decode::read_value_with_max_depth(&mut rest, DEPTH)
        .map_err(|e| format!("not MessagePack: {e}"))?;
    if !rest.is_empty() {
        return Err(format!(
            "not MessagePack: {} bytes left after the first value",
            rest.len()
        ));
    }
    Ok(to_json(v))
}

pub fn encode(v: &Value) -> Result<Vec<u8>, String> {
    let mp = from_json(v, DEPTH)?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &mp).map_err(|e| format!("MessagePack: {e}"))?;
    Ok(out)
}

fn to_json(v: Mp) -> Value {
    match v {
        Mp::Nil => Value::Null,
        Mp::Boolean(b) => Value::Bool(b),
        Mp::Integer(i) => match (i.as_u64(), i.as_i64()) {
            (Some(u), _) => Value::from(u),
            (None, Some(i)) => Value::from(i),
            (None, None) => Value::Null,
        },
        Mp::F32(f) => tagged::float32(f),
        Mp::F64(f) => tagged::float(f),
        // A str that is not UTF-8 is kept as bytes rather than mangled.
        Mp::String(s) if s.is_str() => Value::String(s.into_str().unwrap_or_default()),
        Mp::String(s) => tagged::bytes(&s.into_bytes()),
        Mp::Binary(b) => tagged::bytes(&b),
        Mp::Array(a) => Value::Array(a.into_iter().map(to_json).collect()),
        Mp::Map(m) => tagged::map(
            m.into_iter()
                .map(|(k, v)| (to_json(k), to_json(v)))
                .collect(),
        ),
        Mp::Ext(kind, data) => tagged::ext(kind, &data),
    }
}

fn from_json(v: &Value, depth: usize) -> Result<Mp, String> {
    let depth = depth.checked_sub(1).ok_or("nested too deeply")?;
    Ok(match v {
        Value::Null => Mp::Nil,
        Value::Bool(b) => Mp::Boolean(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Mp::from(u)
            } else if let Some(i) = n.as_i64() {
                Mp::from(i)
            } else {
                Mp::F64(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Mp::from(s.as_str()),
        Value::Array(a) => Mp::Array(
            a.iter()
                .map(|v| from_json(v, depth))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => match tagged::special(m)? {
            Some(Special::Bytes(b)) => Mp::Binary(b),
            Some(Special::Float(f)) => Mp::F64(f),
            Some(Special::BigInt(i)) => {
                return Err(format!("\"$int\" {i} is out of MessagePack's range"))
            }
            Some(Special::Tag(..)) => return Err("\"$tag\" is CBOR's, not MessagePack's".into()),
            Some(Special::Ext(kind, data)) => Mp::Ext(kind, data),
            Some(Special::Map(pairs)) => Mp::Map(
                pairs
                    .iter()
                    .map(|p| {
                        let (k, v) = tagged::pair(p)?;
                        Ok((from_json(k, depth)?, from_json(v, depth)?))
                    })
                    .collect::<Result<_, String>>()?,
            ),
            None => Mp::Map(
                m.iter()
                    .map(|(k, v)| Ok((Mp::from(k.as_str()), from_json(v, depth)?)))
                    .collect::<Result<_, String>>()?,
            ),
        },
    })
}
