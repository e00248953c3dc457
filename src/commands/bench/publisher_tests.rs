//! The publisher without a socket: each test builds a plan from a command line, lets the
//! publisher fill a write buffer, decodes what it wrote and feeds back acknowledgements.
use std::sync::atomic::Ordering::Relaxed;

use bytes::BytesMut;

use super::*;
use crate::commands::bench::plan::test_plan;
use crate::protocol::{Ack, Limits, Packet, PacketType, Version};

fn counters() -> Counters {
    Counters::new(1, 0, false).expect("counters without a pacer")
}

/// Publisher 0 of `bench pub ARGS`, started at the run's start (now).
fn started<'a>(plan: &'a Plan, counters: &'a Counters, version: Version) -> Publisher<'a> {
    let mut p = Publisher::new(plan, counters, version, None, 0);
    p.start(counters.epoch.now_ns(), None);
    p
}

/// The packets in `wbuf`, which is emptied as if the socket had taken it all.
fn written(p: &mut Publisher, wbuf: &mut BytesMut, version: Version) -> Vec<Packet> {
    p.on_written(wbuf.len());
    let mut packets = Vec::new();
    while let Some(packet) = protocol::decode(wbuf, version, Limits::default()).expect("valid") {
        packets.push(packet);
    }
    packets
}

fn ids(packets: &[Packet]) -> Vec<u16> {
    packets
        .iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some(p.packet_id),
            _ => None,
        })
        .collect()
}

#[test]
fn a_qos1_flood_fills_its_window_and_refills_it_once_half_is_acknowledged() {
    let plan = test_plan(&["pub", "-q", "1", "--max-inflight", "4", "-C", "100"]);
    let c = counters();
    let mut p = started(&plan, &c, Version::V5);
    let mut wbuf = BytesMut::new();
    p.produce(&mut wbuf);
    let first = written(&mut p, &mut wbuf, Version::V5);
    assert_eq!(ids(&first), vec![1, 2, 3, 4]);

    let now = c.epoch.now_ns();
    p.on_ack(PacketType::PubAck, Ack::new(1), now, 0, &mut wbuf)
        .expect("in flight");
    p.produce(&mut wbuf);
    assert!(wbuf.is_empty(), "three in flight is more than half of 4");
    p.on_ack(PacketType::PubAck, Ack::new(2), now, 0, &mut wbuf)
        .expect("in flight");
    p.produce(&mut wbuf);
    assert_eq!(ids(&written(&mut p, &mut wbuf, Version::V5)), vec![5, 6]);

    p.flush(true);
    assert_eq!(c.sent.load(Relaxed), 6);
    assert_eq!(c.acked.load(Relaxed), 2);
    assert_eq!(c.inflight.load(Relaxed), 4);
}

#[test]
fn messages_count_as_sent_only_once_their_last_byte_reaches_the_socket() {
    let plan = test_plan(&["pub", "-q", "1", "--max-inflight", "2", "-C", "2"]);
    let c = counters();
    let mut p = started(&plan, &c, Version::V5);
    let mut wbuf = BytesMut::new();
    p.produce(&mut wbuf);
    let one = wbuf.len() / 2;
    p.on_written(one - 1);
    p.flush(false);
    assert_eq!(c.sent.load(Relaxed), 0);
    p.on_written(1);
    p.flush(false);
    assert_eq!(c.sent.load(Relaxed), 1);
}

#[test]
fn qos2_releases_on_pubrec_and_completes_on_pubcomp() {
    let plan = test_plan(&["pub", "-q", "2", "--max-inflight", "1", "-C", "1"]);
    let c = counters();
    let mut p = started(&plan, &c, Version::V5);
    let mut wbuf = BytesMut::new();
    p.produce(&mut wbuf);
    assert_eq!(ids(&written(&mut p, &mut wbuf, Version::V5)), vec![1]);
    let now = c.epoch.now_ns();
    p.on_ack(PacketType::PubRec, Ack::new(1), now, 0, &mut wbuf)
        .expect("in flight");
    let rel = written(&mut p, &mut wbuf, Version::V5);
    assert!(
        matches!(rel.as_slice(), [Packet::PubRel(a)] if a.packet_id == 1),
        "{rel:?}"
    );
    p.on_ack(PacketType::PubComp, Ack::new(1), now, 0, &mut wbuf)
        .expect("released");
    p.check_finished(&mut wbuf);
    assert_eq!(c.pubs_finished.load(Relaxed), 1);
    assert_eq!(c.pub_sent[0].load(Relaxed), 1);
    p.flush(true);
    assert_eq!(c.acked.load(Relaxed), 1);
}

