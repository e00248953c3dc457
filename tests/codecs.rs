//! Payload codecs through the real mosquitto the harness starts: `pub --encode X` read back by
//! `sub --payload X` for CBOR, MessagePack, Protobuf and Sparkplug B, the Sparkplug check, a
//! payload that does not decode, and the `sub | pub --jsonl` round trip (issue #14).

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::cmd::{self, records};
use crate::support::subscribed::spawn_sub;
use crate::support::{mqtt, Broker, Spawned};

const T: Duration = Duration::from_secs(20);

fn publish(b: &Broker, args: &[&str]) {
    let out = cmd::run(mqtt().args(["pub", "-L", &b.url("mqtt")]).args(args), T);
    cmd::assert_success(&out);
}

/// `mqtt ARGS` against the broker exits 2 (a usage error) saying `needle`.
#[track_caller]
fn refused(b: &Broker, args: &[&str], needle: &str) {
    let url = b.url("mqtt");
    let (command, rest) = args.split_first().expect("a command");
    let out = cmd::run(mqtt().args([command, "-L", url.as_str()]).args(rest), T);
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains(needle),
        "{}",
        cmd::describe(&out)
    );
}

fn messages(s: Spawned) -> (Vec<Value>, String) {
    let done = s.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let recs = done.json();
    let msgs = records(&recs, "message").into_iter().cloned().collect();
    (msgs, done.stderr.clone())
}

#[test]
fn each_schemaless_codec_published_with_encode_comes_back_as_the_same_json() {
    let b = Broker::plain();
    let value = json!({
        "id": 18446744073709551615u64, "neg": -9223372036854775808i64, "f": 0.1,
        "nan": {"$float": "NaN"}, "raw": {"$base64": "AP8="}, "nested": {"a": [1, {"b": null}]},
        "empty": {}
    });
    let text = value.to_string();
    for codec in ["cbor", "msgpack"] {
        let topic = format!("codec/{codec}");
        let sub = spawn_sub(
            &b,
            &format!("sub-{codec}"),
            &["-t", &topic, "--payload", codec, "-C", "1"],
        );
        publish(&b, &["-t", &topic, "--encode", codec, "-m", &text]);
        let (msgs, _) = messages(sub);
        assert_eq!(msgs[0]["encoding"], codec);
        assert_eq!(msgs[0]["payload"], value, "{codec}");
    }
}

#[test]
fn lines_and_files_of_json_are_encoded_one_message_each() {
    let b = Broker::plain();
    let sub = spawn_sub(
        &b,
        "sub-lines",
        &["-t", "codec/lines", "--payload", "cbor", "-C", "3"],
    );
    let out = cmd::run_with_stdin(
        mqtt().args([
            "pub",
            "-L",
            &b.url("mqtt"),
            "-t",
            "codec/lines",
            "-l",
            "--encode",
            "cbor",
        ]),
        b"1\n\n\"two\"\n[3]\n",
        T,
    );
    cmd::assert_success(&out);
    let (msgs, _) = messages(sub);
    let payloads: Vec<&Value> = msgs.iter().map(|m| &m["payload"]).collect();
    assert_eq!(payloads, [&json!(1), &json!("two"), &json!([3])]);
}

fn proto_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("shared")).unwrap();
    std::fs::write(
        dir.path().join("shared/place.proto"),
        "syntax = \"proto3\";\npackage shared;\nmessage Place { string site = 1; int32 floor = 2; }\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("app")).unwrap();
    std::fs::write(
        dir.path().join("app/reading.proto"),
        "syntax = \"proto3\";\npackage app.v1;\nimport \"shared/place.proto\";\n\
         enum Kind { KIND_UNSPECIFIED = 0; TEMPERATURE = 1; }\n\
         message Reading { string sensor = 1; double value = 2; int64 at_ms = 3; Kind kind = 4; shared.Place place = 5; }\n\
         message Other { bool x = 1; }\n",
    )
    .unwrap();
    dir
}

