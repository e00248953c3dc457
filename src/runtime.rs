//! The tokio runtimes, and wake-up coalescing.
//!
//! On loopback a client that keeps up with the broker finds its sockets empty after every few
//! packets and goes to sleep in `epoll_wait`; every packet the broker then sends has to wake it
//! (the broker pays for the wake-up), and the client pays a context switch per handful of
//! packets. Measured with `mqtt bench pub -c 10 -q 1`: 365,000 context switches for 740,000
//! messages, a quarter of the client's CPU in `finish_task_switch`, and `mqtt` at 80% of the
//! broker's CPU.
//!
//! Coalescing: a worker thread with nothing to do waits a little (a plain sleep, during which
//! the broker's packets pile up without waking anybody) before it sleeps on its sockets, so
//! that each wake-up handles many packets. Two ways to ask for it:
//! - [`set_wait`]: always wait this long; `bench` and `pub` set it every 100 ms with a
//!   [`Follower`] from what they keep in flight and the rate the broker acknowledges it at;
//! - [`set_stream_wait`]: wait this long only while packets keep arriving less than
//!   [`STREAM_GAP`] apart, [`STREAM_STREAK`] times in a row (`sub` at QoS 0): one message now
//!   and then is handled at once, a stream costs at most this much extra latency per message.
//!
//! Nothing waits unless one of them is set.
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// Fixed wait before parking, in nanoseconds (0: none).
static WAIT_NS: AtomicU64 = AtomicU64::new(0);
/// Wait before parking while a stream goes on, in nanoseconds (0: none).
static STREAM_WAIT_NS: AtomicU64 = AtomicU64::new(0);

/// Idle periods shorter than this count as "in a stream".
pub const STREAM_GAP: Duration = Duration::from_millis(1);
/// This many short idle periods in a row make a stream.
pub const STREAM_STREAK: u32 = 16;

thread_local! {
    /// When this thread last went to sleep on its sockets.
    static PARKED_AT: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Short idle periods in a row (see [`Streak`]).
    static STREAK: Cell<u32> = const { Cell::new(0) };
}

/// Wait this long before every park (zero turns it off).
pub fn set_wait(wait: Duration) {
    WAIT_NS.store(nanos(wait), Relaxed);
}

/// Wait this long before parking while packets stream in (zero turns it off).
pub fn set_stream_wait(wait: Duration) {
    STREAM_WAIT_NS.store(nanos(wait), Relaxed);
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Shorter waits are not worth a sleep.
pub const MIN_WAIT: Duration = Duration::from_micros(50);
/// Below this many messages a second there is nothing to coalesce.
pub const MIN_RATE: f64 = 1000.0;

/// The wait when the broker has at least `queued` messages of ours to get through, at `rate` a
/// second: a third of the time that takes (so that it never runs dry while `mqtt` waits), at
/// most `max`; none below [`MIN_WAIT`] or [`MIN_RATE`].
pub fn wait_for(queued: u64, rate: f64, max: Duration) -> Duration {
    if queued == 0 || rate.is_nan() || rate < MIN_RATE {
        return Duration::ZERO;
    }
    let wait = Duration::from_secs_f64((queued as f64 / rate / 3.0).min(3600.0));
    if wait < MIN_WAIT {
        return Duration::ZERO;
    }
    wait.min(max)
}

/// Follows a count of acknowledged messages and sets the wait from its rate.
#[derive(Debug)]
pub struct Follower {
    max: Duration,
    last: (Instant, u64),
}

impl Follower {
    /// How often to call [`Follower::update`].
    pub const EVERY: Duration = Duration::from_millis(100);

    pub fn new(max: Duration, count: u64) -> Follower {
        Follower {
            max,
            last: (Instant::now(), count),
        }
    }

    /// `count` messages acknowledged so far, at least `queued` at the broker: set the wait.
    pub fn update(&mut self, count: u64, queued: u64) -> Duration {
        let now = Instant::now();
        let secs = now.duration_since(self.last.0).as_secs_f64();
        let rate = if secs > 0.0 {
            count.saturating_sub(self.last.1) as f64 / secs
        } else {
            0.0
        };
        self.last = (now, count);
        let wait = wait_for(queued, rate, self.max);
        set_wait(wait);
        wait
    }
}

/// Tracks one thread's idle periods: is it in a stream of short ones?
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Streak(pub u32);

impl Streak {
    /// One idle period ended after `idle`; true when the thread is now in a stream.
    pub fn idle_ended(&mut self, idle: Duration) -> bool {
        if idle < STREAM_GAP {
            self.0 = self.0.saturating_add(1);
        } else {
            self.0 = 0;
        }
        self.0 >= STREAM_STREAK
    }
}

fn before_park() {
    let fixed = WAIT_NS.load(Relaxed);
    if fixed > 0 {
        std::thread::sleep(Duration::from_nanos(fixed));
        return;
    }
    let stream = STREAM_WAIT_NS.load(Relaxed);
    if stream == 0 {
        return;
    }
    if STREAK.with(|s| s.get()) >= STREAM_STREAK {
        std::thread::sleep(Duration::from_nanos(stream));
    }
    PARKED_AT.with(|p| p.set(Some(Instant::now())));
}

/// The thread woke: the idle period since [`before_park`] extends or ends the streak.
fn after_unpark() {
    if STREAM_WAIT_NS.load(Relaxed) == 0 {
        return;
    }
    if let Some(at) = PARKED_AT.with(|p| p.take()) {
        STREAK.with(|s| {
            let mut streak = Streak(s.get());
            streak.idle_ended(at.elapsed());
            s.set(streak.0);
        });
    }
}

/// A runtime on the calling thread (`conn`, `pub`, `sub`).
pub fn current_thread() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_park(before_park)
        .on_thread_unpark(after_unpark)
        .build()
}

