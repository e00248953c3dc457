//! A bench publisher without a socket: it puts the messages that are due into the
//! connection's write buffer (as fast as possible, or on a schedule), keeps the packet ids
//! in flight, answers the broker's acknowledgements and counts what reached the socket. The
//! connection loop (`connection`) feeds it bytes written, packets and the phase; it never waits
//! and allocates nothing per message.
use std::collections::VecDeque;
use std::sync::atomic::Ordering::Relaxed;

use bytes::BytesMut;

use super::counters::{Counters, SAMPLES};
use super::header::{encode_publish, Header};
use super::limits;
use super::plan::{render, Plan, Role};
use super::rate::{grid_for, Schedule};
use super::written::Written;
use crate::protocol::{self, reason, Ack, Packet, PacketType, QoS, Version};
use crate::session::inflight::{Inflight, Step};

/// Stop producing into the write buffer above this many bytes (socket backpressure).
pub const WBUF_HIGH: usize = 64 * 1024;
/// QoS 0 as fast as possible: a PINGREQ every this many messages. The broker answers in
/// order, so its PINGRESP confirms that it has processed every message before the ping...
const QOS0_PING_EVERY: u64 = 256;
/// ... and at most this many messages stay unconfirmed, so that the broker, not the kernel's
/// socket buffers, sets the pace (and no backlog outlives the run).
const QOS0_WINDOW: u64 = 1024;

pub struct Publisher<'a> {
    plan: &'a Plan,
    counters: &'a Counters,
    version: Version,
    position: usize,
    topic: String,
    /// The topic template when it has %s (rendered for every message).
    seq_template: Option<(String, String)>,
    global: u32,
    window: usize,
    /// Packet ids in flight, with the time each message was scheduled.
    inflight: Inflight<u64>,
    /// Sequence numbers at which PINGREQs were sent, oldest first.
    pings: VecDeque<u64>,
    /// Messages before this sequence number were processed by the broker (QoS 0).
    confirmed: u64,
    /// Which messages in the write buffer have reached the socket.
    out: Written,
    /// Messages written to the socket completely: the messages sent.
    written: u64,
    schedule: Option<Schedule>,
    remaining: Option<u64>,
    seq: u64,
    /// The common start: nothing is sent before it.
    start_ns: u64,
    /// `produce` has run at or after the start (as fast as possible: from then on, the
    /// broker's acknowledgements drive publishing, not a timer).
    began: bool,
    /// The pacer wakes this publisher this long before a slot; it spins the rest, so that the
    /// message leaves on time despite the thread wake-ups in between.
    lead_ns: u64,
    /// No message is due at or after this time (the end of --duration).
    end_ns: u64,
    running: bool,
    stopped: bool,
    finished: bool,
    samples: Vec<u64>,
    d_sent: u64,
    d_acked: u64,
    d_overruns: u64,
    d_inflight: i64,
    /// What this publisher adds to `Counters::queued_floor` (as fast as possible only).
    floor: u64,
}

