//! The client session's rules, sans-IO: packet ids, QoS 1/2 flows both ways, receive maximum,
//! topic aliases, keepalive deadlines. It returns packets to send and events to report; it never
//! does I/O and reads the clock only through the `now` it is given.
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use crate::protocol::{
    reason, Ack, Auth, ConnAck, Disconnect, Packet, Properties, Publish, QoS, SubAck, Subscribe,
    UnsubAck, Unsubscribe, Version,
};

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
    /// A cap on our own outbound window, below the server's receive maximum.
    pub max_inflight: Option<u16>,
    /// Incoming QoS 1/2 messages are acknowledged (PUBACK / PUBREC) only when `ack` is called,
    /// once the command has consumed them: a message is never acknowledged and then lost.
    pub manual_ack: bool,
}

/// What happened, for the command to act on.
#[derive(Clone, Debug, PartialEq)]
/// Large payloads are boxed so that an event moves as a few words (events cross channels
/// once per message).
pub enum Event {
    /// An application message, aliases resolved, delivered once (QoS 2 duplicates dropped).
    Message(Box<Publish>),
    /// An outbound QoS 1/2 PUBLISH finished: PUBACK, PUBCOMP, or a PUBREC with an error reason.
    /// For QoS 0, the driver reports this itself once the bytes are written. `properties` are
    /// the acknowledgement's, when it had any.
    PublishDone {
        token: u64,
        packet_id: u16,
        reason: u8,
        properties: Option<Box<Properties>>,
    },
    SubAck(Box<SubAck>),
    UnsubAck(Box<UnsubAck>),
    Disconnect(Box<Disconnect>),
    Auth(Box<Auth>),
    PingResp,
}

/// The peer broke the protocol, or the connection is dead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateError {
    UnexpectedPacket(&'static str),
    UnknownPacketId { packet: &'static str, id: u16 },
    TopicAliasInvalid(u16),
    TopicAliasUnknown(u16),
    ReceiveMaximumExceeded(u16),
    KeepaliveTimeout(Duration),
    PacketTooLarge { size: usize, max: u32 },
    QoSNotSupported { asked: u8, max: u8 },
    RetainNotSupported,
    NoPacketIdAvailable,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::UnexpectedPacket(p) => write!(
                f,
                "protocol error: the broker sent {p}, which a client never receives"
            ),
            StateError::UnknownPacketId { packet, id } => {
                write!(
                    f,
                    "protocol error: {packet} for packet id {id}, which is not in flight"
                )
            }
            StateError::TopicAliasInvalid(a) => {
                write!(f, "protocol error: topic alias {a} is out of range")
            }
            StateError::TopicAliasUnknown(a) => {
                write!(f, "protocol error: topic alias {a} was never set")
            }
            StateError::ReceiveMaximumExceeded(m) => {
                write!(
                    f,
                    "protocol error: the broker exceeded our receive maximum of {m}"
                )
            }
            StateError::KeepaliveTimeout(d) => {
                write!(
                    f,
                    "connection dead: no answer from the broker for {}",
                    humantime::format_duration(*d)
                )
            }
            StateError::PacketTooLarge { size, max } => write!(
                f,
                "packet of {size} bytes exceeds the broker's maximum packet size of {max} bytes"
            ),
            StateError::QoSNotSupported { asked, max } => {
                write!(f, "the broker supports QoS up to {max}, not {asked}")
            }
            StateError::RetainNotSupported => {
                f.write_str("the broker does not support retained messages")
            }
            StateError::NoPacketIdAvailable => f.write_str("all 65535 packet ids are in use"),
        }
    }
}

impl std::error::Error for StateError {}

#[derive(Clone, Debug)]
enum Outgoing {
    /// Sent, waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    Publish {
        publish: Box<Publish>,
        token: u64,
        seq: u64,
    },
    /// PUBREL sent, waiting for PUBCOMP.
    Released { token: u64, seq: u64 },
}

impl Outgoing {
    fn seq(&self) -> u64 {
        match self {
            Outgoing::Publish { seq, .. } | Outgoing::Released { seq, .. } => *seq,
        }
    }
}

