//! The client session's rules, sans-IO: packet ids, QoS 1/2 flows both ways, receive maximum,
//! topic aliases, keepalive deadlines. It returns packets to send and events to report; it never
//! does I/O and reads the clock only through the `now` it is given.
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

pub use super::event::{Event, Recovery, StateError};
use super::inflight::{Inflight, Stage, Step};
use super::keepalive::{Keepalive, Tick};
pub use super::recover::QUOTA_RETRIES;
use super::recover::{fingerprint, IdSet, QuotaRetries};
use crate::protocol::{
    reason, Ack, ConnAck, Packet, PacketType, Publish, QoS, Subscribe, Unsubscribe, Version,
};

/// The QoS 1/2 window towards a broker that cannot announce one (MQTT 3.1/3.1.1 has no
/// Receive Maximum), unless the user sets one: mosquitto acknowledges and then drops QoS 2
/// messages beyond its default in-flight limit of 20, and mosquitto_pub and paho use 20.
pub const LEGACY_WINDOW: u16 = 20;
/// A connection closed in answer to SUBSCRIBE this many times in a row is the broker refusing it.
pub const SUBSCRIBE_CLOSES: u32 = 3;

/// What the client asked for in CONNECT that the session must honour.
#[derive(Clone, Debug)]
pub struct Config {
    pub version: Version,
    /// Keep alive sent in CONNECT (seconds, 0 = off); the server may override it.
    pub keep_alive: u16,
    /// Our receive maximum (how many QoS 1/2 PUBLISH the server may have unacknowledged).
    pub receive_maximum: u16,
    /// Our topic alias maximum.
    pub topic_alias_maximum: u16,
    /// The user's cap on our own outbound window (below the server's receive maximum).
    pub max_inflight: Option<u16>,
    /// The command's cap when the user gave none and the broker announces a Receive Maximum
    /// (MQTT 5); without one (3.1/3.1.1) the window is [`LEGACY_WINDOW`].
    pub default_inflight: Option<u16>,
    /// CONNECT named an authentication method: AUTH packets are expected.
    pub enhanced_auth: bool,
    /// A publisher resuming a session it did not start (this process's first CONNACK says a
    /// session is present): the broker may hold QoS 2 flows of an earlier process, awaiting
    /// PUBRELs nobody will send; release every id first (see `release_free_ids`).
    pub release_on_resume: bool,
    /// Incoming QoS 1/2 messages are acknowledged (PUBACK / PUBREC) only when `ack` is called,
    /// once the command has consumed them: a message is never acknowledged and then lost.
    pub manual_ack: bool,
}

/// What the session keeps of a publish of ours in flight.
#[derive(Clone, Debug)]
struct Out {
    /// The message, to send again, until the broker has it (PUBACK, PUBREC).
    publish: Option<Box<Publish>>,
    token: u64,
    /// Order of publishing (flows are resent in it).
    seq: u64,
}

pub struct State {
    cfg: Config,
    version: Version,
    keepalive: Keepalive,
    send_window: u16,
    server_max_packet: Option<u32>,
    /// The broker's Receive Maximum (65535 when it announces none).
    server_receive_maximum: u16,
    server_alias_max: u16,
    server_max_qos: QoS,
    retain_available: bool,
    seq: u64,
    outgoing: Inflight<Out>,
    /// Incoming QoS 2 ids: `false` delivered but not yet PUBREC'd (manual ack), `true`
    /// PUBREC sent, waiting for PUBREL; with the message's fingerprint. A resend of it is not
    /// delivered again.
    incoming_qos2: HashMap<u16, (bool, u64)>,
    /// Incoming QoS 1 ids delivered but not yet acknowledged (manual ack).
    unacked_qos1: HashSet<u16>,
    /// SUBSCRIBE ids awaiting their SUBACK, with the filters asked for.
    pending_sub: HashMap<u16, Vec<String>>,
    /// UNSUBSCRIBE ids awaiting their UNSUBACK, with how many filters.
    pending_unsub: HashMap<u16, usize>,
    /// Connections lost in a row with a SUBSCRIBE unanswered.
    subscribe_closes: u32,
    inbound_aliases: HashMap<u16, String>,
    outbound_aliases: HashMap<String, u16>,
    /// Packets received since the CONNACK (a connection that did some work).
    received: u64,
    /// "Quota exceeded" publishes to send again.
    quota: QuotaRetries,
    /// Ids released for a broker that holds QoS 2 flows we no longer know (restored from an
    /// older snapshot, or left by an earlier process of this session): PUBREL sent, PUBCOMP
    /// due. Not reused while others are free.
    releasing: IdSet,
    /// A release of every free id was sent on this connection.
    released: bool,
    /// Connected at least once before this connection.
    connected_before: bool,
    /// This connection resumed a session.
    resumed: bool,
    /// A QoS 2 flow of ours advanced on this connection (PUBREC or PUBCOMP received).
    qos2_progress: bool,
    /// Release every free id at the next resume: the last resumed connection was lost with
    /// QoS 2 in flight and none of it advanced (a broker counting flows we do not know, that
    /// closed the connection before its "Quota exceeded" could be read).
    release_next: bool,
}

