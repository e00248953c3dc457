//! The session state machine without sockets: each test feeds packets and a clock.
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::*;
use crate::protocol::{Ack, ConnAck, Packet, Properties, Publish, QoS, SubAck, Subscribe, Version};

fn cfg() -> Config {
    Config {
        version: Version::V5,
        keep_alive: 10,
        receive_maximum: 4,
        topic_alias_maximum: 5,
        max_inflight: None,
        default_inflight: None,
        enhanced_auth: false,
        release_on_resume: false,
        manual_ack: false,
    }
}

fn connected(props: Properties, now: Instant) -> State {
    let mut s = State::new(cfg(), now);
    let (resend, events) = s.on_connack(
        &ConnAck {
            session_present: false,
            reason: 0,
            properties: props,
        },
        Version::V5,
        now,
    );
    assert!(resend.is_empty() && events.is_empty());
    s
}

fn publish(topic: &str, qos: QoS) -> Publish {
    Publish {
        topic: topic.into(),
        qos,
        payload: Bytes::from_static(b"x"),
        ..Publish::default()
    }
}

fn ack(id: u16) -> Ack {
    Ack {
        packet_id: id,
        ..Ack::default()
    }
}

fn feed(s: &mut State, p: Packet, now: Instant) -> Result<(Vec<Packet>, Vec<Event>), StateError> {
    let mut out = Vec::new();
    let mut ev = Vec::new();
    s.handle(p, now, &mut out, &mut ev)?;
    Ok((out, ev))
}

fn sent_id(p: &Packet) -> u16 {
    match p {
        Packet::Publish(p) => p.packet_id,
        other => panic!("expected PUBLISH, got {other:?}"),
    }
}

#[test]
fn qos0_gets_no_packet_id_and_is_not_tracked() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let p = s.publish(publish("a", QoS::AtMostOnce), 1, false).unwrap();
    assert_eq!(sent_id(&p), 0);
    assert_eq!(s.inflight(), 0);
}

#[test]
fn qos1_flow_completes_on_puback_with_token() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let id = sent_id(&s.publish(publish("a", QoS::AtLeastOnce), 7, false).unwrap());
    assert_eq!(id, 1);
    assert_eq!(s.inflight(), 1);
    let (out, ev) = feed(&mut s, Packet::PubAck(ack(id)), now).unwrap();
    assert!(out.is_empty());
    assert_eq!(
        ev,
        vec![Event::PublishDone {
            token: 7,
            packet_id: 1,
            reason: 0,
            properties: None
        }]
    );
    assert_eq!(s.inflight(), 0);
    // A second PUBACK for the same id is ignored and reported (a broker recovering state).
    let (out, ev) = feed(&mut s, Packet::PubAck(ack(id)), now).unwrap();
    assert!(out.is_empty());
    assert_eq!(
        ev,
        vec![Event::Recovery(Recovery::UnknownAck {
            packet: "PUBACK",
            id: 1
        })]
    );
}

#[test]
fn qos2_flow_pubrec_pubrel_pubcomp() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let id = sent_id(&s.publish(publish("a", QoS::ExactlyOnce), 3, false).unwrap());
    let (out, ev) = feed(&mut s, Packet::PubRec(ack(id)), now).unwrap();
    assert_eq!(out, vec![Packet::PubRel(ack(id))]);
    assert!(ev.is_empty());
    assert_eq!(s.inflight(), 1, "still in flight until PUBCOMP");
    let (out, ev) = feed(&mut s, Packet::PubComp(ack(id)), now).unwrap();
    assert!(out.is_empty());
    assert!(matches!(
        ev[..],
        [Event::PublishDone {
            token: 3,
            reason: 0,
            ..
        }]
    ));
    assert_eq!(s.inflight(), 0);
}