#[test]
fn an_acknowledgement_of_an_id_not_in_flight_is_a_protocol_error() {
    let plan = test_plan(&["pub", "-q", "1", "-C", "1"]);
    let c = counters();
    let mut p = started(&plan, &c, Version::V5);
    let mut wbuf = BytesMut::new();
    let err = p
        .on_ack(PacketType::PubAck, Ack::new(7), 0, 0, &mut wbuf)
        .expect_err("nothing in flight");
    assert_eq!(err.0, "protocol_error");
    assert!(err.1.contains("packet id 7"), "{}", err.1);
    // A PUBCOMP before the PUBREC is one too.
    let q2 = test_plan(&["pub", "-q", "2", "-C", "1"]);
    let mut p = started(&q2, &c, Version::V5);
    p.produce(&mut wbuf);
    assert!(p
        .on_ack(PacketType::PubComp, Ack::new(1), 0, 0, &mut wbuf)
        .is_err());
}

#[test]
fn a_rejected_message_is_an_error_and_not_acknowledged() {
    let plan = test_plan(&["pub", "-q", "1", "-C", "1"]);
    let c = counters();
    let mut p = started(&plan, &c, Version::V5);
    let mut wbuf = BytesMut::new();
    p.produce(&mut wbuf);
    let mut ack = Ack::new(1);
    ack.reason = 0x87;
    p.on_ack(PacketType::PubAck, ack, 0, 0, &mut wbuf)
        .expect("a refusal is not a protocol error");
    p.flush(true);
    assert_eq!(c.acked.load(Relaxed), 0);
    assert_eq!(c.error_counts().get("publish_rejected"), Some(&1));
}

#[test]
fn a_qos0_publisher_finishes_once_a_pingresp_confirms_its_last_message() {
    let plan = test_plan(&["pub", "-q", "0", "-C", "3"]);
    let c = counters();
    let mut p = started(&plan, &c, Version::V3_1_1);
    let mut wbuf = BytesMut::new();
    p.produce(&mut wbuf);
    p.check_finished(&mut wbuf);
    let packets = written(&mut p, &mut wbuf, Version::V3_1_1);
    assert_eq!(
        packets.len(),
        4,
        "three messages and a PINGREQ: {packets:?}"
    );
    assert!(matches!(packets[3], Packet::PingReq));
    p.check_finished(&mut wbuf);
    assert_eq!(c.pubs_finished.load(Relaxed), 0, "not confirmed yet");
    p.on_pingresp();
    p.check_finished(&mut wbuf);
    assert_eq!(c.pubs_finished.load(Relaxed), 1);
    assert_eq!(c.pub_sent[0].load(Relaxed), 3);
    assert!(wbuf.is_empty(), "no second PINGREQ");
}

#[test]
fn nothing_is_produced_before_the_start_or_after_stop() {
    let plan = test_plan(&["pub", "-q", "0"]);
    let c = counters();
    let mut p = Publisher::new(&plan, &c, Version::V5, None, 0);
    let mut wbuf = BytesMut::new();
    p.produce(&mut wbuf);
    assert!(wbuf.is_empty(), "not started");
    p.start(c.epoch.now_ns() + 60_000_000_000, None);
    p.produce(&mut wbuf);
    assert!(wbuf.is_empty(), "the start is a minute ahead");
    assert!(p.next_slot(0).is_some(), "a wake-up for the start");
    p.stop();
    p.produce(&mut wbuf);
    assert!(wbuf.is_empty());
    assert_eq!(p.next_slot(0), None);
}
