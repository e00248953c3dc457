//! Sparkplug B values by datatype, both ways: the signed integers carried in unsigned fields,
//! floats (NaN and the infinities as the strings "NaN", "Infinity", "-Infinity", as in the
//! Protobuf JSON mapping), date-times as milliseconds with an ISO-8601 twin, bytes as base64,
//! and the array types packed little-endian into bytes (specification section 6.4.17).
use std::time::UNIX_EPOCH;

use serde_json::Value;

use super::schema::DATATYPES;
use crate::output::codec::tagged;
use crate::output::payload;

pub const INT8: u32 = 1;
pub const INT16: u32 = 2;
pub const INT32: u32 = 3;
pub const INT64: u32 = 4;
pub const UINT8: u32 = 5;
pub const UINT16: u32 = 6;
pub const UINT32: u32 = 7;
pub const UINT64: u32 = 8;
pub const FLOAT: u32 = 9;
pub const DOUBLE: u32 = 10;
pub const BOOLEAN: u32 = 11;
pub const STRING: u32 = 12;
pub const DATETIME: u32 = 13;
pub const TEXT: u32 = 14;
pub const UUID: u32 = 15;
pub const DATASET: u32 = 16;
pub const BYTES: u32 = 17;
pub const FILE: u32 = 18;
pub const TEMPLATE: u32 = 19;
pub const PROPERTYSET: u32 = 20;
pub const PROPERTYSETLIST: u32 = 21;
pub const INT8_ARRAY: u32 = 22;
pub const DATETIME_ARRAY: u32 = 34;

/// A value read from one of the fields of a `oneof value`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScalarRef<'a> {
    Int(u32),
    Long(u64),
    Float(f32),
    Double(f64),
    Bool(bool),
    Str(&'a str),
    Bytes(&'a [u8]),
}

/// A value to write into one of the fields of a `oneof value`.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Int(u32),
    Long(u64),
    Float(f32),
    Double(f64),
    Bool(bool),
    Str(String),
    Bytes(Vec<u8>),
}

/// The name of a datatype, or its number when it has none.
pub fn datatype_json(dt: u32) -> Value {
    match DATATYPES.get(dt as usize) {
        Some(name) => Value::String((*name).into()),
        None => Value::from(dt),
    }
}

/// A datatype by name (any case, "Uint64" too) or number.
pub fn datatype_from(v: &Value) -> Result<u32, String> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("datatype {n} is not a DataType number")),
        Value::String(s) => DATATYPES
            .iter()
            .position(|name| name.eq_ignore_ascii_case(s))
            .map(|i| i as u32)
            .ok_or_else(|| format!("unknown datatype '{s}'")),
        _ => Err("datatype must be a name or a number".into()),
    }
}

/// Milliseconds since the epoch as ISO-8601 UTC with milliseconds; None past the year 9999.
pub fn iso(ms: u64) -> Option<String> {
    iso_bytes(ms).map(|b| b.iter().map(|&c| c as char).collect())
}