#[test]
fn pubrec_with_error_reason_ends_the_flow_without_pubrel() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let id = sent_id(&s.publish(publish("a", QoS::ExactlyOnce), 3, false).unwrap());
    let (out, ev) = feed(
        &mut s,
        Packet::PubRec(Ack {
            packet_id: id,
            reason: 0x87,
            ..Ack::default()
        }),
        now,
    )
    .unwrap();
    assert!(out.is_empty());
    assert!(matches!(
        ev[..],
        [Event::PublishDone {
            token: 3,
            reason: 0x87,
            ..
        }]
    ));
    assert_eq!(s.inflight(), 0);
}

#[test]
fn puback_for_a_qos2_publish_means_the_broker_has_no_qos_2() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let id = sent_id(&s.publish(publish("a", QoS::ExactlyOnce), 3, false).unwrap());
    let err = feed(&mut s, Packet::PubAck(ack(id)), now).unwrap_err();
    assert_eq!(err, StateError::NoQoS2);
    assert!(err.is_rejection());
    assert!(err.to_string().contains("use -q 1"));
}

#[test]
fn receive_maximum_of_the_server_limits_the_window() {
    let now = Instant::now();
    let mut s = connected(
        Properties {
            receive_maximum: Some(2),
            ..Properties::default()
        },
        now,
    );
    assert_eq!(s.send_window(), 2);
    assert!(s.can_publish(QoS::AtLeastOnce));
    s.publish(publish("a", QoS::AtLeastOnce), 1, false).unwrap();
    s.publish(publish("a", QoS::ExactlyOnce), 2, false).unwrap();
    assert!(!s.can_publish(QoS::AtLeastOnce));
    assert!(s.can_publish(QoS::AtMostOnce), "QoS 0 is not limited");
    feed(&mut s, Packet::PubAck(ack(1)), now).unwrap();
    assert!(s.can_publish(QoS::ExactlyOnce));
}

#[test]
fn max_inflight_caps_below_the_server() {
    let now = Instant::now();
    let mut s = State::new(
        Config {
            max_inflight: Some(1),
            ..cfg()
        },
        now,
    );
    s.on_connack(&receive_maximum_props(100), Version::V5, now);
    assert_eq!(s.send_window(), 1);
}

#[allow(non_snake_case)]
fn receive_maximum_props(n: u16) -> ConnAck {
    ConnAck {
        properties: Properties {
            receive_maximum: Some(n),
            ..Properties::default()
        },
        ..ConnAck::default()
    }
}

#[test]
fn packet_ids_skip_zero_and_ids_in_use() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let mut ids = Vec::new();
    for t in 0..3 {
        ids.push(sent_id(
            &s.publish(publish("a", QoS::AtLeastOnce), t, false).unwrap(),
        ));
    }
    assert_eq!(ids, vec![1, 2, 3]);
    // Wrap around: ids 1..3 are still in flight, so the next after 65535 is 4.
    s.outgoing.continue_after(u16::MAX);
    let id = sent_id(&s.publish(publish("a", QoS::AtLeastOnce), 9, false).unwrap());
    assert_eq!(id, 4);
}

#[test]
fn resumed_session_resends_publish_with_dup_and_pubrel_in_order() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let a = sent_id(&s.publish(publish("a", QoS::AtLeastOnce), 1, false).unwrap());
    let b = sent_id(&s.publish(publish("b", QoS::ExactlyOnce), 2, false).unwrap());
    let c = sent_id(&s.publish(publish("c", QoS::ExactlyOnce), 3, false).unwrap());
    feed(&mut s, Packet::PubRec(ack(b)), now).unwrap();
    let (resend, events) = s.on_connack(
        &ConnAck {
            session_present: true,
            ..ConnAck::default()
        },
        Version::V5,
        now,
    );
    assert!(events.is_empty());
    let expect_a = Publish {
        dup: true,
        packet_id: a,
        ..publish("a", QoS::AtLeastOnce)
    };
    let expect_c = Publish {
        dup: true,
        packet_id: c,
        ..publish("c", QoS::ExactlyOnce)
    };
    assert_eq!(
        resend,
        vec![
            Packet::Publish(expect_a),
            Packet::PubRel(ack(b)),
            Packet::Publish(expect_c)
        ]
    );
    assert_eq!(s.inflight(), 3);
}

