//! Messages through every broker: each QoS counted exactly, `pub -l` line streams in order,
//! binary payloads, retained messages set and cleared, and `bench pubsub`.

use serde_json::Value;

use super::*;
use crate::support::cmd::{json_lines, records};
use crate::support::peer::{collect_until, payload_bytes, payloads, summarize, END};

/// The QoS levels a kind delivers as asked (RabbitMQ downgrades QoS 2).
fn qos_levels(kind: Kind) -> Vec<u8> {
    if kind.has(Need::Qos2) {
        vec![0, 1, 2]
    } else {
        vec![0, 1]
    }
}

#[track_caller]
fn assert_all_at_qos(p: &Peer, got: &[Value], qos: u8) {
    for r in got {
        assert_eq!(r["qos"], qos, "{}: {r}", p.label());
        assert_eq!(r["retain"], false, "{}: {r}", p.label());
    }
}

/// Run `case` at every QoS level the kind delivers.
fn at_each_qos(p: &Peer, case: fn(&Peer, u8)) {
    if !p.kind().has(Need::Qos2) {
        super::note("no QoS 2".into());
    }
    for qos in qos_levels(p.kind()) {
        case(p, qos);
    }
}

/// `got` (received) is `sent`, in order, each at `qos`.
#[track_caller]
fn assert_delivered(p: &Peer, qos: u8, sent: &[String], got: &[Value]) {
    let texts = payloads(got);
    if texts != sent {
        let missing = sent.iter().filter(|l| !texts.contains(l)).count();
        panic!(
            "{} QoS {qos}: {} of {} arrived ({missing} missing), in order: {}\n{}",
            p.label(),
            texts.len(),
            sent.len(),
            texts.windows(2).all(|w| w[0] <= w[1]),
            summarize(got)
        );
    }
    assert_all_at_qos(p, got, qos);
}

/// 50 copies of one message (`pub --repeat`), each acknowledged, each received once.
pub(super) fn repeated_message(p: &Peer, qos: u8) {
    const N: usize = 50;
    let q = qos.to_string();
    let topic = p.topic(&format!("qos{qos}"));
    let (mut sub, before) = p.spawn_sub(&["-t", &topic, "-q", &q], &topic);
    assert!(before.is_empty(), "{}: {before:?}", p.label());
    let payload = format!("hello at QoS {qos}");
    let out = p.publish(&[
        "-t",
        &topic,
        "-q",
        &q,
        "-m",
        &payload,
        "--repeat",
        &N.to_string(),
    ]);
    let published = json_lines(&out.stdout);
    assert_eq!(records(&published, "published").len(), N, "{}", p.label());
    for r in &published {
        assert_eq!(r["qos"], qos, "{r}");
        if qos > 0 {
            assert_eq!(r["reason_code"], 0, "{r}");
        }
    }
    let got = p.collect_until_end(&mut sub, &topic, N, T);
    assert_delivered(p, qos, &vec![payload; N], &got);
}

/// 3000 distinct lines through `pub -l`, received in order. The end marker is the last line:
/// one connection's messages arrive in order.
pub(super) fn line_stream(p: &Peer, qos: u8) {
    const N: usize = 3000;
    let lines: Vec<String> = (0..N).map(|i| format!("line {i:05}")).collect();
    let input = format!("{}\n{END}\n", lines.join("\n"));
    let q = qos.to_string();
    let topic = p.topic(&format!("lines{qos}"));
    let (mut sub, _) = p.spawn_sub(&["-t", &topic, "-q", &q], &topic);
    let out = p.publish_stdin(
        &["-t", &topic, "-q", &q, "-l", "--no-output"],
        input.as_bytes(),
        T,
    );
    assert!(out.stdout.is_empty());
    let got = collect_until(&mut sub, END, 0, T, &p.label());
    assert_delivered(p, qos, &lines, &got);
}

/// `bench pubsub`, 2 publishers x 200 messages and a subscriber: every message counted.
pub(super) fn bench_pubsub(p: &Peer, qos: u8) {
    let topic = p.topic(&format!("bench{qos}")) + "/%i";
    let out = cmd::run(
        p.bench("pubsub").args([
            "-c",
            "2",
            "-q",
            &qos.to_string(),
            "-C",
            "200",
            "-s",
            "64",
            "-t",
            &topic,
            "--no-progress",
            "--no-histograms",
        ]),
        T,
    );
    p.assert_ok(&out, "bench pubsub");
    let values = json_lines(&out.stdout);
    let summary = *records(&values, "summary")
        .last()
        .unwrap_or_else(|| panic!("no summary: {}", cmd::describe(&out)));
    let n = |k: &str| {
        summary[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k} in {summary}"))
    };
    assert_eq!(
        (
            n("sent"),
            n("acked"),
            n("received"),
            n("lost"),
            n("duplicated")
        ),
        (400, 400, 400, 0, 0),
        "{} QoS {qos}: {summary}",
        p.label()
    );
    assert_eq!(summary["complete"], true, "{summary}");
}

