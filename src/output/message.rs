//! The `message` record, both halves of the `sub | pub --jsonl` bridge side by side: [`write()`]
//! makes it from a PUBLISH straight, without an intermediate JSON tree (it is the hot path of
//! `sub`); [`read()`] makes a PUBLISH of it again, so that `sub | jq | pub --jsonl` copies
//! messages byte for byte, properties included.
use bytes::Bytes;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::codec::{Codec, Codecs, Decoded};
use super::payload::{self, PayloadFormat};
use super::{properties, shorten};
use crate::protocol::{topic, Publish, QoS, Version};

/// Optional keys of the message record (`sub --field`), named as the keys they add
/// (`packet-id` and `payload-size` are accepted too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Field {
    Dup,
    #[value(name = "packet_id", alias = "packet-id")]
    PacketId,
    #[value(name = "payload_size", alias = "payload-size")]
    PayloadSize,
}

/// What a reply record of `mqtt rr` adds to the message: the request it answers, and how long
/// after that request was sent it came.
#[derive(Clone, Copy, Debug)]
pub struct Answers {
    pub request_seq: u64,
    pub latency: std::time::Duration,
}

struct Record<'a> {
    p: &'a Publish,
    time: &'a str,
    decoded: &'a Decoded,
    fields: &'a [Field],
    answers: Option<Answers>,
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
        let format = match self.decoded {
            Decoded::Plain(format) => *format,
            Decoded::Value {
                value,
                encoding,
                fields,
            } => {
                m.serialize_entry("payload", value)?;
                m.serialize_entry("encoding", encoding)?;
                for (k, v) in fields {
                    m.serialize_entry(k, v)?;
                }
                return self.end(m);
            }
            Decoded::Failed { error, fields } => {
                m.serialize_entry("payload", &payload::base64(&p.payload))?;
                m.serialize_entry("encoding", "base64")?;
                m.serialize_entry("decode_error", error)?;
                for (k, v) in fields {
                    m.serialize_entry(k, v)?;
                }
                return self.end(m);
            }
        };
        // Text payloads (the common case) are written without a copy; JSON ones as sent.
        let raw = match format {
            PayloadFormat::Json => payload::json_raw(&p.payload),
            _ => None,
        };
        match (format, std::str::from_utf8(&p.payload), raw) {
            (PayloadFormat::Text, Ok(text), _) => m.serialize_entry("payload", text)?,
            (_, _, Some(raw)) => {
                m.serialize_entry("payload", &raw)?;
                m.serialize_entry("encoding", "json")?;
            }
            _ => {
                let format = match format {
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
        self.end(m)
    }
}

impl Record<'_> {
    /// The keys after the payload's: properties, and what a reply answers.
    fn end<M: SerializeMap>(&self, mut m: M) -> Result<M::Ok, M::Error> {
        let p = self.p;
        if p.properties != Default::default() {
            m.serialize_entry("properties", &properties::Json(&p.properties))?;
        }
        if let Some(a) = self.answers {
            m.serialize_entry("request_seq", &a.request_seq)?;
            m.serialize_entry("latency_ms", &super::record::ms(a.latency))?;
        }
        m.end()
    }
}

/// Append the record of `p` and a newline to `out`.
pub fn write(out: &mut Vec<u8>, p: &Publish, time: &str, format: PayloadFormat, fields: &[Field]) {
    write_answer(out, p, time, &Decoded::Plain(format), fields, None);
}

/// Append the record of `p` with its payload as decoded, and what it answers when it is a
/// reply of `mqtt rr`.
pub fn write_answer(
    out: &mut Vec<u8>,
    p: &Publish,
    time: &str,
    decoded: &Decoded,
    fields: &[Field],
    answers: Option<Answers>,
) {
    // Serializing into a Vec cannot fail: every key is a string and every value serializable.
    let _ = serde_json::to_writer(
        &mut *out,
        &Record {
            p,
            time,
            decoded,
            fields,
            answers,
        },
    );
    out.push(b'\n');
}