#[test]
fn lost_session_republishes_as_new_and_completes_released_ones() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let a = sent_id(&s.publish(publish("a", QoS::AtLeastOnce), 1, false).unwrap());
    let b = sent_id(&s.publish(publish("b", QoS::ExactlyOnce), 2, false).unwrap());
    feed(&mut s, Packet::PubRec(ack(b)), now).unwrap();
    let (resend, events) = s.on_connack(&ConnAck::default(), Version::V5, now);
    assert_eq!(
        resend,
        vec![Packet::Publish(Publish {
            dup: false,
            packet_id: a,
            ..publish("a", QoS::AtLeastOnce)
        })]
    );
    assert!(matches!(
        events[..],
        [Event::PublishDone {
            token: 2,
            reason: 0,
            ..
        }]
    ));
    assert_eq!(s.inflight(), 1);
}

#[test]
fn incoming_qos1_is_acked_and_delivered() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let p = Publish {
        packet_id: 5,
        ..publish("t", QoS::AtLeastOnce)
    };
    let (out, ev) = feed(&mut s, Packet::Publish(p.clone()), now).unwrap();
    assert_eq!(out, vec![Packet::PubAck(ack(5))]);
    assert_eq!(ev, vec![Event::Message(Box::new(p))]);
}

#[test]
fn incoming_qos2_is_delivered_once_until_pubrel() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let p = Publish {
        packet_id: 9,
        ..publish("t", QoS::ExactlyOnce)
    };
    let (out, ev) = feed(&mut s, Packet::Publish(p.clone()), now).unwrap();
    assert_eq!(out, vec![Packet::PubRec(ack(9))]);
    assert_eq!(ev.len(), 1);
    // The broker resends it (DUP): PUBREC again, not delivered again.
    let dup = Publish {
        dup: true,
        ..p.clone()
    };
    let (out, ev) = feed(&mut s, Packet::Publish(dup), now).unwrap();
    assert_eq!(out, vec![Packet::PubRec(ack(9))]);
    assert!(ev.is_empty());
    let (out, _) = feed(&mut s, Packet::PubRel(ack(9)), now).unwrap();
    assert_eq!(out, vec![Packet::PubComp(ack(9))]);
    // After PUBREL the id is free: the same id is a new message.
    let (_, ev) = feed(&mut s, Packet::Publish(p), now).unwrap();
    assert_eq!(ev.len(), 1);
}

#[test]
fn unknown_pubrel_is_answered_packet_identifier_not_found() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let (out, _) = feed(&mut s, Packet::PubRel(ack(3)), now).unwrap();
    assert_eq!(
        out,
        vec![Packet::PubComp(Ack {
            packet_id: 3,
            reason: 0x92,
            ..Ack::default()
        })]
    );
}

#[test]
fn incoming_qos2_beyond_our_receive_maximum_is_an_error() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    for id in 1..=4 {
        feed(
            &mut s,
            Packet::Publish(Publish {
                packet_id: id,
                ..publish("t", QoS::ExactlyOnce)
            }),
            now,
        )
        .unwrap();
    }
    let err = feed(
        &mut s,
        Packet::Publish(Publish {
            packet_id: 5,
            ..publish("t", QoS::ExactlyOnce)
        }),
        now,
    );
    assert_eq!(err.unwrap_err(), StateError::ReceiveMaximumExceeded(4));
}