/// [`iso`] into a buffer: `YYYY-MM-DDTHH:MM:SS.mmmZ`, the days turned into a date by the
/// proleptic Gregorian calendar (every metric of every message has a timestamp: this is hot).
pub fn iso_bytes(ms: u64) -> Option<[u8; 24]> {
    const MAX_MS: u64 = 253_402_300_799_999;
    if ms > MAX_MS {
        return None;
    }
    let (days, in_day) = (ms / 86_400_000, (ms % 86_400_000) as u32);
    let mut out = *b"0000-00-00T00:00:00.000Z";
    // Most timestamps of a message fall on the day of the one before.
    thread_local! {
        static LAST_DAY: std::cell::Cell<(u64, [u8; 10])> = const { std::cell::Cell::new((u64::MAX, [0; 10])) };
    }
    let (cached, date) = LAST_DAY.get();
    let date = if cached == days {
        date
    } else {
        let date = date_of(days as i64);
        LAST_DAY.set((days, date));
        date
    };
    out[..10].copy_from_slice(&date);
    let two = |out: &mut [u8; 24], at: usize, v: u32| {
        out[at] = b'0' + (v / 10) as u8;
        out[at + 1] = b'0' + (v % 10) as u8;
    };
    two(&mut out, 11, in_day / 3_600_000);
    two(&mut out, 14, in_day / 60_000 % 60);
    two(&mut out, 17, in_day / 1000 % 60);
    let milli = in_day % 1000;
    out[20] = b'0' + (milli / 100) as u8;
    two(&mut out, 21, milli % 100);
    Some(out)
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01.
fn date_of(days: i64) -> [u8; 10] {
    // Days since 1970-01-01 to year, month, day (eras of 400 years from 0000-03-01).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out = *b"0000-00-00";
    let mut put = |at: usize, width: usize, mut v: u64| {
        for i in (at..at + width).rev() {
            out[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year as u64);
    put(5, 2, month as u64);
    put(8, 2, day as u64);
    out
}

/// Milliseconds from a number, an ISO-8601 time, or "now".
pub fn ms_from(v: &Value, what: &str) -> Result<u64, String> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| format!("{what} must be milliseconds since 1970 (a whole number)")),
        Value::String(s) if s == "now" => Ok(crate::output::record::now_ms()),
        Value::String(s) => humantime::parse_rfc3339_weak(s)
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as u64)
            .ok_or_else(|| format!("{what} '{s}' is not an ISO-8601 time")),
        _ => Err(format!("{what} must be milliseconds or an ISO-8601 time")),
    }
}

fn f32_json(f: f32) -> Value {
    if f.is_finite() {
        tagged::float32(f)
    } else {
        non_finite(f64::from(f))
    }
}

fn f64_json(f: f64) -> Value {
    if f.is_finite() {
        tagged::float(f)
    } else {
        non_finite(f)
    }
}

fn non_finite(f: f64) -> Value {
    Value::String(
        match (f.is_nan(), f > 0.0) {
            (true, _) => "NaN",
            (false, true) => "Infinity",
            (false, false) => "-Infinity",
        }
        .into(),
    )
}

/// The JSON of a value of datatype `dt` (None when the metric names none: then the field it
/// came in decides), and its ISO-8601 twin for date-times.
pub fn to_json(dt: Option<u32>, s: ScalarRef) -> Result<(Value, Option<Value>), String> {
    use ScalarRef::*;
    let v = match (dt, s) {
        (Some(INT8), Int(u)) => Value::from(u as u8 as i8),
        (Some(INT16), Int(u)) => Value::from(u as u16 as i16),
        (Some(INT32), Int(u)) => Value::from(u as i32),
        (Some(INT64), Long(l)) => Value::from(l as i64),
        (Some(UINT8), Int(u)) => Value::from(u as u8),
        (Some(UINT16), Int(u)) => Value::from(u as u16),
        (Some(DATETIME), Long(ms)) => {
            return Ok((Value::from(ms), iso(ms).map(Value::String)));
        }
        (Some(dt @ INT8_ARRAY..=DATETIME_ARRAY), Bytes(b)) => return array_to_json(dt, b),
        (_, Int(u)) => Value::from(u),
        (_, Long(l)) => Value::from(l),
        (_, Float(f)) => f32_json(f),
        (_, Double(f)) => f64_json(f),
        (_, Bool(b)) => Value::Bool(b),
        (_, Str(s)) => Value::String(s.into()),
        (_, Bytes(b)) => Value::String(payload::base64(b)),
    };
    Ok((v, None))
}

fn int(v: &Value, min: i128, max: i128, what: &str) -> Result<i128, String> {
    let n: Option<i128> = match v {
        Value::Number(n) => n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    n.filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("{what} value must be a whole number from {min} to {max}, not {v}"))
}

