//! `sub --format` templates: `{placeholder}` fields, `\n` `\t` `\\` escapes, `{{` `}}` braces.
//! Parsed once before connecting (an unknown placeholder is a usage error), rendered per message.
//! `{payload.PATH}` reaches into the decoded payload (`--payload cbor|msgpack|protobuf|
//! sparkplug|auto`, or a JSON payload): `{payload.metrics[0].value}`, `{payload.a.b}`; a string
//! prints as itself, anything else as compact JSON, a missing path as nothing.
use base64::Engine as _;

use serde_json::Value;

use super::codec::Decoded;
use super::{payload, properties};
use crate::protocol::Publish;

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Text(String),
    Time,
    Topic,
    Payload,
    PayloadHex,
    PayloadBase64,
    PayloadSize,
    Qos,
    Retain,
    Dup,
    PacketId,
    Json,
    UserProperty(String),
    Property(String),
    /// `{decoded}`: the payload as the record holds it, compact JSON.
    Decoded,
    /// `{payload.PATH}`.
    Path(Vec<Step>),
    /// `{group_id}` and the other fields the topic gives a decoded record.
    TopicField(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

#[derive(Clone, Debug)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    pub fn parse(s: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some('r') => text.push('\r'),
                    Some('0') => text.push('\0'),
                    Some('\\') => text.push('\\'),
                    Some(other) => {
                        text.push('\\');
                        text.push(other);
                    }
                    None => text.push('\\'),
                },
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => name.push(c),
                            None => return Err(format!("unclosed '{{{name}' in --format")),
                        }
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(placeholder(&name)?);
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template { parts })
    }

    /// Render one message (a newline is not added).
    pub fn render(&self, p: &Publish, time: &str, decoded: &Decoded, out: &mut Vec<u8>) {
        let mut props = None;
        let mut json_payload: Option<Option<Value>> = None;
        let mut value = |p: &Publish| -> Option<Value> {
            json_payload
                .get_or_insert_with(|| match decoded {
                    Decoded::Value { value, .. } => serde_json::from_str(value.get()).ok(),
                    _ => serde_json::from_slice(&p.payload).ok(),
                })
                .clone()
        };
        for part in &self.parts {
            match part {
                Part::Text(t) => out.extend_from_slice(t.as_bytes()),
                Part::Time => out.extend_from_slice(time.as_bytes()),
                Part::Topic => out.extend_from_slice(p.topic.as_bytes()),
                Part::Payload => out.extend_from_slice(&p.payload),
                Part::PayloadHex => out.extend_from_slice(payload::hex(&p.payload).as_bytes()),
                Part::PayloadBase64 => out.extend_from_slice(
                    base64::engine::general_purpose::STANDARD
                        .encode(&p.payload)
                        .as_bytes(),
                ),
                Part::PayloadSize => out.extend_from_slice(p.payload.len().to_string().as_bytes()),
                Part::Qos => out.push(b'0' + p.qos as u8),
                Part::Retain => out.extend_from_slice(if p.retain { b"1" } else { b"0" }),
                Part::Dup => out.extend_from_slice(if p.dup { b"1" } else { b"0" }),
                Part::PacketId => out.extend_from_slice(p.packet_id.to_string().as_bytes()),
                Part::Json => {
                    let line = super::message::to_json_decoded(p, time, decoded, &[]);
                    out.extend_from_slice(line.as_bytes());
                }
                Part::Decoded => match decoded {
                    Decoded::Value { value, .. } => out.extend_from_slice(value.get().as_bytes()),
                    _ => {
                        let record = super::message::to_json_decoded(p, time, decoded, &[]);
                        if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&record) {
                            if let Some(v) = m.get("payload") {
                                put(out, v, true);
                            }
                        }
                    }
                },
                Part::Path(steps) => {
                    if let Some(v) = value(p) {
                        if let Some(v) = walk(&v, steps) {
                            put(out, v, false);
                        }
                    }
                }
                Part::TopicField(name) => {
                    if let Decoded::Value { fields, .. } | Decoded::Failed { fields, .. } = decoded
                    {
                        if let Some(v) = fields.get(name) {
                            put(out, v, false);
                        }
                    }
                }
                Part::UserProperty(key) => {
                    if let Some((_, v)) =
                        p.properties.user_properties.iter().find(|(k, _)| k == key)
                    {
                        out.extend_from_slice(v.as_bytes());
                    }
                }
                Part::Property(name) => {
                    let map = props.get_or_insert_with(|| properties::to_map(&p.properties));
                    match map.get(name) {
                        Some(serde_json::Value::String(s)) => out.extend_from_slice(s.as_bytes()),
                        Some(v) => out.extend_from_slice(v.to_string().as_bytes()),
                        None => {}
                    }
                }
            }
        }
    }
}

/// A string as itself (or quoted, as JSON, when `json`), anything else as compact JSON.
fn put(out: &mut Vec<u8>, v: &Value, json: bool) {
    match v {
        Value::String(s) if !json => out.extend_from_slice(s.as_bytes()),
        v => out.extend_from_slice(v.to_string().as_bytes()),
    }
}

fn walk<'a>(mut v: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    for step in steps {
        v = match step {
            Step::Key(k) => v.get(k.as_str())?,
            Step::Index(i) => v.get(*i)?,
        };
    }
    Some(v)
}

