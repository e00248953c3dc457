//! The collector: launches the connections, moves them through the run's phases and waits
//! for each phase to end.
use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use super::connection::{self, ClientReport};
use super::counters::{Counters, Counts};
use super::plan::{render, Plan, Role, Scenario};
use crate::protocol::{topic, QoS};

/// Where the run is; every connection watches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Connect,
    /// Publish from `start_ns` until `end_ns` (the run's clock).
    Run {
        start_ns: u64,
        end_ns: Option<u64>,
    },
    /// Stop publishing; wait for acknowledgements and the last messages.
    Stop,
    /// Disconnect.
    Close,
}

/// What the collector saw of the run.
pub struct Outcome {
    pub reports: Vec<ClientReport>,
    pub started: Option<Instant>,
    /// End of the warmup: start of the measured window.
    pub measure_from: Option<Instant>,
    pub at_measure: Counts,
    /// When publishing (or holding, or subscribing) ended.
    pub ended: Option<Instant>,
    pub complete: bool,
    pub expected_exact: Option<u64>,
}

/// How often the collector looks at the counters without being woken: a safety net.
const TICK: Duration = Duration::from_millis(100);

/// In a drain where messages may be lost, the quiet time after which none are coming.
const QUIET: Duration = Duration::from_millis(500);

enum Wait {
    Met,
    Deadline,
    Closing,
}

pub struct Collector {
    plan: Arc<Plan>,
    counters: Arc<Counters>,
    ctl: Arc<watch::Sender<Phase>>,
    /// Wakes the collector when the phase changes (Ctrl-C closes the run from outside).
    phase: watch::Receiver<Phase>,
    set: JoinSet<ClientReport>,
    ordinal: u64,
    launch_start: Instant,
    measure_from: Option<Instant>,
    at_measure: Option<Counts>,
}

impl Collector {
    pub fn new(
        plan: Arc<Plan>,
        counters: Arc<Counters>,
        ctl: Arc<watch::Sender<Phase>>,
    ) -> Collector {
        Collector {
            plan,
            counters,
            phase: ctl.subscribe(),
            ctl,
            set: JoinSet::new(),
            ordinal: 0,
            launch_start: Instant::now(),
            measure_from: None,
            at_measure: None,
        }
    }

    fn closing(&self) -> bool {
        matches!(*self.ctl.borrow(), Phase::Close)
    }

    /// Keep the warmup snapshot up to date while waiting.
    fn snapshot(&mut self) {
        if self.at_measure.is_none() {
            if let Some(t) = self.measure_from {
                if Instant::now() >= t {
                    self.at_measure = Some(Counts::of(&self.counters));
                }
            }
        }
    }

    /// Stop the run once a CONNACK said that its messages cannot fit.
    fn stop_if_too_large(&self) {
        if self.counters.too_large.get().is_some() && !self.closing() {
            self.ctl.send_replace(Phase::Close);
        }
    }