fn float(v: &Value, what: &str) -> Result<f64, String> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| format!("{what}: bad number")),
        Value::String(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            s => s
                .trim()
                .parse()
                .map_err(|_| format!("{what} value must be a number, not '{s}'")),
        },
        _ => Err(format!("{what} value must be a number, not {v}")),
    }
}

/// The field a JSON value goes in for datatype `dt`; with no datatype, the JSON decides:
/// true/false a boolean, a string a string, a whole number a long, another number a double.
pub fn from_json(dt: Option<u32>, v: &Value) -> Result<Scalar, String> {
    use Scalar::*;
    let name = dt.map_or("untyped".to_string(), |d| datatype_json(d).to_string());
    let what = name.trim_matches('"');
    Ok(match dt {
        Some(INT8) => Int(int(v, -128, 127, what)? as i32 as u32),
        Some(INT16) => Int(int(v, -32768, 32767, what)? as i32 as u32),
        Some(INT32) => Int(int(v, i32::MIN.into(), i32::MAX.into(), what)? as i32 as u32),
        Some(INT64) => Long(int(v, i64::MIN.into(), i64::MAX.into(), what)? as i64 as u64),
        Some(UINT8) => Int(int(v, 0, 255, what)? as u32),
        Some(UINT16) => Int(int(v, 0, 65535, what)? as u32),
        Some(UINT32) => Int(int(v, 0, u32::MAX.into(), what)? as u32),
        Some(UINT64) => Long(int(v, 0, u64::MAX.into(), what)? as u64),
        Some(DATETIME) => Long(ms_from(v, "DateTime")?),
        Some(FLOAT) => Float(float(v, what)? as f32),
        Some(DOUBLE) => Double(float(v, what)?),
        Some(BOOLEAN) => Bool(
            v.as_bool()
                .ok_or_else(|| format!("Boolean value must be true or false, not {v}"))?,
        ),
        Some(STRING | TEXT | UUID) => Str(v
            .as_str()
            .ok_or_else(|| format!("{what} value must be a string, not {v}"))?
            .to_string()),
        Some(BYTES | FILE) => {
            Bytes(payload::unbase64(v.as_str().ok_or_else(|| {
                format!("{what} value must be base64, not {v}")
            })?)?)
        }
        Some(dt @ INT8_ARRAY..=DATETIME_ARRAY) => Bytes(array_from_json(dt, v)?),
        Some(other) => return Err(format!("datatype {what} ({other}) has no scalar value")),
        None => match v {
            Value::Bool(b) => Bool(*b),
            Value::String(s) => Str(s.clone()),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Long(u),
                (None, Some(i)) => Long(i as u64),
                _ => Double(n.as_f64().unwrap_or(f64::NAN)),
            },
            _ => return Err(format!("give a datatype for the value {v}")),
        },
    })
}

/// Element size in bytes of the fixed-size array types (BooleanArray and StringArray are not).
fn element_size(dt: u32) -> Option<usize> {
    Some(match dt {
        22 | 26 => 1,
        23 | 27 => 2,
        24 | 28 | 30 => 4,
        25 | 29 | 31 | 34 => 8,
        _ => return None,
    })
}

