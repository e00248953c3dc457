//! A Sparkplug B payload as JSON and back. Keys are the schema's field names; `datatype` is
//! the DataType's name; every millisecond timestamp has an ISO-8601 twin (`timestamp_iso`,
//! `value_iso`) that encoding ignores; a property set is an object of `{"type", "value"}`;
//! a data set's rows are arrays of values. A metric of a data message that carries only an
//! alias is shown with the name and datatype its birth gave, listed in `from_birth` so that
//! encoding the record again leaves them out.
use std::collections::HashMap;

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

pub fn payload_json(p: &Payload, births: &Lookup) -> Value {
    let mut o = Map::new();
    timestamp(&mut o, "timestamp", p.timestamp);
    if let Some(seq) = p.seq {
        o.insert("seq".into(), seq.into());
    }
    if let Some(uuid) = &p.uuid {
        o.insert("uuid".into(), uuid.clone().into());
    }
    let metrics = p.metrics.iter().map(|m| metric_json(m, births)).collect();
    o.insert("metrics".into(), Value::Array(metrics));
    if let Some(body) = &p.body {
        o.insert("body".into(), payload::base64(body).into());
    }
    Value::Object(o)
}

fn timestamp(o: &mut Map<String, Value>, key: &str, ms: Option<u64>) {
    if let Some(ms) = ms {
        o.insert(key.into(), ms.into());
        if let Some(iso) = values::iso(ms) {
            o.insert(format!("{key}_iso"), iso.into());
        }
    }
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

fn metric_json(m: &Metric, births: &Lookup) -> Value {
    let mut o = Map::new();
    let mut from_birth = Vec::new();
    let learned = m
        .alias
        .and_then(|a| births.aliases.and_then(|t| t.get(&a)));
    match (&m.name, learned) {
        (Some(name), _) => {
            o.insert("name".into(), name.clone().into());
        }
        (None, Some((name, _))) => {
            o.insert("name".into(), name.clone().into());
            from_birth.push("name");
        }
        _ => {}
    }
    if let Some(alias) = m.alias {
        o.insert("alias".into(), alias.into());
    }
    timestamp(&mut o, "timestamp", m.timestamp);
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
        o.insert("datatype".into(), values::datatype_json(dt));
    }
    for (key, flag) in [
        ("is_historical", m.is_historical),
        ("is_transient", m.is_transient),
        ("is_null", m.is_null),
    ] {
        if let Some(b) = flag {
            o.insert(key.into(), b.into());
        }
    }
    if let Some(md) = &m.metadata {
        o.insert("metadata".into(), metadata_json(md));
    }
    if let Some(ps) = &m.properties {
        o.insert("properties".into(), property_set_json(ps));
    }
    match &m.value {
        Some(MetricValue::DatasetValue(d)) => {
            o.insert("value".into(), dataset_json(d));
        }
        Some(MetricValue::TemplateValue(t)) => {
            o.insert("value".into(), template_json(t));
        }
        Some(MetricValue::ExtensionValue(_)) => {
            o.insert("value".into(), Value::Null);
            o.insert("extension".into(), true.into());
        }
        Some(v) => {
            if let Some(s) = scalar(v) {
                put_value(&mut o, datatype, s);
            }
        }
        None if m.is_null == Some(true) => {
            o.insert("value".into(), Value::Null);
        }
        None => {}
    }
    if !from_birth.is_empty() {
        o.insert("from_birth".into(), from_birth.into());
    }
    Value::Object(o)
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
    let none = Lookup::default();
    let metrics = t.metrics.iter().map(|m| metric_json(m, &none)).collect();
    o.insert("metrics".into(), Value::Array(metrics));
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
