//! `pub --jsonl --replay`: message records published with the gaps between their `time`
//! values kept. The schedule ([`Schedule`]: gaps, `--speed`, `--loop` passes, `--start-at`)
//! and the lateness ([`Lateness`]) are plain structs; the reader task ([`run`]) only reads,
//! waits and sends. Open loop: each message's time is fixed from the replay's start, so a late
//! one does not push back the rest; lateness is measured when the message is handed to the
//! session, and reported in the `replayed` record.
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hdrhistogram::Histogram;
use tokio::sync::mpsc;

use super::source::{InputError, Item, Message};
use crate::cli::pubsub::{Loops, Speed, StartAt};
use crate::commands::bench::{clock::Epoch, pacer, stats};
use crate::commands::input;
use crate::output::codec::Codecs;
use crate::output::message::read_timed;
use crate::output::records::{LatenessMs, Replayed};
use crate::protocol::{Publish, Version};

/// A message handed over more than this after its time counts as late.
pub const LATE: Duration = Duration::from_millis(1);

/// What `--loop` may keep in memory for the passes after the first.
const KEEP_MAX: usize = 1 << 30;

/// When each record is due, as an offset from the replay's start.
pub struct Schedule {
    speed: Speed,
    start_at: Option<StartAt>,
    /// The first record's time in this pass (for a --start-at offset).
    first: Option<SystemTime>,
    /// The first replayed record's time in this pass: its offset is `base`.
    origin: Option<SystemTime>,
    base: Duration,
    last: Duration,
    /// Records before --start-at (first pass only).
    pub skipped: u64,
    pub passes: u64,
}

impl Schedule {
    pub fn new(speed: Speed, start_at: Option<StartAt>) -> Schedule {
        Schedule {
            speed,
            start_at,
            first: None,
            origin: None,
            base: Duration::ZERO,
            last: Duration::ZERO,
            skipped: 0,
            passes: 1,
        }
    }

    /// The offset at which the record of time `t` is due, or None to skip it (before
    /// --start-at). A record older than the one before it (out of order) is due at once.
    pub fn due(&mut self, t: SystemTime) -> Option<Duration> {
        let first = *self.first.get_or_insert(t);
        if let Some(s) = self.start_at {
            let from = match s {
                StartAt::Time(x) => x,
                StartAt::Offset(d) => first + d,
            };
            if t < from {
                self.skipped += 1;
                return None;
            }
        }
        let origin = *self.origin.get_or_insert(t);
        let gap = t.duration_since(origin).unwrap_or_default();
        let at = match self.speed {
            Speed::Max => self.base,
            Speed::Factor(f) => self.base + gap.div_f64(f),
        };
        self.last = at.max(self.last);
        Some(self.last)
    }

    /// The next pass (--loop) starts where this one ended, with the records it kept (so
    /// --start-at is not applied again).
    pub fn next_pass(&mut self) {
        self.base = self.last;
        self.origin = None;
        self.first = None;
        self.start_at = None;
        self.passes += 1;
    }
}

/// How late replayed messages were handed over.
pub struct Lateness {
    h: Histogram<u64>,
    late: u64,
}

impl Default for Lateness {
    fn default() -> Self {
        Lateness {
            h: stats::histogram(),
            late: 0,
        }
    }
}

impl Lateness {
    pub fn add(&mut self, late: Duration) {
        if late > LATE {
            self.late += 1;
        }
        stats::record_ns(&mut self.h, late.as_nanos().min(u64::MAX as u128) as u64);
    }

    /// The `replayed` record: `messages` handed over, lateness unless `--speed max`.
    pub fn record(&self, messages: u64, schedule: &Schedule, timed: bool) -> Replayed {
        let ms = |us: u64| us as f64 / 1000.0;
        let lateness = stats::percentiles(&self.h)
            .filter(|_| timed)
            .map(|p| LatenessMs {
                p50: ms(p.p50),
                p99: ms(p.p99),
                max: ms(p.max),
            });
        Replayed::new(
            messages,
            schedule.skipped,
            schedule.passes,
            timed.then_some(self.late),
            lateness,
        )
    }

