//! `pub --jsonl`: a PUBLISH from each message record (the JSON lines `sub` prints), so that
//! `sub | jq | pub --jsonl` copies messages byte for byte, properties included.
use bytes::Bytes;
use serde_json::Value;

use crate::commands::common;
use crate::output::{payload, properties};
use crate::protocol::{topic, Publish, QoS, Version};

/// A PUBLISH from a message record (what `sub` prints); the record's fields override the
/// template made from the flags.
pub fn message_from_record(
    line: &[u8],
    template: &Publish,
    version: Version,
) -> std::result::Result<Publish, String> {
    let v: Value = serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(m) = v else {
        return Err("expected a JSON object".into());
    };
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
    topic::validate_name(&p.topic)
        .map_err(|e| format!("topic '{}': {e}", common::shorten(&p.topic)))?;
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
    p.payload = match encoding {
        // The payload's JSON text exactly as it stands in the record: no number is rounded
        // and no duplicate key merged on the way through.
        Some("json") => {
            let raw: RawPayload =
                serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
            Bytes::from(raw.payload.map_or("null", |r| r.get()).as_bytes().to_vec())
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
    Ok(p)
}

#[derive(serde::Deserialize)]
struct RawPayload<'a> {
    #[serde(borrow)]
    payload: Option<&'a serde_json::value::RawValue>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(s: &str) -> std::result::Result<Publish, String> {
        message_from_record(
            s.as_bytes(),
            &Publish {
                qos: QoS::AtLeastOnce,
                ..Publish::default()
            },
            Version::V5,
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
}
