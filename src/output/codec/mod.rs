//! Binary payload codecs, both ways between payload bytes and JSON: CBOR, MessagePack,
//! Protobuf (a schema given at run time) and Sparkplug B. `sub` decodes with a [`Decoder`]
//! (which keeps Sparkplug births, for alias names and sequence checks); `pub --encode` and
//! `pub --jsonl` encode with [`Codecs`].
pub mod cbor;
pub mod msgpack;
pub mod protobuf;
pub mod sparkplug;
pub mod tagged;

use serde_json::{Map, Value};

use super::payload::PayloadFormat;
use crate::protocol::Publish;

/// A codec, by the name records carry in `encoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Codec {
    Cbor,
    Msgpack,
    Protobuf,
    Sparkplug,
}

impl Codec {
    pub fn name(self) -> &'static str {
        match self {
            Codec::Cbor => "cbor",
            Codec::Msgpack => "msgpack",
            Codec::Protobuf => "protobuf",
            Codec::Sparkplug => "sparkplug",
        }
    }

    pub fn from_name(name: &str) -> Option<Codec> {
        Some(match name {
            "cbor" => Codec::Cbor,
            "msgpack" | "messagepack" => Codec::Msgpack,
            "protobuf" => Codec::Protobuf,
            "sparkplug" => Codec::Sparkplug,
            _ => return None,
        })
    }

    /// The codec an MQTT 5 content type names, for `--payload auto`.
    fn from_content_type(ct: &str) -> Option<Codec> {
        let ct = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Some(match ct.as_str() {
            "application/cbor" => Codec::Cbor,
            "application/msgpack" | "application/x-msgpack" | "application/vnd.msgpack" => {
                Codec::Msgpack
            }
            "application/protobuf"
            | "application/x-protobuf"
            | "application/vnd.google.protobuf" => Codec::Protobuf,
            _ => return None,
        })
    }
}

/// The codecs with what they need: the Protobuf message type, when one was given.
#[derive(Clone, Debug, Default)]
pub struct Codecs {
    pub protobuf: Option<protobuf::Schema>,
}

impl Codecs {
    pub fn encode(&self, codec: Codec, v: &Value) -> Result<Vec<u8>, String> {
        match codec {
            Codec::Cbor => cbor::encode(v),
            Codec::Msgpack => msgpack::encode(v),
            Codec::Sparkplug => sparkplug::encode(v),
            Codec::Protobuf => match &self.protobuf {
                Some(schema) => schema.encode(v),
                None => Err("protobuf needs a schema: give --proto FILE or --descriptor-set FILE, and --message".into()),
            },
        }
    }

    fn decode(&self, codec: Codec, bytes: &[u8]) -> Result<Value, String> {
        match codec {
            Codec::Cbor => cbor::decode(bytes),
            Codec::Msgpack => msgpack::decode(bytes),
            Codec::Sparkplug => sparkplug::decode(bytes),
            Codec::Protobuf => match &self.protobuf {
                Some(schema) => schema.decode(bytes),
                None => Err("no Protobuf schema".into()),
            },
        }
    }
}

/// How a message's payload goes into its record.
#[derive(Debug)]
pub enum Decoded {
    /// As one of the plain encodings (text, json, base64, hex).
    Plain(PayloadFormat),
    /// Decoded to JSON text; `fields` are what the topic says (Sparkplug's group_id and the
    /// rest).
    Value {
        value: sparkplug::Json,
        encoding: &'static str,
        fields: Map<String, Value>,
    },
    /// Not decodable: kept as base64 with the reason.
    Failed {
        error: String,
        fields: Map<String, Value>,
    },
}

impl PartialEq for Decoded {
    fn eq(&self, other: &Decoded) -> bool {
        match (self, other) {
            (Decoded::Plain(a), Decoded::Plain(b)) => a == b,
            (
                Decoded::Value {
                    value: a,
                    encoding: ea,
                    fields: fa,
                },
                Decoded::Value {
                    value: b,
                    encoding: eb,
                    fields: fb,
                },
            ) => a.get() == b.get() && ea == eb && fa == fb,
            (
                Decoded::Failed {
                    error: a,
                    fields: fa,
                },
                Decoded::Failed {
                    error: b,
                    fields: fb,
                },
            ) => a == b && fa == fb,
            _ => false,
        }
    }
}

/// Decodes what `sub` and `rr` receive, as `--payload` says.
pub struct Decoder {
    format: PayloadFormat,
    codecs: Codecs,
    sparkplug: sparkplug::Host,
}

impl Decoder {
    pub fn new(format: PayloadFormat, codecs: Codecs, sparkplug_check: bool) -> Decoder {
        Decoder {
            format,
            codecs,
            sparkplug: sparkplug::Host::new(sparkplug_check),
        }
    }

    /// A decoder for the plain encodings only.
    pub fn plain(format: PayloadFormat) -> Decoder {
        Decoder::new(format, Codecs::default(), false)
    }

    /// Decode `p`'s payload; the second half is `--sparkplug-check`'s warnings.
    pub fn decode(&mut self, p: &Publish) -> (Decoded, Vec<String>) {
        let codec = match self.format {
            PayloadFormat::Cbor => Codec::Cbor,
            PayloadFormat::Msgpack => Codec::Msgpack,
            PayloadFormat::Protobuf => Codec::Protobuf,
            PayloadFormat::Sparkplug => Codec::Sparkplug,
            PayloadFormat::Auto => match self.auto_codec(p) {
                Some(c) => c,
                None => return (Decoded::Plain(PayloadFormat::Json), Vec::new()),
            },
            plain => return (Decoded::Plain(plain), Vec::new()),
        };
        if p.payload.is_empty() && matches!(codec, Codec::Cbor | Codec::Msgpack) {
            return (Decoded::Plain(PayloadFormat::Text), Vec::new());
        }
        let mut fields = Map::new();
        let result = match (codec, sparkplug::Topic::parse(&p.topic)) {
            (Codec::Sparkplug, Some(topic)) => {
                topic.fields(&mut fields);
                sparkplug::decode_on(&mut self.sparkplug, &topic, &p.payload)
            }
            (codec, _) => self.codecs.decode(codec, &p.payload).map(|v| {
                (
                    serde_json::value::to_raw_value(&v).unwrap_or_default(),
                    Vec::new(),
                )
            }),
        };
        match result {
            Ok((value, warnings)) => (
                Decoded::Value {
                    value,
                    encoding: match (codec, fields.get("message_type")) {
                        (Codec::Sparkplug, Some(t)) if t == "STATE" => "json",
                        _ => codec.name(),
                    },
                    fields,
                },
                warnings,
            ),
            Err(error) => (Decoded::Failed { error, fields }, Vec::new()),
        }
    }

    /// `--payload auto`: the content type's codec, Sparkplug B on `spBv1.0/` topics, the
    /// Protobuf schema when one was given and the payload is not text; else None (JSON when it
    /// parses, text, base64).
    fn auto_codec(&self, p: &Publish) -> Option<Codec> {
        if let Some(c) = p
            .properties
            .content_type
            .as_deref()
            .and_then(Codec::from_content_type)
        {
            if c != Codec::Protobuf || self.codecs.protobuf.is_some() {
                return Some(c);
            }
        }
        if p.topic.starts_with(sparkplug::topic::NAMESPACE) {
            return Some(Codec::Sparkplug);
        }
        if self.codecs.protobuf.is_some() && std::str::from_utf8(&p.payload).is_err() {
            return Some(Codec::Protobuf);
        }
        None
    }
}

#[cfg(test)]
mod codec_tests;
