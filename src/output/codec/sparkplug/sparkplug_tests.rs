use serde_json::{json, Value};

use super::values::{self, ScalarRef};
use super::*;
use crate::output::payload::unhex;

/// The NDATA example of the specification (section 6.4.20), encoded field by field from its
/// schema: timestamp 1486144502122, metric "Supply Voltage" (Float 12.3, same timestamp), seq 2.
const SPEC_NDATA: &str =
    "08eaf2f5a8a02b121e0a0e537570706c7920566f6c7461676518eaf2f5a8a02b200965cdcc44411802";

/// The start of the specification's NBIRTH example (section 6.4.18): bdSeq, a Boolean, an
/// Int64 and a String metric, seq 0.
const SPEC_NBIRTH: &str = "08eaf2f5a8a02b12120a05626453657118eaf2f5a8a02b2008580012210a144e6f646520436f6e74726f6c2f5265626972746818eaf2f5a8a02b200b700012240a164e6f646520436f6e74726f6c2f5363616e205261746518eaf2f5a8a02b200458b81712310a1850726f706572746965732f4861726477617265204d616b6518eaf2f5a8a02b200c7a0c5261737062657272792050691800";

#[test]
fn the_specifications_ndata_example_decodes_exactly() {
    let v = decode(&unhex(SPEC_NDATA).unwrap()).unwrap();
    assert_eq!(
        v,
        json!({
            "timestamp": 1486144502122u64,
            "timestamp_iso": "2017-02-03T17:55:02.122Z",
            "seq": 2,
            "metrics": [{
                "name": "Supply Voltage",
                "timestamp": 1486144502122u64,
                "timestamp_iso": "2017-02-03T17:55:02.122Z",
                "datatype": "Float",
                "value": 12.3
            }]
        })
    );
    // And the JSON encodes to the very same bytes.
    assert_eq!(encode(&v).unwrap(), unhex(SPEC_NDATA).unwrap());
}

