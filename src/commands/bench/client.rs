//! One bench connection: a lean task that owns its socket, encodes and decodes with
//! `protocol`, keeps only what a benchmark needs (packet ids in flight, sequence trackers)
//! and adds its counts to the shared counters once per batch, not once per packet.
//!
//! Memory per connection matters (tens of thousands in one process): the handshake runs in a
//! boxed future that is freed once connected, reads go through a buffer on the stack, and the
//! connection's own buffers hold only partial packets and grow only as needed.
use std::collections::{HashMap, VecDeque};
use std::future::poll_fn;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::{watch, OwnedSemaphorePermit};

use super::collector::Phase;
use super::counters::Counters;
use super::header::{encode_publish, Header};
use super::limits;
use super::pacer::PRECISE_NS;
use super::plan::{render, Plan, Role};
use super::rate::{grid_for, Schedule};
use super::stats::SeqTracker;
use super::written::Written;
use crate::protocol::{
    self, reason, Ack, Limits, Packet, PacketType, QoS, SubOptions, Subscribe, Version,
};
use crate::session::transport::Stream;
use crate::session::{handshake, Handshake};

/// Stop producing into the write buffer above this many bytes (socket backpressure).
const WBUF_HIGH: usize = 64 * 1024;
/// Release a buffer this large once it is empty.
const BUF_KEEP: usize = 16 * 1024;
/// Latency samples kept before they are added to the shared histogram.
const SAMPLES: usize = 128;
/// Bytes read per read call (on the stack, not per connection).
const READ_CHUNK: usize = 16 * 1024;
/// QoS 0 as fast as possible: a PINGREQ every this many messages. The broker answers in
/// order, so its PINGRESP confirms that it has processed every message before the ping...
const QOS0_PING_EVERY: u64 = 256;
/// ... and at most this many messages stay unconfirmed, so that the broker, not the kernel's
/// socket buffers, sets the pace (and no backlog outlives the run).
const QOS0_WINDOW: u64 = 1024;
/// At most this long from the DISCONNECT to the broker closing the connection.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a finished client hands back to the collector.
#[derive(Debug, Default)]
pub struct ClientReport {
    pub connected: bool,
    pub subscribed: bool,
    pub sub: SubTotals,
}

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

/// Run client `index` (of its role) to the end: connect, do its part, disconnect on `Close`.
pub async fn run(
    plan: Arc<Plan>,
    shared: Arc<Counters>,
    role: Role,
    index: u64,
    ordinal: u64,
    permit: OwnedSemaphorePermit,
    ctl: watch::Receiver<Phase>,
) -> ClientReport {
    // Boxed: the handshake's futures are large and only needed until the CONNACK.
    let hs = Box::pin(connect(&plan, &shared, role, index, ordinal)).await;
    drop(permit);
    let hs = match hs {
        Ok(hs) => hs,
        Err((kind, message)) => {
            shared.connect_failure(&kind, &message);
            if role == Role::Sub {
                shared.sub_settled();
            }
            if role == Role::Pub {
                shared.pub_finished((index - plan.pubs.start) as usize, None);
            }
            return ClientReport::default();
        }
    };
    // A broker that announces a Maximum Packet Size the messages do not fit gets none of them.
    let too_large = hs
        .connack
        .properties
        .maximum_packet_size
        .and_then(|max| limits::too_large(&plan, hs.version, max));
    shared.connect_done();
    let mut conn = Conn::new(&plan, &shared, hs, role, index);
    let report = match too_large {
        Some(why) => {
            shared.refuse_too_large(why);
            conn.finish(true).await
        }
        None => conn.serve(ctl).await,
    };
    shared.connected.fetch_sub(1, Relaxed);
    report
}

