//! The session state when the broker misbehaves or recovers: unknown acknowledgements, reused
//! packet ids, quota, refused subscriptions, dead connections, windows without a Receive
//! Maximum. Sans-IO: packets and a clock in, packets and events out.
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::*;
use crate::protocol::{Ack, Auth, ConnAck, Packet, Properties, Publish, QoS, SubAck, Subscribe};

fn cfg(version: Version) -> Config {
    Config {
        version,
        keep_alive: 10,
        receive_maximum: 10,
        topic_alias_maximum: 0,
        max_inflight: None,
        default_inflight: Some(256),
        enhanced_auth: false,
        release_on_resume: false,
        manual_ack: false,
    }
}

fn connected_with(cfg: Config, props: Properties, now: Instant) -> State {
    let version = cfg.version;
    let mut s = State::new(cfg, now);
    s.on_connack(
        &ConnAck {
            properties: props,
            ..ConnAck::default()
        },
        version,
        now,
    );
    s
}

fn connected(version: Version, now: Instant) -> State {
    connected_with(cfg(version), Properties::default(), now)
}

fn publish(qos: QoS) -> Publish {
    Publish {
        topic: "t".into(),
        qos,
        payload: Bytes::from_static(b"x"),
        ..Publish::default()
    }
}

fn ack(id: u16, reason: u8) -> Ack {
    Ack {
        packet_id: id,
        reason,
        ..Ack::default()
    }
}

fn feed(s: &mut State, p: Packet, now: Instant) -> Result<(Vec<Packet>, Vec<Event>), StateError> {
    let (mut out, mut ev) = (Vec::new(), Vec::new());
    s.handle(p, now, &mut out, &mut ev)?;
    Ok((out, ev))
}

fn id_of(p: &Packet) -> u16 {
    match p {
        Packet::Publish(p) => p.packet_id,
        Packet::Subscribe(s) => s.packet_id,
        other => panic!("no packet id in {other:?}"),
    }
}

#[test]
fn an_unknown_pubrec_is_released_with_packet_identifier_not_found_and_reported() {
    let now = Instant::now();
    let mut s = connected(Version::V5, now);
    let (out, ev) = feed(&mut s, Packet::PubRec(ack(12566, 0)), now).unwrap();
    assert_eq!(out, vec![Packet::PubRel(ack(12566, 0x92))]);
    assert_eq!(
        ev,
        vec![Event::Recovery(Recovery::UnknownAck {
            packet: "PUBREC",
            id: 12566
        })]
    );
    // 3.1.1 has no reason codes: a plain PUBREL.
    let mut s = connected(Version::V3_1_1, now);
    let (out, _) = feed(&mut s, Packet::PubRec(ack(7, 0)), now).unwrap();
    assert_eq!(out, vec![Packet::PubRel(ack(7, 0))]);
}

#[test]
fn unknown_puback_and_pubcomp_are_reported_and_leave_the_flows_in_flight_alone() {
    let now = Instant::now();
    let mut s = connected(Version::V5, now);
    let id = id_of(&s.publish(publish(QoS::AtLeastOnce), 1, false).unwrap());
    for p in [Packet::PubAck(ack(id + 1, 0)), Packet::PubComp(ack(id, 0))] {
        let (out, ev) = feed(&mut s, p, now).unwrap();
        assert!(out.is_empty());
        assert!(matches!(
            ev[..],
            [Event::Recovery(Recovery::UnknownAck { .. })]
        ));
    }
    assert_eq!(
        s.inflight(),
        1,
        "the real flow is still waiting for its PUBACK"
    );
    let (_, ev) = feed(&mut s, Packet::PubAck(ack(id, 0)), now).unwrap();
    assert!(matches!(ev[..], [Event::PublishDone { token: 1, .. }]));
}

