//! The `message` record, written straight from a PUBLISH without an intermediate JSON tree:
//! it is the hot path of `sub`.
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::payload::{self, PayloadFormat};
use super::properties;
use crate::protocol::Publish;

/// Optional keys of the message record (`sub --fields`), named as the keys they add
/// (`packet-id` and `payload-size` are accepted too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Field {
    Dup,
    #[value(name = "packet_id", alias = "packet-id")]
    PacketId,
    #[value(name = "payload_size", alias = "payload-size")]
    PayloadSize,
}

struct Record<'a> {
    p: &'a Publish,
    time: &'a str,
    format: PayloadFormat,
    fields: &'a [Field],
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.p;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("type", "message")?;
        m.serialize_entry("time", self.time)?;
        m.serialize_entry("topic", &p.topic)?;
        m.serialize_entry("qos", &(p.qos as u8))?;
        m.serialize_entry("retain", &p.retain)?;
        for f in self.fields {
            match f {
                Field::Dup => m.serialize_entry("dup", &p.dup)?,
                // QoS 0 messages have no packet id: null, as in `published` records.
                Field::PacketId => {
                    m.serialize_entry("packet_id", &(p.packet_id != 0).then_some(p.packet_id))?
                }
                Field::PayloadSize => m.serialize_entry("payload_size", &p.payload.len())?,
            }
        }
        // Text payloads (the common case) are written without a copy; JSON ones as sent.
        let raw = match self.format {
            PayloadFormat::Json => payload::json_raw(&p.payload),
            _ => None,
        };
        match (self.format, std::str::from_utf8(&p.payload), raw) {
            (PayloadFormat::Text, Ok(text), _) => m.serialize_entry("payload", text)?,
            (_, _, Some(raw)) => {
                m.serialize_entry("payload", &raw)?;
                m.serialize_entry("encoding", "json")?;
            }
            _ => {
                let format = match self.format {
                    PayloadFormat::Json => PayloadFormat::Text,
                    f => f,
                };
                let (value, encoding) = payload::encode(&p.payload, format);
                m.serialize_entry("payload", &value)?;
                if let Some(e) = encoding {
                    m.serialize_entry("encoding", e)?;
                }
            }
        }
        if p.properties != Default::default() {
            m.serialize_entry("properties", &properties::Json(&p.properties))?;
        }
        m.end()
    }
}

/// Append the record of `p` and a newline to `out`.
pub fn write(out: &mut Vec<u8>, p: &Publish, time: &str, format: PayloadFormat, fields: &[Field]) {
    // Serializing into a Vec cannot fail: every key is a string and every value serializable.
    let _ = serde_json::to_writer(
        &mut *out,
        &Record {
            p,
            time,
            format,
            fields,
        },
    );
    out.push(b'\n');
}

/// The record as a string (no newline).
pub fn to_json(p: &Publish, time: &str, format: PayloadFormat, fields: &[Field]) -> String {
    serde_json::to_string(&Record {
        p,
        time,
        format,
        fields,
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Properties, QoS};
    use bytes::Bytes;

    #[test]
    fn record_shape() {
        let p = Publish {
            topic: "a/b".into(),
            qos: QoS::AtLeastOnce,
            packet_id: 3,
            payload: Bytes::from_static(&[0xff]),
            properties: Properties {
                content_type: Some("x".into()),
                ..Properties::default()
            },
            ..Publish::default()
        };
        let mut out = Vec::new();
        write(
            &mut out,
            &p,
            "T",
            PayloadFormat::Text,
            &[Field::PacketId, Field::PayloadSize],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"type\":\"message\",\"time\":\"T\",\"topic\":\"a/b\",\"qos\":1,\"retain\":false,\"packet_id\":3,\"payload_size\":1,\"payload\":\"/w==\",\"encoding\":\"base64\",\"properties\":{\"content_type\":\"x\"}}\n"
        );
        let text = Publish {
            payload: Bytes::from_static(b"line\nbreak \"q\""),
            ..Publish::default()
        };
        assert_eq!(
            to_json(&text, "T", PayloadFormat::Text, &[]),
            r#"{"type":"message","time":"T","topic":"","qos":0,"retain":false,"payload":"line\nbreak \"q\""}"#
        );
    }
}
