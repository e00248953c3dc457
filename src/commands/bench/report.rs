//! What a bench run reports while it runs: a `tick` record every second, the progress bar,
//! and the notes on stderr at the end.
use std::fmt::Write as _;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::counters::{lock, Counters};
use super::plan::Plan;
use super::system::{OPEN_FILES_HINT, PORTS_HINT};
use crate::output::records::TickCounts;

/// Turns successive counter readings into ticks.
#[derive(Default)]
pub struct Ticks {
    last: Option<(Instant, u64, u64, u64)>,
}

impl Ticks {
    pub fn next(&mut self, s: &Counters, elapsed: Duration) -> TickCounts {
        let now = Instant::now();
        let (sent, acked, received) = (
            s.sent.load(Relaxed),
            s.acked.load(Relaxed),
            s.received.load(Relaxed),
        );
        let rate = |cur: u64, prev: u64, dt: f64| {
            if dt > 0.0 {
                round1((cur - prev.min(cur)) as f64 / dt)
            } else {
                0.0
            }
        };
        let (sp, ap, rp) = match self.last {
            Some((t, ps, pa, pr)) => {
                let dt = now.duration_since(t).as_secs_f64();
                (
                    rate(sent, ps, dt),
                    rate(acked, pa, dt),
                    rate(received, pr, dt),
                )
            }
            None => {
                let dt = elapsed.as_secs_f64();
                (rate(sent, 0, dt), rate(acked, 0, dt), rate(received, 0, dt))
            }
        };
        self.last = Some((now, sent, acked, received));
        let mut errors = s.error_counts();
        for (k, v) in s.connect_failure_counts() {
            *errors.entry(format!("connect_{k}")).or_default() += v;
        }
        TickCounts {
            elapsed,
            connected: s.connected.load(Relaxed),
            connect_failed: s.connect_failed.load(Relaxed),
            sent,
            acked,
            received,
            sent_per_s: sp,
            acked_per_s: ap,
            received_per_s: rp,
            inflight: s.inflight.load(Relaxed).max(0),
            overruns: s.overruns.load(Relaxed),
            errors,
        }
    }
}

pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Connection failures and errors with an example message, and what to change.
pub fn stderr_notes(counters: &Counters) {
    for (kind, (n, example)) in lock(&counters.connect_failures).iter() {
        crate::output::diag::emit(
            crate::output::diag::Level::Warning,
            Some("connect_failed"),
            &format!("{n} connection(s) failed ({kind}), e.g.: {example}"),
        );
        match kind.as_str() {
            "too_many_open_files" => {
                crate::output::diag::info("hint", &format!("hint: {OPEN_FILES_HINT}"))
            }
            "address_not_available" => {
                crate::output::diag::info("hint", &format!("hint: {PORTS_HINT}"))
            }
            _ => {}
        }
    }
    for (kind, (n, example)) in lock(&counters.errors).iter() {
        crate::output::diag::emit(
            crate::output::diag::Level::Warning,
            Some("errors"),
            &format!("{n} error(s) ({kind}), e.g.: {example}"),
        );
    }
}

/// The progress bar on stderr (a no-op when stderr is not a terminal).
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(plan: &Plan) -> Progress {
        if !plan.progress {
            return Progress { bar: None };
        }
        let bar = match plan.duration {
            Some(d) => {
                let total = (plan.warmup + d).as_secs().max(1);
                ProgressBar::new(total).with_style(
                    ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                )
            }
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.enable_steady_tick(Duration::from_millis(200));
        bar.set_message(format!("connecting {} clients", plan.connections()));
        Progress { bar: Some(bar) }
    }

    pub fn update(&mut self, plan: &Plan, t: &TickCounts) {
        let Some(bar) = &self.bar else { return };
        let mut msg = format!("{}/{} connected", t.connected, plan.connections());
        if t.connect_failed > 0 {
            let _ = write!(msg, ", {} failed", t.connect_failed);
        }
        if !plan.pubs.is_empty() {
            let _ = write!(msg, " | sent {:.0}/s", t.sent_per_s);
            if plan.qos as u8 > 0 {
                let _ = write!(msg, " acked {:.0}/s", t.acked_per_s);
            }
        }
        if !plan.subs.is_empty() {
            let _ = write!(msg, " | received {:.0}/s", t.received_per_s);
        }
        let errors: u64 = t.errors.values().sum();
        if errors > 0 {
            let _ = write!(msg, " | {errors} errors");
        }
        bar.set_message(msg);
        if plan.duration.is_some() {
            bar.set_position(t.elapsed.as_secs());
        }
    }

    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }

    pub fn println(&self, text: &str) {
        match &self.bar {
            Some(b) => b.println(text),
            None => eprintln!("{text}"),
        }
    }

    pub fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}
