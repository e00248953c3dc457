//! MQTT 5 properties to and from JSON, generated from the property table in
//! `protocol::properties`: the `properties` object of records, keyed by the fields of
//! [`Properties`] (the MQTT names in snake_case) in specification order. Binary values follow
//! the payload rule (UTF-8 as a string, otherwise `{"base64": ...}`), the four "available"
//! flags are true or false, every other number a number.
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::payload;
use crate::protocol::properties::{property_table, Properties};
use crate::protocol::topic;

/// The properties that are set, as a JSON object written straight from the struct.
pub struct Json<'a>(pub &'a Properties);

/// The properties that are set as a JSON map (for records built as maps and for templates).
pub fn to_map(p: &Properties) -> Map<String, Value> {
    match serde_json::to_value(Json(p)) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// How each value column of the table is written and read.
trait JsonKind {
    type Slot;
    /// What is written for the property, when it is set.
    type Json<'a>: Serialize;
    fn json(slot: &Self::Slot) -> Option<Self::Json<'_>>;
    /// Set the property from its JSON value (repeated ones are added to).
    fn read(slot: &mut Self::Slot, key: &str, v: &Value) -> Result<(), String>;
}

/// The value columns of the table.
mod kind {
    pub struct Byte;
    pub struct Bool;
    pub struct Two;
    pub struct Four;
    pub struct Str;
    pub struct Bin;
    pub struct SubIds;
    pub struct Pairs;
}

fn whole<T: TryFrom<u64>>(key: &str, v: &Value) -> Result<T, String> {
    v.as_u64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or(format!("property {key} must be a whole number"))
}

macro_rules! number_kind {
    ($kind:ident, $t:ty) => {
        impl JsonKind for kind::$kind {
            type Slot = Option<$t>;
            type Json<'a> = $t;
            fn json(slot: &Option<$t>) -> Option<$t> {
                *slot
            }
            fn read(slot: &mut Option<$t>, key: &str, v: &Value) -> Result<(), String> {
                *slot = Some(whole(key, v)?);
                Ok(())
            }
        }
    };
}
number_kind!(Byte, u8);
number_kind!(Two, u16);
number_kind!(Four, u32);

impl JsonKind for kind::Bool {
    type Slot = Option<u8>;
    type Json<'a> = bool;
    fn json(slot: &Option<u8>) -> Option<bool> {
        slot.map(|v| v != 0)
    }
    fn read(slot: &mut Option<u8>, key: &str, v: &Value) -> Result<(), String> {
        let b = v
            .as_bool()
            .ok_or(format!("property {key} must be true or false"))?;
        *slot = Some(u8::from(b));
        Ok(())
    }
}

impl JsonKind for kind::Str {
    type Slot = Option<String>;
    type Json<'a> = &'a str;
    fn json(slot: &Option<String>) -> Option<&str> {
        slot.as_deref()
    }
    fn read(slot: &mut Option<String>, key: &str, v: &Value) -> Result<(), String> {
        let s = v
            .as_str()
            .ok_or(format!("property {key} must be a string"))?;
        *slot = Some(s.to_string());
        Ok(())
    }
}

impl JsonKind for kind::Bin {
    type Slot = Option<bytes::Bytes>;
    type Json<'a> = Binary<'a>;
    fn json(slot: &Option<bytes::Bytes>) -> Option<Binary<'_>> {
        slot.as_deref().map(Binary)
    }
    fn read(slot: &mut Option<bytes::Bytes>, key: &str, v: &Value) -> Result<(), String> {
        let b = payload::binary_from_value(v).map_err(|e| format!("{key}: {e}"))?;
        *slot = Some(b.into());
        Ok(())
    }
}

/// Binary data as `payload::binary_value` gives it: UTF-8 as a string, otherwise
/// `{"base64": ...}`; written without building the value.
struct Binary<'a>(&'a [u8]);

impl Serialize for Binary<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Ok(text) = std::str::from_utf8(self.0) {
            return s.serialize_str(text);
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("base64", &payload::base64(self.0))?;
        m.end()
    }
}

impl JsonKind for kind::SubIds {
    type Slot = Vec<u32>;
    type Json<'a> = &'a [u32];
    fn json(slot: &Vec<u32>) -> Option<&[u32]> {
        (!slot.is_empty()).then_some(slot.as_slice())
    }
    fn read(slot: &mut Vec<u32>, key: &str, v: &Value) -> Result<(), String> {
        let list = v
            .as_array()
            .ok_or(format!("property {key} must be a list of whole numbers"))?;
        for n in list {
            slot.push(whole(key, n)?);
        }
        Ok(())
    }
}

impl JsonKind for kind::Pairs {
    type Slot = Vec<(String, String)>;
    /// Each pair is written as `[key, value]`.
    type Json<'a> = &'a [(String, String)];
    fn json(slot: &Vec<(String, String)>) -> Option<&[(String, String)]> {
        (!slot.is_empty()).then_some(slot.as_slice())
    }
    fn read(slot: &mut Vec<(String, String)>, key: &str, v: &Value) -> Result<(), String> {
        let bad = || format!("{key} must be a list of [key, value] pairs");
        for pair in v.as_array().ok_or_else(bad)? {
            match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(a), Value::String(b)]) => slot.push((a.clone(), b.clone())),
                _ => return Err(bad()),
            }
        }
        Ok(())
    }
}

