//! Drive the sans-IO session state with random sequences: packets from the broker (decoded
//! from the fuzz bytes), publishes, subscriptions, acknowledgements, clock ticks and
//! reconnects. Nothing may panic; every packet the state asks to send must encode; every
//! QoS 1/2 publish completes at most once, and only one that was made.
//!
//! Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run session` from the repository root.
#![no_main]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use mqtt::protocol::{
    decode, encode, ConnAck, Limits, Packet, Properties, Publish, QoS, SubOptions, Subscribe,
    Unsubscribe, Version,
};
use mqtt::session::state::{Config, Event, State};

const TOPICS: [&str; 4] = ["a", "a/b", "c/d/e", "x"];

fn take(buf: &mut BytesMut) -> u8 {
    if buf.is_empty() {
        0
    } else {
        buf.get_u8()
    }
}

fn check_encodes(p: &Packet, version: Version) {
    let mut out = BytesMut::new();
    let n = encode(p, version, &mut out)
        .unwrap_or_else(|e| panic!("the state produced {p:?}, which does not encode: {e}"));
    assert_eq!(n, p.encoded_len(version));
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let version = match data[0] % 3 {
        0 => Version::V3_1,
        1 => Version::V3_1_1,
        _ => Version::V5,
    };
    let cfg = Config {
        version,
        keep_alive: u16::from(data[1] % 8),
        receive_maximum: u16::from(data[2] % 8) + 1,
        topic_alias_maximum: u16::from(data[3] % 4),
        max_inflight: (data[4] & 0x80 != 0).then_some(u16::from(data[4] % 16)),
        default_inflight: (data[4] & 0x40 != 0).then_some(u16::from(data[4] % 8) + 1),
        enhanced_auth: data[0] & 0x40 != 0,
        release_on_resume: data[0] & 0x20 != 0,
        manual_ack: data[0] & 0x80 != 0,
    };
    let mut now = Instant::now();
    let mut state = State::new(cfg, now);
    let mut buf = BytesMut::from(&data[5..]);
    let mut token = 0u64;
    let mut open: HashSet<u64> = HashSet::new();
    let (mut out, mut events) = (Vec::new(), Vec::new());
    let connack = ConnAck::default();
    for p in state.on_connack(&connack, version, now).0 {
        check_encodes(&p, version);
    }
    while !buf.is_empty() {
        let op = take(&mut buf);
        match op % 8 {
            0..=2 => match decode(&mut buf, version, Limits::default()) {
                Ok(Some(packet)) => {
                    if state.handle(packet, now, &mut out, &mut events).is_err() {
                        // The driver ends the connection here; the state may still be
                        // reused after a reconnect.
                        out.clear();
                        events.clear();
                        continue;
                    }
                }
                Ok(None) | Err(_) => break,
            },
            3 => {
                let b = take(&mut buf);
                let qos = QoS::from_u8(b % 3).unwrap();
                if !state.can_publish(qos) {
                    continue;
                }
                token += 1;
                let publish = Publish {
                    topic: TOPICS[usize::from(b >> 2) % TOPICS.len()].into(),
                    qos,
                    retain: b & 0x40 != 0,
                    payload: Bytes::from(vec![0u8; usize::from(take(&mut buf))]),
                    ..Publish::default()
                };
                if let Ok(p) = state.publish(publish, token, b & 0x80 != 0) {
                    check_encodes(&p, version);
                    if qos != QoS::AtMostOnce {
                        open.insert(token);
                    }
                }
            }
            4 => {
                let id = u16::from_be_bytes([take(&mut buf), take(&mut buf)]);
                let qos = QoS::from_u8(take(&mut buf) % 3).unwrap();
                if let Some(p) = state.ack(id, qos) {
                    check_encodes(&p, version);
                }
            }
            5 => {
                now += Duration::from_millis(u64::from(take(&mut buf)) * 50);
                match state.on_tick(now) {
                    Ok(Some(p)) => check_encodes(&p, version),
                    Ok(None) => {}
                    Err(_) => {}
                }
                for (publish, token) in state.due_retries(now) {
                    if state.can_publish(publish.qos) {
                        if let Ok(p) = state.publish(*publish, token, false) {
                            check_encodes(&p, version);
                        }
                    }
                }
                if op & 0x80 != 0 {
                    state.on_sent(now);
                }
            }
            6 => {
                let b = take(&mut buf);
                let properties = if version == Version::V5 {
                    Properties {
                        receive_maximum: (b & 0x07 != 0).then_some(u16::from(b & 0x07)),
                        topic_alias_maximum: (b & 0x18 != 0).then_some(u16::from((b >> 3) & 3)),
                        maximum_packet_size: (b & 0x20 != 0)
                            .then_some(64 + u32::from(take(&mut buf))),
                        maximum_qos: (b & 0x40 != 0).then_some(take(&mut buf) % 2),
                        retain_available: (b & 0x80 != 0).then_some(0),
                        server_keep_alive: (op & 0x80 != 0)
                            .then_some(u16::from(take(&mut buf) % 4)),
                        ..Properties::default()
                    }
                } else {
                    Properties::default()
                };
                let ack = ConnAck {
                    session_present: op & 0x40 != 0,
                    reason: 0,
                    properties,
                };
                let _ = state.on_connection_lost();
                let (resend, evs) = state.on_connack(&ack, version, now);
                for p in &resend {
                    check_encodes(p, version);
                }
                events.extend(evs);
            }
            _ => {
                let b = take(&mut buf);
                let filter = TOPICS[usize::from(b) % TOPICS.len()].to_string();
                let r = if b & 0x80 != 0 {
                    state.unsubscribe(Unsubscribe {
                        packet_id: 0,
                        filters: vec![filter],
                        properties: Properties::default(),
                    })
                } else {
                    state.subscribe(Subscribe {
                        packet_id: 0,
                        filters: vec![(filter, SubOptions::qos(QoS::from_u8(b % 3).unwrap()))],
                        properties: Properties::default(),
                    })
                };
                if let Ok(p) = r {
                    check_encodes(&p, version);
                }
            }
        }
        for p in out.drain(..) {
            check_encodes(&p, version);
        }
        for e in events.drain(..) {
            if let Event::PublishDone { token, .. } = e {
                assert!(
                    open.remove(&token),
                    "token {token} completed twice or never made"
                );
            }
        }
    }
});