#[test]
fn protobuf_with_a_proto_importing_another_goes_through_the_broker_both_ways() {
    let b = Broker::plain();
    let dir = proto_files();
    let proto = dir.path().join("app/reading.proto");
    let include = dir.path().display().to_string();
    let schema = [
        "--proto",
        proto.to_str().unwrap(),
        "--proto-path",
        &include,
        "--proto-message",
        "app.v1.Reading",
    ];
    let value = json!({"sensor": "t-1", "value": 21.5, "atMs": "1700000000000", "kind": "TEMPERATURE",
                       "place": {"site": "north", "floor": -2}});
    let sub = spawn_sub(
        &b,
        "sub-proto",
        &[
            &["-t", "codec/proto", "--payload", "protobuf", "-C", "1"][..],
            &schema,
        ]
        .concat(),
    );
    publish(
        &b,
        &[
            &[
                "-t",
                "codec/proto",
                "--encode",
                "protobuf",
                "-m",
                &value.to_string(),
            ][..],
            &schema,
        ]
        .concat(),
    );
    let (msgs, _) = messages(sub);
    assert_eq!(msgs[0]["encoding"], "protobuf");
    assert_eq!(msgs[0]["payload"], value);
    // Two message types and no --proto-message: a usage error that lists them.
    let proto = proto.to_str().unwrap();
    let sub_x = ["sub", "-t", "x", "--payload", "protobuf"];
    refused(
        &b,
        &[&sub_x[..], &["--proto", proto, "--proto-path", &include]].concat(),
        "app.v1.Other, app.v1.Reading",
    );
    // Protobuf with no schema at all.
    refused(&b, &sub_x, "needs a schema");
}

fn birth(bd_seq: u64) -> String {
    json!({"timestamp": "now", "seq": 0, "metrics": [
        {"name": "bdSeq", "datatype": "UInt64", "value": bd_seq},
        {"name": "Node Control/Rebirth", "datatype": "Boolean", "value": false},
        {"name": "Temperature", "alias": 1, "datatype": "Float", "value": 20.5}
    ]})
    .to_string()
}

#[test]
fn sparkplug_births_data_and_deaths_are_decoded_and_a_seq_gap_and_stale_death_reported() {
    let b = Broker::plain();
    let sub = spawn_sub(
        &b,
        "sub-spb",
        &[
            "-t",
            "spBv1.0/plant/#",
            "--payload",
            "sparkplug",
            "--sparkplug-check",
            "-C",
            "5",
        ],
    );
    let ddata = |seq: u64, v: f64| {
        json!({"timestamp": 1700000000000u64, "seq": seq, "metrics": [{"alias": 1, "datatype": "Float", "value": v}]})
            .to_string()
    };
    publish(
        &b,
        &[
            "-t",
            "spBv1.0/plant/NBIRTH/edge1",
            "--encode",
            "sparkplug",
            "-m",
            &birth(7),
        ],
    );
    publish(
        &b,
        &[
            "-t",
            "spBv1.0/plant/DDATA/edge1/pump",
            "--encode",
            "sparkplug",
            "-m",
            &ddata(1, 21.0),
        ],
    );
    publish(
        &b,
        &[
            "-t",
            "spBv1.0/plant/DDATA/edge1/pump",
            "--encode",
            "sparkplug",
            "-m",
            &ddata(4, 22.0),
        ],
    );
    let death = |bd: u64| {
        json!({"metrics": [{"name": "bdSeq", "datatype": "UInt64", "value": bd}]}).to_string()
    };
    publish(
        &b,
        &[
            "-t",
            "spBv1.0/plant/NDEATH/edge1",
            "--encode",
            "sparkplug",
            "-m",
            &death(6),
        ],
    );
    publish(
        &b,
        &[
            "-t",
            "spBv1.0/plant/NDEATH/edge1",
            "--encode",
            "sparkplug",
            "-m",
            &death(7),
        ],
    );
    let (msgs, stderr) = messages(sub);
    let types: Vec<&Value> = msgs.iter().map(|m| &m["message_type"]).collect();
    assert_eq!(types, ["NBIRTH", "DDATA", "DDATA", "NDEATH", "NDEATH"]);
    assert_eq!(msgs[1]["group_id"], "plant");
    assert_eq!(msgs[1]["edge_node_id"], "edge1");
    assert_eq!(msgs[1]["device_id"], "pump");
    // The data message carries an alias only: its name comes from the birth.
    let metric = &msgs[1]["payload"]["metrics"][0];
    assert_eq!(metric["name"], "Temperature");
    assert_eq!(metric["value"], 21.0);
    assert_eq!(
        msgs[1]["payload"]["timestamp_iso"],
        "2023-11-14T22:13:20.000Z"
    );
    assert!(
        stderr.contains("plant/edge1/pump: DDATA seq 4 where 2 was expected (2 messages missing or out of order)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("plant/edge1: NDEATH bdSeq 6 does not match the NBIRTH's bdSeq 7"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("does not match").count(), 1, "{stderr}");
}

#[test]
fn a_payload_that_does_not_decode_is_printed_as_base64_with_the_reason_and_nothing_is_lost() {
    let b = Broker::plain();
    let sub = spawn_sub(
        &b,
        "sub-bad",
        &["-t", "codec/bad", "--payload", "sparkplug", "-C", "2"],
    );
    publish(&b, &["-t", "codec/bad", "-m", "\u{ff}not protobuf"]);
    publish(
        &b,
        &[
            "-t",
            "codec/bad",
            "--encode",
            "sparkplug",
            "-m",
            r#"{"seq":1}"#,
        ],
    );
    let (msgs, _) = messages(sub);
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["encoding"], "base64");
    assert_eq!(msgs[0]["payload"], "w79ub3QgcHJvdG9idWY=");
    assert!(msgs[0]["decode_error"]
        .as_str()
        .unwrap()
        .starts_with("not a Sparkplug B payload"));
    assert_eq!(msgs[1]["payload"]["seq"], 1);
    // JSON that is not, for --encode: a usage error before connecting.
    refused(
        &b,
        &["pub", "-t", "x", "--encode", "cbor", "-m", "{nope"],
        "-m: --encode cbor takes JSON",
    );
}

#[test]
fn decoded_records_fed_to_pub_jsonl_publish_the_same_bytes_again() {
    let b = Broker::plain();
    let tap = spawn_sub(
        &b,
        "sub-src",
        &["-t", "spBv1.0/src/#", "--payload", "sparkplug", "-C", "2"],
    );
    let raw_src = spawn_sub(
        &b,
        "sub-src-hex",
        &["-t", "spBv1.0/src/#", "--payload", "hex", "-C", "2"],
    );
    publish(
        &b,
        &[
            "-t",
            "spBv1.0/src/NBIRTH/e",
            "--encode",
            "sparkplug",
            "-m",
            &birth(3),
        ],
    );
    // A data message with an alias only: shown with the birth's name, which is left out again.
    let data =
        json!({"seq": 1, "metrics": [{"alias": 1, "datatype": "Float", "value": 1.5}]}).to_string();
    publish(
        &b,
        &[
            "-t",
            "spBv1.0/src/NDATA/e",
            "--encode",
            "sparkplug",
            "-m",
            &data,
        ],
    );
    let (decoded, _) = messages(tap);
    assert_eq!(decoded[1]["payload"]["metrics"][0]["name"], "Temperature");
    let (sent, _) = messages(raw_src);

    let raw_dst = spawn_sub(
        &b,
        "sub-dst-hex",
        &["-t", "spBv1.0/dst/#", "--payload", "hex", "-C", "2"],
    );
    let jsonl: String = decoded
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let t = r["topic"].as_str().unwrap().replace("/src/", "/dst/");
            r["topic"] = t.into();
            format!("{r}\n")
        })
        .collect();
    let out = cmd::run_with_stdin(
        mqtt().args(["pub", "-L", &b.url("mqtt"), "--jsonl"]),
        jsonl.as_bytes(),
        T,
    );
    cmd::assert_success(&out);
    let (copied, _) = messages(raw_dst);
    let hex =
        |msgs: &[Value]| -> Vec<Value> { msgs.iter().map(|m| m["payload"].clone()).collect() };
    assert_eq!(hex(&copied), hex(&sent));
}