#[test]
fn the_specifications_nbirth_example_decodes_exactly() {
    let v = decode(&unhex(SPEC_NBIRTH).unwrap()).unwrap();
    let metrics: Vec<(Value, Value, Value)> = v["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].clone(), m["datatype"].clone(), m["value"].clone()))
        .collect();
    assert_eq!(
        metrics,
        vec![
            (json!("bdSeq"), json!("UInt64"), json!(0)),
            (
                json!("Node Control/Rebirth"),
                json!("Boolean"),
                json!(false)
            ),
            (json!("Node Control/Scan Rate"), json!("Int64"), json!(3000)),
            (
                json!("Properties/Hardware Make"),
                json!("String"),
                json!("Raspberry Pi")
            ),
        ]
    );
    assert_eq!(v["seq"], 0);
    assert_eq!(encode(&v).unwrap(), unhex(SPEC_NBIRTH).unwrap());
}

fn array(dt: u32, hex: &str) -> Value {
    let bytes = unhex(hex).unwrap();
    let (v, _) = values::to_json(Some(dt), ScalarRef::Bytes(&bytes)).unwrap();
    // Encoding the JSON gives the bytes back.
    assert_eq!(
        values::from_json(Some(dt), &v).unwrap(),
        values::Scalar::Bytes(bytes)
    );
    v
}

/// The array examples of section 6.4.17. Where the specification's bytes contradict its own
/// rule (packed little-endian), the test holds the rule and says how the example differs.
#[test]
fn the_specifications_array_examples_decode_exactly() {
    // The example prints 0xEF for -23; -23 is 0xE9 (0xEF is -17).
    assert_eq!(array(22, "e97b"), json!([-23, 123]));
    assert_eq!(array(23, "d08a3075"), json!([-30000, 30000]));
    assert_eq!(array(24, "fffffffffaafcb12"), json!([-1, 315338746]));
    assert_eq!(
        array(25, "ce0672ac189cbac4c4ba9c18ac7206ce"),
        json!([-4270929666821191986i64, -3601064768563266876i64])
    );
    assert_eq!(array(26, "17fa"), json!([23, 250]));
    assert_eq!(array(27, "1e0088cc"), json!([30, 52360]));
    assert_eq!(array(28, "3400000049fb55c4"), json!([52, 3293969225u32]));
    assert_eq!(
        array(29, "3400000000000000d99e02d1b27637e4"),
        json!([52, 16444743074749521625u64])
    );
    // The Float and Double examples print each element's bytes big-endian (3F9D70A4 for
    // 1.23); little-endian, as the rule says, they are reversed.
    assert_eq!(array(30, "a4709d3f98aeb242"), json!([1.23, 89.341]));
    assert_eq!(
        array(31, "d7a205685bb528408e171c6f4cf78f40"),
        json!([12.354213, 1022.9123213])
    );
    // The padding bits ("X", do not care) are zero here.
    assert_eq!(
        array(32, "0c00000034d0"),
        json!([false, false, true, true, false, true, false, false, true, true, false, true])
    );
    assert_eq!(array(33, "4142430068656c6c6f00"), json!(["ABC", "hello"]));
    // The DateTime example drops the two zero high bytes of each 8-byte value.
    let bytes = unhex("c7d0907524010000b8bab89781010000").unwrap();
    let (v, iso) = values::to_json(Some(34), ScalarRef::Bytes(&bytes)).unwrap();
    assert_eq!(v, json!([1256102875335u64, 1656107875000u64]));
    assert_eq!(
        iso,
        Some(json!([
            "2009-10-21T05:27:55.335Z",
            "2022-06-24T21:57:55.000Z"
        ]))
    );
}

#[test]
fn malformed_arrays_keep_their_bytes_and_say_what_is_wrong() {
    let p = encode(&json!({"metrics": [
        {"name": "a", "datatype": "Bytes", "value": "AQID"}
    ]}))
    .unwrap();
    // Relabel the Bytes metric as an Int16Array: 3 bytes is not a whole number of elements.
    let mut payload: schema::Payload = prost::Message::decode(p.as_slice()).unwrap();
    payload.metrics[0].datatype = Some(23);
    let v = decode(&prost::Message::encode_to_vec(&payload)).unwrap();
    assert_eq!(v["metrics"][0]["value"], "AQID");
    assert!(v["metrics"][0]["decode_error"]
        .as_str()
        .unwrap()
        .contains("not a whole number of 2-byte elements"));
}

#[test]
fn signed_integers_read_back_from_either_width_their_unsigned_field_was_written_with() {
    // Int8 -23 as a sign-extended uint32 (0xFFFFFFE9) and as its low byte (0xE9).
    for raw in [0xFFFF_FFE9u32, 0xE9] {
        assert_eq!(
            values::to_json(Some(1), ScalarRef::Int(raw)).unwrap().0,
            json!(-23)
        );
    }
    assert_eq!(
        values::to_json(Some(2), ScalarRef::Int(0xFFFF_8AD0))
            .unwrap()
            .0,
        json!(-30000)
    );
    assert_eq!(
        values::to_json(Some(4), ScalarRef::Long(u64::MAX))
            .unwrap()
            .0,
        json!(-1)
    );
    assert_eq!(
        values::from_json(Some(1), &json!(-23)).unwrap(),
        values::Scalar::Int(0xFFFF_FFE9)
    );
    assert!(values::from_json(Some(1), &json!(128))
        .unwrap_err()
        .contains("-128 to 127"));
    assert!(values::from_json(Some(8), &json!(-1)).is_err());
    // 64-bit values beyond 2^53 survive, given as numbers or strings.
    assert_eq!(
        values::from_json(Some(8), &json!("18446744073709551615")).unwrap(),
        values::Scalar::Long(u64::MAX)
    );
}

#[test]
fn every_kind_of_metric_goes_to_bytes_and_back() {
    let v = json!({
        "timestamp": 1700000000000u64,
        "timestamp_iso": "2023-11-14T22:13:20.000Z",
        "seq": 255,
        "uuid": "u-1",
        "metrics": [
            {"name": "f", "alias": 7, "datatype": "Float", "value": "NaN"},
            {"name": "d", "datatype": "Double", "value": "-Infinity"},
            {"name": "i8", "datatype": "Int8", "value": -128},
            {"name": "u64", "datatype": "UInt64", "value": 18446744073709551615u64},
            {"name": "when", "datatype": "DateTime", "value": 0, "value_iso": "1970-01-01T00:00:00.000Z"},
            {"name": "empty", "datatype": "String", "is_null": true, "value": null},
            {"name": "hist", "datatype": "Text", "is_historical": true, "is_transient": false, "value": ""},
            {"name": "file", "datatype": "File", "metadata": {"file_name": "a.bin", "size": 3, "md5": "x"}, "value": "AQID"},
            {"name": "uuid", "datatype": "UUID", "value": "7d8d3e7e-0000-4000-8000-000000000000"},
            {"name": "props", "datatype": "Int32", "value": 1, "properties": {
                "engUnit": {"type": "String", "value": "C"},
                "limits": {"type": "PropertySet", "value": {"hi": {"type": "Double", "value": 99.5}}},
                "list": {"type": "PropertySetList", "value": [{"k": {"type": "Boolean", "value": true}}]},
                "none": {"type": "Int64", "is_null": true}
            }},
            {"name": "table", "datatype": "DataSet", "value": {
                "num_of_columns": 2, "columns": ["id", "temp"], "types": ["Int32", "Float"],
                "rows": [[1, 20.5], [-2, null]]
            }},
            {"name": "motor", "datatype": "Template", "value": {
                "version": "1", "template_ref": "Motor", "is_definition": false,
                "metrics": [{"name": "rpm", "datatype": "UInt32", "value": 1500}],
                "parameters": [{"name": "max", "type": "Int32", "value": -5}]
            }},
            {"name": "bools", "datatype": "BooleanArray", "value": [true]},
            {"name": "strs", "datatype": "StringArray", "value": []}
        ],
        "body": "AAE="
    });
    let bytes = encode(&v).unwrap();
    assert_eq!(decode(&bytes).unwrap(), v);
}

#[test]
fn bad_sparkplug_json_names_the_metric_and_the_problem() {
    let e = |v: Value| encode(&v).unwrap_err();
    assert!(e(json!({"metrics": [{"name": "t", "vaule": 1}]}))
        .contains("metric 1 (t): unknown key 'vaule'"));
    assert!(
        e(json!({"metrics": [{"name": "t", "datatype": "Flaot", "value": 1}]}))
            .contains("unknown datatype 'Flaot'")
    );
    assert!(e(json!({"metrics": [{"datatype": "Boolean", "value": 1}]})).contains("true or false"));
    assert!(e(json!({"timestamp": "yesterday"})).contains("not an ISO-8601 time"));
    assert!(e(json!([1])).contains("must be an object"));
    assert!(decode(&[0x0a, 0xff])
        .unwrap_err()
        .starts_with("not a Sparkplug B payload"));
}

fn node_msg(host: &mut Host, topic: &str, v: Value) -> (Value, Vec<String>) {
    let topic = Topic::parse(topic).unwrap();
    let (json, warnings) = decode_on(host, &topic, &encode(&v).unwrap()).unwrap();
    (serde_json::from_str(json.get()).unwrap(), warnings)
}

#[test]
fn data_messages_get_names_and_datatypes_from_the_birth_and_lose_them_again_when_encoded() {
    let mut host = Host::new(false);
    node_msg(
        &mut host,
        "spBv1.0/g/NBIRTH/e",
        json!({"seq": 0, "metrics": [
            {"name": "bdSeq", "datatype": "UInt64", "value": 0},
            {"name": "temp", "alias": 1, "datatype": "Int16", "value": 5}
        ]}),
    );
    node_msg(
        &mut host,
        "spBv1.0/g/DBIRTH/e/d",
        json!({"seq": 1, "metrics": [{"name": "dev/when", "alias": 2, "datatype": "DateTime", "value": 0}]}),
    );
    // A DDATA giving the datatype's field only: named and typed from the births.
    let ddata = schema::Payload {
        seq: Some(2),
        metrics: vec![
            schema::Metric {
                alias: Some(1),
                value: Some(schema::MetricValue::IntValue(0xFFFF_FFFF)),
                ..Default::default()
            },
            schema::Metric {
                alias: Some(2),
                value: Some(schema::MetricValue::LongValue(1000)),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let bytes = prost::Message::encode_to_vec(&ddata);
    let topic = Topic::parse("spBv1.0/g/DDATA/e/d").unwrap();
    let (json, _) = decode_on(&mut host, &topic, &bytes).unwrap();
    let v: Value = serde_json::from_str(json.get()).unwrap();
    assert_eq!(
        v["metrics"],
        json!([
            {"name": "temp", "alias": 1, "datatype": "Int16", "value": -1, "from_birth": ["name", "datatype"]},
            {"name": "dev/when", "alias": 2, "datatype": "DateTime", "value": 1000,
             "value_iso": "1970-01-01T00:00:01.000Z", "from_birth": ["name", "datatype"]}
        ])
    );
    // What came from the births is left out again: the same bytes as received.
    assert_eq!(encode(&v).unwrap(), bytes);
}

#[test]
fn the_check_reports_sequence_gaps_across_the_wrap_and_stale_death_certificates() {
    let mut host = Host::new(true);
    let birth = |bd: u64, seq: u64| json!({"seq": seq, "metrics": [{"name": "bdSeq", "datatype": "UInt64", "value": bd}]});
    let seq = |s: u64| json!({"seq": s, "metrics": []});
    assert!(node_msg(&mut host, "spBv1.0/g/NBIRTH/e", birth(3, 254))
        .1
        .is_empty());
    assert!(node_msg(&mut host, "spBv1.0/g/NDATA/e", seq(255))
        .1
        .is_empty());
    assert!(node_msg(&mut host, "spBv1.0/g/DDATA/e/d", seq(0))
        .1
        .is_empty());
    let w = node_msg(&mut host, "spBv1.0/g/DDATA/e/d", seq(3)).1;
    assert_eq!(
        w,
        vec!["g/e/d: DDATA seq 3 where 1 was expected (2 messages missing or out of order)"]
    );
    let w = node_msg(
        &mut host,
        "spBv1.0/g/NDEATH/e",
        json!({"metrics": [{"name": "bdSeq", "datatype": "UInt64", "value": 2}]}),
    )
    .1;
    assert_eq!(
        w,
        vec!["g/e: NDEATH bdSeq 2 does not match the NBIRTH's bdSeq 3 (a stale death certificate)"]
    );
    // The matching death ends the node's sequence; the next birth starts it again.
    assert!(node_msg(
        &mut host,
        "spBv1.0/g/NDEATH/e",
        json!({"metrics": [{"name": "bdSeq", "datatype": "UInt64", "value": 3}]})
    )
    .1
    .is_empty());
    assert!(node_msg(&mut host, "spBv1.0/g/NBIRTH/e", birth(4, 0))
        .1
        .is_empty());
    assert!(node_msg(&mut host, "spBv1.0/g/NDATA/e", seq(1))
        .1
        .is_empty());
    // Data from a node whose birth was not seen: said once.
    assert_eq!(
        node_msg(&mut host, "spBv1.0/g/NDATA/other", seq(9)).1.len(),
        1
    );
    assert!(node_msg(&mut host, "spBv1.0/g/NDATA/other", seq(10))
        .1
        .is_empty());
}

#[test]
fn sparkplug_topics_are_parsed_and_other_topics_are_not() {
    assert_eq!(
        Topic::parse("spBv1.0/plant 1/DDATA/edge/dev"),
        Some(Topic::Node {
            group_id: "plant 1",
            message_type: "DDATA",
            edge_node_id: "edge",
            device_id: Some("dev")
        })
    );
    assert_eq!(
        Topic::parse("spBv1.0/STATE/scada"),
        Some(Topic::State { host_id: "scada" })
    );
    for t in [
        "spBv1.0/g/DDATA/e",
        "spBv1.0/g/NDATA/e/d",
        "spBv1.0/g/XDATA/e",
        "spAv1.0/g/NDATA/e",
        "spBv1.0//NDATA/e",
        "spBv1.0/g/NDATA/e/d/x",
    ] {
        assert_eq!(Topic::parse(t), None, "{t}");
    }
}

#[test]
fn iso_times_agree_with_humantime_from_1970_to_the_last_millisecond_of_9999() {
    let mut ms: u64 = 0;
    while ms < 253_402_300_799_999 {
        let want = humantime::format_rfc3339_millis(
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms),
        )
        .to_string();
        assert_eq!(values::iso(ms).as_deref(), Some(want.as_str()), "{ms}");
        ms += 37 * 86_400_000 + 12_345_678 + ms % 7919;
    }
    assert_eq!(
        values::iso(253_402_300_799_999).as_deref(),
        Some("9999-12-31T23:59:59.999Z")
    );
    assert_eq!(
        values::iso(951_782_400_000).as_deref(),
        Some("2000-02-29T00:00:00.000Z")
    );
    assert_eq!(values::iso(253_402_300_800_000), None);
}
