//! Reconnecting: a doubling wait between attempts, at most --max-reconnects of them in a row
//! (counted afresh only after a connection did some work), and what a new connection must
//! be told again (subscriptions the broker does not hold).
use std::time::{Duration, Instant};

use bytes::BytesMut;

use super::{handshake, Driver, EndKind, Notice, SessionError, Stream};
use crate::protocol::{reason, Packet};

#[derive(Clone, Debug)]
pub struct Reconnect {
    pub enabled: bool,
    pub initial_delay: Duration,
    pub max_delay: Duration,
    /// None: forever.
    pub max_attempts: Option<u32>,
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect {
            enabled: false,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_attempts: None,
        }
    }
}

impl Driver {
    pub(super) async fn reconnect(
        &mut self,
        backoff: &mut Backoff,
    ) -> Result<((Stream, BytesMut), Vec<Packet>), SessionError> {
        loop {
            let Some(delay) = backoff.next() else {
                return Err(SessionError::new(
                    EndKind::Lost,
                    format!("gave up after {} reconnect attempts", backoff.attempts),
                ));
            };
            tokio::time::sleep(delay).await;
            match handshake(&self.opts, self.tls.clone()).await {
                Ok(hs) if hs.accepted() => {
                    let now = Instant::now();
                    let session_present = hs.connack.session_present;
                    let (mut packets, events) = self.state.on_connack(&hs.connack, hs.version, now);
                    self.pending.extend(events.into_iter().map(Notice::Event));
                    // Renew what the broker does not hold: every subscription without a
                    // session, and any SUBSCRIBE that never had its SUBACK.
                    self.renewals.clear();
                    for sub in &mut self.subscriptions {
                        if session_present && sub.answered {
                            continue;
                        }
                        match self.state.subscribe(sub.packet.clone()) {
                            Ok(p) => {
                                if let Packet::Subscribe(s) = &p {
                                    sub.id = s.packet_id;
                                }
                                if sub.answered {
                                    self.renewals.push(sub.id);
                                }
                                packets.push(p);
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                    self.pending
                        .push_back(Notice::Reconnected { session_present });
                    return Ok(((hs.stream, hs.leftover), packets));
                }
                Ok(hs) => {
                    let text = hs.refusal_text();
                    let _ = self
                        .notify(Notice::ConnectionLost(format!("reconnect refused: {text}")))
                        .await;
                    if reason::connack_is_final(hs.connack.reason) {
                        return Err(SessionError::new(
                            EndKind::Refused,
                            format!("the broker refused the connection: {text}"),
                        ));
                    }
                }
                Err(e) => {
                    if self
                        .notify(Notice::ConnectionLost(format!("reconnect failed: {e:#}")))
                        .await
                        .is_err()
                    {
                        return Err(SessionError::new(EndKind::Lost, "stopped"));
                    }
                }
            }
        }
    }
}

/// Reconnect attempts and their doubling wait.
pub(super) struct Backoff {
    pub(super) attempts: u32,
    delay: Duration,
    max_delay: Duration,
    max_attempts: Option<u32>,
}

impl Backoff {
    pub(super) fn new(rc: &Reconnect) -> Backoff {
        Backoff {
            attempts: 0,
            delay: rc.initial_delay,
            max_delay: rc.max_delay,
            max_attempts: rc.max_attempts,
        }
    }

    /// The wait before the next attempt; None once the allowed attempts are used up.
    pub(super) fn next(&mut self) -> Option<Duration> {
        if self.max_attempts.is_some_and(|m| self.attempts >= m) {
            return None;
        }
        self.attempts += 1;
        let delay = self.delay;
        self.delay = (self.delay * 2).min(self.max_delay);
        Some(delay)
    }
}