async fn connect(
    plan: &Plan,
    shared: &Counters,
    role: Role,
    index: u64,
    ordinal: u64,
) -> Result<Handshake, (String, String)> {
    let mut opts = plan.hosts[plan.host_of(index)].clone();
    opts.client_id = plan.client_id(role, index);
    if !plan.source_ips.is_empty() {
        opts.source_ip = Some(plan.source_ips[(ordinal % plan.source_ips.len() as u64) as usize]);
    }
    let t = Instant::now();
    match handshake(&opts, plan.tls.clone()).await {
        Ok(hs) if hs.accepted() => {
            shared.record_connect(t.elapsed());
            Ok(hs)
        }
        Ok(hs) => {
            let name = reason::connack_name(hs.version, hs.connack.reason);
            Err((
                format!("refused_{}", snake(name)),
                format!(
                    "{} refused the connection: {}",
                    opts.address(),
                    hs.refusal_text()
                ),
            ))
        }
        Err(e) => Err((
            failure_kind(&format!("{e:#}")).to_string(),
            format!("{e:#}"),
        )),
    }
}

/// `Not authorized` -> `not_authorized`.
pub fn snake(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    s.trim_matches('_').to_string()
}

/// A short name for why a connection could not be made, from the error text.
pub fn failure_kind(message: &str) -> &'static str {
    if message.contains("(os error 24)") || message.contains("(os error 23)") {
        "too_many_open_files"
    } else if message.contains("(os error 99)") {
        "address_not_available"
    } else if message.contains("(os error 111)") {
        "connection_refused"
    } else if message.contains("(os error 104)") || message.contains("closed the connection") {
        "closed_by_broker"
    } else if message.contains("(os error 110)") || message.contains("--connect-timeout") {
        "timeout"
    } else if message.contains("cannot resolve") {
        "dns"
    } else if message.contains("TLS") {
        "tls"
    } else if message.contains("WebSocket") {
        "websocket"
    } else {
        "other"
    }
}

enum Ev {
    Read,
    Drained,
    Timer,
    Control,
    Closed(&'static str, String),
}

struct PubState {
    position: usize,
    topic: String,
    /// The topic template when it has %s (rendered for every message).
    seq_template: Option<(String, String)>,
    global: u32,
    window: usize,
    /// Packet id, scheduled time, PUBREL sent.
    inflight: VecDeque<(u16, u64, bool)>,
    /// Sequence numbers at which PINGREQs were sent, oldest first.
    pings: VecDeque<u64>,
    /// Messages before this sequence number were processed by the broker (QoS 0).
    confirmed: u64,
    /// Which messages in the write buffer have reached the socket.
    out: Written,
    /// Messages written to the socket completely: the messages sent.
    written: u64,
    next_id: u16,
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

impl PubState {
    /// Publishing is over: this publisher no longer keeps the broker busy.
    fn release_floor(&mut self, shared: &Counters) {
        let floor = std::mem::take(&mut self.floor);
        if floor > 0 {
            shared.queued_floor.fetch_sub(floor, Relaxed);
        }
    }
}

struct SubState {
    subscribed: bool,
    settled: bool,
    trackers: HashMap<u32, SeqTracker>,
    no_header: u64,
    count_left: Option<u64>,
    done: bool,
    samples: Vec<u64>,
    d_received: u64,
}

struct Conn<'a> {
    plan: &'a Plan,
    shared: &'a Counters,
    role: Role,
    index: u64,
    stream: Stream,
    rbuf: BytesMut,
    wbuf: BytesMut,
    need_flush: bool,
    version: Version,
    limits: Limits,
    keep_alive: Option<Duration>,
    last_write: Instant,
    warmup_end_ns: u64,
    publisher: Option<Box<PubState>>,
    subscriber: Option<Box<SubState>>,
}

impl<'a> Conn<'a> {
    fn new(
        plan: &'a Plan,
        shared: &'a Counters,
        hs: Handshake,
        role: Role,
        index: u64,
    ) -> Conn<'a> {
        let props = &hs.connack.properties;
        let keep_alive = props.server_keep_alive.unwrap_or(plan.hosts[0].keep_alive);
        // A fresh small buffer: the handshake's 4 KiB one is dropped with the handshake.
        let mut rbuf = BytesMut::new();
        rbuf.extend_from_slice(&hs.leftover);
        let publisher = (role == Role::Pub).then(|| {
            let position = (index - plan.pubs.start) as usize;
            let id = plan.client_id(role, index);
            let has_seq = plan.topic.contains("%s");
            let window = usize::from(limits::window(
                plan.max_inflight,
                hs.version,
                props.receive_maximum,
            ));
            let flood = plan.rate.is_none() && plan.interval.is_none();
            let floor = match plan.qos {
                _ if !flood => 0,
                QoS::AtMostOnce => QOS0_WINDOW - QOS0_PING_EVERY,
                // `produce` refills the window once half of it is free.
                _ => (window / 2) as u64,
            };
            shared.queued_floor.fetch_add(floor, Relaxed);
            Box::new(PubState {
                position,
                topic: render(&plan.topic, index, &id, None),
                seq_template: has_seq.then(|| (plan.topic.clone(), id)),
                global: index as u32,
                window,
                inflight: VecDeque::new(),
                pings: VecDeque::new(),
                confirmed: 0,
                out: Written::default(),
                written: 0,
                next_id: 0,
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
            })
        });
        let subscriber = (role == Role::Sub).then(|| {
            Box::new(SubState {
                subscribed: false,
                settled: false,
                trackers: HashMap::new(),
                no_header: 0,
                count_left: plan.sub_count,
                done: false,
                samples: Vec::new(),
                d_received: 0,
            })
        });
        Conn {
            plan,
            shared,
            role,
            index,
            limits: match plan.hosts[0].properties.maximum_packet_size {
                Some(max) => Limits {
                    max_packet_size: max,
                },
                None => Limits::default(),
            },
            stream: hs.stream,
            rbuf,
            wbuf: BytesMut::new(),
            need_flush: false,
            version: hs.version,
            keep_alive: (keep_alive > 0).then(|| Duration::from_secs(keep_alive.into())),
            last_write: Instant::now(),
            warmup_end_ns: 0,
            publisher,
            subscriber,
        }
    }