    /// One line for stderr when messages were late.
    pub fn warning(&self, messages: u64) -> Option<String> {
        let p = stats::percentiles(&self.h)?;
        (self.late > 0).then(|| {
            format!(
                "replay: {} of {messages} messages more than {} ms late (p99 {} ms, max {} ms)",
                self.late,
                LATE.as_millis(),
                p.p99 as f64 / 1000.0,
                p.max as f64 / 1000.0
            )
        })
    }
}

/// A record's time: the `time` key `sub` writes (RFC 3339).
fn record_time(time: Option<String>) -> Result<SystemTime, String> {
    let t = time.ok_or("no \"time\": --replay needs the time of each record")?;
    humantime::parse_rfc3339_weak(&t).map_err(|e| format!("\"time\" '{t}': {e}"))
}

/// Wakes a task at a precise instant: tokio's timer until shortly before, then the pacer
/// thread (bench's, with minimal timer slack), or tokio's timer alone without it.
struct Waker {
    epoch: Arc<Epoch>,
    pacer: Option<Arc<pacer::Pacer>>,
    registered: u64,
}

impl Waker {
    fn new() -> Waker {
        let epoch = Arc::new(Epoch::new());
        let pacer = pacer::Pacer::start(epoch.clone()).ok();
        Waker {
            epoch,
            pacer,
            registered: 0,
        }
    }

    async fn until(&mut self, at: tokio::time::Instant) {
        let Some(pacer) = &self.pacer else {
            return tokio::time::sleep_until(at).await;
        };
        let early = Duration::from_nanos(pacer::PRECISE_NS);
        if at.saturating_duration_since(tokio::time::Instant::now()) > early {
            tokio::time::sleep_until(at - early).await;
        }
        let ns = self.epoch.ns_at(at.into_std());
        pacer.until(ns, &mut self.registered).await;
    }
}

pub struct Options {
    pub speed: Speed,
    pub start_at: Option<StartAt>,
    pub loops: Option<Loops>,
}

