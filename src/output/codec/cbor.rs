//! CBOR (RFC 8949) <-> JSON with ciborium; what JSON cannot hold takes the `$` forms of
//! [`super::tagged`].
use ciborium::Value as Cbor;
use serde_json::Value;

use super::tagged::{self, Special};

/// Nesting deeper than this is refused rather than risking the stack.
const DEPTH: usize = 128;

pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    let mut rest = bytes;
    let v: Cbor =
        ciborium::de::from_reader_with_recursion_limit(&mut rest, DEPTH).map_err(|e| match e {
            ciborium::de::Error::Io(_) => "not CBOR: it ends in the middle of a value".to_string(),
            ciborium::de::Error::Syntax(at) => format!("not CBOR: bad syntax at byte {at}"),
            ciborium::de::Error::Semantic(Some(at), m) => format!("not CBOR: {m} at byte {at}"),
            ciborium::de::Error::Semantic(None, m) => format!("not CBOR: {m}"),
            ciborium::de::Error::RecursionLimitExceeded => {
                format!("not CBOR here: nested deeper than {DEPTH}")
            }
        })?;
    if !rest.is_empty() {
        return Err(format!(
            "not CBOR: {} bytes left after the first value",
            rest.len()
        ));
    }
    Ok(to_json(v))
}

pub fn encode(v: &Value) -> Result<Vec<u8>, String> {
    let cbor = from_json(v, DEPTH)?;
    let mut out = Vec::new();
    ciborium::ser::into_writer(&cbor, &mut out).map_err(|e| format!("CBOR: {e}"))?;
    Ok(out)
}

fn to_json(v: Cbor) -> Value {
    match v {
        Cbor::Null => Value::Null,
        Cbor::Bool(b) => Value::Bool(b),
        Cbor::Integer(i) => tagged::big_int(i128::from(i)),
        Cbor::Float(f) => tagged::float(f),
        Cbor::Text(s) => Value::String(s),
        Cbor::Bytes(b) => tagged::bytes(&b),
        Cbor::Array(a) => Value::Array(a.into_iter().map(to_json).collect()),
        Cbor::Map(m) => tagged::map(
            m.into_iter()
                .map(|(k, v)| (to_json(k), to_json(v)))
                .collect(),
        ),
        Cbor::Tag(t, v) => tagged::tag(t, to_json(*v)),
        // ciborium has no other kinds today; anything new is shown as null rather than lost silently.
        _ => Value::Null,
    }
}

fn from_json(v: &Value, depth: usize) -> Result<Cbor, String> {
    let depth = depth.checked_sub(1).ok_or("nested too deeply")?;
    Ok(match v {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Cbor::Integer(u.into())
            } else if let Some(i) = n.as_i64() {
                Cbor::Integer(i.into())
            } else {
                Cbor::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Cbor::Text(s.clone()),
        Value::Array(a) => Cbor::Array(
            a.iter()
                .map(|v| from_json(v, depth))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => match tagged::special(m)? {
            Some(Special::Bytes(b)) => Cbor::Bytes(b),
            Some(Special::Float(f)) => Cbor::Float(f),
            Some(Special::BigInt(i)) => Cbor::Integer(
                ciborium::value::Integer::try_from(i)
                    .map_err(|_| format!("\"$int\" {i} is out of CBOR's range"))?,
            ),
            Some(Special::Tag(t, v)) => Cbor::Tag(t, Box::new(from_json(v, depth)?)),
            Some(Special::Ext(..)) => return Err("\"$ext\" is MessagePack's, not CBOR's".into()),
            Some(Special::Map(pairs)) => Cbor::Map(
                pairs
                    .iter()
                    .map(|p| {
                        let (k, v) = tagged::pair(p)?;
                        Ok((from_json(k, depth)?, from_json(v, depth)?))
                    })
                    .collect::<Result<_, String>>()?,
            ),
            None => Cbor::Map(
                m.iter()
                    .map(|(k, v)| Ok((Cbor::Text(k.clone()), from_json(v, depth)?)))
                    .collect::<Result<_, String>>()?,
            ),
        },
    })
}