    async fn serve(&mut self, mut ctl: watch::Receiver<Phase>) -> ClientReport {
        if self.subscriber.is_some() {
            let id = self.plan.client_id(self.role, self.index);
            let filter = render(&self.plan.sub_filter, self.index, &id, None);
            let sub = Subscribe {
                packet_id: 1,
                filters: vec![(filter, SubOptions::qos(self.plan.sub_qos))],
                ..Subscribe::default()
            };
            if let Err(e) = protocol::encode(&Packet::Subscribe(sub), self.version, &mut self.wbuf)
            {
                self.shared
                    .error("subscribe_failed", &format!("cannot encode SUBSCRIBE: {e}"));
                return self.finish(false).await;
            }
        }
        let sleep = tokio::time::sleep(Duration::from_secs(86_400));
        tokio::pin!(sleep);
        let mut armed: Option<Instant> = None;
        let mut paced = 0u64;
        let mut closing = false;
        loop {
            match *ctl.borrow_and_update() {
                Phase::Close => closing = true,
                Phase::Stop => self.stop_publishing(),
                Phase::Run { start_ns, end_ns } => self.start_publishing(start_ns, end_ns),
                Phase::Connect => {}
            }
            if closing {
                break;
            }
            if let Err((kind, message)) = self.absorb() {
                self.shared.error(kind, &message);
                return self.finish(false).await;
            }
            let now = Instant::now();
            self.produce();
            self.check_finished();
            if let Some(ka) = self.keep_alive {
                if now >= self.last_write + ka {
                    let _ = protocol::encode(&Packet::PingReq, self.version, &mut self.wbuf);
                    if let Some(p) = self.publisher.as_mut() {
                        p.pings.push_back(p.seq);
                    }
                    self.last_write = now;
                }
            }
            self.flush_counts(false);

            let mut deadline = self.keep_alive.map(|ka| self.last_write + ka);
            let shared = self.shared;
            let mut precise = None;
            if let Some(t) = self.next_slot() {
                let now_ns = shared.epoch.now_ns();
                if t.saturating_sub(now_ns) <= PRECISE_NS && shared.pacer.is_some() {
                    let lead = self.publisher.as_ref().map_or(0, |p| p.lead_ns);
                    precise = Some(t.saturating_sub(lead));
                } else {
                    let coarse = shared.epoch.instant_at(t.saturating_sub(PRECISE_NS / 2));
                    deadline = Some(deadline.map_or(coarse, |d| d.min(coarse)));
                }
            }
            if let Some(d) = deadline {
                if armed != Some(d) {
                    sleep.as_mut().reset(d.into());
                    armed = Some(d);
                }
            }
            let ev = tokio::select! {
                biased;
                r = ctl.changed() => match r {
                    Ok(()) => Ev::Control,
                    Err(_) => Ev::Closed("", String::new()),
                },
                ev = poll_fn(|cx| self.poll_io(cx)) => ev,
                _ = &mut sleep, if deadline.is_some() => {
                    armed = None;
                    Ev::Timer
                }
                _ = async {
                    match (shared.pacer.as_deref(), precise) {
                        (Some(p), Some(t)) => p.until(t, &mut paced).await,
                        _ => std::future::pending().await,
                    }
                }, if precise.is_some() => Ev::Timer,
            };
            match ev {
                Ev::Read | Ev::Drained | Ev::Timer | Ev::Control => {}
                Ev::Closed("", _) => break,
                Ev::Closed(kind, message) => {
                    self.shared.error(kind, &message);
                    return self.finish(false).await;
                }
            }
        }
        self.finish(true).await
    }