#[test]
fn inbound_topic_aliases_are_resolved() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let mut first = publish("long/topic", QoS::AtMostOnce);
    first.properties.topic_alias = Some(2);
    let (_, ev) = feed(&mut s, Packet::Publish(first), now).unwrap();
    assert!(
        matches!(&ev[..], [Event::Message(p)] if p.topic == "long/topic" && p.properties.topic_alias.is_none())
    );
    let mut again = publish("", QoS::AtMostOnce);
    again.properties.topic_alias = Some(2);
    let (_, ev) = feed(&mut s, Packet::Publish(again), now).unwrap();
    assert!(matches!(&ev[..], [Event::Message(p)] if p.topic == "long/topic"));
    let mut unknown = publish("", QoS::AtMostOnce);
    unknown.properties.topic_alias = Some(3);
    assert_eq!(
        feed(&mut s, Packet::Publish(unknown), now).unwrap_err(),
        StateError::TopicAliasUnknown(3)
    );
    let mut too_big = publish("x", QoS::AtMostOnce);
    too_big.properties.topic_alias = Some(6);
    assert_eq!(
        feed(&mut s, Packet::Publish(too_big), now).unwrap_err(),
        StateError::TopicAliasInvalid(6)
    );
}

#[test]
fn outbound_aliases_replace_repeated_topics() {
    let now = Instant::now();
    let mut s = connected(
        Properties {
            topic_alias_maximum: Some(1),
            ..Properties::default()
        },
        now,
    );
    let Packet::Publish(p1) = s.publish(publish("a/b", QoS::AtMostOnce), 1, true).unwrap() else {
        panic!()
    };
    assert_eq!(
        (p1.topic.as_str(), p1.properties.topic_alias),
        ("a/b", Some(1))
    );
    let Packet::Publish(p2) = s.publish(publish("a/b", QoS::AtMostOnce), 2, true).unwrap() else {
        panic!()
    };
    assert_eq!(
        (p2.topic.as_str(), p2.properties.topic_alias),
        ("", Some(1))
    );
    // No alias left for a second topic: sent in full.
    let Packet::Publish(p3) = s.publish(publish("c", QoS::AtMostOnce), 3, true).unwrap() else {
        panic!()
    };
    assert_eq!((p3.topic.as_str(), p3.properties.topic_alias), ("c", None));
}

#[test]
fn publish_larger_than_the_server_maximum_is_refused_and_not_tracked() {
    let now = Instant::now();
    let mut s = connected(
        Properties {
            maximum_packet_size: Some(64),
            ..Properties::default()
        },
        now,
    );
    let mut big = publish("a", QoS::AtLeastOnce);
    big.payload = Bytes::from(vec![0u8; 100]);
    assert!(matches!(
        s.publish(big, 1, false),
        Err(StateError::PacketTooLarge { max: 64, .. })
    ));
    assert_eq!(s.inflight(), 0);
    assert!(s.publish(publish("a", QoS::AtLeastOnce), 2, false).is_ok());
}

#[test]
fn server_maximum_qos_is_honoured() {
    let now = Instant::now();
    let mut s = connected(
        Properties {
            maximum_qos: Some(1),
            ..Properties::default()
        },
        now,
    );
    assert_eq!(
        s.publish(publish("a", QoS::ExactlyOnce), 1, false)
            .unwrap_err(),
        StateError::QoSNotSupported { asked: 2, max: 1 }
    );
}

#[test]
fn keepalive_pings_when_idle_and_declares_dead_without_answer() {
    let t0 = Instant::now();
    let mut s = connected(Properties::default(), t0);
    assert_eq!(s.next_deadline(), Some(t0 + Duration::from_secs(10)));
    assert_eq!(s.on_tick(t0 + Duration::from_secs(5)).unwrap(), None);
    let t1 = t0 + Duration::from_secs(10);
    assert_eq!(s.on_tick(t1).unwrap(), Some(Packet::PingReq));
    assert_eq!(s.next_deadline(), Some(t1 + Duration::from_secs(5)));
    // Answered: the next ping is a keep alive after the last send.
    feed(&mut s, Packet::PingResp, t1 + Duration::from_millis(1)).unwrap();
    assert_eq!(s.next_deadline(), Some(t1 + Duration::from_secs(10)));
    let t2 = t1 + Duration::from_secs(10);
    assert_eq!(s.on_tick(t2).unwrap(), Some(Packet::PingReq));
    // Not answered: dead 1.5 keep alives after the last packet received (t1 + 1 ms).
    let dead = t1 + Duration::from_millis(1) + Duration::from_secs(15);
    assert_eq!(s.next_deadline(), Some(dead));
    assert_eq!(s.on_tick(dead - Duration::from_millis(1)).unwrap(), None);
    let err = s.on_tick(dead).unwrap_err();
    assert!(matches!(err, StateError::KeepaliveTimeout(_)));
}

