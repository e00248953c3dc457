//! Keep alive, sans-IO: when to send PINGREQ, and when a connection is dead. Judged from the
//! last packet received, so that writing into a dead connection does not keep it alive. The
//! session state (`state`) and bench's connections both keep one; the clock is the `now` given.
use std::time::{Duration, Instant};

/// What keep alive asks for at a given moment.
#[derive(Debug, PartialEq, Eq)]
pub enum Tick {
    Idle,
    /// Send a PINGREQ now (already counted as sent).
    Ping,
    /// Nothing arrived for this long with a ping outstanding: the connection is dead.
    Dead(Duration),
}

#[derive(Clone, Debug)]
pub struct Keepalive {
    period: Duration,
    last_sent: Instant,
    last_received: Instant,
    ping_sent: Option<Instant>,
    receiving: bool,
}

impl Keepalive {
    /// A keep alive of `period` (zero: off), counting from `now`.
    pub fn new(period: Duration, now: Instant) -> Keepalive {
        Keepalive {
            period,
            last_sent: now,
            last_received: now,
            ping_sent: None,
            receiving: true,
        }
    }

    pub fn period(&self) -> Duration {
        self.period
    }

    /// A new connection (with the keep alive in force on it) starts at `now`.
    pub fn restart(&mut self, period: Duration, now: Instant) {
        *self = Keepalive {
            receiving: self.receiving,
            ..Keepalive::new(period, now)
        };
    }

    /// Bytes were written at `now`.
    pub fn on_sent(&mut self, now: Instant) {
        self.last_sent = now;
    }

    /// A packet arrived at `now`: the connection is alive, no ping is outstanding.
    pub fn on_received(&mut self, now: Instant) {
        self.last_received = now;
        self.ping_sent = None;
    }

    /// How long since the last packet arrived.
    pub fn silent_for(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.last_received)
    }

    /// Whether the connection is being read. While it is not (the command is behind, and
    /// backpressure holds the broker's data in the socket), a missing PINGRESP is no sign of a
    /// dead connection.
    pub fn set_receiving(&mut self, receiving: bool) {
        self.receiving = receiving;
    }

    /// When keep alive acts next: a ping, or (one outstanding) the verdict.
    pub fn deadline(&self) -> Option<Instant> {
        let k = self.period;
        (!k.is_zero()).then(|| match self.ping_sent {
            // Dead when nothing at all arrives within 1.5 keep alives of the last packet
            // received (and at least half a keep alive after the ping).
            Some(sent) => (self.last_received + k * 3 / 2).max(sent + k / 2),
            // Ping when nothing was sent, or nothing received, for a keep alive: a stream of
            // writes into a dead connection still gets its ping.
            None => self.last_sent.min(self.last_received) + k,
        })
    }

    /// What to do at `now`.
    pub fn tick(&mut self, now: Instant) -> Tick {
        match self.deadline() {
            Some(deadline) if now >= deadline => {}
            _ => return Tick::Idle,
        }
        if self.ping_sent.is_some() && self.receiving {
            return Tick::Dead(self.silent_for(now));
        }
        // Not reading (backpressure): the answer may be waiting unread, so it proves nothing.
        // Keep pinging, so the broker still hears from us, and judge once reading resumes.
        self.ping_sent = Some(now);
        self.last_sent = now;
        Tick::Ping
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: Duration = Duration::from_secs(10);

    #[test]
    fn a_quiet_connection_pings_after_one_keep_alive_and_is_dead_half_a_one_later() {
        let t0 = Instant::now();
        let mut ka = Keepalive::new(K, t0);
        assert_eq!(ka.deadline(), Some(t0 + K));
        assert_eq!(ka.tick(t0 + K - Duration::from_millis(1)), Tick::Idle);
        assert_eq!(ka.tick(t0 + K), Tick::Ping);
        assert_eq!(ka.deadline(), Some(t0 + K * 3 / 2));
        assert_eq!(ka.tick(t0 + K * 3 / 2), Tick::Dead(K * 3 / 2));
    }

    #[test]
    fn an_answer_to_the_ping_keeps_the_connection_alive() {
        let t0 = Instant::now();
        let mut ka = Keepalive::new(K, t0);
        assert_eq!(ka.tick(t0 + K), Tick::Ping);
        ka.on_received(t0 + K + Duration::from_millis(1));
        assert_eq!(ka.tick(t0 + K * 3 / 2), Tick::Idle);
        assert_eq!(
            ka.deadline(),
            Some(t0 + K * 2),
            "a keep alive after the ping"
        );
    }

    #[test]
    fn writing_into_a_connection_that_answers_nothing_does_not_keep_it_alive() {
        let t0 = Instant::now();
        let mut ka = Keepalive::new(K, t0);
        for s in 1..=9 {
            ka.on_sent(t0 + Duration::from_secs(s));
        }
        assert_eq!(
            ka.tick(t0 + K),
            Tick::Ping,
            "nothing received for a keep alive"
        );
        ka.on_sent(t0 + K + Duration::from_secs(1));
        assert!(matches!(ka.tick(t0 + K * 3 / 2), Tick::Dead(_)));
    }

    #[test]
    fn a_connection_not_being_read_keeps_pinging_and_is_judged_once_read_again() {
        let t0 = Instant::now();
        let mut ka = Keepalive::new(K, t0);
        ka.set_receiving(false);
        assert_eq!(ka.tick(t0 + K), Tick::Ping);
        assert_eq!(ka.tick(t0 + K * 2), Tick::Ping);
        ka.set_receiving(true);
        assert!(matches!(ka.tick(t0 + K * 3), Tick::Dead(_)));
    }

    #[test]
    fn a_keep_alive_of_zero_never_pings() {
        let t0 = Instant::now();
        let mut ka = Keepalive::new(Duration::ZERO, t0);
        assert_eq!(ka.deadline(), None);
        assert_eq!(ka.tick(t0 + Duration::from_secs(86_400)), Tick::Idle);
    }
}