/// The record as a string (no newline).
pub fn to_json(p: &Publish, time: &str, format: PayloadFormat, fields: &[Field]) -> String {
    to_json_decoded(p, time, &Decoded::Plain(format), fields)
}

pub fn to_json_decoded(p: &Publish, time: &str, decoded: &Decoded, fields: &[Field]) -> String {
    serde_json::to_string(&Record {
        p,
        time,
        decoded,
        fields,
        answers: None,
    })
    .unwrap_or_default()
}

/// A PUBLISH from a message record (a line [`write()`] made, perhaps edited); the record's
/// fields override the template made from the flags. Keys the record may have that a PUBLISH
/// does not need (`time`, `packet_id`, `dup`, `payload_size`) are ignored.
pub fn read(
    line: &[u8],
    template: &Publish,
    version: Version,
    codecs: &Codecs,
) -> std::result::Result<Publish, String> {
    read_timed(line, template, version, codecs).map(|(p, _)| p)
}

/// [`read()`], and the record's `time` when it has one (`pub --replay`).
pub fn read_timed(
    line: &[u8],
    template: &Publish,
    version: Version,
    codecs: &Codecs,
) -> std::result::Result<(Publish, Option<String>), String> {
    let v: Value = serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(m) = v else {
        return Err("expected a JSON object".into());
    };
    let time = m.get("time").and_then(Value::as_str).map(str::to_string);
    if let Some(t) = m.get("type") {
        if t != "message" {
            return Err(format!("record type {t} is not a message"));
        }
    }
    let mut p = template.clone();
    if let Some(t) = m.get("topic") {
        p.topic = t.as_str().ok_or("\"topic\" must be a string")?.to_string();
    }
    if p.topic.is_empty() {
        return Err("no topic (give -t or a \"topic\" field)".into());
    }
    topic::validate_name(&p.topic).map_err(|e| format!("topic '{}': {e}", shorten(&p.topic)))?;
    if let Some(q) = m.get("qos") {
        p.qos = q
            .as_u64()
            .and_then(|q| u8::try_from(q).ok())
            .and_then(QoS::from_u8)
            .ok_or("\"qos\" must be 0, 1 or 2")?;
    }
    if let Some(r) = m.get("retain") {
        p.retain = r.as_bool().ok_or("\"retain\" must be true or false")?;
    }
    let encoding = match m.get("encoding") {
        Some(Value::String(e)) => Some(e.as_str()),
        Some(Value::Null) | None => None,
        Some(_) => return Err("\"encoding\" must be a string".into()),
    };
    p.payload = match (encoding, encoding.and_then(Codec::from_name)) {
        // The payload's JSON text exactly as it stands in the record: no number is rounded
        // and no duplicate key merged on the way through.
        (Some("json"), _) => {
            let raw: RawPayload =
                serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
            Bytes::from(raw.payload.map_or("null", |r| r.get()).as_bytes().to_vec())
        }
        (Some(name), Some(codec)) => {
            let body = m.get("payload").unwrap_or(&Value::Null);
            Bytes::from(
                codecs
                    .encode(codec, body)
                    .map_err(|e| format!("payload ({name}): {e}"))?,
            )
        }
        _ => {
            let body = m.get("payload").unwrap_or(&Value::Null);
            Bytes::from(payload::decode(body, encoding).map_err(|e| format!("payload: {e}"))?)
        }
    };
    if let Some(props) = m.get("properties") {
        let Value::Object(props) = props else {
            return Err("\"properties\" must be an object".into());
        };
        if version != Version::V5 && !props.is_empty() {
            return Err("message properties need MQTT 5".into());
        }
        p.properties = properties::from_message_record(props)?;
    }
    Ok((p, time))
}

