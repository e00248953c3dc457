//! How long idle worker threads wait before sleeping on their sockets while publishers run as
//! fast as the broker takes messages (see `crate::runtime` for why).
//!
//! The wait must stay shorter than the work the broker always has queued, or the broker would
//! idle while `mqtt` sleeps: each publisher keeps at least `floor` messages unconfirmed (half
//! its QoS 1/2 window, which it refills in batches; at QoS 0 its window less one ping
//! interval). At the measured rate the broker needs `floor / rate` to get through them; the
//! wait is a third of that, at most `--coalesce`, and none below [`MIN_WAIT`] (not worth a
//! sleep). Measured (`mqtt bench pub -c 10 -q 1`, mosquitto at a full core): without waiting
//! `mqtt` used 80% of the broker's CPU for 106k msg/s; waiting 300 µs, 30% for 118k msg/s.
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::{Phase, Shared};
use crate::protocol::QoS;

/// Shorter waits are not worth a sleep.
pub const MIN_WAIT: Duration = Duration::from_micros(50);
/// How often the wait follows the measured rate.
const EVERY: Duration = Duration::from_millis(100);

/// The wait for `floor` messages queued at the broker, which gets through `rate` a second.
pub fn wait_for(floor: u64, rate: f64, max: Duration) -> Duration {
    if floor == 0 || rate.is_nan() || rate <= 0.0 {
        return Duration::ZERO;
    }
    let wait = Duration::from_secs_f64((floor as f64 / rate / 3.0).min(3600.0));
    if wait < MIN_WAIT {
        return Duration::ZERO;
    }
    wait.min(max)
}

/// Follow the rate while the run publishes; no wait outside the run phase.
pub async fn control(
    shared: Arc<Shared>,
    qos: QoS,
    max: Duration,
    mut ctl: watch::Receiver<Phase>,
) {
    let count = |s: &Shared| {
        if qos == QoS::AtMostOnce {
            s.sent.load(Relaxed)
        } else {
            s.acked.load(Relaxed)
        }
    };
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last = (Instant::now(), count(&shared));
    loop {
        let open = tokio::select! {
            _ = tick.tick() => true,
            r = ctl.changed() => r.is_ok(),
        };
        let phase = *ctl.borrow_and_update();
        let now = Instant::now();
        let n = count(&shared);
        let secs = now.duration_since(last.0).as_secs_f64();
        let rate = if secs > 0.0 {
            n.saturating_sub(last.1) as f64 / secs
        } else {
            0.0
        };
        last = (now, n);
        let running = matches!(phase, Phase::Run { .. });
        let wait = if running {
            wait_for(shared.queued_floor.load(Relaxed), rate, max)
        } else {
            Duration::ZERO
        };
        crate::runtime::set_wait(wait);
        if !open || phase == Phase::Close {
            break;
        }
    }
    crate::runtime::set_wait(Duration::ZERO);
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: Duration = Duration::from_micros(500);

    #[test]
    fn a_third_of_what_the_broker_needs_for_the_floor() {
        // 10 QoS 1 publishers, window 20: 100 messages at 120k/s take 833 µs.
        let w = wait_for(100, 120_000.0, MAX);
        assert!((277..=278).contains(&w.as_micros()), "{w:?}");
    }

    #[test]
    fn capped_at_the_maximum() {
        assert_eq!(wait_for(7_680, 100_000.0, MAX), MAX);
        assert_eq!(wait_for(7_680, 100_000.0, Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn none_when_too_short_to_be_worth_a_sleep() {
        // One QoS 1 publisher with a window of 20 would starve the broker.
        assert_eq!(wait_for(10, 95_000.0, MAX), Duration::ZERO);
    }

    #[test]
    fn none_without_a_floor_or_a_rate() {
        assert_eq!(wait_for(0, 100_000.0, MAX), Duration::ZERO);
        assert_eq!(wait_for(100, 0.0, MAX), Duration::ZERO);
        assert_eq!(wait_for(100, f64::NAN, MAX), Duration::ZERO);
        assert_eq!(wait_for(u64::MAX, f64::MIN_POSITIVE, MAX), MAX);
    }
}
