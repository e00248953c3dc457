//! The counters and histograms every connection adds to, read by the collector, the ticks
//! and the summary.
use std::collections::BTreeMap;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use hdrhistogram::Histogram;
use tokio::sync::Notify;

use super::clock::Epoch;
use super::{pacer, stats};

/// Latency samples a connection keeps before it adds them to the shared histogram.
pub const SAMPLES: usize = 128;

/// Counters and histograms every connection adds to.
pub struct Counters {
    pub epoch: Arc<Epoch>,
    /// Precise wake-ups for scheduled publishing (none when nothing is scheduled).
    pub pacer: Option<Arc<pacer::Pacer>>,
    pub warmup_end_ns: AtomicU64,
    pub connected: AtomicU64,
    /// What the collector waits for (connects done or failed, subscriptions settled and done,
    /// publishers finished, the received goal): bumped through the methods below, which wake
    /// the collector.
    pub connects_done: AtomicU64,
    pub connect_failed: AtomicU64,
    pub subs_settled: AtomicU64,
    pub subs_done: AtomicU64,
    pub pubs_finished: AtomicU64,
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    pub received: AtomicU64,
    pub overruns: AtomicU64,
    pub inflight: AtomicI64,
    /// Messages the publishers keep unconfirmed at the least, together (see `coalesce`).
    pub queued_floor: AtomicU64,
    pub first_rx_ns: AtomicU64,
    pub last_rx_ns: AtomicU64,
    /// Final sequence (= messages sent) of each local publisher.
    pub pub_sent: Vec<AtomicU64>,
    /// Whether each local subscriber's subscription was granted.
    pub sub_ok: Vec<AtomicBool>,
    pub errors: Mutex<BTreeMap<String, (u64, String)>>,
    /// Set from the first CONNACK whose Maximum Packet Size the messages do not fit: the run
    /// stops before publishing, a usage error.
    pub too_large: OnceLock<String>,
    pub connect_failures: Mutex<BTreeMap<String, (u64, String)>>,
    pub hists: Mutex<Hists>,
    // Last, away from the counters that every batch adds to.
    /// The collector is woken when `received` reaches this (u64::MAX: never).
    pub received_goal: AtomicU64,
    /// Wakes the collector (one waiter; a wake-up before it waits is kept).
    pub wake: Notify,
}

pub struct Hists {
    pub connect: Histogram<u64>,
    pub ack: Histogram<u64>,
    pub e2e: Histogram<u64>,
}

/// One more of `kind`; the first message of each kind is kept as its example.
fn count_kind(m: &Mutex<BTreeMap<String, (u64, String)>>, kind: &str, message: &str) {
    let mut m = lock(m);
    let e = m
        .entry(kind.to_string())
        .or_insert_with(|| (0, message.to_string()));
    e.0 += 1;
}

fn counts_of(m: &Mutex<BTreeMap<String, (u64, String)>>) -> BTreeMap<String, u64> {
    lock(m).iter().map(|(k, v)| (k.clone(), v.0)).collect()
}

pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Counters {
    pub fn new(pubs: usize, subs: usize, paced: bool) -> std::io::Result<Counters> {
        let epoch = Arc::new(Epoch::new());
        let pacer = if paced {
            Some(pacer::Pacer::start(epoch.clone())?)
        } else {
            None
        };
        Ok(Counters {
            epoch,
            pacer,
            warmup_end_ns: AtomicU64::new(0),
            connected: AtomicU64::new(0),
            connects_done: AtomicU64::new(0),
            connect_failed: AtomicU64::new(0),
            subs_settled: AtomicU64::new(0),
            subs_done: AtomicU64::new(0),
            pubs_finished: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            acked: AtomicU64::new(0),
            received: AtomicU64::new(0),
            overruns: AtomicU64::new(0),
            inflight: AtomicI64::new(0),
            queued_floor: AtomicU64::new(0),
            first_rx_ns: AtomicU64::new(u64::MAX),
            last_rx_ns: AtomicU64::new(0),
            pub_sent: (0..pubs).map(|_| AtomicU64::new(0)).collect(),
            sub_ok: (0..subs).map(|_| AtomicBool::new(false)).collect(),
            errors: Mutex::new(BTreeMap::new()),
            too_large: OnceLock::new(),
            connect_failures: Mutex::new(BTreeMap::new()),
            hists: Mutex::new(Hists {
                connect: stats::histogram(),
                ack: stats::histogram(),
                e2e: stats::histogram(),
            }),
            received_goal: AtomicU64::new(u64::MAX),
            wake: Notify::new(),
        })
    }

    pub fn error(&self, kind: &str, message: &str) {
        count_kind(&self.errors, kind, message);
    }

    pub fn connect_failure(&self, kind: &str, message: &str) {
        count_kind(&self.connect_failures, kind, message);
        self.connect_failed.fetch_add(1, Relaxed);
        self.wake.notify_one();
    }

    /// A connection got its CONNACK.
    pub fn connect_done(&self) {
        self.connected.fetch_add(1, Relaxed);
        self.connects_done.fetch_add(1, Relaxed);
        self.wake.notify_one();
    }

    /// A subscriber's SUBACK came (or it will not: it failed or closed).
    pub fn sub_settled(&self) {
        self.subs_settled.fetch_add(1, Relaxed);
        self.wake.notify_one();
    }

    /// A subscriber received its --count.
    pub fn sub_done(&self) {
        self.subs_done.fetch_add(1, Relaxed);
        self.wake.notify_one();
    }

    /// A publisher is done: `written` messages (None: it never connected).
    pub fn pub_finished(&self, position: usize, written: Option<u64>) {
        if let Some(w) = written {
            self.pub_sent[position].store(w, Relaxed);
        }
        self.pubs_finished.fetch_add(1, Relaxed);
        self.wake.notify_one();
    }

    /// A CONNACK said that the messages cannot fit: the run stops.
    pub fn refuse_too_large(&self, why: String) {
        let _ = self.too_large.set(why);
        self.wake.notify_one();
    }

    /// Add `n` received messages (a connection's batch), waking the collector when the
    /// total reaches its goal.
    pub fn add_received(&self, n: u64) {
        let before = self.received.fetch_add(n, Relaxed);
        let goal = self.received_goal.load(Relaxed);
        if before < goal && before + n >= goal {
            self.wake.notify_one();
        }
    }

    pub fn record_connect(&self, d: Duration) {
        stats::record_ns(&mut lock(&self.hists).connect, d.as_nanos() as u64);
    }

    pub fn record_ack(&self, samples: &[u64]) {
        let mut h = lock(&self.hists);
        for &s in samples {
            stats::record_ns(&mut h.ack, s);
        }
    }

    pub fn record_e2e(&self, samples: &[u64]) {
        let mut h = lock(&self.hists);
        for &s in samples {
            stats::record_ns(&mut h.e2e, s);
        }
    }

    pub fn error_counts(&self) -> BTreeMap<String, u64> {
        counts_of(&self.errors)
    }

    pub fn connect_failure_counts(&self) -> BTreeMap<String, u64> {
        counts_of(&self.connect_failures)
    }
}

/// Counter values at one moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub sent: u64,
    pub acked: u64,
    pub received: u64,
}

impl Counts {
    pub fn of(s: &Counters) -> Counts {
        Counts {
            sent: s.sent.load(Relaxed),
            acked: s.acked.load(Relaxed),
            received: s.received.load(Relaxed),
        }
    }
}
