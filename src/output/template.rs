//! `sub --format` templates: `{placeholder}` fields, `\n` `\t` `\\` escapes, `{{` `}}` braces.
//! Parsed once before connecting (an unknown placeholder is a usage error), rendered per message.
use base64::Engine as _;

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
    pub fn render(&self, p: &Publish, time: &str, out: &mut Vec<u8>) {
        let mut props = None;
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
                    let line = super::message::to_json(p, time, payload::PayloadFormat::Text, &[]);
                    out.extend_from_slice(line.as_bytes());
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

fn placeholder(name: &str) -> Result<Part, String> {
    Ok(match name {
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
        Template::parse(t).unwrap().render(&msg(), "T", &mut out);
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
    fn unknown_or_unclosed_placeholders_are_errors() {
        assert!(Template::parse("{nope}")
            .unwrap_err()
            .contains("unknown placeholder '{nope}'"));
        assert!(Template::parse("{topic").unwrap_err().contains("unclosed"));
    }
}
