//! Keep alive on the session: the ping and dead-peer rules live in `keepalive`; here they meet
//! the "Quota exceeded" retries, which share the driver's timer.
use std::time::Instant;

use super::{State, StateError, Tick};
use crate::protocol::Packet;

impl State {
    /// The next instant `on_tick` (keep alive) or `due_retries` must run at, if any.
    pub fn next_deadline(&self) -> Option<Instant> {
        match (self.quota.next_due(), self.keepalive.deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the driver is reading the socket (see `Keepalive::set_receiving`).
    pub fn set_receiving(&mut self, receiving: bool) {
        self.keepalive.set_receiving(receiving);
    }

    /// Keep alive: a PINGREQ to send, nothing, or the connection is dead.
    pub fn on_tick(&mut self, now: Instant) -> Result<Option<Packet>, StateError> {
        match self.keepalive.tick(now) {
            Tick::Idle => Ok(None),
            Tick::Ping => Ok(Some(Packet::PingReq)),
            Tick::Dead(silent) => Err(StateError::KeepaliveTimeout(silent)),
        }
    }
}