#[test]
fn a_new_qos2_message_reusing_an_id_awaiting_pubrel_is_delivered_and_a_resend_is_not() {
    let now = Instant::now();
    let mut s = connected(Version::V5, now);
    let incoming = |payload: &'static [u8], dup: bool| {
        Packet::Publish(Publish {
            packet_id: 5,
            dup,
            payload: Bytes::from_static(payload),
            ..publish(QoS::ExactlyOnce)
        })
    };
    let (out, ev) = feed(&mut s, incoming(b"first", false), now).unwrap();
    assert_eq!(out, vec![Packet::PubRec(Ack::new(5))]);
    assert!(matches!(ev[..], [Event::Message(_)]));
    // A resend (DUP 1) before our PUBREL arrived: answered, not delivered twice.
    let (out, ev) = feed(&mut s, incoming(b"first", true), now).unwrap();
    assert_eq!(out, vec![Packet::PubRec(Ack::new(5))]);
    assert!(ev.is_empty());
    // DUP 0 with the same id: a new message (the broker lost the first flow).
    let (out, ev) = feed(&mut s, incoming(b"second", false), now).unwrap();
    assert_eq!(out, vec![Packet::PubRec(Ack::new(5))]);
    match &ev[..] {
        [Event::Recovery(Recovery::ReusedPacketId { id: 5 }), Event::Message(m)] => {
            assert_eq!(&m.payload[..], b"second")
        }
        other => panic!("expected a recovery and the message, got {other:?}"),
    }
}

