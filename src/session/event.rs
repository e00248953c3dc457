//! What a command and its session say to each other: requests, notices, events, recoveries,
//! and errors.
use std::fmt;
use std::time::Duration;

use crate::exit;
use crate::protocol::{
    reason, Auth, Disconnect, Properties, Publish, QoS, SubAck, Subscribe, UnsubAck, Unsubscribe,
};

/// What the command asks the driver to do.
#[derive(Debug)]
pub enum Request {
    /// Publish; `token` comes back in `Event::PublishDone`.
    Publish {
        publish: Box<Publish>,
        token: u64,
        auto_alias: bool,
    },
    Subscribe(Subscribe),
    Unsubscribe(Unsubscribe),
    /// Acknowledge consumed incoming messages (with `SessionSettings::manual_ack`).
    Ack(Vec<(u16, QoS)>),
    /// Send DISCONNECT after everything requested before it, then close.
    Disconnect(Disconnect),
}

/// What the driver tells the command.
#[derive(Debug)]
pub enum Notice {
    Event(Event),
    /// The connection was lost; the driver is reconnecting.
    ConnectionLost(String),
    /// Connected again.
    Reconnected {
        session_present: bool,
    },
    /// The driver stopped: after our DISCONNECT (Ok) or for good on an error.
    Closed(Result<(), SessionError>),
}

/// Why a session ended for good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionError {
    pub kind: EndKind,
    pub message: String,
}

/// What kind of end: it decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndKind {
    /// The connection was lost and not recovered (no reconnect, or reconnecting gave up).
    Lost,
    /// The broker broke MQTT.
    Protocol,
    /// The broker refused the connection when reconnecting.
    Refused,
    /// The broker rejected an operation, or ended the session with a final reason.
    Rejected,
    /// A request could not be sent as given (the user's input).
    Usage,
}

impl SessionError {
    pub fn new(kind: EndKind, message: impl Into<String>) -> SessionError {
        SessionError {
            kind,
            message: message.into(),
        }
    }

    /// The exit code (see `crate::exit`) this end maps to.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            EndKind::Lost | EndKind::Protocol => exit::RUNTIME,
            EndKind::Refused => exit::REFUSED,
            EndKind::Rejected => exit::REJECTED,
            EndKind::Usage => exit::USAGE,
        }
    }

    /// As the error a command returns, with `more` said after the message.
    pub fn into_error(self, more: &str) -> anyhow::Error {
        exit::with_code(self.exit_code(), format!("{}{more}", self.message))
    }
}

impl From<StateError> for SessionError {
    fn from(e: StateError) -> SessionError {
        let kind = if e.is_rejection() {
            EndKind::Rejected
        } else {
            EndKind::Protocol
        };
        SessionError::new(kind, e.to_string())
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What happened, for the command to act on.
/// Large payloads are boxed so that an event moves as a few words (events cross channels
/// once per message).
#[derive(Clone, Debug, PartialEq)]
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
    /// The client itself did not send a publish: it breaks a limit the broker announced
    /// (maximum packet size, maximum QoS, retain available). Nothing reached the broker.
    PublishRefused {
        token: u64,
        error: StateError,
    },
    SubAck(Box<SubAck>),
    UnsubAck(Box<UnsubAck>),
    Disconnect(Box<Disconnect>),
    Auth(Box<Auth>),
    PingResp,
    /// Something the broker did that MQTT 5 (section 4.4) calls normal while sessions are
    /// recovered, handled without ending the connection; worth a warning and a count.
    Recovery(Recovery),
}

/// See [`Event::Recovery`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// A PUBACK, PUBREC or PUBCOMP for a packet id not in flight (a broker restored from an
    /// older snapshot): ignored; a PUBREC is answered with PUBREL ("Packet Identifier not
    /// found" in MQTT 5) so the broker can end its flow.
    UnknownAck { packet: &'static str, id: u16 },
    /// A new QoS 2 PUBLISH (DUP 0) with the id of one still awaiting its PUBREL: the broker
    /// lost that flow and reused the id. Delivered as the new message it is.
    ReusedPacketId { id: u16 },
    /// "Quota exceeded" with only `inflight` of the broker's `limit` in flight: it holds QoS 2
    /// flows we do not know. Every id not in use, `released` of them, was released (PUBREL).
    StaleIdsReleased {
        inflight: usize,
        limit: u16,
        released: usize,
    },
    /// A resumed connection was lost with QoS 2 in flight and none of it acknowledged (mosquitto
    /// counts flows we do not know, answers "Quota exceeded" and closes before it can be read):
    /// every id not in use, `released` of them, was released at the next resume.
    IdsReleasedAfterStall { released: usize },
    /// The broker answered "Quota exceeded" (0x97): the publish is sent again after `retry_in`.
    QuotaExceeded {
        token: u64,
        attempt: u32,
        retry_in: Duration,
    },
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recovery::UnknownAck { packet, id } => write!(
                f,
                "the broker sent {packet} for packet id {id}, which is not in flight (it may have \
                 restarted from an older state); ignored"
            ),
            Recovery::ReusedPacketId { id } => write!(
                f,
                "the broker reused packet id {id} for a new QoS 2 message while the previous one \
                 still awaited its PUBREL (it lost that flow); delivered as a new message"
            ),
            Recovery::StaleIdsReleased {
                inflight,
                limit,
                released,
            } => write!(
                f,
                "the broker's quota is exceeded with {inflight} of its {limit} messages in flight: \
                 it holds QoS 2 flows this client does not know (restored from an older state, or \
                 left by an earlier process); releasing the {released} packet ids not in use"
            ),
            Recovery::IdsReleasedAfterStall { released } => write!(
                f,
                "the resumed connection was lost with QoS 2 messages in flight and none \
                 acknowledged: the broker may hold flows this client does not know; releasing \
                 the {released} packet ids not in use"
            ),
            Recovery::QuotaExceeded {
                token,
                attempt,
                retry_in,
            } => write!(
                f,
                "message {token}: the broker's quota is exceeded (0x97); sending it again in {} \
                 (attempt {attempt})",
                humantime::format_duration(*retry_in)
            ),
        }
    }
}