#[test]
fn format_templates_reach_into_decoded_payloads_and_sparkplug_topic_fields() {
    let b = Broker::plain();
    let sub = spawn_sub(
        &b,
        "sub-fmt",
        &[
            "-t", "spBv1.0/#", "--payload", "auto", "-C", "1",
            "--format", "{edge_node_id} {payload.metrics[2].name}={payload.metrics[2].value} {payload.metrics[9].name}.",
        ],
    );
    publish(
        &b,
        &[
            "-t",
            "spBv1.0/g/NBIRTH/edge9",
            "--encode",
            "sparkplug",
            "-m",
            &birth(0),
        ],
    );
    let done = sub.wait(T);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert_eq!(done.all_lines, ["edge9 Temperature=20.5 ."]);
}

#[test]
fn a_templated_payload_is_expanded_then_encoded_for_each_message() {
    let b = Broker::plain();
    let sub = spawn_sub(
        &b,
        "sub-tpl",
        &[
            "-t",
            "spBv1.0/t/NDATA/e",
            "--payload",
            "sparkplug",
            "-C",
            "3",
        ],
    );
    publish(
        &b,
        &[
            "-t",
            "spBv1.0/t/NDATA/e",
            "--template",
            "--encode",
            "sparkplug",
            "--count",
            "3",
            "-m",
            r#"{"seq":{seq},"metrics":[{"name":"v","datatype":"Double","value":{randf:1-2}}]}"#,
        ],
    );
    let (msgs, _) = messages(sub);
    let seqs: Vec<&Value> = msgs.iter().map(|m| &m["payload"]["seq"]).collect();
    assert_eq!(seqs, [1, 2, 3]);
    for m in &msgs {
        let v = m["payload"]["metrics"][0]["value"].as_f64().unwrap();
        assert!((1.0..=2.0).contains(&v), "{m}");
    }
}