fn array_to_json(dt: u32, b: &[u8]) -> Result<(Value, Option<Value>), String> {
    let name = DATATYPES[dt as usize];
    if let Some(size) = element_size(dt) {
        if b.len() % size != 0 {
            return Err(format!(
                "{name}: {} bytes is not a whole number of {size}-byte elements",
                b.len()
            ));
        }
        let mut iso_values = Vec::new();
        let values = b
            .chunks_exact(size)
            .map(|c| {
                let mut w = [0u8; 8];
                w[..size].copy_from_slice(c);
                let u = u64::from_le_bytes(w);
                match dt {
                    22 => Value::from(c[0] as i8),
                    23 => Value::from(u as u16 as i16),
                    24 => Value::from(u as u32 as i32),
                    25 => Value::from(u as i64),
                    30 => f32_json(f32::from_bits(u as u32)),
                    31 => f64_json(f64::from_bits(u)),
                    34 => {
                        iso_values.push(iso(u).map_or(Value::Null, Value::String));
                        Value::from(u)
                    }
                    _ => Value::from(u),
                }
            })
            .collect();
        let iso_values = (dt == DATETIME_ARRAY).then_some(Value::Array(iso_values));
        return Ok((Value::Array(values), iso_values));
    }
    match dt {
        // A 4-byte little-endian count, then the values one bit each, the first in the
        // highest bit of the first byte.
        32 => {
            let (count, bits) = match b {
                [a, b2, c, d, rest @ ..] => (u32::from_le_bytes([*a, *b2, *c, *d]) as usize, rest),
                _ => return Err("BooleanArray: shorter than its 4-byte count".into()),
            };
            if bits.len() != count.div_ceil(8) {
                return Err(format!(
                    "BooleanArray: {count} values need {} bytes after the count, not {}",
                    count.div_ceil(8),
                    bits.len()
                ));
            }
            let values = (0..count)
                .map(|i| Value::Bool(bits[i / 8] & (0x80 >> (i % 8)) != 0))
                .collect();
            Ok((Value::Array(values), None))
        }
        // Strings each ended by a zero byte.
        _ => {
            if b.is_empty() {
                return Ok((Value::Array(vec![]), None));
            }
            let Some(body) = b.strip_suffix(&[0]) else {
                return Err("StringArray: the last string has no terminating zero byte".into());
            };
            let values = body
                .split(|&c| c == 0)
                .map(|s| {
                    std::str::from_utf8(s)
                        .map(|s| Value::String(s.into()))
                        .map_err(|_| "StringArray: a string is not UTF-8".to_string())
                })
                .collect::<Result<_, _>>()?;
            Ok((Value::Array(values), None))
        }
    }
}

fn array_from_json(dt: u32, v: &Value) -> Result<Vec<u8>, String> {
    let name = DATATYPES[dt as usize];
    let Value::Array(items) = v else {
        return Err(format!("{name} value must be an array, not {v}"));
    };
    let mut out = Vec::new();
    match dt {
        32 => {
            out.extend_from_slice(&(items.len() as u32).to_le_bytes());
            out.resize(4 + items.len().div_ceil(8), 0);
            for (i, item) in items.iter().enumerate() {
                let bit = item
                    .as_bool()
                    .ok_or_else(|| format!("BooleanArray: {item} is not true or false"))?;
                if bit {
                    out[4 + i / 8] |= 0x80 >> (i % 8);
                }
            }
        }
        33 => {
            for item in items {
                let s = item
                    .as_str()
                    .ok_or_else(|| format!("StringArray: {item} is not a string"))?;
                if s.contains('\0') {
                    return Err("StringArray: a string holds a zero byte".into());
                }
                out.extend_from_slice(s.as_bytes());
                out.push(0);
            }
        }
        _ => {
            let element = match dt {
                22 => INT8,
                23 => INT16,
                24 => INT32,
                25 => INT64,
                26 => UINT8,
                27 => UINT16,
                28 => UINT32,
                29 => UINT64,
                30 => FLOAT,
                31 => DOUBLE,
                _ => DATETIME,
            };
            let size = element_size(dt).unwrap_or(8);
            for item in items {
                let le = match from_json(Some(element), item)? {
                    Scalar::Int(u) => u64::from(u),
                    Scalar::Long(l) => l,
                    Scalar::Float(f) => u64::from(f.to_bits()),
                    Scalar::Double(f) => f.to_bits(),
                    _ => 0,
                }
                .to_le_bytes();
                out.extend_from_slice(&le[..size]);
            }
        }
    }
    Ok(out)
}