impl State {
    pub fn new(cfg: Config, now: Instant) -> State {
        State {
            version: cfg.version,
            keepalive: Keepalive::new(Duration::from_secs(cfg.keep_alive.into()), now),
            send_window: cfg.max_inflight.unwrap_or(u16::MAX).max(1),
            server_max_packet: None,
            server_receive_maximum: u16::MAX,
            server_alias_max: 0,
            server_max_qos: QoS::ExactlyOnce,
            retain_available: true,
            seq: 0,
            outgoing: Inflight::default(),
            incoming_qos2: HashMap::new(),
            unacked_qos1: HashSet::new(),
            pending_sub: HashMap::new(),
            pending_unsub: HashMap::new(),
            subscribe_closes: 0,
            inbound_aliases: HashMap::new(),
            outbound_aliases: HashMap::new(),
            received: 0,
            quota: QuotaRetries::default(),
            releasing: IdSet::default(),
            released: false,
            connected_before: false,
            resumed: false,
            qos2_progress: false,
            release_next: false,
            cfg,
        }
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// The keep alive in force (the server's, when it sent one).
    pub fn keep_alive(&self) -> Duration {
        self.keepalive.period()
    }

    /// QoS 1/2 publishes waiting for their acknowledgement.
    pub fn inflight(&self) -> usize {
        self.outgoing.len()
    }

    /// Publishes not finished yet: in flight, or waiting to be sent again after 0x97.
    pub fn unfinished(&self) -> usize {
        self.outgoing.len() + self.quota.len()
    }

    /// How many QoS 1/2 publishes may be in flight at once on this connection.
    pub fn send_window(&self) -> u16 {
        self.send_window
    }

    pub fn server_max_packet(&self) -> Option<u32> {
        self.server_max_packet
    }

    /// Whether this connection received anything after its CONNACK: it did some work, so a
    /// loss of it starts the reconnect backoff afresh.
    pub fn did_work(&self) -> bool {
        self.received > 0
    }

    /// Whether a PUBLISH of this QoS may be sent now without exceeding the receive maximum.
    pub fn can_publish(&self, qos: QoS) -> bool {
        qos == QoS::AtMostOnce || self.outgoing.len() < usize::from(self.send_window)
    }

    /// The connection ended (before any reconnect). A SUBSCRIBE unanswered at that moment,
    /// [`SUBSCRIBE_CLOSES`] times in a row, is the broker refusing it by closing the connection
    /// (rumqttd, RabbitMQ) instead of with a SUBACK failure code.
    pub fn on_connection_lost(&mut self) -> Result<(), StateError> {
        let qos2_inflight = self.outgoing.iter().any(|f| f.qos == QoS::ExactlyOnce);
        if self.resumed && qos2_inflight && !self.qos2_progress {
            self.release_next = true;
        }
        if self.pending_sub.is_empty() {
            return Ok(());
        }
        self.subscribe_closes += 1;
        if self.subscribe_closes < SUBSCRIBE_CLOSES {
            return Ok(());
        }
        let mut ids: Vec<&u16> = self.pending_sub.keys().collect();
        ids.sort();
        let filters = ids
            .into_iter()
            .flat_map(|id| self.pending_sub[id].iter().cloned())
            .collect();
        Err(StateError::SubscribeClosed {
            times: self.subscribe_closes,
            filters,
        })
    }

    fn next_packet_id(&mut self) -> Result<u16, StateError> {
        // Ids being released only when no other is free (the broker handles our PUBREL before
        // the PUBLISH that reuses the id, so the two cannot be confused).
        for spare_releasing in [true, false] {
            let (releasing, sub, unsub) = (&self.releasing, &self.pending_sub, &self.pending_unsub);
            let busy = |id| {
                (spare_releasing && releasing.contains(id))
                    || sub.contains_key(&id)
                    || unsub.contains_key(&id)
            };
            if let Some(id) = self.outgoing.allocate(busy) {
                self.releasing.remove(id);
                return Ok(id);
            }
        }
        Err(StateError::NoPacketIdAvailable)
    }

    fn check_size(&self, packet: &Packet) -> Result<(), StateError> {
        if let Some(max) = self.server_max_packet {
            let size = packet.encoded_len(self.version);
            if size > max as usize {
                return Err(StateError::PacketTooLarge { size, max });
            }
        }
        Ok(())
    }

    /// Prepare an outbound PUBLISH: checks the broker's limits, assigns a packet id for QoS 1/2
    /// (the caller must have checked `can_publish`), and with `auto_alias` replaces a repeated
    /// topic by a topic alias. `token` comes back in `Event::PublishDone`.
    pub fn publish(
        &mut self,
        mut publish: Publish,
        token: u64,
        auto_alias: bool,
    ) -> Result<Packet, StateError> {
        if publish.qos > self.server_max_qos {
            return Err(StateError::QoSNotSupported {
                asked: publish.qos as u8,
                max: self.server_max_qos as u8,
            });
        }
        if publish.retain && !self.retain_available {
            return Err(StateError::RetainNotSupported);
        }
        publish.packet_id = 0;
        publish.dup = false;
        if publish.qos != QoS::AtMostOnce {
            publish.packet_id = self.next_packet_id()?;
        }
        let stored = (publish.qos != QoS::AtMostOnce).then(|| Box::new(publish.clone()));
        let wire = if auto_alias && self.version == Version::V5 && self.server_alias_max > 0 {
            self.apply_alias(publish)
        } else {
            publish
        };
        let packet = Packet::Publish(wire);
        self.check_size(&packet)?;
        if let Some(publish) = stored {
            self.seq += 1;
            let (id, qos) = (publish.packet_id, publish.qos);
            let out = Out {
                publish: Some(publish),
                token,
                seq: self.seq,
            };
            self.outgoing.sent(id, qos, out);
        }
        Ok(packet)
    }

    fn apply_alias(&mut self, mut publish: Publish) -> Publish {
        if let Some(&alias) = self.outbound_aliases.get(&publish.topic) {
            publish.properties.topic_alias = Some(alias);
            publish.topic.clear();
        } else if self.outbound_aliases.len() < usize::from(self.server_alias_max) {
            let alias = self.outbound_aliases.len() as u16 + 1;
            self.outbound_aliases.insert(publish.topic.clone(), alias);
            publish.properties.topic_alias = Some(alias);
        }
        publish
    }

    pub fn subscribe(&mut self, mut sub: Subscribe) -> Result<Packet, StateError> {
        sub.packet_id = self.next_packet_id()?;
        let filters = sub.filters.iter().map(|(f, _)| f.clone()).collect();
        let packet = Packet::Subscribe(sub);
        self.check_size(&packet)?;
        if let Packet::Subscribe(s) = &packet {
            self.pending_sub.insert(s.packet_id, filters);
        }
        Ok(packet)
    }

    pub fn unsubscribe(&mut self, mut unsub: Unsubscribe) -> Result<Packet, StateError> {
        unsub.packet_id = self.next_packet_id()?;
        let count = unsub.filters.len();
        let id = unsub.packet_id;
        let packet = Packet::Unsubscribe(unsub);
        self.check_size(&packet)?;
        self.pending_unsub.insert(id, count);
        Ok(packet)
    }

    /// Record that bytes were written (keep alive counts from the last send).
    pub fn on_sent(&mut self, now: Instant) {
        self.keepalive.on_sent(now);
    }

    /// Handle one packet from the broker: packets to send go to `out`, events to `events`.
    pub fn handle(
        &mut self,
        packet: Packet,
        now: Instant,
        out: &mut Vec<Packet>,
        events: &mut Vec<Event>,
    ) -> Result<(), StateError> {
        self.keepalive.on_received(now);
        self.received += 1;
        match packet {
            Packet::Publish(p) => self.incoming_publish(p, out, events)?,
            Packet::PubAck(ack) => match self.outgoing.step(PacketType::PubAck, &ack) {
                Step::Done(o) => self.finish(o, ack, now, out, events),
                Step::PubAckForQoS2 => return Err(StateError::NoQoS2),
                _ => events.push(unknown("PUBACK", ack.packet_id)),
            },
            Packet::PubRec(ack) => match self.outgoing.step(PacketType::PubRec, &ack) {
                // Refused (an error reason): the flow ends here.
                Step::Done(o) => self.finish(o, ack, now, out, events),
                Step::Release => {
                    self.qos2_progress = true;
                    if let Some(f) = self.outgoing.get_mut(ack.packet_id) {
                        f.data.publish = None;
                    }
                    out.push(pubrel(ack.packet_id, 0));
                }
                // A PUBREC again after our PUBREL (e.g. resent by the broker): answer again.
                Step::ReleaseAgain => out.push(pubrel(ack.packet_id, 0)),
                // Not ours (any more): release it, so the broker can end its flow.
                _ => {
                    let code = if self.version == Version::V5 {
                        reason::PACKET_IDENTIFIER_NOT_FOUND
                    } else {
                        0
                    };
                    out.push(pubrel(ack.packet_id, code));
                    events.push(unknown("PUBREC", ack.packet_id));
                }
            },
            Packet::PubComp(ack) => match self.outgoing.step(PacketType::PubComp, &ack) {
                Step::Done(o) => {
                    self.qos2_progress = true;
                    self.quota.forget(o.token);
                    events.push(done(o.token, ack));
                }
                // The answer to releasing a stale id: expected, nothing to report.
                _ if self.releasing.remove(ack.packet_id) => {}
                _ => events.push(unknown("PUBCOMP", ack.packet_id)),
            },
            Packet::PubRel(ack) => {
                // Known or not (a resumed session may carry one from an earlier process), the
                // answer is PUBCOMP; v5 says "Packet Identifier not found" for an unknown one.
                let known = self.incoming_qos2.remove(&ack.packet_id).is_some();
                let reason = if known || self.version != Version::V5 {
                    0
                } else {
                    0x92
                };
                out.push(Packet::PubComp(Ack {
                    packet_id: ack.packet_id,
                    reason,
                    ..Ack::default()
                }));
            }
            Packet::SubAck(ack) => {
                let Some(filters) = self.pending_sub.remove(&ack.packet_id) else {
                    return Err(StateError::UnknownSubAck {
                        packet: "SUBACK",
                        id: ack.packet_id,
                    });
                };
                if ack.reason_codes.len() != filters.len() {
                    return Err(StateError::WrongReasonCount {
                        packet: "SUBACK",
                        expected: filters.len(),
                        got: ack.reason_codes.len(),
                    });
                }
                self.subscribe_closes = 0;
                events.push(Event::SubAck(Box::new(ack)));
            }
            Packet::UnsubAck(ack) => {
                let Some(count) = self.pending_unsub.remove(&ack.packet_id) else {
                    return Err(StateError::UnknownSubAck {
                        packet: "UNSUBACK",
                        id: ack.packet_id,
                    });
                };
                // 3.1.1's UNSUBACK has no reason codes.
                if self.version == Version::V5 && ack.reason_codes.len() != count {
                    return Err(StateError::WrongReasonCount {
                        packet: "UNSUBACK",
                        expected: count,
                        got: ack.reason_codes.len(),
                    });
                }
                events.push(Event::UnsubAck(Box::new(ack)));
            }
            Packet::PingResp => events.push(Event::PingResp),
            Packet::Disconnect(d) => events.push(Event::Disconnect(Box::new(d))),
            Packet::Auth(_) if !self.cfg.enhanced_auth => {
                return Err(StateError::UnexpectedPacket(
                    "AUTH without an authentication method in CONNECT",
                ))
            }
            Packet::Auth(a) => events.push(Event::Auth(Box::new(a))),
            Packet::Connect(_) => return Err(StateError::UnexpectedPacket("CONNECT")),
            Packet::ConnAck(_) => return Err(StateError::UnexpectedPacket("a second CONNACK")),
            Packet::Subscribe(_) => return Err(StateError::UnexpectedPacket("SUBSCRIBE")),
            Packet::Unsubscribe(_) => return Err(StateError::UnexpectedPacket("UNSUBSCRIBE")),
            Packet::PingReq => return Err(StateError::UnexpectedPacket("PINGREQ")),
        }
        Ok(())
    }

    /// A publish's flow ended with `ack` (PUBACK, or a PUBREC with an error): done, or, on
    /// "Quota exceeded", queued to be sent again after a doubling wait. A quota exceeded with
    /// fewer in flight than the broker's Receive Maximum means it holds QoS 2 flows we do not
    /// know (restored from an older snapshot, or left by a crashed process of this session):
    /// every id not in use is released (PUBREL), once per connection.
    fn finish(
        &mut self,
        o: Out,
        ack: Ack,
        now: Instant,
        out: &mut Vec<Packet>,
        events: &mut Vec<Event>,
    ) {
        let token = o.token;
        let Some(publish) = o.publish.filter(|_| ack.reason == reason::QUOTA_EXCEEDED) else {
            self.quota.forget(token);
            events.push(done(token, ack));
            return;
        };
        let inflight = self.outgoing.len() + 1;
        // Only QoS 2 leaves state at the broker, and only an announced maximum tells.
        if !self.released
            && publish.qos == QoS::ExactlyOnce
            && self.server_receive_maximum < u16::MAX
            && inflight < usize::from(self.server_receive_maximum)
        {
            let released = self.release_free_ids(ack.packet_id, out);
            events.push(Event::Recovery(Recovery::StaleIdsReleased {
                inflight,
                limit: self.server_receive_maximum,
                released,
            }));
        }
        match self.quota.exceeded(publish, token, now) {
            Some((attempt, retry_in)) => events.push(Event::Recovery(Recovery::QuotaExceeded {
                token,
                attempt,
                retry_in,
            })),
            None => events.push(done(token, ack)),
        }
    }

    /// Release (PUBREL) every packet id not in use (nor `except`), once per connection: a broker
    /// that holds QoS 2 flows we do not know answers each with PUBCOMP and frees them; one that
    /// does not know them answers PUBCOMP too. Their PUBCOMPs are expected, not reported.
    fn release_free_ids(&mut self, except: u16, out: &mut Vec<Packet>) -> usize {
        self.released = true;
        let mut released = 0;
        for id in 1..=u16::MAX {
            if !self.outgoing.contains(id)
                && id != except
                && !self.pending_sub.contains_key(&id)
                && !self.pending_unsub.contains_key(&id)
                && !self.releasing.contains(id)
            {
                self.releasing.insert(id);
                out.push(pubrel(id, 0));
                released += 1;
            }
        }
        released
    }

    /// Publishes whose "Quota exceeded" wait is over, to be published again (in order).
    pub fn due_retries(&mut self, now: Instant) -> Vec<(Box<Publish>, u64)> {
        self.quota.due(now)
    }
}

/// What a CONNACK must not say: a session present after CONNECT asked for a clean start.
pub fn check_connack(ack: &ConnAck, clean_start: bool) -> Result<(), StateError> {
    if ack.reason == 0 && clean_start && ack.session_present {
        return Err(StateError::SessionPresentOnCleanStart);
    }
    Ok(())
}

fn unknown(packet: &'static str, id: u16) -> Event {
    Event::Recovery(Recovery::UnknownAck { packet, id })
}

fn pubrel(packet_id: u16, reason: u8) -> Packet {
    Packet::PubRel(Ack {
        packet_id,
        reason,
        ..Ack::default()
    })
}

fn done(token: u64, ack: Ack) -> Event {
    Event::PublishDone {
        token,
        packet_id: ack.packet_id,
        reason: ack.reason,
        properties: (!ack.properties.is_empty()).then(|| Box::new(ack.properties)),
    }
}

#[path = "state_connack.rs"]
mod connack;
#[path = "state_incoming.rs"]
mod incoming;
#[path = "state_keepalive.rs"]
mod keepalive;

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "state_recovery_tests.rs"]
mod recovery_tests;
