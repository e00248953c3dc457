//! A Sparkplug B payload as JSON and back. Keys are the schema's field names; `datatype` is
//! the DataType's name; every millisecond timestamp has an ISO-8601 twin (`timestamp_iso`,
//! `value_iso`) that encoding ignores; a property set is an object of `{"type", "value"}`;
//! a data set's rows are arrays of values. A metric of a data message that carries only an
//! alias is shown with the name and datatype its birth gave, listed in `from_birth` so that
//! encoding the record again leaves them out.
use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::schema::*;
use super::values::{self, ScalarRef};
use crate::output::payload;

/// What births taught about an edge node's metrics: by alias (name and datatype), and by name
/// (datatype).
#[derive(Default)]
pub struct Lookup<'a> {
    pub aliases: Option<&'a HashMap<u64, (String, Option<u32>)>>,
    pub names: Option<&'a HashMap<String, u32>>,
}

/// Write the JSON of a payload into `out`, straight from the decoded message: keys, times and
/// datatype names go in as bytes, without a JSON tree or escaping (this is the hot path of
/// `sub --payload sparkplug`: twenty-odd metrics a message, each with a timestamp).
pub fn write_payload(out: &mut Vec<u8>, p: &Payload, births: &Lookup) {
    let mut first = true;
    out.push(b'{');
    if let Some(ts) = p.timestamp {
        write_timestamp(out, &mut first, ["timestamp", "timestamp_iso"], ts);
    }
    if let Some(seq) = p.seq {
        key(out, &mut first, "seq");
        json(out, &seq);
    }
    if let Some(uuid) = &p.uuid {
        key(out, &mut first, "uuid");
        json(out, uuid);
    }
    key(out, &mut first, "metrics");
    write_metrics(out, &p.metrics, births);
    if let Some(body) = &p.body {
        key(out, &mut first, "body");
        json(out, &payload::base64(body));
    }
    out.push(b'}');
}

/// The same as a JSON value.
pub fn payload_json(p: &Payload, births: &Lookup) -> Value {
    let mut out = Vec::new();
    write_payload(&mut out, p, births);
    serde_json::from_slice(&out).unwrap_or(Value::Null)
}

fn key(out: &mut Vec<u8>, first: &mut bool, k: &str) {
    if !std::mem::take(first) {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(k.as_bytes());
    out.extend_from_slice(b"\":");
}

/// A value through serde_json (escaped, numbers in their shortest form). Writing into a Vec
/// cannot fail.
fn json(out: &mut Vec<u8>, v: &(impl Serialize + ?Sized)) {
    let _ = serde_json::to_writer(&mut *out, v);
}

fn write_timestamp(out: &mut Vec<u8>, first: &mut bool, keys: [&str; 2], ms: u64) {
    key(out, first, keys[0]);
    json(out, &ms);
    if let Some(iso) = values::iso_bytes(ms) {
        key(out, first, keys[1]);
        out.push(b'"');
        out.extend_from_slice(&iso);
        out.push(b'"');
    }
}

fn write_metrics(out: &mut Vec<u8>, metrics: &[Metric], births: &Lookup) {
    out.push(b'[');
    for (i, m) in metrics.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_metric(out, m, births);
    }
    out.push(b']');
}

fn scalar(v: &MetricValue) -> Option<ScalarRef<'_>> {
    Some(match v {
        MetricValue::IntValue(u) => ScalarRef::Int(*u),
        MetricValue::LongValue(l) => ScalarRef::Long(*l),
        MetricValue::FloatValue(f) => ScalarRef::Float(*f),
        MetricValue::DoubleValue(f) => ScalarRef::Double(*f),
        MetricValue::BooleanValue(b) => ScalarRef::Bool(*b),
        MetricValue::StringValue(s) => ScalarRef::Str(s),
        MetricValue::BytesValue(b) => ScalarRef::Bytes(b),
        _ => return None,
    })
}

/// `value` (and `value_iso`) of a scalar; a value that does not decode as its datatype says
/// why in `decode_error` beside its raw form.
fn put_value(o: &mut Map<String, Value>, dt: Option<u32>, s: ScalarRef) {
    match values::to_json(dt, s) {
        Ok((v, iso)) => {
            o.insert("value".into(), v);
            if let Some(iso) = iso {
                o.insert("value_iso".into(), iso);
            }
        }
        Err(e) => {
            let raw = values::to_json(None, s).map_or(Value::Null, |(v, _)| v);
            o.insert("value".into(), raw);
            o.insert("decode_error".into(), e.into());
        }
    }
}