/// `a.b[0].c` (after `payload.`); a key may be quoted in brackets: `["a key"]`.
fn path(s: &str) -> Result<Vec<Step>, String> {
    let bad = || format!("bad path 'payload.{s}' in --format (e.g. payload.metrics[0].value)");
    let mut steps = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']').ok_or_else(bad)?;
            let inner = &r[..close];
            steps.push(
                match inner.strip_prefix('"').and_then(|i| i.strip_suffix('"')) {
                    Some(key) => Step::Key(key.to_string()),
                    None => Step::Index(inner.parse().map_err(|_| bad())?),
                },
            );
            rest = &r[close + 1..];
        } else {
            let r = rest.strip_prefix('.').unwrap_or(rest);
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return Err(bad());
            }
            steps.push(Step::Key(r[..end].to_string()));
            rest = &r[end..];
        }
    }
    Ok(steps)
}

const TOPIC_FIELDS: [&str; 5] = [
    "group_id",
    "message_type",
    "edge_node_id",
    "device_id",
    "host_id",
];

fn placeholder(name: &str) -> Result<Part, String> {
    Ok(match name {
        "decoded" => Part::Decoded,
        n if n.starts_with("payload.") || n.starts_with("payload[") => {
            Part::Path(path(&n["payload".len()..])?)
        }
        n if TOPIC_FIELDS.contains(&n) => Part::TopicField(n.to_string()),
        "time" => Part::Time,
        "topic" => Part::Topic,
        "payload" => Part::Payload,
        "payload_hex" => Part::PayloadHex,
        "payload_base64" => Part::PayloadBase64,
        "payload_size" => Part::PayloadSize,
        "qos" => Part::Qos,
        "retain" => Part::Retain,
        "dup" => Part::Dup,
        "packet_id" => Part::PacketId,
        "json" => Part::Json,
        n if n.starts_with("user_property:") => {
            Part::UserProperty(n["user_property:".len()..].to_string())
        }
        n if properties::in_message_records(n) => Part::Property(n.to_string()),
        other => {
            return Err(format!(
                "unknown placeholder '{{{other}}}' in --format (see mqtt sub --help for the list)"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Properties, QoS};
    use bytes::Bytes;

    fn msg() -> Publish {
        Publish {
            topic: "a/b".into(),
            qos: QoS::AtLeastOnce,
            retain: true,
            packet_id: 7,
            payload: Bytes::from_static(b"hi"),
            properties: Properties {
                content_type: Some("text/plain".into()),
                user_properties: vec![("k".into(), "v".into())],
                ..Properties::default()
            },
            ..Publish::default()
        }
    }

    fn render(t: &str) -> String {
        let mut out = Vec::new();
        Template::parse(t).unwrap().render(
            &msg(),
            "T",
            &Decoded::Plain(payload::PayloadFormat::Text),
            &mut out,
        );
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn placeholders_and_escapes() {
        assert_eq!(
            render("{time} {topic} q={qos} r={retain} {payload}"),
            "T a/b q=1 r=1 hi"
        );
        assert_eq!(
            render("{payload_hex}|{payload_base64}|{payload_size}|{packet_id}"),
            "6869|aGk=|2|7"
        );
        assert_eq!(
            render("{content_type};{user_property:k};{user_property:none}"),
            "text/plain;v;"
        );
        assert_eq!(render("{user_properties}"), r#"[["k","v"]]"#);
        assert_eq!(render("{{x}}\\t\\n\\\\"), "{x}\t\n\\");
        assert!(render("{json}").starts_with(r#"{"type":"message","time":"T","topic":"a/b""#));
    }

    #[test]
    fn payload_paths_reach_into_decoded_and_json_payloads() {
        let decoded = Decoded::Value {
            value: serde_json::value::RawValue::from_string(
                r#"{"metrics":[{"name":"t","value":21.5}],"a key":{"s":"x"}}"#.into(),
            )
            .unwrap(),
            encoding: "sparkplug",
            fields: [("edge_node_id".to_string(), Value::from("e1"))]
                .into_iter()
                .collect(),
        };
        let render = |t: &str, p: &Publish, d: &Decoded| {
            let mut out = Vec::new();
            Template::parse(t).unwrap().render(p, "T", d, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            render(
                "{edge_node_id} {payload.metrics[0].name}={payload.metrics[0].value} {payload[\"a key\"]} [{payload.nope}] [{device_id}]",
                &msg(),
                &decoded
            ),
            r#"e1 t=21.5 {"s":"x"} [] []"#
        );
        assert_eq!(
            render("{decoded}", &msg(), &decoded),
            r#"{"metrics":[{"name":"t","value":21.5}],"a key":{"s":"x"}}"#
        );
        // A JSON payload without a codec: the same paths.
        let json = Publish {
            payload: Bytes::from_static(br#"{"a":{"b":[true]}}"#),
            ..msg()
        };
        let plain = Decoded::Plain(payload::PayloadFormat::Text);
        assert_eq!(
            render("{payload.a.b[0]} {payload.a}", &json, &plain),
            r#"true {"b":[true]}"#
        );
        for bad in ["{payload.}", "{payload.a[x]}", "{payload.a[0}"] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_or_unclosed_placeholders_are_errors() {
        assert!(Template::parse("{nope}")
            .unwrap_err()
            .contains("unknown placeholder '{nope}'"));
        assert!(Template::parse("{topic").unwrap_err().contains("unclosed"));
    }
}