#[test]
fn quota_exceeded_is_retried_with_a_doubling_wait_and_then_stands() {
    let t0 = Instant::now();
    let mut s = connected(Version::V5, t0);
    let id = id_of(&s.publish(publish(QoS::AtLeastOnce), 9, false).unwrap());
    let (_, ev) = feed(&mut s, Packet::PubAck(ack(id, 0x97)), t0).unwrap();
    assert_eq!(
        ev,
        vec![Event::Recovery(Recovery::QuotaExceeded {
            token: 9,
            attempt: 1,
            retry_in: Duration::from_millis(100)
        })]
    );
    assert_eq!((s.inflight(), s.unfinished()), (0, 1));
    assert_eq!(s.next_deadline(), Some(t0 + Duration::from_millis(100)));
    assert!(s.due_retries(t0 + Duration::from_millis(99)).is_empty());
    let mut now = t0 + Duration::from_millis(100);
    let mut waits = Vec::new();
    for attempt in 1..=QUOTA_RETRIES {
        let due = s.due_retries(now);
        assert_eq!(due.len(), 1, "attempt {attempt}");
        let (p, token) = due.into_iter().next().unwrap();
        assert_eq!(token, 9);
        let id = id_of(&s.publish(*p, token, false).unwrap());
        let (_, ev) = feed(&mut s, Packet::PubAck(ack(id, 0x97)), now).unwrap();
        match &ev[..] {
            [Event::Recovery(Recovery::QuotaExceeded { retry_in, .. })] => {
                waits.push(*retry_in);
                now += *retry_in;
            }
            [Event::PublishDone {
                token: 9,
                reason: 0x97,
                ..
            }] => {
                assert_eq!(
                    attempt, QUOTA_RETRIES,
                    "it stands only after the last retry"
                );
                assert_eq!(s.unfinished(), 0);
                assert_eq!(waits[..3], [200, 400, 800].map(Duration::from_millis));
                assert!(waits.iter().all(|w| *w <= Duration::from_secs(5)));
                return;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    panic!("0x97 was retried forever");
}

#[test]
fn three_connections_closed_over_one_subscribe_are_the_broker_refusing_it() {
    let now = Instant::now();
    let mut s = connected(Version::V3_1_1, now);
    let sub = || Subscribe {
        filters: vec![("$SYS/x".into(), Default::default())],
        ..Subscribe::default()
    };
    for closes in 1..SUBSCRIBE_CLOSES {
        s.subscribe(sub()).unwrap();
        assert_eq!(s.on_connection_lost(), Ok(()), "close {closes}");
        s.on_connack(&ConnAck::default(), Version::V3_1_1, now);
    }
    s.subscribe(sub()).unwrap();
    let err = s.on_connection_lost().unwrap_err();
    assert_eq!(
        err,
        StateError::SubscribeClosed {
            times: SUBSCRIBE_CLOSES,
            filters: vec!["$SYS/x".into()]
        }
    );
    assert!(err.is_rejection());
    assert!(err.to_string().contains("'$SYS/x'"));
}

#[test]
fn a_suback_in_between_and_losses_without_a_subscribe_pending_do_not_count() {
    let now = Instant::now();
    let mut s = connected(Version::V5, now);
    for _ in 0..5 {
        assert_eq!(s.on_connection_lost(), Ok(()));
    }
    for _ in 0..(SUBSCRIBE_CLOSES * 2) {
        let id = id_of(
            &s.subscribe(Subscribe {
                filters: vec![("a".into(), Default::default())],
                ..Subscribe::default()
            })
            .unwrap(),
        );
        assert_eq!(s.on_connection_lost(), Ok(()));
        s.on_connack(&ConnAck::default(), Version::V5, now);
        let id2 = id_of(
            &s.subscribe(Subscribe {
                filters: vec![("a".into(), Default::default())],
                ..Subscribe::default()
            })
            .unwrap(),
        );
        assert_ne!(id, 0);
        let suback = SubAck {
            packet_id: id2,
            reason_codes: vec![0],
            ..SubAck::default()
        };
        feed(&mut s, Packet::SubAck(suback), now).unwrap();
    }
}

#[test]
fn a_suback_with_the_wrong_number_of_codes_is_a_protocol_error() {
    let now = Instant::now();
    let mut s = connected(Version::V5, now);
    let id = id_of(
        &s.subscribe(Subscribe {
            filters: vec![
                ("a".into(), Default::default()),
                ("b".into(), Default::default()),
            ],
            ..Subscribe::default()
        })
        .unwrap(),
    );
    let err = feed(
        &mut s,
        Packet::SubAck(SubAck {
            packet_id: id,
            reason_codes: vec![0],
            ..SubAck::default()
        }),
        now,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("1 reason codes for 2 filters"),
        "{err}"
    );
}

#[test]
fn an_auth_nobody_asked_for_is_a_protocol_error() {
    let now = Instant::now();
    let mut s = connected(Version::V5, now);
    assert!(matches!(
        feed(&mut s, Packet::Auth(Auth::default()), now),
        Err(StateError::UnexpectedPacket(_))
    ));
    let mut s = connected_with(
        Config {
            enhanced_auth: true,
            ..cfg(Version::V5)
        },
        Properties::default(),
        now,
    );
    assert!(feed(&mut s, Packet::Auth(Auth::default()), now).is_ok());
}

#[test]
fn a_session_present_after_a_clean_start_is_a_protocol_error() {
    let present = ConnAck {
        session_present: true,
        ..ConnAck::default()
    };
    assert_eq!(
        check_connack(&present, true),
        Err(StateError::SessionPresentOnCleanStart)
    );
    assert_eq!(check_connack(&present, false), Ok(()));
    assert_eq!(check_connack(&ConnAck::default(), true), Ok(()));
}

#[test]
fn writing_into_a_connection_that_receives_nothing_is_dead_after_one_and_a_half_keep_alives() {
    let t0 = Instant::now();
    let mut s = connected(Version::V5, t0);
    // A QoS 0 stream: every few milliseconds something is written, nothing comes back.
    let mut now = t0;
    let mut pinged = None;
    while now < t0 + Duration::from_secs(20) {
        now += Duration::from_millis(5);
        s.on_sent(now);
        match s.on_tick(now) {
            Ok(Some(Packet::PingReq)) => pinged = pinged.or(Some(now)),
            Ok(_) => {}
            Err(StateError::KeepaliveTimeout(d)) => {
                assert_eq!(
                    pinged,
                    Some(t0 + Duration::from_secs(10)),
                    "pinged after a keep alive"
                );
                assert_eq!(d, Duration::from_secs(15));
                return;
            }
            Err(e) => panic!("{e}"),
        }
    }
    panic!("a connection that answers nothing was never found dead");
}

#[test]
fn a_connection_did_work_only_once_something_came_back() {
    let now = Instant::now();
    let mut s = connected(Version::V5, now);
    assert!(!s.did_work());
    s.publish(publish(QoS::AtMostOnce), 1, false).unwrap();
    assert!(!s.did_work(), "writing proves nothing");
    feed(&mut s, Packet::PingResp, now).unwrap();
    assert!(s.did_work());
    s.on_connack(&ConnAck::default(), Version::V5, now);
    assert!(!s.did_work(), "a new connection starts again");
}

#[test]
fn without_a_receive_maximum_the_window_is_twenty_unless_the_user_says_otherwise() {
    let now = Instant::now();
    for v in [Version::V3_1, Version::V3_1_1] {
        assert_eq!(connected(v, now).send_window(), LEGACY_WINDOW);
        let user = connected_with(
            Config {
                max_inflight: Some(100),
                ..cfg(v)
            },
            Properties::default(),
            now,
        );
        assert_eq!(user.send_window(), 100);
    }
    // MQTT 5: the broker's Receive Maximum, capped by the command's default.
    let rm = |n| Properties {
        receive_maximum: Some(n),
        ..Properties::default()
    };
    assert_eq!(
        connected_with(cfg(Version::V5), rm(20), now).send_window(),
        20
    );
    assert_eq!(
        connected_with(cfg(Version::V5), rm(1000), now).send_window(),
        256
    );
    assert_eq!(
        connected_with(cfg(Version::V5), Properties::default(), now).send_window(),
        256
    );
}

#[test]
fn the_same_qos2_message_again_without_dup_is_a_resend_and_not_delivered_twice() {
    // mosquitto restored from a snapshot resends what it had in flight with DUP 0.
    let now = Instant::now();
    let mut s = connected(Version::V5, now);
    let same = || {
        Packet::Publish(Publish {
            packet_id: 5,
            ..publish(QoS::ExactlyOnce)
        })
    };
    let (_, ev) = feed(&mut s, same(), now).unwrap();
    assert!(matches!(ev[..], [Event::Message(_)]));
    let (out, ev) = feed(&mut s, same(), now).unwrap();
    assert_eq!(out, vec![Packet::PubRec(Ack::new(5))]);
    assert!(ev.is_empty(), "{ev:?}");
}

#[test]
fn quota_exceeded_below_the_receive_maximum_releases_every_id_not_in_use_once() {
    let now = Instant::now();
    let rm = Properties {
        receive_maximum: Some(20),
        ..Properties::default()
    };
    let session = |present| ConnAck {
        session_present: present,
        properties: rm.clone(),
        ..ConnAck::default()
    };
    let mut s = connected_with(cfg(Version::V5), rm.clone(), now);
    // The broker restarted from an older state (or an earlier process left flows): it counts
    // flows we do not know, and refuses our second message in flight.
    s.on_connack(&session(true), Version::V5, now);
    let first = id_of(&s.publish(publish(QoS::ExactlyOnce), 1, false).unwrap());
    let id = id_of(&s.publish(publish(QoS::ExactlyOnce), 2, false).unwrap());
    let (out, ev) = feed(&mut s, Packet::PubRec(ack(id, 0x97)), now).unwrap();
    assert_eq!(
        out.len(),
        65533,
        "every id but the one in flight and the refused one"
    );
    assert!(out
        .iter()
        .all(|p| matches!(p, Packet::PubRel(a) if a.packet_id != first && a.packet_id != id)));
    assert!(matches!(
        ev[..],
        [
            Event::Recovery(Recovery::StaleIdsReleased {
                inflight: 2,
                limit: 20,
                released: 65533
            }),
            Event::Recovery(Recovery::QuotaExceeded { token: 2, .. })
        ]
    ));
    // Once per connection.
    let third = id_of(&s.publish(publish(QoS::ExactlyOnce), 3, false).unwrap());
    assert_eq!(third, id, "the one id neither in flight nor being released");
    let (out, ev) = feed(&mut s, Packet::PubRec(ack(third, 0x97)), now).unwrap();
    assert!(out.is_empty());
    assert!(matches!(
        ev[..],
        [Event::Recovery(Recovery::QuotaExceeded { .. })]
    ));
    // Answers to the releases are expected: nothing to report; the ids are free again.
    for released in [id + 1, id + 2] {
        let (_, ev) = feed(&mut s, Packet::PubComp(ack(released, 0x92)), now).unwrap();
        assert!(ev.is_empty(), "{ev:?}");
    }
    // A reconnect to the same session releases what is still unanswered, first.
    let (resend, _) = s.on_connack(&session(true), Version::V5, now);
    assert!(matches!(resend[0], Packet::PubRel(_)));
    assert_eq!(
        resend.len(),
        65533 - 2 + 1,
        "65531 releases, then the resent publish"
    );
    // Without the session, there is nothing to release.
    let (resend, _) = s.on_connack(&session(false), Version::V5, now);
    assert!(resend.iter().all(|p| matches!(p, Packet::Publish(_))));
}

#[test]
fn a_publisher_resuming_a_session_it_did_not_start_releases_every_id_first() {
    let now = Instant::now();
    let mut s = State::new(
        Config {
            release_on_resume: true,
            ..cfg(Version::V3_1_1)
        },
        now,
    );
    let present = ConnAck {
        session_present: true,
        ..ConnAck::default()
    };
    let (resend, ev) = s.on_connack(&present, Version::V3_1_1, now);
    assert_eq!(resend.len(), 65535);
    assert!(resend.iter().all(|p| matches!(p, Packet::PubRel(_))));
    assert!(ev.is_empty(), "routine, not a warning: {ev:?}");
    // Only for the first connection: a later resume of our own session releases nothing new.
    for id in 1..=u16::MAX {
        feed(&mut s, Packet::PubComp(ack(id, 0)), now).unwrap();
    }
    let (resend, _) = s.on_connack(&present, Version::V3_1_1, now);
    assert!(resend.is_empty());
}

#[test]
fn a_resumed_connection_lost_before_any_qos2_progress_releases_every_id_at_the_next_resume() {
    let now = Instant::now();
    let mut s = connected(Version::V5, now);
    let present = ConnAck {
        session_present: true,
        ..ConnAck::default()
    };
    s.on_connack(&present, Version::V5, now);
    s.publish(publish(QoS::ExactlyOnce), 1, false).unwrap();
    // Lost before anything advanced (mosquitto's 0x97 and close, unread).
    s.on_connection_lost().unwrap();
    let (resend, ev) = s.on_connack(&present, Version::V5, now);
    assert_eq!(
        resend.len(),
        65534 + 1,
        "every free id released, then the resend"
    );
    assert!(matches!(resend.last(), Some(Packet::Publish(_))));
    assert!(matches!(
        ev[..],
        [Event::Recovery(Recovery::IdsReleasedAfterStall {
            released: 65534
        })]
    ));
    // Progress on a resumed connection: no release after its loss.
    let mut s = connected(Version::V5, now);
    s.on_connack(&present, Version::V5, now);
    let id = id_of(&s.publish(publish(QoS::ExactlyOnce), 2, false).unwrap());
    feed(&mut s, Packet::PubRec(ack(id, 0)), now).unwrap();
    s.on_connection_lost().unwrap();
    let (resend, ev) = s.on_connack(&present, Version::V5, now);
    assert_eq!(resend.len(), 1, "the PUBREL of the flow in flight only");
    assert!(ev.is_empty());
}