    /// Wait until `cond` holds, the run closes or `deadline` passes. The clients and the
    /// phase changes wake it; a periodic tick is the safety net, and the warmup's end is a
    /// wake-up of its own (for the snapshot).
    async fn wait(&mut self, cond: impl Fn(&Counters) -> bool, deadline: Option<Instant>) -> Wait {
        loop {
            self.snapshot();
            self.stop_if_too_large();
            if self.closing() {
                return Wait::Closing;
            }
            if cond(&self.counters) {
                return Wait::Met;
            }
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                return Wait::Deadline;
            }
            let mut wake = now + TICK;
            if let Some(d) = deadline {
                wake = wake.min(d);
            }
            if let (None, Some(t)) = (self.at_measure, self.measure_from) {
                wake = wake.min(t);
            }
            tokio::select! {
                _ = self.counters.wake.notified() => {}
                _ = self.phase.changed() => {}
                _ = tokio::time::sleep_until(wake.into()) => {}
            }
        }
    }

    async fn launch(&mut self, role: Role, range: Range<u64>, sem: &Arc<Semaphore>) {
        for index in range {
            self.stop_if_too_large();
            if self.closing() {
                return;
            }
            if let Some(rate) = self.plan.connect_rate {
                let at = self.launch_start + Duration::from_secs_f64(self.ordinal as f64 / rate);
                tokio::time::sleep_until(at.into()).await;
            }
            let Ok(permit) = sem.clone().acquire_owned().await else {
                return;
            };
            self.set.spawn(connection::run(
                self.plan.clone(),
                self.counters.clone(),
                role,
                index,
                self.ordinal,
                permit,
                self.ctl.subscribe(),
            ));
            self.ordinal += 1;
        }
    }

    pub async fn run(mut self) -> Outcome {
        let plan = self.plan.clone();
        let sem = Arc::new(Semaphore::new(plan.connect_concurrency as usize));
        let n_subs = plan.subs.end - plan.subs.start;
        let n_pubs = plan.pubs.end - plan.pubs.start;
        // Subscribers first, so that nothing published is missed.
        self.launch(Role::Sub, plan.subs.clone(), &sem).await;
        self.wait(|s| s.subs_settled.load(Relaxed) >= n_subs, None)
            .await;
        self.launch(Role::Pub, plan.pubs.clone(), &sem).await;
        self.launch(Role::Idle, plan.conns.clone(), &sem).await;
        let others = n_pubs + (plan.conns.end - plan.conns.start);
        self.wait(
            move |s| {
                s.connects_done.load(Relaxed) + s.connect_failed.load(Relaxed) >= n_subs + others
            },
            None,
        )
        .await;

        let mut started = None;
        let mut ended = None;
        // Nothing to run when no connection could be made.
        let nobody = self.counters.connected.load(Relaxed) == 0;
        if !self.closing() && !nobody {
            // A common start shortly ahead, so that every publisher has heard of it in time.
            let now =
                Instant::now() + Duration::from_millis(20) + Duration::from_micros(2 * n_pubs);
            started = Some(now);
            let start_ns = self.counters.epoch.ns_at(now);
            self.measure_from = Some(now + plan.warmup);
            self.counters
                .warmup_end_ns
                .store(start_ns + plan.warmup.as_nanos() as u64, Relaxed);
            let deadline = plan.duration.map(|d| now + plan.warmup + d);
            let end_ns = deadline.map(|d| self.counters.epoch.ns_at(d));
            // Without a warmup the window opens at the start, before which nothing is sent:
            // the counts now (not after the wake-up at the start, which a busy runtime makes
            // late, with messages already counted).
            if plan.warmup.is_zero() {
                self.at_measure = Some(Counts::of(&self.counters));
            }
            self.ctl.send_replace(Phase::Run { start_ns, end_ns });
            tokio::time::sleep_until(now.into()).await;
            match plan.scenario {
                Scenario::Conn => self.wait(|_| false, deadline).await,
                Scenario::Pub | Scenario::PubSub => {
                    self.wait(move |s| s.pubs_finished.load(Relaxed) >= n_pubs, deadline)
                        .await
                }
                Scenario::Sub => {
                    let (count, limit) = (plan.sub_count, plan.sub_limit);
                    if let Some(l) = limit {
                        self.counters.received_goal.store(l, Relaxed);
                    }
                    self.wait(
                        move |s| {
                            let granted =
                                s.sub_ok.iter().filter(|b| b.load(Relaxed)).count() as u64;
                            (count.is_some() && s.subs_done.load(Relaxed) >= granted)
                                || limit.is_some_and(|l| s.received.load(Relaxed) >= l)
                        },
                        deadline,
                    )
                    .await
                }
            };
            let now = Instant::now();
            ended = Some(deadline.map_or(now, |d| d.min(now)));
            if matches!(plan.scenario, Scenario::Pub | Scenario::PubSub) && !self.closing() {
                self.ctl.send_replace(Phase::Stop);
                // The acknowledgements of what is still in flight.
                let until = Instant::now() + plan.drain;
                self.wait(
                    move |s| s.pubs_finished.load(Relaxed) >= n_pubs,
                    Some(until),
                )
                .await;
                if plan.scenario == Scenario::PubSub {
                    self.drain().await;
                }
            }
        }
        self.snapshot();
        let complete = !self.closing();
        self.ctl.send_replace(Phase::Close);
        let mut reports = Vec::with_capacity(self.set.len());
        let until = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            match tokio::time::timeout_at(until, self.set.join_next()).await {
                Ok(Some(Ok(r))) => reports.push(r),
                Ok(Some(Err(_))) => {}
                Ok(None) => break,
                Err(_) => {
                    self.set.abort_all();
                    break;
                }
            }
        }
        let expected_exact = exact_expected(&plan, &self.counters);
        Outcome {
            reports,
            started,
            measure_from: self.measure_from,
            at_measure: self.at_measure.unwrap_or_default(),
            ended,
            complete,
            expected_exact,
        }
    }

    /// Wait for the last messages: until all that can be expected arrived, nothing arrived
    /// for half a second (only where messages may be lost: QoS 0, or an inexact count), or
    /// --drain passed. mosquitto with a backlog of QoS 2 messages for a subscriber can pause
    /// its deliveries for longer than that.
    async fn drain(&mut self) {
        let start = Instant::now();
        let until = start + self.plan.drain;
        let target = exact_expected(&self.plan, &self.counters);
        let lossless = target.is_some() && self.plan.qos.min(self.plan.sub_qos) != QoS::AtMostOnce;
        if let Some(t) = target {
            self.counters.received_goal.store(t, Relaxed);
        }
        let all_there = move |s: &Counters| target.is_some_and(|t| s.received.load(Relaxed) >= t);
        loop {
            // The last arrival (the subscribers stamp it as they count), or the drain's start.
            let quiet_from = self.last_arrival().max(start);
            let deadline = if lossless {
                until
            } else {
                until.min(quiet_from + QUIET)
            };
            match self.wait(all_there, Some(deadline)).await {
                Wait::Met | Wait::Closing => return,
                Wait::Deadline => {
                    if Instant::now() >= until || self.last_arrival() <= quiet_from {
                        return;
                    }
                }
            }
        }
    }

    fn last_arrival(&self) -> Instant {
        let ns = self.counters.last_rx_ns.load(Relaxed);
        self.counters.epoch.instant_at(ns)
    }
}

