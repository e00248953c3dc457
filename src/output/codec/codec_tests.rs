use serde_json::{json, Value};

use super::*;
use crate::output::payload::PayloadFormat;
use crate::protocol::{Properties, Publish};

/// Values every schemaless codec must carry both ways.
fn representative() -> Vec<Value> {
    vec![
        json!({}),
        json!([]),
        json!(""),
        json!(null),
        json!(true),
        json!(0),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(-1),
        json!(9007199254740993u64),
        json!(1.5),
        json!(-0.1),
        json!(1e300),
        json!({"$float": "NaN"}),
        json!({"$float": "Infinity"}),
        json!({"$float": "-Infinity"}),
        json!({"$base64": "3q2+7w=="}),
        json!({"$base64": ""}),
        json!({"nested": {"map": {"deep": [1, {"x": "ü"}]}}, "list": [null, false, "s"]}),
        json!({"$map": [[1, "one"], [-2, {"$base64": "AA=="}]]}),
    ]
}

#[test]
fn cbor_and_messagepack_carry_every_representative_value_there_and_back() {
    for v in representative() {
        let c = cbor::encode(&v).unwrap_or_else(|e| panic!("cbor {v}: {e}"));
        assert_eq!(cbor::decode(&c).unwrap(), v, "cbor");
        let m = msgpack::encode(&v).unwrap_or_else(|e| panic!("msgpack {v}: {e}"));
        assert_eq!(msgpack::decode(&m).unwrap(), v, "msgpack");
    }
}

#[test]
fn cbor_keeps_tags_and_integers_below_minus_two_to_the_63() {
    for v in [
        json!({"$tag": 1, "$value": 1700000000}),
        json!({"$int": "-18446744073709551616"}),
    ] {
        assert_eq!(cbor::decode(&cbor::encode(&v).unwrap()).unwrap(), v);
    }
    // RFC 8949 Appendix A: 0xf97e00 is a half-precision NaN, 0xc11a514b67b0 is tag 1.
    assert_eq!(
        cbor::decode(&[0xf9, 0x7e, 0x00]).unwrap(),
        json!({"$float": "NaN"})
    );
    assert_eq!(
        cbor::decode(&[0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0]).unwrap(),
        json!({"$tag": 1, "$value": 1363896240})
    );
    // An integer too large for CBOR says so.
    assert!(cbor::encode(&json!({"$int": "-18446744073709551617"}))
        .unwrap_err()
        .contains("out of CBOR's range"));
}

#[test]
fn messagepack_keeps_extensions_and_shows_f32_as_its_shortest_decimal() {
    let ext = json!({"$ext": -1, "$base64": "AAAAAGVTxwA="});
    assert_eq!(
        msgpack::decode(&msgpack::encode(&ext).unwrap()).unwrap(),
        ext
    );
    // 0xca: float 32 of 12.3.
    let f32_bytes = [0xca, 0x41, 0x44, 0xcc, 0xcd];
    assert_eq!(msgpack::decode(&f32_bytes).unwrap(), json!(12.3));
}

#[test]
fn bad_binary_payloads_are_refused_with_the_reason() {
    // Truncated, trailing bytes, a length far past the end.
    assert!(cbor::decode(&[0x82, 0x01])
        .unwrap_err()
        .starts_with("not CBOR"));
    assert!(cbor::decode(&[0x01, 0x02])
        .unwrap_err()
        .contains("1 bytes left"));
    assert!(cbor::decode(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    assert!(msgpack::decode(&[0x92, 0x01])
        .unwrap_err()
        .starts_with("not MessagePack"));
    assert!(msgpack::decode(&[0xc6, 0xff, 0xff, 0xff, 0xff]).is_err());
    // Nesting deeper than the limit is refused, not a stack overflow.
    let deep = vec![0x81u8; 100_000];
    assert!(cbor::decode(&deep).is_err());
    let deep = vec![0x91u8; 100_000];
    assert!(msgpack::decode(&deep).is_err());
    // JSON with a `$` form of the wrong shape names it.
    assert!(cbor::encode(&json!({"$float": "nan"}))
        .unwrap_err()
        .contains("$float"));
    assert!(msgpack::encode(&json!({"$base64": "!!"}))
        .unwrap_err()
        .contains("base64"));
    assert!(msgpack::encode(&json!({"$tag": 1, "$value": 2}))
        .unwrap_err()
        .contains("CBOR's"));
}

fn proto_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("common")).unwrap();
    std::fs::write(
        dir.path().join("common/units.proto"),
        "syntax = \"proto3\";\npackage common;\nenum Unit { UNIT_UNSPECIFIED = 0; CELSIUS = 1; KELVIN = 2; }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("reading.proto"),
        "syntax = \"proto3\";\npackage sensors.v1;\nimport \"common/units.proto\";\n\
         message Reading {\n  string sensor_id = 1;\n  double value = 2;\n  common.Unit unit = 3;\n\
         int64 at_ms = 4;\n  uint64 counter = 5;\n  bytes raw = 6;\n  map<string, Reading> children = 7;\n\
         repeated float samples = 8;\n}\n",
    )
    .unwrap();
    dir
}