#[derive(serde::Deserialize)]
struct RawPayload<'a> {
    #[serde(borrow)]
    payload: Option<&'a serde_json::value::RawValue>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Properties;

    #[test]
    fn message_records_keep_their_key_order_and_encodings() {
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

    fn rec(s: &str) -> std::result::Result<Publish, String> {
        read(
            s.as_bytes(),
            &Publish {
                qos: QoS::AtLeastOnce,
                ..Publish::default()
            },
            Version::V5,
            &Codecs::default(),
        )
    }

    #[test]
    fn records_override_the_template() {
        let p = rec(
            r#"{"type":"message","time":"x","topic":"a/b","qos":2,"retain":true,"payload":"hi"}"#,
        )
        .unwrap();
        assert_eq!(
            (p.topic.as_str(), p.qos, p.retain, &p.payload[..]),
            ("a/b", QoS::ExactlyOnce, true, &b"hi"[..])
        );
        let p = rec(r#"{"topic":"a","payload":"/wA=","encoding":"base64"}"#).unwrap();
        assert_eq!(
            (p.qos, &p.payload[..]),
            (QoS::AtLeastOnce, &[0xff, 0x00][..])
        );
        let p = rec(r#"{"topic":"a","payload":{"x":[1,2]},"encoding":"json"}"#).unwrap();
        assert_eq!(&p.payload[..], br#"{"x":[1,2]}"#);
    }

    #[test]
    fn record_properties_come_back() {
        let p = rec(r#"{"topic":"a","payload":"","properties":{"content_type":"t","correlation_data":{"base64":"/w=="},"user_properties":[["k","v"]],"message_expiry_interval":5,"subscription_identifiers":[3]}}"#).unwrap();
        assert_eq!(p.properties.content_type.as_deref(), Some("t"));
        assert_eq!(p.properties.correlation_data.as_deref(), Some(&[0xff][..]));
        assert_eq!(
            p.properties.user_properties,
            vec![("k".to_string(), "v".to_string())]
        );
        assert_eq!(p.properties.message_expiry_interval, Some(5));
        assert!(p.properties.subscription_identifiers.is_empty());
    }

    #[test]
    fn bad_records_name_the_problem() {
        assert!(rec("{").unwrap_err().starts_with("invalid JSON"));
        assert!(rec("[1]").unwrap_err().contains("object"));
        assert!(rec(r#"{"payload":"x"}"#).unwrap_err().contains("no topic"));
        assert!(rec(r#"{"topic":"a/#"}"#)
            .unwrap_err()
            .contains("topic 'a/#'"));
        assert!(rec(r#"{"topic":"a","qos":3}"#).unwrap_err().contains("qos"));
        assert!(rec(r#"{"type":"published","topic":"a"}"#)
            .unwrap_err()
            .contains("not a message"));
        assert!(rec(r#"{"topic":"a","properties":{"maximum_qos":1}}"#)
            .unwrap_err()
            .contains("cannot be published"));
        assert!(rec(r#"{"topic":"a","payload":"zz","encoding":"hex"}"#)
            .unwrap_err()
            .starts_with("payload"));
    }

    /// Messages of every kind that cross the bridge, with the format `sub` prints them in.
    fn bridge_messages() -> Vec<(Publish, PayloadFormat)> {
        let msg = |topic: &str, payload: &'static [u8]| Publish {
            topic: topic.into(),
            payload: Bytes::from_static(payload),
            ..Publish::default()
        };
        let all_properties = Properties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(3600),
            content_type: Some("application/json; charset=\"utf-8\"".into()),
            response_topic: Some("reply/to/\u{fc}".into()),
            correlation_data: Some(Bytes::from_static(b"\x00\xFFcorr")),
            user_properties: vec![
                ("k".into(), "v".into()),
                ("k".into(), "v2".into()),
                ("".into(), "line\nbreak \"q\" \u{20ac}".into()),
            ],
            ..Properties::default()
        };
        let json = PayloadFormat::Json;
        let text = PayloadFormat::Text;
        vec![
            (msg("a/b", b"hello"), text),
            (msg("a/b", b""), text),
            (msg("bin", &[0xFF, 0x00, 0x80, b'x']), text),
            (msg("bin", &[0xFF, 0x00]), PayloadFormat::Hex),
            (msg("bin", b"text as base64"), PayloadFormat::Base64),
            // Numbers no f64 holds, a negative zero and duplicate keys, exactly as sent.
            (
                msg(
                    "j",
                    br#"{"n":12345678901234567890123,"z":-0,"f":0.1000000000000000055511151231257827,"a":1,"a":[true,null,"\u00e9"]}"#,
                ),
                json,
            ),
            (msg("j", b"null"), json),
            (msg("j", br#""a string""#), json),
            (msg("j", b"not json {"), json),
            (msg("j", br#"{"as":"text"}"#), text),
            (
                Publish {
                    qos: QoS::ExactlyOnce,
                    retain: true,
                    properties: all_properties.clone(),
                    ..msg("sensors/\u{fc} 1/t", br#"{"t":21.5}"#)
                },
                json,
            ),
            (
                Publish {
                    qos: QoS::AtLeastOnce,
                    properties: all_properties,
                    ..msg("a", &[0xC3])
                },
                text,
            ),
        ]
    }

    #[test]
    fn a_message_record_read_back_is_the_same_publish_and_prints_the_same_record() {
        use crate::protocol::packet::test_support::round_trip;
        use crate::protocol::Packet;
        for (p, format) in bridge_messages() {
            let record = to_json(&p, "T", format, &[Field::PacketId, Field::PayloadSize]);
            let back = read(
                record.as_bytes(),
                &Publish::default(),
                Version::V5,
                &Codecs::default(),
            )
            .unwrap_or_else(|e| panic!("{record}: {e}"));
            assert_eq!(back, p, "{record}");
            // What the bridge sends is a valid PUBLISH that decodes to itself, and `sub` on
            // the other side prints the same record.
            let sent = Publish {
                packet_id: p.packet_id.max(u16::from(p.qos != QoS::AtMostOnce)),
                ..back.clone()
            };
            let bytes = round_trip(&Packet::Publish(sent.clone()), Version::V5);
            let Ok(Some(Packet::Publish(received))) =
                crate::protocol::packet::test_support::decode_all(&bytes, Version::V5)
            else {
                panic!("{record} did not decode as a PUBLISH");
            };
            assert_eq!(
                to_json(
                    &received,
                    "T",
                    format,
                    &[Field::PacketId, Field::PayloadSize]
                ),
                to_json(&sent, "T", format, &[Field::PacketId, Field::PayloadSize])
            );
            assert_eq!(
                to_json(&received, "T", format, &[]),
                to_json(&p, "T", format, &[])
            );
        }
    }

    #[test]
    fn json_payloads_lose_only_the_white_space_and_subscription_properties_stay_behind() {
        let p = Publish {
            topic: "j".into(),
            payload: Bytes::from_static(b"{ \"a\" : [1, 2],\n \"s\": \"x y\" }"),
            properties: Properties {
                subscription_identifiers: vec![7],
                content_type: Some("c".into()),
                ..Properties::default()
            },
            ..Publish::default()
        };
        let record = to_json(&p, "T", PayloadFormat::Json, &[]);
        assert!(
            record.contains(r#""subscription_identifiers":[7]"#),
            "{record}"
        );
        let back = read(
            record.as_bytes(),
            &Publish::default(),
            Version::V5,
            &Codecs::default(),
        )
        .unwrap();
        assert_eq!(&back.payload[..], br#"{"a":[1,2],"s":"x y"}"#);
        assert!(back.properties.subscription_identifiers.is_empty());
        assert_eq!(back.properties.content_type.as_deref(), Some("c"));
        assert_eq!(
            to_json(&back, "T", PayloadFormat::Json, &[]),
            record.replace(r#","subscription_identifiers":[7]"#, "")
        );
    }
}
