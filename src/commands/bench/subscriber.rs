//! A bench subscriber without a socket: it subscribes, counts the messages it is handed,
//! tracks each publisher's sequence numbers and samples the end-to-end latency from the
//! header. The connection loop (`connection`) acknowledges the messages and feeds them here.
use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;

use super::counters::{Counters, SAMPLES};
use super::header::Header;
use super::plan::{render, Plan, Role};
use super::stats::SeqTracker;
use crate::protocol::{reason, PacketType, SubAck, SubOptions, Subscribe};

/// A subscriber's view of what arrived.
#[derive(Clone, Copy, Debug, Default)]
pub struct SubTotals {
    pub unique: u64,
    pub duplicated: u64,
    pub reordered: u64,
    /// Sum over publishers of one past the highest sequence number seen.
    pub expected_seen: u64,
    pub no_header: u64,
}

pub struct Subscriber<'a> {
    plan: &'a Plan,
    counters: &'a Counters,
    index: u64,
    subscribed: bool,
    settled: bool,
    trackers: HashMap<u32, SeqTracker>,
    no_header: u64,
    count_left: Option<u64>,
    done: bool,
    samples: Vec<u64>,
    d_received: u64,
}

impl<'a> Subscriber<'a> {
    /// Subscriber `index`.
    pub fn new(plan: &'a Plan, counters: &'a Counters, index: u64) -> Subscriber<'a> {
        Subscriber {
            plan,
            counters,
            index,
            subscribed: false,
            settled: false,
            trackers: HashMap::new(),
            no_header: 0,
            count_left: plan.sub_count,
            done: false,
            samples: Vec::new(),
            d_received: 0,
        }
    }

    /// Its SUBSCRIBE (packet id 1).
    pub fn subscribe(&self) -> Subscribe {
        let id = self.plan.client_id(Role::Sub, self.index);
        let filter = render(&self.plan.sub_filter, self.index, &id, None);
        Subscribe {
            packet_id: 1,
            filters: vec![(filter, SubOptions::qos(self.plan.sub_qos))],
            ..Subscribe::default()
        }
    }

    /// A message arrived at `now_ns` (acknowledged by the caller); messages published before
    /// `warmup_end_ns` are not sampled.
    #[inline]
    pub fn on_message(&mut self, payload: &[u8], now_ns: u64, warmup_end_ns: u64) {
        let s = self;
        s.d_received += 1;
        match Header::read(payload) {
            Some(h) => {
                s.trackers.entry(h.publisher).or_default().observe(h.seq);
                if h.time_ns >= warmup_end_ns && warmup_end_ns > 0 {
                    s.samples.push(now_ns.saturating_sub(h.time_ns));
                }
            }
            None => s.no_header += 1,
        }
        if let Some(left) = s.count_left.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 && !s.done {
                s.done = true;
                s.counters.sub_done();
            }
        }
        if s.samples.len() >= SAMPLES {
            s.counters.record_e2e(&s.samples);
            s.samples.clear();
        }
    }

    /// The SUBACK: granted, or refused (an error counted; the run goes on without it).
    pub fn on_suback(&mut self, ack: &SubAck) {
        if self.settled {
            return;
        }
        self.settled = true;
        let refused = ack.reason_codes.iter().find(|&&c| reason::is_error(c));
        match refused {
            Some(&code) => {
                let name = reason::name(PacketType::SubAck, code);
                self.counters.error(
                    "subscribe_refused",
                    &format!("the broker refused the subscription: {name} ({code:#04x})"),
                );
            }
            None => {
                self.subscribed = true;
                let i = (self.index - self.plan.subs.start) as usize;
                self.counters.sub_ok[i].store(true, Relaxed);
            }
        }
        self.counters.sub_settled();
    }

    /// Add the counts since the last flush to the shared ones; with `all`, the samples too.
    pub fn flush(&mut self, all: bool) {
        let sh = self.counters;
        if self.d_received > 0 {
            sh.add_received(std::mem::take(&mut self.d_received));
            let now = sh.epoch.now_ns();
            sh.first_rx_ns.fetch_min(now, Relaxed);
            sh.last_rx_ns.fetch_max(now, Relaxed);
        }
        if all && !self.samples.is_empty() {
            sh.record_e2e(&self.samples);
            self.samples = Vec::new();
        }
    }

    /// The connection ends (flushed already): whether it was subscribed, and its totals.
    pub fn finish(&mut self) -> (bool, SubTotals) {
        if !self.settled {
            self.settled = true;
            self.counters.sub_settled();
        }
        let mut totals = SubTotals {
            no_header: self.no_header,
            ..SubTotals::default()
        };
        for t in self.trackers.values() {
            totals.unique += t.unique;
            totals.duplicated += t.duplicated;
            totals.reordered += t.reordered;
            totals.expected_seen += t.expected();
        }
        (self.subscribed, totals)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::BytesMut;

    use super::*;
    use crate::commands::bench::plan::test_plan;

    fn payload(publisher: u32, seq: u64, time_ns: u64) -> Vec<u8> {
        let mut b = BytesMut::new();
        Header {
            publisher,
            seq,
            time_ns,
        }
        .write(&mut b);
        b.extend_from_slice(b"body");
        b.to_vec()
    }

    #[test]
    fn arrivals_are_tracked_per_publisher_with_duplicates_and_reordering() {
        let plan = test_plan(&["sub", "-t", "bench/#"]);
        let c = Counters::new(0, 1, false).expect("counters");
        let mut s = Subscriber::new(&plan, &c, 0);
        for (publisher, seq) in [(0, 0), (0, 1), (1, 0), (0, 1), (0, 3), (0, 2)] {
            s.on_message(&payload(publisher, seq, 0), 0, 0);
        }
        s.on_message(b"no header", 0, 0);
        s.flush(true);
        assert_eq!(c.received.load(Relaxed), 7);
        let (subscribed, t) = s.finish();
        assert!(!subscribed);
        assert_eq!((t.unique, t.duplicated, t.reordered), (5, 1, 1));
        assert_eq!(t.expected_seen, 4 + 1);
        assert_eq!(t.no_header, 1);
        assert_eq!(c.subs_settled.load(Relaxed), 1, "finishing settles it");
    }

    #[test]
    fn the_count_is_done_once_however_many_more_arrive() {
        let plan = test_plan(&["sub", "-t", "bench/#", "-C", "2"]);
        let c = Counters::new(0, 1, false).expect("counters");
        let mut s = Subscriber::new(&plan, &c, 0);
        for seq in 0..3 {
            s.on_message(&payload(0, seq, 0), 0, 0);
        }
        assert_eq!(c.subs_done.load(Relaxed), 1);
    }

    #[test]
    fn the_flush_that_reaches_the_received_goal_wakes_the_collector() {
        let plan = test_plan(&["sub", "-t", "bench/#"]);
        let c = Counters::new(0, 1, false).expect("counters");
        c.received_goal.store(3, Relaxed);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime");
        let woken = |c: &Counters| {
            rt.block_on(async {
                tokio::time::timeout(Duration::from_millis(20), c.wake.notified())
                    .await
                    .is_ok()
            })
        };
        let mut s = Subscriber::new(&plan, &c, 0);
        for seq in 0..2 {
            s.on_message(&payload(0, seq, 0), 0, 0);
        }
        s.flush(false);
        assert!(!woken(&c), "2 of 3");
        s.on_message(&payload(0, 2, 0), 0, 0);
        assert!(!woken(&c), "counted, not flushed");
        s.flush(false);
        assert!(woken(&c), "the goal is reached");
    }

    #[test]
    fn end_to_end_samples_skip_messages_from_before_the_warmup() {
        let plan = test_plan(&["sub", "-t", "bench/#"]);
        let c = Counters::new(0, 1, false).expect("counters");
        let mut s = Subscriber::new(&plan, &c, 0);
        let warmup_end = 1_000_000;
        s.on_message(&payload(0, 0, 900_000), warmup_end, warmup_end);
        s.on_message(&payload(0, 1, warmup_end), 1_500_000, warmup_end);
        s.flush(true);
        let h = crate::commands::bench::counters::lock(&c.hists);
        assert_eq!(h.e2e.len(), 1);
        assert!(
            h.e2e.equivalent(h.e2e.max(), 500),
            "500 us: {}",
            h.e2e.max()
        );
    }

    #[test]
    fn a_granted_suback_marks_the_subscription_and_a_refused_one_is_an_error() {
        let plan = test_plan(&["sub", "-t", "bench/#", "-c", "2"]);
        let c = Counters::new(0, 2, false).expect("counters");
        let mut ok = Subscriber::new(&plan, &c, 0);
        ok.on_suback(&SubAck {
            packet_id: 1,
            reason_codes: vec![0],
            ..SubAck::default()
        });
        let mut refused = Subscriber::new(&plan, &c, 1);
        let nack = SubAck {
            packet_id: 1,
            reason_codes: vec![0x87],
            ..SubAck::default()
        };
        refused.on_suback(&nack);
        refused.on_suback(&nack);
        assert!(c.sub_ok[0].load(Relaxed) && !c.sub_ok[1].load(Relaxed));
        assert_eq!(
            c.subs_settled.load(Relaxed),
            2,
            "a second SUBACK settles nothing"
        );
        assert_eq!(c.error_counts().get("subscribe_refused"), Some(&1));
        assert!(ok.finish().0 && !refused.finish().0);
        assert_eq!(c.subs_settled.load(Relaxed), 2);
    }
}
