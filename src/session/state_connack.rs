//! A new connection's CONNACK: the broker's limits and keep alive, our window, and what the
//! session must resend (or, without a session, what is complete or must go again as new).
use std::time::{Duration, Instant};

use super::{pubrel, Event, Recovery, Stage, State, LEGACY_WINDOW};
use crate::protocol::{ConnAck, Packet, QoS, Version};

impl State {
    /// Apply a successful CONNACK: the server's limits, its keep alive, and the session.
    /// Returns what must be resent: with a session present, unacknowledged PUBLISH (DUP set)
    /// and PUBREL with their ids, in their original order; without one, the publishes again
    /// as new messages (the broker lost them), and the PUBREL-stage ones are complete.
    pub fn on_connack(
        &mut self,
        ack: &ConnAck,
        version: Version,
        now: Instant,
    ) -> (Vec<Packet>, Vec<Event>) {
        self.version = version;
        let p = &ack.properties;
        // Without a Server Keep Alive, the one asked for in CONNECT holds (also after a
        // connection whose broker had set another).
        let keep_alive = p.server_keep_alive.unwrap_or(self.cfg.keep_alive);
        self.keepalive
            .restart(Duration::from_secs(keep_alive.into()), now);
        let cap = match (self.cfg.max_inflight, p.receive_maximum) {
            (Some(user), _) => user,
            (None, None) if version != Version::V5 => LEGACY_WINDOW,
            (None, _) => self.cfg.default_inflight.unwrap_or(u16::MAX),
        };
        self.server_receive_maximum = p.receive_maximum.unwrap_or(u16::MAX);
        self.send_window = self.server_receive_maximum.min(cap).max(1);
        self.server_max_packet = p.maximum_packet_size;
        self.server_alias_max = p.topic_alias_maximum.unwrap_or(0);
        self.server_max_qos = p
            .maximum_qos
            .and_then(QoS::from_u8)
            .unwrap_or(QoS::ExactlyOnce);
        self.retain_available = p.retain_available != Some(0);
        self.inbound_aliases.clear();
        self.outbound_aliases.clear();
        if !ack.session_present {
            self.incoming_qos2.clear();
            self.unacked_qos1.clear();
        }
        self.pending_sub.clear();
        self.pending_unsub.clear();
        self.received = 0;

        let mut flights = self.outgoing.drain();
        flights.sort_by_key(|f| f.data.seq);
        let mut resend = Vec::with_capacity(flights.len());
        self.released = false;
        let mut events = Vec::new();
        for mut f in flights {
            match (f.stage, f.data.publish.as_mut()) {
                (Stage::Sent, Some(publish)) => {
                    publish.dup = ack.session_present;
                    resend.push(Packet::Publish((**publish).clone()));
                    self.outgoing.insert(f);
                }
                (_, _) if ack.session_present => {
                    resend.push(pubrel(f.id, 0));
                    self.outgoing.insert(f);
                }
                (_, _) => events.push(Event::PublishDone {
                    token: f.data.token,
                    packet_id: f.id,
                    reason: 0,
                    properties: None,
                }),
            }
        }
        if ack.session_present {
            // A session this process did not start, or one that keeps refusing our QoS 2
            // flows: the broker may hold flows nobody will release. Release every free id.
            let first = !self.connected_before && self.cfg.release_on_resume;
            if first || self.release_next {
                let released = self.release_free_ids(0, &mut Vec::new());
                if self.release_next {
                    events.push(Event::Recovery(Recovery::IdsReleasedAfterStall {
                        released,
                    }));
                }
            }
            // Ids being released go first: until they are, the broker counts them.
            let mut front: Vec<Packet> = self
                .releasing
                .ids()
                .into_iter()
                .map(|id| pubrel(id, 0))
                .collect();
            front.append(&mut resend);
            resend = front;
        } else {
            self.releasing.clear();
        }
        self.release_next = false;
        self.connected_before = true;
        self.resumed = ack.session_present;
        self.qos2_progress = false;
        (resend, events)
    }
}
