//! The open-loop schedule: message k of a publisher is due at `start + phase + k * period`,
//! an absolute time that does not drift when a send is late. A late message is still sent
//! (its latency counts from its slot, so a slow broker shows up in the figures instead of
//! hiding behind a slower send rate), and a slot sent later than `tolerance` is an overrun.

/// Times are nanoseconds on the run's clock (`Epoch::now_ns`).
#[derive(Clone, Debug)]
pub struct Schedule {
    start_ns: u64,
    phase_ns: f64,
    period_ns: f64,
    next: u64,
}

impl Schedule {
    /// Publisher `position` of `publishers` sharing `total_rate` messages/s: each sends every
    /// `publishers / total_rate` seconds, the publishers evenly interleaved.
    pub fn for_rate(start_ns: u64, total_rate: f64, position: u64, publishers: u64) -> Schedule {
        let period_ns = 1e9 * publishers.max(1) as f64 / total_rate;
        Schedule::with_period(start_ns, period_ns, position, publishers)
    }

    /// Publisher `position` of `publishers`, each sending every `period_ns`, interleaved.
    pub fn with_period(start_ns: u64, period_ns: f64, position: u64, publishers: u64) -> Schedule {
        let phase_ns = period_ns * position as f64 / publishers.max(1) as f64;
        Schedule {
            start_ns,
            phase_ns,
            period_ns: period_ns.max(1.0),
            next: 0,
        }
    }

    /// When the next message is due.
    pub fn next_ns(&self) -> u64 {
        self.start_ns + (self.phase_ns + self.next as f64 * self.period_ns).round() as u64
    }

    /// Take the next slot; returns its time.
    pub fn take(&mut self) -> u64 {
        let t = self.next_ns();
        self.next += 1;
        t
    }

    /// Slots taken so far.
    pub fn taken(&self) -> u64 {
        self.next
    }

    pub fn period_ns(&self) -> f64 {
        self.period_ns
    }

    /// How late a send may be before it counts as an overrun: one period, at least 5 ms
    /// (timer wake-ups are not more precise than that on a busy machine).
    pub fn tolerance_ns(&self) -> u64 {
        (self.period_ns as u64).max(5_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_schedule_does_not_drift() {
        let mut s = Schedule::for_rate(1_000, 1000.0, 0, 1);
        assert_eq!(s.take(), 1_000);
        assert_eq!(s.take(), 1_001_000);
        for _ in 0..997 {
            s.take();
        }
        assert_eq!(s.next_ns(), 1_000 + 999 * 1_000_000);
        assert_eq!(s.taken(), 999);
    }

    #[test]
    fn publishers_interleave() {
        // 4 publishers at 4000/s in total: each every 1 ms, offset by 250 µs.
        let times: Vec<u64> = (0..4)
            .map(|p| Schedule::for_rate(0, 4000.0, p, 4).next_ns())
            .collect();
        assert_eq!(times, vec![0, 250_000, 500_000, 750_000]);
        let s = Schedule::with_period(0, 10e6, 1, 2);
        assert_eq!(s.next_ns(), 5_000_000);
        assert_eq!(s.tolerance_ns(), 10_000_000);
        assert_eq!(Schedule::for_rate(0, 1e6, 0, 1).tolerance_ns(), 5_000_000);
    }

    #[test]
    fn fractional_periods_keep_the_rate() {
        // 3 messages per millisecond: 333,333.3 ns apart; 3000 slots end at 1 s exactly.
        let mut s = Schedule::for_rate(0, 3000.0, 0, 1);
        for _ in 0..3000 {
            s.take();
        }
        assert_eq!(s.next_ns(), 1_000_000_000);
    }
}