fn schema(dir: &std::path::Path, message: Option<&str>) -> Result<protobuf::Schema, String> {
    protobuf::Schema::load(&protobuf::Source {
        protos: vec![dir.join("reading.proto")],
        includes: vec![],
        descriptor_set: None,
        message: message.map(str::to_string),
    })
}

#[test]
fn protobuf_uses_the_canonical_json_mapping_both_ways_with_an_imported_enum() {
    let dir = proto_dir();
    let s = schema(dir.path(), None).unwrap();
    assert_eq!(s.name(), "sensors.v1.Reading");
    let v = json!({
        "sensorId": "t1",
        "value": 21.5,
        "unit": "CELSIUS",
        "atMs": "-9223372036854775808",
        "counter": "18446744073709551615",
        "raw": "3q2+7w==",
        "children": {"a": {"value": "NaN"}},
        "samples": [1.5, "Infinity"]
    });
    let bytes = s.encode(&v).unwrap();
    assert_eq!(s.decode(&bytes).unwrap(), v);
    // The empty payload is the message with every field at its default.
    assert_eq!(s.decode(&[]).unwrap(), json!({}));
    assert!(s
        .decode(&[0xff, 0xff])
        .unwrap_err()
        .starts_with("not a sensors.v1.Reading"));
    assert!(s.encode(&json!({"nope": 1})).unwrap_err().contains("nope"));
}

#[test]
fn a_protobuf_schema_that_does_not_load_names_the_problem() {
    let dir = proto_dir();
    assert!(schema(dir.path(), Some("sensors.v1.Nope"))
        .unwrap_err()
        .contains("no such message type in the schema (it has sensors.v1.Reading)"));
    std::fs::write(
        dir.path().join("reading.proto"),
        "syntax = \"proto3\";\nmessage {",
    )
    .unwrap();
    let e = schema(dir.path(), None).unwrap_err();
    assert!(e.starts_with("--proto "), "{e}");
    let e = protobuf::Schema::load(&protobuf::Source {
        descriptor_set: Some(dir.path().join("reading.proto")),
        ..protobuf::Source::default()
    })
    .unwrap_err();
    assert!(e.contains("not a FileDescriptorSet"), "{e}");
}

#[test]
fn a_descriptor_set_serves_as_well_as_the_proto_files() {
    let dir = proto_dir();
    let fds = protox::compile([dir.path().join("reading.proto")], [dir.path()]).unwrap();
    let path = dir.path().join("set.pb");
    std::fs::write(&path, prost::Message::encode_to_vec(&fds)).unwrap();
    let s = protobuf::Schema::load(&protobuf::Source {
        descriptor_set: Some(path),
        message: Some("sensors.v1.Reading".into()),
        ..protobuf::Source::default()
    })
    .unwrap();
    let v = json!({"sensorId": "x", "unit": "KELVIN"});
    assert_eq!(s.decode(&s.encode(&v).unwrap()).unwrap(), v);
}

fn publish(topic: &str, payload: &[u8], content_type: Option<&str>) -> Publish {
    Publish {
        topic: topic.into(),
        payload: bytes::Bytes::copy_from_slice(payload),
        properties: Properties {
            content_type: content_type.map(str::to_string),
            ..Properties::default()
        },
        ..Publish::default()
    }
}

