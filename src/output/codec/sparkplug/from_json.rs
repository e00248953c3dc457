//! JSON to a Sparkplug B payload: the inverse of [`super::json`], strict about keys (a typo
//! is an error naming the metric), with the datatype choosing the field a value goes in.
use serde_json::{Map, Value};

use super::schema::*;
use super::values::{self, Scalar};
use crate::output::payload;

type Obj = Map<String, Value>;

fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Obj, String> {
    v.as_object()
        .ok_or_else(|| format!("{what} must be an object, not {v}"))
}

fn check_keys(o: &Obj, allowed: &[&str], what: &str) -> Result<(), String> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "{what}: unknown key '{k}' (expected {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

fn opt_str(o: &Obj, key: &str, what: &str) -> Result<Option<String>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(format!("{what}: \"{key}\" must be a string, not {v}")),
    }
}

fn opt_u64(o: &Obj, key: &str, what: &str) -> Result<Option<u64>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .map(Some)
            .ok_or_else(|| format!("{what}: \"{key}\" must be a whole number, not {v}")),
    }
}

fn opt_bool(o: &Obj, key: &str, what: &str) -> Result<Option<bool>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(format!("{what}: \"{key}\" must be true or false, not {v}")),
    }
}

fn opt_ms(o: &Obj, key: &str, what: &str) -> Result<Option<u64>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => values::ms_from(v, &format!("{what}: \"{key}\"")).map(Some),
    }
}

fn opt_datatype(o: &Obj, keys: &[&str]) -> Result<Option<u32>, String> {
    keys.iter()
        .find_map(|k| o.get(*k).filter(|v| !v.is_null()))
        .map(values::datatype_from)
        .transpose()
}

pub fn payload_from_json(v: &Value) -> Result<Payload, String> {
    let o = object(v, "a Sparkplug B payload")?;
    check_keys(
        o,
        &[
            "timestamp",
            "timestamp_iso",
            "seq",
            "uuid",
            "metrics",
            "body",
        ],
        "payload",
    )?;
    let metrics = match o.get("metrics") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ms)) => ms
            .iter()
            .enumerate()
            .map(|(i, m)| metric_from_json(m, &format!("metric {}", i + 1)))
            .collect::<Result<_, _>>()?,
        Some(v) => return Err(format!("\"metrics\" must be an array, not {v}")),
    };
    Ok(Payload {
        timestamp: opt_ms(o, "timestamp", "payload")?,
        metrics,
        seq: opt_u64(o, "seq", "payload")?,
        uuid: opt_str(o, "uuid", "payload")?,
        body: opt_str(o, "body", "payload")?
            .map(|b| payload::unbase64(&b))
            .transpose()?,
    })
}