#[test]
fn traffic_both_ways_postpones_the_ping_and_server_keep_alive_wins() {
    let t0 = Instant::now();
    let mut s = connected(
        Properties {
            server_keep_alive: Some(2),
            ..Properties::default()
        },
        t0,
    );
    assert_eq!(s.keep_alive(), Duration::from_secs(2));
    // Sending alone does not postpone it (a dead peer takes writes too); traffic both ways does.
    s.on_sent(t0 + Duration::from_secs(1));
    assert_eq!(s.next_deadline(), Some(t0 + Duration::from_secs(2)));
    feed(&mut s, Packet::PingResp, t0 + Duration::from_secs(1)).unwrap();
    assert_eq!(s.next_deadline(), Some(t0 + Duration::from_secs(3)));
    let mut off = State::new(
        Config {
            keep_alive: 0,
            ..cfg()
        },
        t0,
    );
    off.on_connack(&ConnAck::default(), Version::V5, t0);
    assert_eq!(off.next_deadline(), None);
}

#[test]
fn a_reconnect_without_server_keep_alive_goes_back_to_the_one_asked_for() {
    let t0 = Instant::now();
    let mut s = connected(
        Properties {
            server_keep_alive: Some(2),
            ..Properties::default()
        },
        t0,
    );
    assert_eq!(s.keep_alive(), Duration::from_secs(2));
    s.on_connack(&ConnAck::default(), Version::V5, t0);
    assert_eq!(
        s.keep_alive(),
        Duration::from_secs(10),
        "the CONNECT's keep alive"
    );
}

#[test]
fn suback_must_match_a_pending_subscribe() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    let Packet::Subscribe(sub) = s
        .subscribe(Subscribe {
            filters: vec![("a/#".into(), Default::default())],
            ..Subscribe::default()
        })
        .unwrap()
    else {
        panic!()
    };
    let suback = SubAck {
        packet_id: sub.packet_id,
        reason_codes: vec![1],
        ..SubAck::default()
    };
    let (_, ev) = feed(&mut s, Packet::SubAck(suback.clone()), now).unwrap();
    assert_eq!(ev, vec![Event::SubAck(Box::new(suback.clone()))]);
    assert!(feed(&mut s, Packet::SubAck(suback), now).is_err());
}

#[test]
fn packets_a_client_never_receives_are_errors() {
    let now = Instant::now();
    let mut s = connected(Properties::default(), now);
    assert_eq!(
        feed(&mut s, Packet::PingReq, now).unwrap_err(),
        StateError::UnexpectedPacket("PINGREQ")
    );
    assert!(feed(&mut s, Packet::ConnAck(ConnAck::default()), now).is_err());
}

fn manual() -> State {
    let now = Instant::now();
    let mut s = State::new(
        Config {
            manual_ack: true,
            ..cfg()
        },
        now,
    );
    s.on_connack(&ConnAck::default(), Version::V5, now);
    s
}

#[test]
fn manual_ack_defers_puback_until_consumed() {
    let now = Instant::now();
    let mut s = manual();
    let p = Publish {
        packet_id: 5,
        ..publish("t", QoS::AtLeastOnce)
    };
    let (out, ev) = feed(&mut s, Packet::Publish(p), now).unwrap();
    assert!(out.is_empty(), "no PUBACK before the command consumed it");
    assert_eq!(ev.len(), 1);
    assert_eq!(s.ack(5, QoS::AtLeastOnce), Some(Packet::PubAck(ack(5))));
    assert_eq!(s.ack(5, QoS::AtLeastOnce), None, "acknowledged once");
}