pub struct State {
    cfg: Config,
    version: Version,
    keep_alive: Duration,
    send_window: u16,
    server_max_packet: Option<u32>,
    server_alias_max: u16,
    server_max_qos: QoS,
    retain_available: bool,
    next_id: u16,
    seq: u64,
    outgoing: HashMap<u16, Outgoing>,
    /// Incoming QoS 2 ids: `false` delivered but not yet PUBREC'd (manual ack), `true`
    /// PUBREC sent, waiting for PUBREL. A PUBLISH with an id in here is not delivered again.
    incoming_qos2: HashMap<u16, bool>,
    /// Incoming QoS 1 ids delivered but not yet acknowledged (manual ack).
    unacked_qos1: HashSet<u16>,
    pending_sub: HashSet<u16>,
    pending_unsub: HashSet<u16>,
    inbound_aliases: HashMap<u16, String>,
    outbound_aliases: HashMap<String, u16>,
    last_sent: Instant,
    last_received: Instant,
    ping_sent: Option<Instant>,
    receiving: bool,
}

impl State {
    pub fn new(cfg: Config, now: Instant) -> State {
        State {
            version: cfg.version,
            keep_alive: Duration::from_secs(cfg.keep_alive.into()),
            send_window: cfg.max_inflight.unwrap_or(u16::MAX).max(1),
            server_max_packet: None,
            server_alias_max: 0,
            server_max_qos: QoS::ExactlyOnce,
            retain_available: true,
            next_id: 0,
            seq: 0,
            outgoing: HashMap::new(),
            incoming_qos2: HashMap::new(),
            unacked_qos1: HashSet::new(),
            pending_sub: HashSet::new(),
            pending_unsub: HashSet::new(),
            inbound_aliases: HashMap::new(),
            outbound_aliases: HashMap::new(),
            last_sent: now,
            last_received: now,
            ping_sent: None,
            receiving: true,
            cfg,
        }
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// The keep alive in force (the server's, when it sent one).
    pub fn keep_alive(&self) -> Duration {
        self.keep_alive
    }

    /// QoS 1/2 publishes waiting for their acknowledgement.
    pub fn inflight(&self) -> usize {
        self.outgoing.len()
    }

    /// How many QoS 1/2 publishes may be in flight at once on this connection.
    pub fn send_window(&self) -> u16 {
        self.send_window
    }

    pub fn server_max_packet(&self) -> Option<u32> {
        self.server_max_packet
    }

    /// Whether a PUBLISH of this QoS may be sent now without exceeding the receive maximum.
    pub fn can_publish(&self, qos: QoS) -> bool {
        qos == QoS::AtMostOnce || self.outgoing.len() < usize::from(self.send_window)
    }

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
        let server_rm = p.receive_maximum.unwrap_or(u16::MAX);
        self.send_window = server_rm
            .min(self.cfg.max_inflight.unwrap_or(u16::MAX))
            .max(1);
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

        let mut entries: Vec<(u16, Outgoing)> = self.outgoing.drain().collect();
        entries.sort_by_key(|(_, o)| o.seq());
        let mut resend = Vec::with_capacity(entries.len());
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
        (resend, events)
    }

