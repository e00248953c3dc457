//! The session as a command uses it: subscribe and unsubscribe (waiting for the answer),
//! publish and acknowledge (through `requests`), take the next [`Update`], disconnect. Commands
//! see updates, never the state machine's events.
use std::time::Duration;

use anyhow::Result;

use super::event::{Event, Notice, Recovery, Request, SessionError, StateError};
use super::Session;
use crate::exit;
use crate::protocol::{Disconnect, Properties, Publish, SubAck, Subscribe, UnsubAck, Unsubscribe};

/// What happened, for the command.
#[derive(Debug)]
pub enum Update {
    /// An application message (aliases resolved, QoS 2 delivered once).
    Message(Box<Publish>),
    /// A publish finished: acknowledged (or, at QoS 0, written); `reason` >= 0x80 is the
    /// broker's rejection.
    Published {
        token: u64,
        packet_id: u16,
        reason: u8,
        properties: Option<Box<Properties>>,
    },
    /// A publish was not sent: it breaks a limit the broker announced.
    NotSent {
        token: u64,
        error: StateError,
    },
    /// The broker ended the session with this DISCONNECT (`Closed` follows).
    ServerDisconnect(Box<Disconnect>),
    /// The broker did something MQTT 5 calls normal while recovering: worth a warning.
    Recovery(Recovery),
    /// The connection was lost; reconnecting.
    Lost(String),
    Reconnected {
        session_present: bool,
    },
    /// The session ended: after our DISCONNECT, or for good.
    Closed(Result<(), SessionError>),
}

impl Update {
    fn from_notice(n: Notice) -> Option<Update> {
        Some(match n {
            Notice::Event(Event::Message(p)) => Update::Message(p),
            Notice::Event(Event::PublishDone {
                token,
                packet_id,
                reason,
                properties,
            }) => Update::Published {
                token,
                packet_id,
                reason,
                properties,
            },
            Notice::Event(Event::PublishRefused { token, error }) => {
                Update::NotSent { token, error }
            }
            Notice::Event(Event::Disconnect(d)) => Update::ServerDisconnect(d),
            Notice::Event(Event::Recovery(r)) => Update::Recovery(r),
            // Answers nobody waits for any more, pings and AUTH: nothing for the command.
            Notice::Event(
                Event::SubAck(_) | Event::UnsubAck(_) | Event::PingResp | Event::Auth(_),
            ) => return None,
            Notice::ConnectionLost(why) => Update::Lost(why),
            Notice::Reconnected { session_present } => Update::Reconnected { session_present },
            Notice::Closed(result) => Update::Closed(result),
        })
    }
}

impl Session {
    /// The next update: messages that came while waiting for a SUBACK first.
    pub async fn next(&mut self) -> Option<Update> {
        if let Some(p) = self.early.pop_front() {
            return Some(Update::Message(p));
        }
        loop {
            let n = self.notices.recv().await?;
            if let Some(u) = Update::from_notice(n) {
                return Some(u);
            }
        }
    }

    /// Nothing more is ready right now (to flush output before waiting).
    pub fn is_quiet(&self) -> bool {
        self.early.is_empty() && self.notices.is_empty()
    }

    /// Subscribe and wait for the SUBACK. Messages arriving meanwhile are kept for `next`;
    /// connection updates go to `report`.
    pub async fn subscribe(
        &mut self,
        sub: Subscribe,
        report: impl FnMut(&Update),
    ) -> Result<Box<SubAck>> {
        self.send(Request::Subscribe(sub)).await?;
        match self
            .answer(report, |e| matches!(e, Event::SubAck(_)))
            .await?
        {
            Event::SubAck(ack) => Ok(ack),
            _ => Err(exit::runtime("the session ended unexpectedly")),
        }
    }

    /// Unsubscribe and wait for the UNSUBACK (as `subscribe`).
    pub async fn unsubscribe(
        &mut self,
        unsub: Unsubscribe,
        report: impl FnMut(&Update),
    ) -> Result<Box<UnsubAck>> {
        self.send(Request::Unsubscribe(unsub)).await?;
        match self
            .answer(report, |e| matches!(e, Event::UnsubAck(_)))
            .await?
        {
            Event::UnsubAck(ack) => Ok(ack),
            _ => Err(exit::runtime("the session ended unexpectedly")),
        }
    }

    async fn answer(
        &mut self,
        mut report: impl FnMut(&Update),
        want: impl Fn(&Event) -> bool,
    ) -> Result<Event> {
        loop {
            match self.notices.recv().await {
                Some(Notice::Event(e)) if want(&e) => return Ok(e),
                Some(Notice::Event(Event::Message(p))) => self.early.push_back(p),
                Some(Notice::Closed(Err(e))) => return Err(e.into_error("")),
                Some(Notice::Closed(Ok(()))) | None => {
                    return Err(exit::runtime("the session ended unexpectedly"))
                }
                Some(n) => {
                    if let Some(u) = Update::from_notice(n) {
                        report(&u);
                    }
                }
            }
        }
    }

    /// Queue a request (waits while the session's queue is full).
    pub async fn send(&self, req: Request) -> Result<()> {
        self.requests
            .send(req)
            .await
            .map_err(|_| exit::runtime("the session ended unexpectedly"))
    }

    /// End the connection as a crash would: no DISCONNECT, the socket simply closes (the broker
    /// then publishes the will, and keeps a session's unacknowledged messages).
    pub fn abort(self) {
        self.driver.abort();
    }

    /// DISCONNECT after what was requested before it, waiting at most `bound` for the end.
    pub async fn disconnect(&mut self, bound: Duration) {
        let drain = async {
            let _ = self
                .requests
                .send(Request::Disconnect(Disconnect::default()))
                .await;
            while let Some(n) = self.notices.recv().await {
                if let Notice::Closed(..) = n {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(bound, drain).await;
    }
}