fn write_metric(out: &mut Vec<u8>, m: &Metric, births: &Lookup) {
    let mut first = true;
    let mut from_birth: Vec<&str> = Vec::new();
    out.push(b'{');
    let learned = m.alias.and_then(|a| births.aliases.and_then(|t| t.get(&a)));
    match (&m.name, learned) {
        (Some(name), _) => {
            key(out, &mut first, "name");
            json(out, name);
        }
        (None, Some((name, _))) => {
            key(out, &mut first, "name");
            json(out, name);
            from_birth.push("name");
        }
        _ => {}
    }
    if let Some(alias) = m.alias {
        key(out, &mut first, "alias");
        json(out, &alias);
    }
    if let Some(ts) = m.timestamp {
        write_timestamp(out, &mut first, ["timestamp", "timestamp_iso"], ts);
    }
    let datatype = m.datatype.or_else(|| {
        let dt = learned.and_then(|(_, dt)| *dt).or_else(|| {
            let name = m.name.as_deref()?;
            births.names?.get(name).copied()
        });
        if dt.is_some() {
            from_birth.push("datatype");
        }
        dt
    });
    if let Some(dt) = datatype {
        key(out, &mut first, "datatype");
        match DATATYPES.get(dt as usize) {
            Some(name) => {
                out.push(b'"');
                out.extend_from_slice(name.as_bytes());
                out.push(b'"');
            }
            None => json(out, &dt),
        }
    }
    for (k, flag) in [
        ("is_historical", m.is_historical),
        ("is_transient", m.is_transient),
        ("is_null", m.is_null),
    ] {
        if let Some(b) = flag {
            key(out, &mut first, k);
            json(out, &b);
        }
    }
    if let Some(md) = &m.metadata {
        key(out, &mut first, "metadata");
        json(out, &metadata_json(md));
    }
    if let Some(ps) = &m.properties {
        key(out, &mut first, "properties");
        json(out, &property_set_json(ps));
    }
    match &m.value {
        Some(MetricValue::DatasetValue(d)) => {
            key(out, &mut first, "value");
            json(out, &dataset_json(d));
        }
        Some(MetricValue::TemplateValue(t)) => {
            key(out, &mut first, "value");
            json(out, &template_json(t));
        }
        Some(MetricValue::ExtensionValue(_)) => {
            key(out, &mut first, "value");
            out.extend_from_slice(b"null");
            key(out, &mut first, "extension");
            out.extend_from_slice(b"true");
        }
        Some(v) => {
            if let Some(sc) = scalar(v) {
                key(out, &mut first, "value");
                match (datatype, sc) {
                    // The common cases written directly; an f32 as its shortest decimal.
                    (_, ScalarRef::Float(f)) if f.is_finite() => json(out, &f),
                    (_, ScalarRef::Double(f)) if f.is_finite() => json(out, &f),
                    (_, ScalarRef::Bool(b)) => json(out, &b),
                    _ => match values::to_json(datatype, sc) {
                        Ok((v, iso)) => {
                            json(out, &v);
                            if let Some(iso) = iso {
                                key(out, &mut first, "value_iso");
                                json(out, &iso);
                            }
                        }
                        Err(e) => {
                            let raw = values::to_json(None, sc).map_or(Value::Null, |(v, _)| v);
                            json(out, &raw);
                            key(out, &mut first, "decode_error");
                            json(out, &e);
                        }
                    },
                }
            }
        }
        None if m.is_null == Some(true) => {
            key(out, &mut first, "value");
            out.extend_from_slice(b"null");
        }
        None => {}
    }
    if !from_birth.is_empty() {
        key(out, &mut first, "from_birth");
        json(out, &from_birth);
    }
    out.push(b'}');
}

fn metadata_json(md: &MetaData) -> Value {
    let mut o = Map::new();
    if let Some(b) = md.is_multi_part {
        o.insert("is_multi_part".into(), b.into());
    }
    for (key, v) in [("content_type", &md.content_type)] {
        if let Some(v) = v {
            o.insert(key.into(), v.clone().into());
        }
    }
    for (key, v) in [("size", md.size), ("seq", md.seq)] {
        if let Some(v) = v {
            o.insert(key.into(), v.into());
        }
    }
    for (key, v) in [
        ("file_name", &md.file_name),
        ("file_type", &md.file_type),
        ("md5", &md.md5),
        ("description", &md.description),
    ] {
        if let Some(v) = v {
            o.insert(key.into(), v.clone().into());
        }
    }
    Value::Object(o)
}

fn property_set_json(ps: &PropertySet) -> Value {
    let mut o = Map::new();
    for (k, v) in ps.keys.iter().zip(&ps.values) {
        o.insert(k.clone(), property_value_json(v));
    }
    Value::Object(o)
}