/// The reader task: records from stdin, each sent at its time; with --loop, the records kept
/// in memory for the passes after the first. The schedule comes back for the `replayed` record.
pub async fn run(
    tx: mpsc::Sender<Item>,
    template: Publish,
    version: Version,
    limit: input::Limit,
    codecs: Codecs,
    opts: Options,
    schedule: Arc<std::sync::Mutex<Schedule>>,
) {
    let passes = match opts.loops {
        None => Some(1),
        Some(Loops::Times(n)) => Some(n),
        Some(Loops::Forever) => None,
    };
    let keep = passes != Some(1);
    let mut kept: Vec<(Box<Publish>, SystemTime)> = Vec::new();
    let mut kept_bytes = 0usize;
    let mut waker = (opts.speed != Speed::Max).then(Waker::new);
    let mut start: Option<tokio::time::Instant> = None;
    let mut sent = 0u64;
    let mut line_no = 0u64;
    let mut stdin = input::Stdin::open();
    let due = |t: SystemTime| schedule.lock().map_or(None, |mut s| s.due(t));
    // One message at its time; false when the main loop has stopped.
    macro_rules! send {
        ($publish:expr, $at:expr) => {{
            let at = *start.get_or_insert_with(tokio::time::Instant::now) + $at;
            if let Some(w) = waker.as_mut() {
                w.until(at).await;
            }
            sent += 1;
            let m = Message {
                seq: sent,
                publish: $publish,
                due: Some(at),
            };
            tx.send(Ok(m)).await.is_ok()
        }};
    }
    loop {
        let max = || limit.get().saturating_mul(2).saturating_add(1 << 20);
        let line = match stdin.line(max).await {
            Ok(None) => break,
            Ok(Some(line)) => line,
            Err(message) => {
                let _ = tx
                    .send(Err(InputError {
                        seq: line_no + 1,
                        message,
                    }))
                    .await;
                return;
            }
        };
        line_no += 1;
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let parsed = read_timed(&line, &template, version, &codecs)
            .and_then(|(p, time)| Ok((p, record_time(time)?)));
        let (publish, time) = match parsed {
            Ok(x) => x,
            Err(message) => {
                let _ = tx
                    .send(Err(InputError {
                        seq: line_no,
                        message,
                    }))
                    .await;
                return;
            }
        };
        let Some(at) = due(time) else { continue };
        let publish = Box::new(publish);
        if keep {
            kept_bytes += publish.payload.len() + publish.topic.len() + 256;
            if kept_bytes > KEEP_MAX {
                let message = "--loop keeps the records in memory, and they pass 1GiB".into();
                let _ = tx
                    .send(Err(InputError {
                        seq: line_no,
                        message,
                    }))
                    .await;
                return;
            }
            kept.push((publish.clone(), time));
        }
        if !send!(publish, at) {
            return;
        }
    }
    let mut pass = 1;
    while !kept.is_empty() && passes.is_none_or(|n| pass < n) {
        pass += 1;
        if let Ok(mut s) = schedule.lock() {
            s.next_pass();
        }
        for (publish, time) in &kept {
            let Some(at) = due(*time) else { continue };
            if !send!(publish.clone(), at) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_000_000 + ms)
    }
    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn gaps_are_kept_and_divided_by_the_speed() {
        let mut s = Schedule::new(Speed::Factor(1.0), None);
        let got: Vec<_> = [0, 10, 25, 25].iter().map(|&x| s.due(t(x))).collect();
        assert_eq!(got, [Some(ms(0)), Some(ms(10)), Some(ms(25)), Some(ms(25))]);
        let mut s = Schedule::new(Speed::Factor(2.0), None);
        assert_eq!(s.due(t(100)), Some(ms(0)));
        assert_eq!(s.due(t(300)), Some(ms(100)));
        let mut s = Schedule::new(Speed::Factor(0.5), None);
        s.due(t(0));
        assert_eq!(s.due(t(10)), Some(ms(20)));
        let mut s = Schedule::new(Speed::Max, None);
        s.due(t(0));
        assert_eq!(s.due(t(5000)), Some(ms(0)));
    }

    #[test]
    fn a_record_out_of_order_is_due_at_once_never_before_the_one_before() {
        let mut s = Schedule::new(Speed::Factor(1.0), None);
        s.due(t(0));
        assert_eq!(s.due(t(50)), Some(ms(50)));
        assert_eq!(s.due(t(20)), Some(ms(50)));
        assert_eq!(s.due(t(60)), Some(ms(60)));
    }

    #[test]
    fn start_at_skips_earlier_records_and_the_first_kept_one_is_due_at_once() {
        let mut s = Schedule::new(Speed::Factor(1.0), Some(StartAt::Offset(ms(100))));
        let got: Vec<_> = [0, 50, 120, 150].iter().map(|&x| s.due(t(x))).collect();
        assert_eq!(got, [None, None, Some(ms(0)), Some(ms(30))]);
        assert_eq!(s.skipped, 2);
        let mut s = Schedule::new(Speed::Factor(1.0), Some(StartAt::Time(t(40))));
        assert_eq!(s.due(t(0)), None);
        assert_eq!(s.due(t(40)), Some(ms(0)));
    }

    #[test]
    fn each_loop_pass_starts_where_the_last_ended_without_skipping_again() {
        let mut s = Schedule::new(Speed::Factor(1.0), Some(StartAt::Offset(ms(10))));
        assert_eq!(s.due(t(0)), None);
        assert_eq!(s.due(t(10)), Some(ms(0)));
        assert_eq!(s.due(t(30)), Some(ms(20)));
        s.next_pass();
        // Pass 2 replays the kept records (10 and 30) from 20 ms on.
        assert_eq!(s.due(t(10)), Some(ms(20)));
        assert_eq!(s.due(t(30)), Some(ms(40)));
        assert_eq!((s.passes, s.skipped), (2, 1));
    }

    #[test]
    fn lateness_counts_what_is_over_a_millisecond_and_max_speed_reports_none() {
        let mut l = Lateness::default();
        for us in [100, 200, 300, 2500] {
            l.add(Duration::from_micros(us));
        }
        let s = Schedule::new(Speed::Factor(1.0), None);
        let r = serde_json::to_value(l.record(4, &s, true)).unwrap();
        assert_eq!(r["late"], 1);
        // Three significant digits (the histogram's).
        let max = r["lateness_ms"]["max"].as_f64().unwrap();
        assert!((2.49..2.51).contains(&max), "{r}");
        assert_eq!(r["lateness_ms"]["p50"], 0.2);
        assert!(l.warning(4).unwrap().contains("1 of 4 messages"));
        let r = serde_json::to_value(l.record(4, &s, false)).unwrap();
        assert!(r["lateness_ms"].is_null() && r["late"].is_null(), "{r}");
    }
}