#[test]
fn manual_ack_defers_pubrec_and_never_delivers_twice() {
    let now = Instant::now();
    let mut s = manual();
    let p = Publish {
        packet_id: 9,
        ..publish("t", QoS::ExactlyOnce)
    };
    let (out, ev) = feed(&mut s, Packet::Publish(p.clone()), now).unwrap();
    assert!(out.is_empty());
    assert_eq!(ev.len(), 1);
    // Resent before the command acknowledged it (e.g. after a reconnect): not delivered again.
    let (out, ev) = feed(
        &mut s,
        Packet::Publish(Publish {
            dup: true,
            ..p.clone()
        }),
        now,
    )
    .unwrap();
    assert!(out.is_empty() && ev.is_empty());
    assert_eq!(s.ack(9, QoS::ExactlyOnce), Some(Packet::PubRec(ack(9))));
    let (out, ev) = feed(&mut s, Packet::Publish(Publish { dup: true, ..p }), now).unwrap();
    assert_eq!(out, vec![Packet::PubRec(ack(9))]);
    assert!(ev.is_empty());
    let (out, _) = feed(&mut s, Packet::PubRel(ack(9)), now).unwrap();
    assert_eq!(out, vec![Packet::PubComp(ack(9))]);
}

#[test]
fn unacknowledged_ids_are_forgotten_when_the_session_is_lost() {
    let now = Instant::now();
    let mut s = manual();
    feed(
        &mut s,
        Packet::Publish(Publish {
            packet_id: 5,
            ..publish("t", QoS::AtLeastOnce)
        }),
        now,
    )
    .unwrap();
    s.on_connack(&ConnAck::default(), Version::V5, now);
    assert_eq!(
        s.ack(5, QoS::AtLeastOnce),
        None,
        "the new session does not know id 5"
    );
    let mut kept = manual();
    feed(
        &mut kept,
        Packet::Publish(Publish {
            packet_id: 5,
            ..publish("t", QoS::AtLeastOnce)
        }),
        now,
    )
    .unwrap();
    kept.on_connack(
        &ConnAck {
            session_present: true,
            ..ConnAck::default()
        },
        Version::V5,
        now,
    );
    assert_eq!(kept.ack(5, QoS::AtLeastOnce), Some(Packet::PubAck(ack(5))));
}

#[test]
fn unacknowledged_messages_count_against_our_receive_maximum() {
    let now = Instant::now();
    let mut s = manual();
    for id in 1..=4 {
        feed(
            &mut s,
            Packet::Publish(Publish {
                packet_id: id,
                ..publish("t", QoS::AtLeastOnce)
            }),
            now,
        )
        .unwrap();
    }
    let err = feed(
        &mut s,
        Packet::Publish(Publish {
            packet_id: 5,
            ..publish("t", QoS::AtLeastOnce)
        }),
        now,
    );
    assert_eq!(err.unwrap_err(), StateError::ReceiveMaximumExceeded(4));
}

#[test]
fn no_keepalive_timeout_while_not_reading() {
    let t0 = Instant::now();
    let mut s = connected(Properties::default(), t0);
    let t1 = t0 + Duration::from_secs(10);
    assert_eq!(s.on_tick(t1).unwrap(), Some(Packet::PingReq));
    // Backpressure: the PINGRESP may be sitting unread in the socket. Ping again, no verdict.
    s.set_receiving(false);
    let t2 = t1 + Duration::from_secs(5);
    assert_eq!(s.on_tick(t2).unwrap(), Some(Packet::PingReq));
    // Reading again and still nothing: dead.
    s.set_receiving(true);
    assert!(matches!(
        s.on_tick(t2 + Duration::from_secs(5)),
        Err(StateError::KeepaliveTimeout(_))
    ));
}