impl<'a> Publisher<'a> {
    /// Publisher `index`, on a connection of `version` whose CONNACK allowed
    /// `receive_maximum` messages in flight.
    pub fn new(
        plan: &'a Plan,
        counters: &'a Counters,
        version: Version,
        receive_maximum: Option<u16>,
        index: u64,
    ) -> Publisher<'a> {
        let position = (index - plan.pubs.start) as usize;
        let id = plan.client_id(Role::Pub, index);
        let has_seq = plan.topic.contains("%s");
        let window = usize::from(limits::window(plan.max_inflight, version, receive_maximum));
        let flood = plan.rate.is_none() && plan.interval.is_none();
        let floor = match plan.qos {
            _ if !flood => 0,
            QoS::AtMostOnce => QOS0_WINDOW - QOS0_PING_EVERY,
            // `produce` refills the window once half of it is free.
            _ => (window / 2) as u64,
        };
        counters.queued_floor.fetch_add(floor, Relaxed);
        Publisher {
            plan,
            counters,
            version,
            position,
            topic: render(&plan.topic, index, &id, None),
            seq_template: has_seq.then(|| (plan.topic.clone(), id)),
            global: index as u32,
            window,
            inflight: Inflight::default(),
            pings: VecDeque::new(),
            confirmed: 0,
            out: Written::default(),
            written: 0,
            schedule: None,
            start_ns: 0,
            began: false,
            lead_ns: 0,
            end_ns: u64::MAX,
            remaining: plan.count_for(index),
            seq: 0,
            running: false,
            stopped: false,
            finished: false,
            samples: Vec::new(),
            d_sent: 0,
            d_acked: 0,
            d_overruns: 0,
            d_inflight: 0,
            floor,
        }
    }

    /// The run's phase says publish from `start_ns` (until `end_ns`).
    pub fn start(&mut self, start_ns: u64, end_ns: Option<u64>) {
        let plan = self.plan;
        let p = self;
        if p.running || p.stopped {
            return;
        }
        let publishers = plan.pubs.end - plan.pubs.start;
        let position = p.position as u64;
        p.schedule = match (plan.rate, plan.interval) {
            (Some(rate), _) => Some(Schedule::for_rate(start_ns, rate, position, publishers)),
            (None, Some(iv)) => Some(Schedule::with_period(
                start_ns,
                iv.as_nanos() as f64,
                position,
                publishers,
            )),
            (None, None) => None,
        };
        // Slots of all publishers this far apart share grid steps of this size.
        let spacing = p
            .schedule
            .as_ref()
            .map_or(0.0, |s| s.period_ns() / publishers.max(1) as f64);
        let grid = grid_for(spacing);
        p.schedule = p.schedule.take().map(|s| s.on_grid(grid));
        p.start_ns = start_ns;
        // At most 150 µs and an eighth of the time between two distinct slot times (slots
        // share grid steps): the spinning costs at most an eighth of a core. Waking a thread
        // takes tens of microseconds here (at 1,000 msg/s a 60 µs lead gave a p50 latency of
        // 71-82 µs, a 125 µs lead 55-61 µs).
        p.lead_ns = p.schedule.as_ref().map_or(0, |s| {
            let spacing = (s.period_ns() / publishers.max(1) as f64).max(grid as f64);
            ((spacing / 8.0) as u64).min(150_000)
        });
        p.end_ns = end_ns.unwrap_or(u64::MAX);
        p.running = true;
    }

    /// The run's phase says stop.
    pub fn stop(&mut self) {
        self.running = false;
        self.stopped = true;
    }

    /// When the next scheduled message is due (run's clock), if one can be sent then.
    /// `buffered`: the bytes in the connection's write buffer.
    pub fn next_slot(&self, buffered: usize) -> Option<u64> {
        let p = self;
        if !p.running || p.remaining == Some(0) || buffered >= WBUF_HIGH {
            return None;
        }
        if self.plan.qos != QoS::AtMostOnce && p.inflight.len() >= p.window {
            return None;
        }
        match p.schedule.as_ref() {
            Some(s) => Some(s.next_ns()).filter(|&t| t < p.end_ns),
            // As fast as possible, from the start: a timer for the start until `produce` has
            // run after it (however late this is looked at: a start that passed between the
            // two must still wake this publisher).
            None => (!p.began).then_some(p.start_ns),
        }
    }

    /// Put every message that is due (and fits the window and the buffer) into the write buffer.
    pub fn produce(&mut self, wbuf: &mut BytesMut) {
        let plan = self.plan;
        let epoch = &*self.counters.epoch;
        let version = self.version;
        let p = self;
        if !p.running {
            return;
        }
        let mut now_ns = epoch.now_ns();
        if now_ns < p.start_ns {
            return;
        }
        p.began = true;
        if let Some(s) = p.schedule.as_ref() {
            let due = s.next_ns();
            if due > now_ns && due - now_ns <= p.lead_ns && due < p.end_ns {
                while now_ns < due {
                    std::hint::spin_loop();
                    now_ns = epoch.now_ns();
                }
            }
        }
        let qos = plan.qos;
        // As fast as possible at QoS 1/2: refill the window in batches (once half of it is
        // free), so that several messages share a write and a TCP segment, on both sides.
        if p.schedule.is_none() && qos != QoS::AtMostOnce && p.inflight.len() > p.window / 2 {
            return;
        }
        loop {
            if p.remaining == Some(0) || wbuf.len() >= WBUF_HIGH {
                break;
            }
            if qos != QoS::AtMostOnce && p.inflight.len() >= p.window {
                break;
            }
            let flood0 = qos == QoS::AtMostOnce && p.schedule.is_none();
            if flood0 && p.seq - p.confirmed >= QOS0_WINDOW {
                break;
            }
            let time_ns = match p.schedule.as_mut() {
                Some(s) => {
                    if s.next_ns() >= p.end_ns {
                        p.running = false;
                        p.stopped = true;
                        break;
                    }
                    if s.next_ns() > now_ns {
                        break;
                    }
                    let t = s.take();
                    if now_ns - t > s.tolerance_ns() {
                        p.d_overruns += 1;
                    }
                    t
                }
                None if now_ns >= p.end_ns => {
                    p.running = false;
                    p.stopped = true;
                    break;
                }
                None => now_ns,
            };
            let packet_id = match qos {
                QoS::AtMostOnce => 0,
                // The window is far below 65535 ids: one is always free.
                _ => match p.inflight.allocate(|_| false) {
                    Some(id) => id,
                    None => break,
                },
            };
            let header = Header {
                publisher: p.global,
                seq: p.seq,
                time_ns,
            };
            let topic_owned;
            let topic = match &p.seq_template {
                Some((template, id)) => {
                    topic_owned = render(template, u64::from(p.global), id, Some(p.seq));
                    topic_owned.as_str()
                }
                None => p.topic.as_str(),
            };
            let before = wbuf.len();
            let start = p.out.position(before);
            encode_publish(
                wbuf,
                version,
                qos,
                plan.retain,
                topic,
                packet_id,
                &header,
                &plan.body,
            );
            p.out.push(start, wbuf.len() - before);
            if qos != QoS::AtMostOnce {
                p.inflight.sent(packet_id, qos, time_ns);
                p.d_inflight += 1;
            }
            p.seq += 1;
            if flood0 && p.seq % QOS0_PING_EVERY == 0 {
                let _ = protocol::encode(&Packet::PingReq, version, wbuf);
                p.pings.push_back(p.seq);
            }
            if let Some(r) = p.remaining.as_mut() {
                *r -= 1;
            }
        }
    }

    /// Whether everything sent is confirmed once publishing is over (then the collector hears
    /// of it); at QoS 0 this asks for the confirmation.
    pub fn check_finished(&mut self, wbuf: &mut BytesMut) {
        let p = self;
        if p.stopped || p.remaining == Some(0) {
            p.release_floor();
        }
        if p.finished || !(p.stopped || (p.running && p.remaining == Some(0))) {
            return;
        }
        // QoS 0: the broker answers in order, so its PINGRESP to a PINGREQ after the last
        // message says that it has processed every message.
        if p.plan.qos == QoS::AtMostOnce && p.confirmed < p.seq && p.pings.back() != Some(&p.seq) {
            let _ = protocol::encode(&Packet::PingReq, p.version, wbuf);
            p.pings.push_back(p.seq);
        }
        let confirmed = p.plan.qos != QoS::AtMostOnce || p.confirmed >= p.seq;
        if !p.inflight.is_empty() || p.out.pending() || !confirmed {
            return;
        }
        p.finished = true;
        p.counters.pub_finished(p.position, Some(p.written));
    }

    /// A PUBACK, PUBREC or PUBCOMP; `warmup_end_ns`: messages scheduled before it are not
    /// sampled.
    pub fn on_ack(
        &mut self,
        kind: PacketType,
        ack: Ack,
        now_ns: u64,
        warmup_end_ns: u64,
        wbuf: &mut BytesMut,
    ) -> Result<(), (&'static str, String)> {
        let p = self;
        let time_ns = match p.inflight.step(kind, &ack) {
            Step::Done(time_ns) => time_ns,
            Step::Release | Step::ReleaseAgain => {
                let _ = protocol::encode(&Packet::PubRel(Ack::new(ack.packet_id)), p.version, wbuf);
                return Ok(());
            }
            Step::PubAckForQoS2 => {
                return Err((
                    "protocol_error",
                    format!(
                        "PUBACK for packet id {}, a QoS 2 message: the broker does not do QoS 2",
                        ack.packet_id
                    ),
                ))
            }
            Step::Unknown => {
                return Err((
                    "protocol_error",
                    format!(
                        "{} for packet id {}, which is not in flight",
                        kind.name(),
                        ack.packet_id
                    ),
                ))
            }
        };
        p.d_inflight -= 1;
        if reason::is_error(ack.reason) {
            let name = reason::name(kind, ack.reason);
            p.counters.error(
                "publish_rejected",
                &format!("{} {name} ({:#04x})", kind.name(), ack.reason),
            );
            return Ok(());
        }
        p.d_acked += 1;
        if time_ns >= warmup_end_ns {
            p.samples.push(now_ns.saturating_sub(time_ns));
            if p.samples.len() >= SAMPLES {
                p.counters.record_ack(&p.samples);
                p.samples.clear();
            }
        }
        Ok(())
    }

    /// Bytes of the write buffer reached the socket: the messages among them are sent.
    #[inline]
    pub fn on_written(&mut self, n: usize) {
        let done = self.out.advance(n);
        self.written += done;
        self.d_sent += done;
    }

    /// A PINGREQ went into the write buffer after the messages so far.
    pub fn on_ping(&mut self) {
        self.pings.push_back(self.seq);
    }

    /// The broker answered the oldest PINGREQ: it has processed the messages before it.
    pub fn on_pingresp(&mut self) {
        if let Some(seq) = self.pings.pop_front() {
            self.confirmed = self.confirmed.max(seq);
        }
    }

    /// How long before a slot the pacer wakes this publisher.
    pub fn lead_ns(&self) -> u64 {
        self.lead_ns
    }

    /// Add the counts since the last flush to the shared ones; with `all`, the samples too.
    pub fn flush(&mut self, all: bool) {
        let sh = self.counters;
        let p = self;
        if p.d_sent > 0 {
            sh.sent.fetch_add(std::mem::take(&mut p.d_sent), Relaxed);
        }
        if p.d_acked > 0 {
            sh.acked.fetch_add(std::mem::take(&mut p.d_acked), Relaxed);
        }
        if p.d_overruns > 0 {
            sh.overruns
                .fetch_add(std::mem::take(&mut p.d_overruns), Relaxed);
        }
        if p.d_inflight != 0 {
            sh.inflight
                .fetch_add(std::mem::take(&mut p.d_inflight), Relaxed);
        }
        if all && !p.samples.is_empty() {
            sh.record_ack(&p.samples);
            p.samples = Vec::new();
        }
    }

    /// The connection ends (flushed already): what is still in flight stays unacknowledged.
    pub fn finish(&mut self) {
        if !self.inflight.is_empty() {
            self.counters
                .inflight
                .fetch_sub(self.inflight.len() as i64, Relaxed);
            self.inflight.clear();
        }
        self.release_floor();
        if !self.finished {
            self.finished = true;
            self.counters
                .pub_finished(self.position, Some(self.written));
        }
    }

    /// Publishing is over: this publisher no longer keeps the broker busy.
    fn release_floor(&mut self) {
        let floor = std::mem::take(&mut self.floor);
        if floor > 0 {
            self.counters.queued_floor.fetch_sub(floor, Relaxed);
        }
    }
}

#[cfg(test)]
#[path = "publisher_tests.rs"]
mod tests;