/// Read one property of a record with the checks of its row.
macro_rules! read_checked {
    (Byte flag $slot:expr, $key:expr, $v:expr) => {{
        let n = $v.as_u64().filter(|n| *n <= 1);
        $slot = Some(n.ok_or(format!("{} must be 0 or 1", $key))? as u8);
    }};
    (Str topic $slot:expr, $key:expr, $v:expr) => {{
        let mut t = None;
        kind::Str::read(&mut t, $key, $v)?;
        if let Some(t) = &t {
            topic::validate_name(t).map_err(|e| format!("{}: {e}", $key))?;
        }
        $slot = t;
    }};
    ($kind:ident $check:ident $slot:expr, $key:expr, $v:expr) => {
        kind::$kind::read(&mut $slot, $key, $v)?
    };
}

/// What a message record's property becomes when `pub --jsonl` reads the record back.
macro_rules! read_role {
    (message $key:expr, $code:block) => {
        $code
    };
    // Added by the broker for the subscription, or resolved by the session: not sent on.
    (delivery $key:expr, $code:block) => {{}};
    (link $key:expr, $code:block) => {{}};
    (none $key:expr, $code:block) => {
        return Err(format!("property {} cannot be published", $key))
    };
}

macro_rules! shown_in_messages {
    (message) => {
        true
    };
    (delivery) => {
        true
    };
    (link) => {
        false
    };
    (none) => {
        false
    };
}

macro_rules! json_code {
    ($( $id:literal $konst:ident $field:ident $(($name:literal))?: $kind:ident, $check:ident,
        $($ctx:ident)|+, $role:ident; )*) => {
        impl Serialize for Json<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let p = self.0;
                let mut m = s.serialize_map(None)?;
                $(
                    if let Some(v) = kind::$kind::json(&p.$field) {
                        m.serialize_entry(stringify!($field), &v)?;
                    }
                )*
                m.end()
            }
        }

        /// The properties of a message record (`properties` in what `sub` prints) for a
        /// PUBLISH: those of the message; those of the subscription are left out, and any
        /// other is an error that names it.
        pub fn from_message_record(m: &Map<String, Value>) -> Result<Properties, String> {
            let mut p = Properties::default();
            for (k, v) in m {
                match k.as_str() {
                    $( stringify!($field) => read_role!($role k, {
                        read_checked!($kind $check p.$field, k, v);
                    }), )*
                    other => return Err(format!("property {other} cannot be published")),
                }
            }
            Ok(p)
        }

        /// Whether `key` is a property a `message` record can show (a `sub --format`
        /// placeholder).
        pub fn in_message_records(key: &str) -> bool {
            match key {
                $( stringify!($field) => shown_in_messages!($role), )*
                _ => false,
            }
        }
    };
}

property_table!(json_code);

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn properties_use_snake_case_names_and_payload_rules() {
        let p = Properties {
            content_type: Some("text/plain".into()),
            correlation_data: Some(Bytes::from_static(&[0xff, 0x01])),
            user_properties: vec![("k".into(), "v".into()), ("k".into(), "w".into())],
            retain_available: Some(0),
            receive_maximum: Some(20),
            ..Properties::default()
        };
        let v = Value::Object(to_map(&p));
        assert_eq!(
            v,
            serde_json::json!({
                "content_type": "text/plain",
                "correlation_data": {"base64": "/wE="},
                "user_properties": [["k", "v"], ["k", "w"]],
                "retain_available": false,
                "receive_maximum": 20
            })
        );
        assert!(to_map(&Properties::default()).is_empty());
    }

    #[test]
    fn every_property_is_written_under_its_field_name_in_table_order() {
        let p = Properties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(3600),
            subscription_identifiers: vec![1, 268_435_455],
            server_keep_alive: Some(30),
            authentication_data: Some(Bytes::from_static(b"\xFF\x00")),
            maximum_qos: Some(1),
            retain_available: Some(1),
            user_properties: vec![("".into(), "\u{fc}".into())],
            shared_subscription_available: Some(0),
            ..Properties::default()
        };
        assert_eq!(
            serde_json::to_string(&Json(&p)).unwrap(),
            r#"{"payload_format_indicator":1,"message_expiry_interval":3600,"subscription_identifiers":[1,268435455],"server_keep_alive":30,"authentication_data":{"base64":"/wA="},"maximum_qos":1,"retain_available":true,"user_properties":[["","ü"]],"shared_subscription_available":false}"#
        );
        assert_eq!(
            serde_json::to_string(&Json(&Properties::default())).unwrap(),
            "{}"
        );
    }

    #[test]
    fn message_records_show_the_properties_of_a_delivered_publish() {
        let shown: Vec<&str> = [
            "payload_format_indicator",
            "message_expiry_interval",
            "content_type",
            "response_topic",
            "correlation_data",
            "subscription_identifiers",
            "user_properties",
        ]
        .into_iter()
        .filter(|k| in_message_records(k))
        .collect();
        assert_eq!(shown.len(), 7);
        for key in [
            "topic_alias",
            "reason_string",
            "user_property",
            "retain_available",
            "",
        ] {
            assert!(!in_message_records(key), "{key}");
        }
    }
}