/// A runtime with `threads` workers, or one per core (`bench`).
pub fn multi_thread(threads: Option<usize>) -> std::io::Result<tokio::runtime::Runtime> {
    let mut b = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = threads {
        b.worker_threads(n.max(1));
    }
    b.enable_all()
        .on_thread_park(before_park)
        .on_thread_unpark(after_unpark)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: Duration = Duration::from_micros(500);

    #[test]
    fn a_third_of_what_the_broker_needs_for_what_is_queued() {
        // 10 QoS 1 publishers, window 20, refilled at half: 100 messages at 120k/s take 833 µs.
        let w = wait_for(100, 120_000.0, MAX);
        assert!((277..=278).contains(&w.as_micros()), "{w:?}");
    }

    #[test]
    fn capped_at_the_maximum() {
        assert_eq!(wait_for(7_680, 100_000.0, MAX), MAX);
        assert_eq!(wait_for(7_680, 100_000.0, Duration::ZERO), Duration::ZERO);
        assert_eq!(wait_for(u64::MAX, MIN_RATE, MAX), MAX);
    }

    #[test]
    fn none_when_too_short_to_be_worth_a_sleep() {
        // One QoS 1 publisher with a window of 20 would starve the broker.
        assert_eq!(wait_for(10, 95_000.0, MAX), Duration::ZERO);
    }

    #[test]
    fn none_without_something_queued_or_a_stream() {
        assert_eq!(wait_for(0, 100_000.0, MAX), Duration::ZERO);
        assert_eq!(wait_for(100, 0.0, MAX), Duration::ZERO);
        assert_eq!(wait_for(100, f64::NAN, MAX), Duration::ZERO);
        // A person typing lines into `pub -l`: nothing to coalesce.
        assert_eq!(wait_for(128, 10.0, MAX), Duration::ZERO);
    }

    #[test]
    fn the_follower_measures_the_rate_between_updates() {
        let start = Instant::now();
        let mut f = Follower::new(Duration::from_secs(1), 0);
        std::thread::sleep(Duration::from_millis(20));
        // 10,000 in 20 ms or a little more (a loaded machine sleeps longer): 128 queued take a
        // third of 256 µs or more, at most a third of the time measured here.
        let w = f.update(10_000, 128);
        let most = start.elapsed().as_secs_f64() * 128.0 / 10_000.0 / 3.0;
        assert!(
            w >= Duration::from_micros(85) && w.as_secs_f64() <= most,
            "{w:?}, at most {most}"
        );
        // Nothing acknowledged since: no stream, no wait.
        assert_eq!(f.update(10_000, 128), Duration::ZERO);
        set_wait(Duration::ZERO);
    }

    #[test]
    fn a_stream_needs_a_streak_of_short_idle_periods() {
        let mut s = Streak::default();
        for _ in 0..STREAM_STREAK - 1 {
            assert!(!s.idle_ended(Duration::from_micros(100)));
        }
        assert!(s.idle_ended(Duration::from_micros(100)));
        assert!(s.idle_ended(Duration::from_micros(999)));
    }

    #[test]
    fn one_long_idle_period_ends_the_stream() {
        let mut s = Streak(STREAM_STREAK + 5);
        assert!(s.idle_ended(Duration::from_micros(10)));
        assert!(!s.idle_ended(STREAM_GAP));
        assert_eq!(s, Streak(0));
        assert!(!s.idle_ended(Duration::from_micros(10)));
    }

    #[test]
    fn the_streak_does_not_overflow() {
        let mut s = Streak(u32::MAX);
        assert!(s.idle_ended(Duration::ZERO));
        assert_eq!(s, Streak(u32::MAX));
    }
}
