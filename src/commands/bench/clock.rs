//! The run's clock, shared by publishers, subscribers and the pacer thread.
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The run's clock: nanoseconds since the UNIX epoch, read from a monotonic clock, so that
/// publishers and subscribers in one process share it and other processes on the same host
/// agree with it closely.
pub struct Epoch {
    instant: Instant,
    unix_ns: u64,
}

impl Epoch {
    pub fn new() -> Epoch {
        let unix_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Epoch {
            instant: Instant::now(),
            unix_ns,
        }
    }

    pub fn now_ns(&self) -> u64 {
        self.unix_ns + self.instant.elapsed().as_nanos() as u64
    }

    pub fn ns_at(&self, t: Instant) -> u64 {
        self.unix_ns + t.saturating_duration_since(self.instant).as_nanos() as u64
    }

    pub fn instant_at(&self, ns: u64) -> Instant {
        self.instant + Duration::from_nanos(ns.saturating_sub(self.unix_ns))
    }
}

impl Default for Epoch {
    fn default() -> Self {
        Epoch::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_survives_the_round_trip_through_epoch_nanoseconds() {
        let e = Epoch::new();
        let now = Instant::now();
        let ns = e.ns_at(now);
        let back = e.instant_at(ns);
        assert!(back.max(now) - back.min(now) < Duration::from_micros(1));
        assert!(e.now_ns() >= ns);
    }
}