fn property_value_json(pv: &PropertyValue) -> Value {
    let mut o = Map::new();
    if let Some(t) = pv.r#type {
        o.insert("type".into(), values::datatype_json(t));
    }
    if let Some(b) = pv.is_null {
        o.insert("is_null".into(), b.into());
    }
    let s = match &pv.value {
        None => None,
        Some(PropertyValueValue::IntValue(u)) => Some(ScalarRef::Int(*u)),
        Some(PropertyValueValue::LongValue(l)) => Some(ScalarRef::Long(*l)),
        Some(PropertyValueValue::FloatValue(f)) => Some(ScalarRef::Float(*f)),
        Some(PropertyValueValue::DoubleValue(f)) => Some(ScalarRef::Double(*f)),
        Some(PropertyValueValue::BooleanValue(b)) => Some(ScalarRef::Bool(*b)),
        Some(PropertyValueValue::StringValue(s)) => Some(ScalarRef::Str(s)),
        Some(PropertyValueValue::PropertysetValue(ps)) => {
            o.insert("value".into(), property_set_json(ps));
            None
        }
        Some(PropertyValueValue::PropertysetsValue(list)) => {
            let sets = list.propertyset.iter().map(property_set_json).collect();
            o.insert("value".into(), Value::Array(sets));
            None
        }
        Some(PropertyValueValue::ExtensionValue(_)) => {
            o.insert("value".into(), Value::Null);
            None
        }
    };
    if let Some(s) = s {
        put_value(&mut o, pv.r#type, s);
    }
    Value::Object(o)
}

fn dataset_json(d: &DataSet) -> Value {
    let mut o = Map::new();
    if let Some(n) = d.num_of_columns {
        o.insert("num_of_columns".into(), n.into());
    }
    o.insert("columns".into(), d.columns.clone().into());
    let types: Vec<Value> = d.types.iter().map(|t| values::datatype_json(*t)).collect();
    o.insert("types".into(), types.into());
    let rows = d
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .elements
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let s = match &e.value {
                        Some(DataSetValueValue::IntValue(u)) => ScalarRef::Int(*u),
                        Some(DataSetValueValue::LongValue(l)) => ScalarRef::Long(*l),
                        Some(DataSetValueValue::FloatValue(f)) => ScalarRef::Float(*f),
                        Some(DataSetValueValue::DoubleValue(f)) => ScalarRef::Double(*f),
                        Some(DataSetValueValue::BooleanValue(b)) => ScalarRef::Bool(*b),
                        Some(DataSetValueValue::StringValue(s)) => ScalarRef::Str(s),
                        Some(DataSetValueValue::ExtensionValue(_)) | None => return Value::Null,
                    };
                    values::to_json(d.types.get(i).copied(), s)
                        .or_else(|_| values::to_json(None, s))
                        .map_or(Value::Null, |(v, _)| v)
                })
                .collect();
            Value::Array(cells)
        })
        .collect();
    o.insert("rows".into(), Value::Array(rows));
    Value::Object(o)
}

fn template_json(t: &Template) -> Value {
    let mut o = Map::new();
    if let Some(v) = &t.version {
        o.insert("version".into(), v.clone().into());
    }
    if let Some(r) = &t.template_ref {
        o.insert("template_ref".into(), r.clone().into());
    }
    if let Some(b) = t.is_definition {
        o.insert("is_definition".into(), b.into());
    }
    let mut metrics = Vec::new();
    write_metrics(&mut metrics, &t.metrics, &Lookup::default());
    o.insert(
        "metrics".into(),
        serde_json::from_slice(&metrics).unwrap_or(Value::Null),
    );
    let params = t
        .parameters
        .iter()
        .map(|p| {
            let mut po = Map::new();
            if let Some(n) = &p.name {
                po.insert("name".into(), n.clone().into());
            }
            if let Some(t) = p.r#type {
                po.insert("type".into(), values::datatype_json(t));
            }
            let s = match &p.value {
                Some(ParameterValue::IntValue(u)) => Some(ScalarRef::Int(*u)),
                Some(ParameterValue::LongValue(l)) => Some(ScalarRef::Long(*l)),
                Some(ParameterValue::FloatValue(f)) => Some(ScalarRef::Float(*f)),
                Some(ParameterValue::DoubleValue(f)) => Some(ScalarRef::Double(*f)),
                Some(ParameterValue::BooleanValue(b)) => Some(ScalarRef::Bool(*b)),
                Some(ParameterValue::StringValue(s)) => Some(ScalarRef::Str(s)),
                Some(ParameterValue::ExtensionValue(_)) | None => None,
            };
            if let Some(s) = s {
                put_value(&mut po, p.r#type, s);
            }
            Value::Object(po)
        })
        .collect();
    o.insert("parameters".into(), Value::Array(params));
    Value::Object(o)
}
