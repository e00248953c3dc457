//! When `pub`'s messages are due: `--interval D` (or `--rate R`) with `--jitter J`. For
//! `--repeat`/`--count` the times are on a grid from the first message (message n at
//! (n-1)*D, moved by a random amount within +-J, never before the one before it), so that a
//! late wake-up does not push back the rest; between stdin lines it is a gap after each line.
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Pace {
    interval: Duration,
    jitter: Duration,
    last: Duration,
}

impl Pace {
    /// None when nothing is paced (no interval and no rate).
    pub fn new(
        interval: Option<Duration>,
        rate: Option<f64>,
        jitter: Option<Duration>,
    ) -> Option<Pace> {
        let interval = interval.or_else(|| rate.map(|r| Duration::from_secs_f64(1.0 / r)))?;
        Some(Pace {
            interval,
            jitter: jitter.unwrap_or_default(),
            last: Duration::ZERO,
        })
    }

    /// A random offset within +-jitter, applied to `base` (not below zero).
    fn jittered(&self, base: Duration, rng: &mut fastrand::Rng) -> Duration {
        if self.jitter.is_zero() {
            return base;
        }
        let j = self.jitter.as_nanos().min(u64::MAX as u128) as u64;
        let off = rng.u64(0..=j.saturating_mul(2));
        (base + Duration::from_nanos(off)).saturating_sub(self.jitter)
    }

    /// When message `seq` (from 1) is due, from the first one's time.
    pub fn due(&mut self, seq: u64, rng: &mut fastrand::Rng) -> Duration {
        let n = u32::try_from(seq.saturating_sub(1)).unwrap_or(u32::MAX);
        let base = self.interval.saturating_mul(n);
        let at = if seq <= 1 {
            Duration::ZERO
        } else {
            self.jittered(base, rng).max(self.last)
        };
        self.last = at;
        at
    }

    /// The wait after a message before the next (stdin lines).
    pub fn gap(&self, rng: &mut fastrand::Rng) -> Duration {
        self.jittered(self.interval, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_is_an_interval_and_nothing_is_paced_without_either() {
        assert!(Pace::new(None, None, Some(Duration::from_millis(5))).is_none());
        let mut p = Pace::new(None, Some(200.0), None).unwrap();
        let mut rng = fastrand::Rng::with_seed(1);
        let due: Vec<_> = (1..=3).map(|s| p.due(s, &mut rng)).collect();
        assert_eq!(
            due,
            [
                Duration::ZERO,
                Duration::from_millis(5),
                Duration::from_millis(10)
            ]
        );
    }

    #[test]
    fn jitter_moves_each_message_within_its_bounds_off_a_fixed_grid() {
        let ms = Duration::from_millis;
        let mut p = Pace::new(Some(ms(100)), None, Some(ms(30))).unwrap();
        let mut rng = fastrand::Rng::with_seed(3);
        let mut last = Duration::ZERO;
        let mut moved = false;
        for seq in 1..=1000u32 {
            let d = p.due(u64::from(seq), &mut rng);
            let grid = ms(100) * (seq - 1);
            assert!(d >= last, "never before the one before");
            if seq > 1 {
                assert!(d + ms(30) >= grid && d <= grid + ms(30), "{seq}: {d:?}");
            }
            moved |= d != grid;
            last = d;
        }
        assert!(moved);
        // The grid does not drift: message 1000 is within the jitter of 99.9 s.
        assert!(last + ms(30) >= ms(99_900));
        let g = p.gap(&mut rng);
        assert!(g >= ms(70) && g <= ms(130));
    }
}
