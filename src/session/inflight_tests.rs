use super::*;

fn ack(id: u16, reason: u8) -> Ack {
    Ack {
        packet_id: id,
        reason,
        ..Ack::default()
    }
}

fn take(w: &mut Inflight<u32>, qos: QoS) -> u16 {
    let id = w.allocate(|_| false).expect("a free id");
    w.sent(id, qos, u32::from(id));
    id
}

#[test]
fn ids_are_handed_out_in_turn_from_one_and_wrap_past_65535_to_one() {
    let mut w = Inflight::<u32>::default();
    assert_eq!(take(&mut w, QoS::AtLeastOnce), 1);
    assert_eq!(take(&mut w, QoS::AtLeastOnce), 2);
    w.last = u16::MAX - 1;
    assert_eq!(take(&mut w, QoS::AtLeastOnce), u16::MAX);
    assert_eq!(
        w.allocate(|_| false),
        Some(3),
        "0 is never an id; 1 and 2 are in flight"
    );
}

#[test]
fn an_id_in_flight_or_busy_elsewhere_is_skipped() {
    let mut w = Inflight::<u32>::default();
    let first = take(&mut w, QoS::AtLeastOnce);
    w.last = 0;
    assert_eq!(w.allocate(|id| id == 2), Some(3), "1 in flight, 2 busy");
    assert_eq!(first, 1);
}

#[test]
fn a_window_holds_any_ids_however_they_collide_in_the_ring() {
    let mut w = Inflight::<u32>::default();
    // 16 slots: 1, 17 and 33 share one until the ring grows.
    for id in [1u16, 17, 33, 65_535, 65_519] {
        w.sent(id, QoS::ExactlyOnce, u32::from(id));
    }
    assert_eq!(w.len(), 5);
    for id in [1u16, 17, 33, 65_535, 65_519] {
        assert_eq!(w.get(id).map(|f| f.data), Some(u32::from(id)));
    }
    assert!(!w.contains(49));
    assert_eq!(w.remove(17).map(|f| f.id), Some(17));
    assert!(w.remove(17).is_none());
    assert_eq!(w.len(), 4);
}

#[test]
fn every_id_can_be_in_flight_at_once_and_then_none_is_free() {
    let mut w = Inflight::<u32>::default();
    for _ in 1..=u16::MAX {
        take(&mut w, QoS::AtLeastOnce);
    }
    assert_eq!(w.len(), usize::from(u16::MAX));
    assert_eq!(w.allocate(|_| false), None);
    assert!(matches!(
        w.step(PacketType::PubAck, &ack(500, 0)),
        Step::Done(500)
    ));
    assert_eq!(w.allocate(|_| false), Some(500));
}

#[test]
fn qos1_ends_with_its_puback_and_a_second_puback_is_unknown() {
    let mut w = Inflight::<u32>::default();
    let id = take(&mut w, QoS::AtLeastOnce);
    assert_eq!(
        w.step(PacketType::PubAck, &ack(id, 0)),
        Step::Done(u32::from(id))
    );
    assert!(w.is_empty());
    assert_eq!(w.step(PacketType::PubAck, &ack(id, 0)), Step::Unknown);
}

#[test]
fn qos2_is_released_on_pubrec_and_ends_with_pubcomp() {
    let mut w = Inflight::<u32>::default();
    let id = take(&mut w, QoS::ExactlyOnce);
    assert_eq!(
        w.step(PacketType::PubComp, &ack(id, 0)),
        Step::Unknown,
        "not released yet"
    );
    assert_eq!(w.step(PacketType::PubRec, &ack(id, 0)), Step::Release);
    assert_eq!(w.get(id).map(|f| f.stage), Some(Stage::Released));
    assert_eq!(w.step(PacketType::PubRec, &ack(id, 0)), Step::ReleaseAgain);
    assert_eq!(
        w.step(PacketType::PubComp, &ack(id, 0)),
        Step::Done(u32::from(id))
    );
    assert!(w.is_empty());
}

#[test]
fn a_pubrec_with_an_error_reason_ends_a_qos2_flow_without_a_pubrel() {
    let mut w = Inflight::<u32>::default();
    let id = take(&mut w, QoS::ExactlyOnce);
    assert_eq!(
        w.step(PacketType::PubRec, &ack(id, reason::QUOTA_EXCEEDED)),
        Step::Done(u32::from(id))
    );
    assert!(w.is_empty());
}

#[test]
fn a_puback_for_qos2_and_a_pubrec_for_qos1_leave_the_flow_in_flight() {
    let mut w = Inflight::<u32>::default();
    let two = take(&mut w, QoS::ExactlyOnce);
    let one = take(&mut w, QoS::AtLeastOnce);
    assert_eq!(
        w.step(PacketType::PubAck, &ack(two, 0)),
        Step::PubAckForQoS2
    );
    assert_eq!(w.step(PacketType::PubRec, &ack(one, 0)), Step::Unknown);
    assert_eq!(w.step(PacketType::PubComp, &ack(one, 0)), Step::Unknown);
    assert_eq!(w.len(), 2);
}

#[test]
fn drained_flows_can_be_put_back_with_their_ids_and_stages() {
    let mut w = Inflight::<u32>::default();
    let a = take(&mut w, QoS::ExactlyOnce);
    let b = take(&mut w, QoS::AtLeastOnce);
    assert_eq!(w.step(PacketType::PubRec, &ack(a, 0)), Step::Release);
    let mut flights = w.drain();
    assert!(w.is_empty() && !w.contains(a));
    flights.sort_by_key(|f| f.id);
    assert_eq!(flights.len(), 2);
    assert_eq!((flights[0].id, flights[0].stage), (a, Stage::Released));
    for f in flights {
        w.insert(f);
    }
    assert_eq!(
        w.step(PacketType::PubComp, &ack(a, 0)),
        Step::Done(u32::from(a))
    );
    assert_eq!(
        w.step(PacketType::PubAck, &ack(b, 0)),
        Step::Done(u32::from(b))
    );
}

#[test]
fn an_idle_window_holds_no_slots() {
    let mut w = Inflight::<u32>::default();
    assert_eq!(w.slots.capacity(), 0);
    assert_eq!(w.step(PacketType::PubAck, &ack(1, 0)), Step::Unknown);
    take(&mut w, QoS::AtLeastOnce);
    w.clear();
    assert_eq!(w.slots.capacity(), 0);
}
