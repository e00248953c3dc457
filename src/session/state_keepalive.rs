//! Keep alive: when to ping, and when a connection is dead (judged from the last packet
//! received, so that writing into a dead connection does not keep it alive).
use std::time::Instant;

use super::{State, StateError};
use crate::protocol::Packet;

impl State {
    /// The next instant `on_tick` (keep alive) or `due_retries` must run at, if any.
    pub fn next_deadline(&self) -> Option<Instant> {
        match (self.quota.next_due(), self.keepalive_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// When keep alive acts next: a ping, or (one outstanding) the verdict.
    fn keepalive_deadline(&self) -> Option<Instant> {
        let k = self.keep_alive;
        (!k.is_zero()).then(|| match self.ping_sent {
            // Dead when nothing at all arrives within 1.5 keep alives of the last packet
            // received (and at least half a keep alive after the ping).
            Some(sent) => (self.last_received + k * 3 / 2).max(sent + k / 2),
            // Ping when nothing was sent, or nothing received, for a keep alive: a stream of
            // writes into a dead connection still gets its ping.
            None => self.last_sent.min(self.last_received) + k,
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
        match self.keepalive_deadline() {
            Some(deadline) if now >= deadline => {}
            _ => return Ok(None),
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