fn metric_from_json(v: &Value, what: &str) -> Result<Metric, String> {
    let o = object(v, what)?;
    let learned: Vec<&str> = match o.get("from_birth") {
        Some(Value::Array(keys)) => keys.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let name = match learned.contains(&"name") {
        true => None,
        false => opt_str(o, "name", what)?,
    };
    let what = match &name {
        Some(n) => format!("{what} ({n})"),
        None => what.to_string(),
    };
    check_keys(
        o,
        &[
            "name",
            "alias",
            "timestamp",
            "timestamp_iso",
            "datatype",
            "dataType",
            "is_historical",
            "is_transient",
            "is_null",
            "metadata",
            "properties",
            "value",
            "value_iso",
            "from_birth",
            "extension",
        ],
        &what,
    )?;
    let given_datatype = opt_datatype(o, &["datatype", "dataType"])?;
    let datatype = match learned.contains(&"datatype") {
        true => None,
        false => given_datatype,
    };
    let is_null = opt_bool(o, "is_null", &what)?;
    let value = match o.get("value") {
        None => None,
        Some(Value::Null) if is_null == Some(true) => None,
        Some(v) => Some(metric_value(given_datatype, v, &what)?),
    };
    Ok(Metric {
        name,
        alias: opt_u64(o, "alias", &what)?,
        timestamp: opt_ms(o, "timestamp", &what)?,
        datatype,
        is_historical: opt_bool(o, "is_historical", &what)?,
        is_transient: opt_bool(o, "is_transient", &what)?,
        is_null,
        metadata: o
            .get("metadata")
            .map(|m| metadata_from_json(m, &what))
            .transpose()?,
        properties: o
            .get("properties")
            .map(|p| property_set_from_json(p, &what))
            .transpose()?,
        value,
    })
}

fn metric_value(dt: Option<u32>, v: &Value, what: &str) -> Result<MetricValue, String> {
    Ok(match dt {
        Some(values::DATASET) => MetricValue::DatasetValue(dataset_from_json(v, what)?),
        Some(values::TEMPLATE) => MetricValue::TemplateValue(template_from_json(v, what)?),
        _ => match values::from_json(dt, v).map_err(|e| format!("{what}: {e}"))? {
            Scalar::Int(u) => MetricValue::IntValue(u),
            Scalar::Long(l) => MetricValue::LongValue(l),
            Scalar::Float(f) => MetricValue::FloatValue(f),
            Scalar::Double(f) => MetricValue::DoubleValue(f),
            Scalar::Bool(b) => MetricValue::BooleanValue(b),
            Scalar::Str(s) => MetricValue::StringValue(s),
            Scalar::Bytes(b) => MetricValue::BytesValue(b),
        },
    })
}

fn metadata_from_json(v: &Value, what: &str) -> Result<MetaData, String> {
    let what = format!("{what}: metadata");
    let o = object(v, &what)?;
    check_keys(
        o,
        &[
            "is_multi_part",
            "content_type",
            "size",
            "seq",
            "file_name",
            "file_type",
            "md5",
            "description",
        ],
        &what,
    )?;
    Ok(MetaData {
        is_multi_part: opt_bool(o, "is_multi_part", &what)?,
        content_type: opt_str(o, "content_type", &what)?,
        size: opt_u64(o, "size", &what)?,
        seq: opt_u64(o, "seq", &what)?,
        file_name: opt_str(o, "file_name", &what)?,
        file_type: opt_str(o, "file_type", &what)?,
        md5: opt_str(o, "md5", &what)?,
        description: opt_str(o, "description", &what)?,
    })
}

fn property_set_from_json(v: &Value, what: &str) -> Result<PropertySet, String> {
    let o = object(v, &format!("{what}: properties"))?;
    let mut ps = PropertySet::default();
    for (k, pv) in o {
        let what = format!("{what}: property '{k}'");
        let po = object(pv, &what)?;
        check_keys(
            po,
            &["type", "is_null", "value", "value_iso", "decode_error"],
            &what,
        )?;
        let t = opt_datatype(po, &["type"])?;
        let is_null = opt_bool(po, "is_null", &what)?;
        let value = match (t, po.get("value")) {
            (_, None) => None,
            (_, Some(Value::Null)) if is_null == Some(true) => None,
            (Some(values::PROPERTYSET), Some(v)) => Some(PropertyValueValue::PropertysetValue(
                property_set_from_json(v, &what)?,
            )),
            (Some(values::PROPERTYSETLIST), Some(v)) => {
                let Value::Array(sets) = v else {
                    return Err(format!("{what}: a PropertySetList is an array of objects"));
                };
                let sets = sets
                    .iter()
                    .map(|s| property_set_from_json(s, &what))
                    .collect::<Result<_, _>>()?;
                Some(PropertyValueValue::PropertysetsValue(PropertySetList {
                    propertyset: sets,
                }))
            }
            (t, Some(v)) => Some(
                match values::from_json(t, v).map_err(|e| format!("{what}: {e}"))? {
                    Scalar::Int(u) => PropertyValueValue::IntValue(u),
                    Scalar::Long(l) => PropertyValueValue::LongValue(l),
                    Scalar::Float(f) => PropertyValueValue::FloatValue(f),
                    Scalar::Double(f) => PropertyValueValue::DoubleValue(f),
                    Scalar::Bool(b) => PropertyValueValue::BooleanValue(b),
                    Scalar::Str(s) => PropertyValueValue::StringValue(s),
                    Scalar::Bytes(_) => {
                        return Err(format!("{what}: a property value cannot be bytes"))
                    }
                },
            ),
        };
        ps.keys.push(k.clone());
        ps.values.push(PropertyValue {
            r#type: t,
            is_null,
            value,
        });
    }
    Ok(ps)
}

fn dataset_from_json(v: &Value, what: &str) -> Result<DataSet, String> {
    let what = format!("{what}: DataSet");
    let o = object(v, &what)?;
    check_keys(o, &["num_of_columns", "columns", "types", "rows"], &what)?;
    let strings = |key: &str| -> Result<Vec<&Value>, String> {
        match o.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => Ok(a.iter().collect()),
            Some(v) => Err(format!("{what}: \"{key}\" must be an array, not {v}")),
        }
    };
    let columns = strings("columns")?
        .into_iter()
        .map(|c| {
            c.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{what}: column names are strings"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let types = strings("types")?
        .into_iter()
        .map(values::datatype_from)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{what}: {e}"))?;
    let rows = strings("rows")?
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            let Value::Array(cells) = row else {
                return Err(format!("{what}: row {} must be an array", r + 1));
            };
            let elements = cells
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    if cell.is_null() {
                        return Ok(DataSetValue { value: None });
                    }
                    let s = values::from_json(types.get(c).copied(), cell)
                        .map_err(|e| format!("{what}: row {} column {}: {e}", r + 1, c + 1))?;
                    Ok(DataSetValue {
                        value: Some(match s {
                            Scalar::Int(u) => DataSetValueValue::IntValue(u),
                            Scalar::Long(l) => DataSetValueValue::LongValue(l),
                            Scalar::Float(f) => DataSetValueValue::FloatValue(f),
                            Scalar::Double(f) => DataSetValueValue::DoubleValue(f),
                            Scalar::Bool(b) => DataSetValueValue::BooleanValue(b),
                            Scalar::Str(s) => DataSetValueValue::StringValue(s),
                            Scalar::Bytes(_) => {
                                return Err(format!("{what}: a data set cell cannot be bytes"))
                            }
                        }),
                    })
                })
                .collect::<Result<_, String>>()?;
            Ok(Row { elements })
        })
        .collect::<Result<_, String>>()?;
    Ok(DataSet {
        num_of_columns: opt_u64(o, "num_of_columns", &what)?.or(Some(columns.len() as u64)),
        columns,
        types,
        rows,
    })
}