#[test]
fn a_payload_that_does_not_decode_is_kept_whole_with_the_reason() {
    let mut d = Decoder::plain(PayloadFormat::Cbor);
    let (decoded, _) = d.decode(&publish("a", b"\x82\x01", None));
    let Decoded::Failed { error, .. } = &decoded else {
        panic!("{decoded:?}");
    };
    assert!(error.starts_with("not CBOR"), "{error}");
    let record = crate::output::message::to_json_decoded(
        &publish("a", b"\x82\x01", None),
        "T",
        &decoded,
        &[],
    );
    assert!(
        record.contains(r#""payload":"ggE=","encoding":"base64","decode_error":"not CBOR"#),
        "{record}"
    );
    // An empty payload (a retained message cleared) is no error.
    assert_eq!(
        d.decode(&publish("a", b"", None)).0,
        Decoded::Plain(PayloadFormat::Text)
    );
}

#[test]
fn auto_decodes_by_content_type_and_sparkplug_topic_and_otherwise_shows_json_or_text() {
    let mut d = Decoder::plain(PayloadFormat::Auto);
    let cbor = cbor::encode(&json!({"a": 1})).unwrap();
    let (decoded, _) = d.decode(&publish("x", &cbor, Some("application/cbor")));
    assert!(
        matches!(
            decoded,
            Decoded::Value {
                encoding: "cbor",
                ..
            }
        ),
        "{decoded:?}"
    );
    let mp = msgpack::encode(&json!([1])).unwrap();
    let (decoded, _) = d.decode(&publish("x", &mp, Some("application/x-msgpack; q=1")));
    assert!(matches!(
        decoded,
        Decoded::Value {
            encoding: "msgpack",
            ..
        }
    ));
    let spb = sparkplug::encode(&json!({"seq": 1, "metrics": []})).unwrap();
    let (decoded, _) = d.decode(&publish("spBv1.0/g/NDATA/e", &spb, None));
    let Decoded::Value {
        encoding, fields, ..
    } = &decoded
    else {
        panic!("{decoded:?}");
    };
    assert_eq!(*encoding, "sparkplug");
    assert_eq!(fields["edge_node_id"], "e");
    assert_eq!(
        d.decode(&publish("x", b"{\"a\":1}", None)).0,
        Decoded::Plain(PayloadFormat::Json)
    );
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    fn sparkplug_sample() -> Vec<u8> {
        sparkplug::encode(&json!({"timestamp": 1, "seq": 3, "metrics": [
            {"name": "a", "alias": 1, "datatype": "Int16Array", "value": [1, -2]},
            {"name": "b", "datatype": "DataSet", "value": {"columns": ["x"], "types": ["Int8"], "rows": [[1]]}},
            {"name": "c", "datatype": "Template", "value": {"metrics": [{"name": "d", "datatype": "BooleanArray", "value": [true]}]}},
            {"name": "e", "datatype": "Int32", "value": 1, "properties": {"p": {"type": "PropertySetList", "value": [{}]}}}
        ]}))
        .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Arbitrary bytes, and a valid Sparkplug payload with bytes changed, never panic a
        /// decoder: each gives JSON or an error.
        #[test]
        fn no_payload_panics_a_decoder(
            bytes in proptest::collection::vec(any::<u8>(), 0..600),
            flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        ) {
            let _ = cbor::decode(&bytes);
            let _ = msgpack::decode(&bytes);
            let _ = sparkplug::decode(&bytes);
            let mut mutated = sparkplug_sample();
            for (at, b) in flips {
                let n = mutated.len();
                mutated[at % n] = b;
            }
            let mut host = sparkplug::Host::new(true);
            for topic in ["spBv1.0/g/NBIRTH/e", "spBv1.0/g/DDATA/e/d", "spBv1.0/g/NDEATH/e"] {
                let t = sparkplug::Topic::parse(topic).unwrap();
                if let Ok((json, _)) = sparkplug::decode_on(&mut host, &t, &mutated) {
                    // Whatever decodes is valid JSON.
                    prop_assert!(serde_json::from_str::<Value>(json.get()).is_ok());
                }
            }
        }
    }
}
