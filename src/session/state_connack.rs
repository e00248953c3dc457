//! A new connection's CONNACK: the broker's limits and keep alive, our window, and what the
//! session must resend (or, without a session, what is complete or must go again as new).
use std::time::{Duration, Instant};

use super::{pubrel, Event, Outgoing, Recovery, State, LEGACY_WINDOW};
use crate::protocol::{Ack, ConnAck, Packet, QoS, Version};

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
        if let Some(k) = p.server_keep_alive {
            self.keep_alive = Duration::from_secs(k.into());
        }
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
        self.last_sent = now;
        self.last_received = now;
        self.ping_sent = None;
        self.received = 0;

        let mut entries: Vec<(u16, Outgoing)> = self.outgoing.drain().collect();
        entries.sort_by_key(|(_, o)| o.seq());
        let mut resend = Vec::with_capacity(entries.len());
        self.released = false;
        let mut events = Vec::new();
        for (id, entry) in entries {
            match entry {
                Outgoing::Publish {
                    mut publish,
                    token,
                    seq,
                } => {
                    publish.dup = ack.session_present;
                    resend.push(Packet::Publish((*publish).clone()));
                    self.outgoing.insert(
                        id,
                        Outgoing::Publish {
                            publish,
                            token,
                            seq,
                        },
                    );
                }
                Outgoing::Released { token, seq } if ack.session_present => {
                    resend.push(Packet::PubRel(Ack {
                        packet_id: id,
                        ..Ack::default()
                    }));
                    self.outgoing.insert(id, Outgoing::Released { token, seq });
                }
                Outgoing::Released { token, .. } => events.push(Event::PublishDone {
                    token,
                    packet_id: id,
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