    /// Write what is buffered, then read; `Drained` once everything written is flushed.
    fn poll_io(&mut self, cx: &mut Context<'_>) -> Poll<Ev> {
        while !self.wbuf.is_empty() {
            match Pin::new(&mut self.stream).poll_write(cx, &self.wbuf) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Ev::Closed(
                        "connection_lost",
                        "the socket accepts no more data".into(),
                    ))
                }
                Poll::Ready(Ok(n)) => {
                    self.wbuf.advance(n);
                    self.need_flush = true;
                    if let Some(p) = self.publisher.as_mut() {
                        let done = p.out.advance(n);
                        p.written += done;
                        p.d_sent += done;
                    }
                }
                Poll::Ready(Err(e)) => {
                    return Poll::Ready(Ev::Closed("connection_lost", format!("write failed: {e}")))
                }
                Poll::Pending => break,
            }
        }
        if self.wbuf.is_empty() && self.need_flush {
            match Pin::new(&mut self.stream).poll_flush(cx) {
                Poll::Ready(Ok(())) => {
                    self.need_flush = false;
                    if self.wbuf.capacity() > BUF_KEEP {
                        self.wbuf = BytesMut::new();
                    }
                    return Poll::Ready(Ev::Drained);
                }
                Poll::Ready(Err(e)) => {
                    return Poll::Ready(Ev::Closed("connection_lost", format!("write failed: {e}")))
                }
                Poll::Pending => {}
            }
        }
        let mut chunk = [MaybeUninit::<u8>::uninit(); READ_CHUNK];
        let mut rb = ReadBuf::uninit(&mut chunk);
        match Pin::new(&mut self.stream).poll_read(cx, &mut rb) {
            Poll::Ready(Ok(())) if rb.filled().is_empty() => Poll::Ready(Ev::Closed(
                "connection_lost",
                "the broker closed the connection".into(),
            )),
            Poll::Ready(Ok(())) => {
                self.rbuf.extend_from_slice(rb.filled());
                Poll::Ready(Ev::Read)
            }
            Poll::Ready(Err(e)) => {
                Poll::Ready(Ev::Closed("connection_lost", format!("read failed: {e}")))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn start_publishing(&mut self, start_ns: u64, end_ns: Option<u64>) {
        if self.warmup_end_ns == 0 {
            self.warmup_end_ns = self.shared.warmup_end_ns.load(Relaxed);
        }
        let plan = self.plan;
        let Some(p) = self.publisher.as_mut() else {
            return;
        };
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

    fn stop_publishing(&mut self) {
        if let Some(p) = self.publisher.as_mut() {
            p.running = false;
            p.stopped = true;
        }
    }

    /// When the next scheduled message is due (run's clock), if one can be sent then.
    fn next_slot(&self) -> Option<u64> {
        let p = self.publisher.as_ref()?;
        if !p.running || p.remaining == Some(0) || self.wbuf.len() >= WBUF_HIGH {
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
    fn produce(&mut self) {
        let plan = self.plan;
        let Some(p) = self.publisher.as_mut() else {
            return;
        };
        if !p.running {
            return;
        }
        let mut now_ns = self.shared.epoch.now_ns();
        if now_ns < p.start_ns {
            return;
        }
        p.began = true;
        if let Some(s) = p.schedule.as_ref() {
            let due = s.next_ns();
            if due > now_ns && due - now_ns <= p.lead_ns && due < p.end_ns {
                while now_ns < due {
                    std::hint::spin_loop();
                    now_ns = self.shared.epoch.now_ns();
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
            if p.remaining == Some(0) || self.wbuf.len() >= WBUF_HIGH {
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
            let packet_id = if qos == QoS::AtMostOnce {
                0
            } else {
                loop {
                    p.next_id = p.next_id.wrapping_add(1).max(1);
                    let id = p.next_id;
                    if !p.inflight.iter().any(|e| e.0 == id) {
                        break id;
                    }
                }
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
            let before = self.wbuf.len();
            let start = p.out.position(before);
            encode_publish(
                &mut self.wbuf,
                self.version,
                qos,
                plan.retain,
                topic,
                packet_id,
                &header,
                &plan.body,
            );
            p.out.push(start, self.wbuf.len() - before);
            if qos != QoS::AtMostOnce {
                p.inflight.push_back((packet_id, time_ns, false));
                p.d_inflight += 1;
            }
            p.seq += 1;
            if flood0 && p.seq % QOS0_PING_EVERY == 0 {
                let _ = protocol::encode(&Packet::PingReq, self.version, &mut self.wbuf);
                p.pings.push_back(p.seq);
            }
            if let Some(r) = p.remaining.as_mut() {
                *r -= 1;
            }
        }
    }

    fn check_finished(&mut self) {
        let Some(p) = self.publisher.as_mut() else {
            return;
        };
        if p.stopped || p.remaining == Some(0) {
            p.release_floor(self.shared);
        }
        if p.finished || !(p.stopped || (p.running && p.remaining == Some(0))) {
            return;
        }
        // QoS 0: the broker answers in order, so its PINGRESP to a PINGREQ after the last
        // message says that it has processed every message.
        if self.plan.qos == QoS::AtMostOnce && p.confirmed < p.seq && p.pings.back() != Some(&p.seq)
        {
            let _ = protocol::encode(&Packet::PingReq, self.version, &mut self.wbuf);
            p.pings.push_back(p.seq);
        }
        let confirmed = self.plan.qos != QoS::AtMostOnce || p.confirmed >= p.seq;
        if !p.inflight.is_empty() || p.out.pending() || !confirmed {
            return;
        }
        p.finished = true;
        self.shared.pub_finished(p.position, Some(p.written));
    }

    /// Decode and handle every whole packet received.
    fn absorb(&mut self) -> Result<(), (&'static str, String)> {
        if self.rbuf.is_empty() {
            return Ok(());
        }
        let now_ns = self.shared.epoch.now_ns();
        loop {
            let packet = match protocol::decode(&mut self.rbuf, self.version, self.limits) {
                Ok(Some(p)) => p,
                Ok(None) => break,
                Err(e) => {
                    return Err((
                        "protocol_error",
                        format!("malformed packet from the broker: {e}"),
                    ))
                }
            };
            match packet {
                Packet::Publish(p) => {
                    match p.qos {
                        QoS::AtMostOnce => {}
                        QoS::AtLeastOnce => self.send(&Packet::PubAck(Ack::new(p.packet_id))),
                        QoS::ExactlyOnce => self.send(&Packet::PubRec(Ack::new(p.packet_id))),
                    }
                    let warmup_end_ns = self.warmup_end_ns;
                    let Some(s) = self.subscriber.as_mut() else {
                        continue;
                    };
                    s.d_received += 1;
                    match Header::read(&p.payload) {
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
                            self.shared.sub_done();
                        }
                    }
                    if s.samples.len() >= SAMPLES {
                        self.shared.record_e2e(&s.samples);
                        s.samples.clear();
                    }
                }
                Packet::PubAck(a) => self.on_ack(PacketType::PubAck, a, now_ns)?,
                Packet::PubRec(a) => self.on_ack(PacketType::PubRec, a, now_ns)?,
                Packet::PubComp(a) => self.on_ack(PacketType::PubComp, a, now_ns)?,
                Packet::PubRel(a) => self.send(&Packet::PubComp(Ack::new(a.packet_id))),
                Packet::SubAck(ack) => {
                    let Some(s) = self.subscriber.as_mut() else {
                        return Err(("protocol_error", "SUBACK without SUBSCRIBE".into()));
                    };
                    if !s.settled {
                        s.settled = true;
                        let refused = ack.reason_codes.iter().find(|&&c| reason::is_error(c));
                        match refused {
                            Some(&code) => {
                                let name = reason::name(PacketType::SubAck, code);
                                self.shared.error(
                                    "subscribe_refused",
                                    &format!(
                                        "the broker refused the subscription: {name} ({code:#04x})"
                                    ),
                                );
                            }
                            None => {
                                s.subscribed = true;
                                let i = (self.index - self.plan.subs.start) as usize;
                                self.shared.sub_ok[i].store(true, Relaxed);
                            }
                        }
                        self.shared.sub_settled();
                    }
                }
                Packet::PingResp => {
                    if let Some(p) = self.publisher.as_mut() {
                        if let Some(seq) = p.pings.pop_front() {
                            p.confirmed = p.confirmed.max(seq);
                        }
                    }
                }
                Packet::UnsubAck(_) => {}
                Packet::Disconnect(d) => {
                    let name = reason::name(PacketType::Disconnect, d.reason);
                    return Err((
                        "disconnected_by_broker",
                        format!("the broker sent DISCONNECT: {name} ({:#04x})", d.reason),
                    ));
                }
                other => {
                    return Err((
                        "protocol_error",
                        format!("unexpected {} from the broker", other.packet_type().name()),
                    ));
                }
            }
        }
        if self.rbuf.is_empty() && self.rbuf.capacity() > BUF_KEEP {
            self.rbuf = BytesMut::new();
        }
        Ok(())
    }

    fn send(&mut self, packet: &Packet) {
        // Acks of ids that arrived are always encodable.
        let _ = protocol::encode(packet, self.version, &mut self.wbuf);
    }

    fn on_ack(
        &mut self,
        kind: PacketType,
        ack: Ack,
        now_ns: u64,
    ) -> Result<(), (&'static str, String)> {
        let unknown = || {
            (
                "protocol_error",
                format!(
                    "{} for packet id {}, which is not in flight",
                    kind.name(),
                    ack.packet_id
                ),
            )
        };
        let Some(p) = self.publisher.as_mut() else {
            return Err(unknown());
        };
        let Some(pos) = p.inflight.iter().position(|e| e.0 == ack.packet_id) else {
            return Err(unknown());
        };
        let (_, time_ns, released) = p.inflight[pos];
        let complete = match kind {
            PacketType::PubAck if self.plan.qos == QoS::AtLeastOnce => true,
            PacketType::PubRec if self.plan.qos == QoS::ExactlyOnce && !released => {
                if reason::is_error(ack.reason) {
                    true
                } else {
                    p.inflight[pos].2 = true;
                    let _ = protocol::encode(
                        &Packet::PubRel(Ack::new(ack.packet_id)),
                        self.version,
                        &mut self.wbuf,
                    );
                    false
                }
            }
            PacketType::PubRec => {
                let _ = protocol::encode(
                    &Packet::PubRel(Ack::new(ack.packet_id)),
                    self.version,
                    &mut self.wbuf,
                );
                false
            }
            PacketType::PubComp if released => true,
            _ => return Err(unknown()),
        };
        if !complete {
            return Ok(());
        }
        p.inflight.remove(pos);
        p.d_inflight -= 1;
        if reason::is_error(ack.reason) {
            let name = reason::name(kind, ack.reason);
            self.shared.error(
                "publish_rejected",
                &format!("{} {name} ({:#04x})", kind.name(), ack.reason),
            );
            return Ok(());
        }
        p.d_acked += 1;
        if time_ns >= self.warmup_end_ns {
            p.samples.push(now_ns.saturating_sub(time_ns));
            if p.samples.len() >= SAMPLES {
                self.shared.record_ack(&p.samples);
                p.samples.clear();
            }
        }
        Ok(())
    }

    /// Add this connection's counts to the shared ones; with `all`, latency samples too.
    fn flush_counts(&mut self, all: bool) {
        let sh = self.shared;
        if let Some(p) = self.publisher.as_mut() {
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
        if let Some(s) = self.subscriber.as_mut() {
            if s.d_received > 0 {
                sh.add_received(std::mem::take(&mut s.d_received));
                let now = sh.epoch.now_ns();
                sh.first_rx_ns.fetch_min(now, Relaxed);
                sh.last_rx_ns.fetch_max(now, Relaxed);
            }
            if all && !s.samples.is_empty() {
                sh.record_e2e(&s.samples);
                s.samples = Vec::new();
            }
        }
    }

    /// Disconnect (politely when `clean`), add up what this connection saw.
    async fn finish(&mut self, clean: bool) -> ClientReport {
        if clean {
            // Only a publisher's last messages depend on it.
            if let (Err(why), Some(_)) = (self.close().await, &self.publisher) {
                self.shared.error("close_failed", &why);
            }
        }
        self.flush_counts(true);
        if let Some(p) = self.publisher.as_mut() {
            // Whatever is still in flight stays unacknowledged.
            if p.inflight.len() as i64 != 0 {
                self.shared
                    .inflight
                    .fetch_sub(p.inflight.len() as i64, Relaxed);
                p.inflight.clear();
            }
            p.release_floor(self.shared);
            if !p.finished {
                p.finished = true;
                self.shared.pub_finished(p.position, Some(p.written));
            }
        }
        let mut report = ClientReport {
            connected: true,
            ..ClientReport::default()
        };
        if let Some(s) = self.subscriber.as_mut() {
            if !s.settled {
                s.settled = true;
                self.shared.sub_settled();
            }
            report.subscribed = s.subscribed;
            for t in s.trackers.values() {
                report.sub.unique += t.unique;
                report.sub.duplicated += t.duplicated;
                report.sub.reordered += t.reordered;
                report.sub.expected_seen += t.expected();
            }
            report.sub.no_header = s.no_header;
        }
        report
    }

    /// Write everything buffered and a DISCONNECT, then wait for the broker to close the
    /// connection: it has then read all of it. Closing first would lose messages: a socket
    /// closed with unread data in it (the broker's last PINGRESPs, acknowledgements or
    /// messages) sends a reset, which discards what is still queued to the broker on both
    /// ends; the broker drops what it had not yet read.
    async fn close(&mut self) -> Result<(), String> {
        let _ = protocol::encode(
            &Packet::Disconnect(Default::default()),
            self.version,
            &mut self.wbuf,
        );
        let closed = tokio::time::timeout(CLOSE_TIMEOUT, async {
            while !self.wbuf.is_empty() || self.need_flush {
                match poll_fn(|cx| self.poll_io(cx)).await {
                    Ev::Read => self.rbuf.clear(),
                    Ev::Closed(_, message) => {
                        return Err(format!("before the DISCONNECT was written: {message}"))
                    }
                    Ev::Drained | Ev::Timer | Ev::Control => {}
                }
            }
            // End of our side (TCP FIN, TLS close_notify, WebSocket close); an error here
            // means that the broker closed first, after what it read.
            let _ = self.stream.shutdown().await;
            let mut sink = [0u8; 4096];
            loop {
                match self.stream.read(&mut sink).await {
                    Ok(0) | Err(_) => return Ok(()),
                    Ok(_) => {}
                }
            }
        })
        .await;
        self.rbuf = BytesMut::new();
        match closed {
            Ok(r) => r,
            Err(_) => Err(format!(
                "the broker did not close the connection within {} s of the DISCONNECT",
                CLOSE_TIMEOUT.as_secs()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_kinds_and_names() {
        assert_eq!(
            failure_kind("cannot connect to 127.0.0.1:1: Connection refused (os error 111)"),
            "connection_refused"
        );
        assert_eq!(
            failure_kind("Too many open files (os error 24)"),
            "too_many_open_files"
        );
        assert_eq!(
            failure_kind("Cannot assign requested address (os error 99)"),
            "address_not_available"
        );
        assert_eq!(
            failure_kind("no CONNACK from x within 10s (--connect-timeout)"),
            "timeout"
        );
        assert_eq!(failure_kind("something else"), "other");
        assert_eq!(snake("Not authorized"), "not_authorized");
        assert_eq!(
            snake("Bad user name or password"),
            "bad_user_name_or_password"
        );
    }
}