interop!(
    messages_at_qos_0_1_and_2_arrive_exactly_once,
    Access::Anonymous,
    [],
    Versions::All,
    |p: &Peer| at_each_qos(p, repeated_message)
);

interop!(
    pub_l_streams_3000_lines_in_order,
    Access::Anonymous,
    [],
    Versions::All,
    |p: &Peer| at_each_qos(p, line_stream)
);

interop!(
    bench_pubsub_counts_every_message_at_qos_1_and_2,
    Access::Anonymous,
    [],
    Versions::All,
    |p: &Peer| at_each_qos(p, |p, qos| if qos > 0 {
        bench_pubsub(p, qos)
    })
);

interop!(
    binary_payloads_arrive_byte_for_byte_from_base64_and_hex,
    Access::Anonymous,
    [],
    Versions::All,
    |p: &Peer| {
        // Every byte value, then 4 KiB of noise.
        let mut bytes: Vec<u8> = (0..=255u8).collect();
        let mut x: u32 = 0x9e37_79b9;
        bytes.extend((0..4096).map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 11) as u8
        }));
        let b64 = {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        };
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        for (encoding, text) in [("base64", &b64), ("hex", &hex)] {
            let topic = p.topic(encoding);
            let (mut sub, _) =
                p.spawn_sub(&["-t", &topic, "-q", "1", "--payload", encoding], &topic);
            p.publish(&["-t", &topic, "-q", "1", "--encoding", encoding, "-m", text]);
            let got = p.collect_until_end(&mut sub, &topic, 1, T);
            assert_eq!(got.len(), 1, "{}: {}", p.label(), summarize(&got));
            assert_eq!(got[0]["encoding"], encoding, "{}", got[0]);
            assert_eq!(got[0]["payload"], text.as_str(), "{}", p.label());
            assert!(
                payload_bytes(&got[0]) == bytes,
                "{}: bytes differ",
                p.label()
            );
        }
        // Without --payload, bytes that are not UTF-8 come as base64.
        let topic = p.topic("auto");
        let (mut sub, _) = p.spawn_sub(&["-t", &topic, "-q", "1"], &topic);
        p.publish(&["-t", &topic, "-q", "1", "--encoding", "hex", "-m", &hex]);
        let got = p.collect_until_end(&mut sub, &topic, 1, T);
        assert_eq!(got.len(), 1, "{}: {}", p.label(), summarize(&got));
        assert_eq!(got[0]["encoding"], "base64", "{}", got[0]);
        assert!(
            payload_bytes(&got[0]) == bytes,
            "{}: bytes differ",
            p.label()
        );
    }
);

interop!(
    a_retained_message_is_delivered_on_subscribe_until_cleared,
    Access::Anonymous,
    [Need::Retained],
    Versions::All,
    |p: &Peer| {
        let topic = p.topic("retained");
        p.publish(&["-t", &topic, "-q", "1", "-r", "-m", "kept"]);
        let out = cmd::run(
            p.cmd("sub")
                .args(["-t", &topic, "-q", "1", "-C", "1", "-W", "20s"]),
            T,
        );
        p.assert_ok(&out, "sub for the retained message");
        let got = json_lines(&out.stdout);
        assert_eq!(got.len(), 1, "{}", cmd::describe(&out));
        assert_eq!(got[0]["payload"], "kept", "{}", got[0]);
        assert_eq!(got[0]["retain"], true, "{}", got[0]);

        // An empty retained message clears it: a new subscriber gets the probe first.
        p.publish(&["-t", &topic, "-q", "1", "-r", "-n"]);
        let (mut sub, before) = p.spawn_sub(&["-t", &topic, "-q", "1"], &topic);
        assert!(
            before.is_empty(),
            "{}: still retained after clearing: {before:?}",
            p.label()
        );
        let got = p.collect_until_end(&mut sub, &topic, 0, T);
        assert!(got.is_empty(), "{}: {}", p.label(), summarize(&got));
    }
);