fn template_from_json(v: &Value, what: &str) -> Result<Template, String> {
    let what = format!("{what}: Template");
    let o = object(v, &what)?;
    check_keys(
        o,
        &[
            "version",
            "template_ref",
            "is_definition",
            "metrics",
            "parameters",
        ],
        &what,
    )?;
    let list = |key: &str| -> Result<&[Value], String> {
        match o.get(key) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(v) => Err(format!("{what}: \"{key}\" must be an array, not {v}")),
        }
    };
    let metrics = list("metrics")?
        .iter()
        .enumerate()
        .map(|(i, m)| metric_from_json(m, &format!("{what} metric {}", i + 1)))
        .collect::<Result<_, _>>()?;
    let parameters = list("parameters")?
        .iter()
        .map(|p| {
            let po = object(p, &what)?;
            check_keys(
                po,
                &["name", "type", "value", "value_iso", "decode_error"],
                &what,
            )?;
            let t = opt_datatype(po, &["type"])?;
            let value = match po.get("value") {
                None | Some(Value::Null) => None,
                Some(v) => Some(
                    match values::from_json(t, v).map_err(|e| format!("{what}: {e}"))? {
                        Scalar::Int(u) => ParameterValue::IntValue(u),
                        Scalar::Long(l) => ParameterValue::LongValue(l),
                        Scalar::Float(f) => ParameterValue::FloatValue(f),
                        Scalar::Double(f) => ParameterValue::DoubleValue(f),
                        Scalar::Bool(b) => ParameterValue::BooleanValue(b),
                        Scalar::Str(s) => ParameterValue::StringValue(s),
                        Scalar::Bytes(_) => {
                            return Err(format!("{what}: a parameter cannot be bytes"))
                        }
                    },
                ),
            };
            Ok(Parameter {
                name: opt_str(po, "name", &what)?,
                r#type: t,
                value,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Template {
        version: opt_str(o, "version", &what)?,
        metrics,
        parameters,
        template_ref: opt_str(o, "template_ref", &what)?,
        is_definition: opt_bool(o, "is_definition", &what)?,
    })
}