    fn next_packet_id(&mut self) -> Result<u16, StateError> {
        for _ in 0..=u16::MAX {
            self.next_id = self.next_id.wrapping_add(1);
            if self.next_id == 0 {
                self.next_id = 1;
            }
            let id = self.next_id;
            if !self.outgoing.contains_key(&id)
                && !self.pending_sub.contains(&id)
                && !self.pending_unsub.contains(&id)
            {
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
            self.outgoing.insert(
                publish.packet_id,
                Outgoing::Publish {
                    publish,
                    token,
                    seq: self.seq,
                },
            );
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
        self.pending_sub.insert(sub.packet_id);
        let packet = Packet::Subscribe(sub);
        self.check_size(&packet)?;
        Ok(packet)
    }

    pub fn unsubscribe(&mut self, mut unsub: Unsubscribe) -> Result<Packet, StateError> {
        unsub.packet_id = self.next_packet_id()?;
        self.pending_unsub.insert(unsub.packet_id);
        let packet = Packet::Unsubscribe(unsub);
        self.check_size(&packet)?;
        Ok(packet)
    }

    /// Record that bytes were written (keep alive counts from the last send).
    pub fn on_sent(&mut self, now: Instant) {
        self.last_sent = now;
    }

    /// Handle one packet from the broker: packets to send go to `out`, events to `events`.
    pub fn handle(
        &mut self,
        packet: Packet,
        now: Instant,
        out: &mut Vec<Packet>,
        events: &mut Vec<Event>,
    ) -> Result<(), StateError> {
        self.last_received = now;
        self.ping_sent = None;
        match packet {
            Packet::Publish(p) => self.incoming_publish(p, out, events)?,
            Packet::PubAck(ack) => match self.outgoing.get(&ack.packet_id) {
                Some(Outgoing::Publish { publish, .. }) if publish.qos == QoS::AtLeastOnce => {
                    if let Some(Outgoing::Publish { token, .. }) =
                        self.outgoing.remove(&ack.packet_id)
                    {
                        events.push(done(token, ack));
                    }
                }
                _ => {
                    return Err(StateError::UnknownPacketId {
                        packet: "PUBACK",
                        id: ack.packet_id,
                    })
                }
            },
            Packet::PubRec(ack) => match self.outgoing.get(&ack.packet_id) {
                Some(Outgoing::Publish { publish, .. }) if publish.qos == QoS::ExactlyOnce => {
                    let Some(Outgoing::Publish { token, seq, .. }) =
                        self.outgoing.remove(&ack.packet_id)
                    else {
                        return Ok(());
                    };
                    if reason::is_error(ack.reason) {
                        events.push(done(token, ack));
                    } else {
                        self.outgoing
                            .insert(ack.packet_id, Outgoing::Released { token, seq });
                        out.push(Packet::PubRel(Ack {
                            packet_id: ack.packet_id,
                            ..Ack::default()
                        }));
                    }
                }
                // A PUBREC again after our PUBREL (e.g. resent by the broker): answer again.
                Some(Outgoing::Released { .. }) => out.push(Packet::PubRel(Ack {
                    packet_id: ack.packet_id,
                    ..Ack::default()
                })),
                _ => {
                    return Err(StateError::UnknownPacketId {
                        packet: "PUBREC",
                        id: ack.packet_id,
                    })
                }
            },
            Packet::PubComp(ack) => match self.outgoing.get(&ack.packet_id) {
                Some(Outgoing::Released { token, .. }) => {
                    let token = *token;
                    self.outgoing.remove(&ack.packet_id);
                    events.push(done(token, ack));
                }
                _ => {
                    return Err(StateError::UnknownPacketId {
                        packet: "PUBCOMP",
                        id: ack.packet_id,
                    })
                }
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
                if !self.pending_sub.remove(&ack.packet_id) {
                    return Err(StateError::UnknownPacketId {
                        packet: "SUBACK",
                        id: ack.packet_id,
                    });
                }
                events.push(Event::SubAck(Box::new(ack)));
            }
            Packet::UnsubAck(ack) => {
                if !self.pending_unsub.remove(&ack.packet_id) {
                    return Err(StateError::UnknownPacketId {
                        packet: "UNSUBACK",
                        id: ack.packet_id,
                    });
                }
                events.push(Event::UnsubAck(Box::new(ack)));
            }
            Packet::PingResp => events.push(Event::PingResp),
            Packet::Disconnect(d) => events.push(Event::Disconnect(Box::new(d))),
            Packet::Auth(a) => events.push(Event::Auth(Box::new(a))),
            Packet::Connect(_) => return Err(StateError::UnexpectedPacket("CONNECT")),
            Packet::ConnAck(_) => return Err(StateError::UnexpectedPacket("a second CONNACK")),
            Packet::Subscribe(_) => return Err(StateError::UnexpectedPacket("SUBSCRIBE")),
            Packet::Unsubscribe(_) => return Err(StateError::UnexpectedPacket("UNSUBSCRIBE")),
            Packet::PingReq => return Err(StateError::UnexpectedPacket("PINGREQ")),
        }
        Ok(())
    }

    fn incoming_publish(
        &mut self,
        mut p: Publish,
        out: &mut Vec<Packet>,
        events: &mut Vec<Event>,
    ) -> Result<(), StateError> {
        if let Some(alias) = p.properties.topic_alias.take() {
            if alias == 0 || alias > self.cfg.topic_alias_maximum {
                return Err(StateError::TopicAliasInvalid(alias));
            }
            if p.topic.is_empty() {
                match self.inbound_aliases.get(&alias) {
                    Some(t) => p.topic.clone_from(t),
                    None => return Err(StateError::TopicAliasUnknown(alias)),
                }
            } else {
                self.inbound_aliases.insert(alias, p.topic.clone());
            }
        }
        match p.qos {
            QoS::AtMostOnce => events.push(Event::Message(Box::new(p))),
            QoS::AtLeastOnce => {
                if self.cfg.manual_ack {
                    self.unacked_qos1.insert(p.packet_id);
                    self.check_receive_maximum()?;
                } else {
                    out.push(Packet::PubAck(Ack::new(p.packet_id)));
                }
                events.push(Event::Message(Box::new(p)));
            }
            QoS::ExactlyOnce => {
                let id = p.packet_id;
                match self.incoming_qos2.get(&id) {
                    // Already delivered: a resend. Answer if we had answered, else wait for
                    // the command's acknowledgement.
                    Some(true) => out.push(Packet::PubRec(Ack::new(id))),
                    Some(false) => {}
                    None => {
                        let manual = self.cfg.manual_ack;
                        self.incoming_qos2.insert(id, !manual);
                        self.check_receive_maximum()?;
                        if !manual {
                            out.push(Packet::PubRec(Ack::new(id)));
                        }
                        events.push(Event::Message(Box::new(p)));
                    }
                }
            }
        }
        Ok(())
    }

    fn check_receive_maximum(&self) -> Result<(), StateError> {
        let unacked = self.unacked_qos1.len() + self.incoming_qos2.len();
        if self.version == Version::V5 && unacked > usize::from(self.cfg.receive_maximum) {
            return Err(StateError::ReceiveMaximumExceeded(self.cfg.receive_maximum));
        }
        Ok(())
    }

    /// The command consumed an incoming message (manual acknowledgement): the PUBACK or PUBREC
    /// to send, if the id is still awaiting one on this session.
    pub fn ack(&mut self, packet_id: u16, qos: QoS) -> Option<Packet> {
        match qos {
            QoS::AtMostOnce => None,
            QoS::AtLeastOnce => self
                .unacked_qos1
                .remove(&packet_id)
                .then(|| Packet::PubAck(Ack::new(packet_id))),
            QoS::ExactlyOnce => match self.incoming_qos2.get_mut(&packet_id) {
                Some(received @ false) => {
                    *received = true;
                    Some(Packet::PubRec(Ack::new(packet_id)))
                }
                _ => None,
            },
        }
    }

    /// The next instant `on_tick` must run at, if keep alive is on.
    pub fn next_deadline(&self) -> Option<Instant> {
        if self.keep_alive.is_zero() {
            return None;
        }
        Some(match self.ping_sent {
            // Dead when no packet at all arrives within half a keep alive of the ping:
            // detected within 1.5 keep alive of the last traffic.
            Some(sent) => sent + self.keep_alive / 2,
            None => self.last_sent + self.keep_alive,
        })
    }

    /// Whether the driver is reading the socket. While it is not (the command is behind, and
    /// backpressure holds the broker's data in the socket), a missing PINGRESP is no sign of a
    /// dead connection.
    pub fn set_receiving(&mut self, receiving: bool) {
        self.receiving = receiving;
    }

    /// Keep alive: a PINGREQ to send, nothing, or the connection is dead.
    pub fn on_tick(&mut self, now: Instant) -> Result<Option<Packet>, StateError> {
        let Some(deadline) = self.next_deadline() else {
            return Ok(None);
        };
        if now < deadline {
            return Ok(None);
        }
        if self.ping_sent.is_some() && self.receiving {
            return Err(StateError::KeepaliveTimeout(
                now.saturating_duration_since(self.last_received),
            ));
        }
        // Not reading (backpressure): the answer may be waiting unread, so it proves nothing.
        // Keep pinging, so the broker still hears from us, and judge once reading resumes.
        self.ping_sent = Some(now);
        self.last_sent = now;
        Ok(Some(Packet::PingReq))
    }
}

fn done(token: u64, ack: Ack) -> Event {
    Event::PublishDone {
        token,
        packet_id: ack.packet_id,
        reason: ack.reason,
        properties: (!ack.properties.is_empty()).then(|| Box::new(ack.properties)),
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