/// In pubsub, the messages the subscribers should receive: each publisher's count times the
/// subscribers (granted, on its broker) whose filter matches its topic. None when that cannot
/// be known exactly (a %s topic, shared subscriptions, too many pairs to check).
fn exact_expected(plan: &Plan, counters: &Counters) -> Option<u64> {
    if plan.scenario != Scenario::PubSub
        || plan.topic.contains("%s")
        || plan.sub_filter.starts_with("$share/")
    {
        return None;
    }
    let (n_pubs, n_subs) = (
        plan.pubs.end - plan.pubs.start,
        plan.subs.end - plan.subs.start,
    );
    if n_pubs.saturating_mul(n_subs) > 4_000_000 {
        return None;
    }
    let filters: Vec<Option<(usize, String)>> = plan
        .subs
        .clone()
        .map(|s| {
            let ok = counters.sub_ok[(s - plan.subs.start) as usize].load(Relaxed);
            ok.then(|| {
                (
                    plan.host_of(s),
                    render(&plan.sub_filter, s, &plan.client_id(Role::Sub, s), None),
                )
            })
        })
        .collect();
    let mut total = 0u64;
    for p in plan.pubs.clone() {
        let sent = counters.pub_sent[(p - plan.pubs.start) as usize].load(Relaxed);
        if sent == 0 {
            continue;
        }
        let t = render(&plan.topic, p, &plan.client_id(Role::Pub, p), None);
        let host = plan.host_of(p);
        let matching = filters
            .iter()
            .flatten()
            .filter(|(h, f)| *h == host && topic::matches(f, &t))
            .count() as u64;
        total += sent * matching;
    }
    Some(total)
}