/// The peer broke the protocol, or the connection is dead, or a publish breaks a limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateError {
    UnexpectedPacket(&'static str),
    TopicAliasInvalid(u16),
    TopicAliasUnknown(u16),
    ReceiveMaximumExceeded(u16),
    KeepaliveTimeout(Duration),
    PacketTooLarge {
        size: usize,
        max: u32,
    },
    QoSNotSupported {
        asked: u8,
        max: u8,
    },
    RetainNotSupported,
    NoPacketIdAvailable,
    /// A SUBACK or UNSUBACK whose reason codes do not match the filters asked for.
    WrongReasonCount {
        packet: &'static str,
        expected: usize,
        got: usize,
    },
    UnknownSubAck {
        packet: &'static str,
        id: u16,
    },
    /// The broker answered a QoS 2 PUBLISH with a PUBACK: it has no QoS 2.
    NoQoS2,
    /// CONNACK says a session is present although CONNECT asked for a clean start.
    SessionPresentOnCleanStart,
    /// The connection was closed in answer to SUBSCRIBE this many times in a row.
    SubscribeClosed {
        times: u32,
        filters: Vec<String>,
    },
}

impl StateError {
    /// The DISCONNECT reason (MQTT 5) that tells the broker why the client ends the connection.
    pub fn disconnect_reason(&self) -> u8 {
        match self {
            StateError::TopicAliasInvalid(_) | StateError::TopicAliasUnknown(_) => {
                reason::TOPIC_ALIAS_INVALID
            }
            StateError::ReceiveMaximumExceeded(_) => reason::RECEIVE_MAXIMUM_EXCEEDED,
            StateError::NoQoS2 => reason::QOS_NOT_SUPPORTED,
            _ => reason::PROTOCOL_ERROR,
        }
    }

    /// Whether this is the broker refusing something (exit 5) rather than breaking MQTT (exit 1).
    pub fn is_rejection(&self) -> bool {
        matches!(
            self,
            StateError::NoQoS2
                | StateError::SubscribeClosed { .. }
                | StateError::QoSNotSupported { .. }
                | StateError::RetainNotSupported
        )
    }
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::UnexpectedPacket(p) => write!(
                f,
                "protocol error: the broker sent {p}, which a client never receives"
            ),
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
                    "connection dead: nothing received from the broker for {}",
                    humantime::format_duration(*d)
                )
            }
            StateError::PacketTooLarge { size, max } => write!(
                f,
                "packet of {size} bytes exceeds the broker's maximum packet size of {max} bytes"
            ),
            StateError::QoSNotSupported { asked, max } => {
                write!(
                    f,
                    "the broker supports QoS up to {max}, not {asked}: use -q {max}"
                )
            }
            StateError::RetainNotSupported => {
                f.write_str("the broker does not support retained messages")
            }
            StateError::NoPacketIdAvailable => f.write_str("all 65535 packet ids are in use"),
            StateError::WrongReasonCount {
                packet,
                expected,
                got,
            } => write!(
                f,
                "protocol error: {packet} with {got} reason codes for {expected} filters"
            ),
            StateError::UnknownSubAck { packet, id } => write!(
                f,
                "protocol error: {packet} for packet id {id}, which was never asked for"
            ),
            StateError::SessionPresentOnCleanStart => f.write_str(
                "protocol error: the broker's CONNACK says a session is present although a clean \
                 start was asked for (MQTT-3.2.2-2)",
            ),
            StateError::NoQoS2 => f.write_str(
                "the broker answered a QoS 2 message with PUBACK: it does not support QoS 2 \
                 (use -q 1)",
            ),
            StateError::SubscribeClosed { times, filters } => {
                let names: Vec<String> = filters.iter().map(|f| format!("'{f}'")).collect();
                write!(
                    f,
                    "the broker closed the connection in answer to SUBSCRIBE {times} times in a \
                     row: it refuses {} (not permitted for this user, or a filter it does not \
                     support)",
                    names.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for StateError {}
