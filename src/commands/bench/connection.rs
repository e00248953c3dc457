//! One bench connection's socket loop: a lean task that owns its socket, encodes and decodes
//! with `protocol`, keeps the keepalive, and hands its packets to its [`Publisher`] or
//! [`Subscriber`] (I/O-free, in their own modules), which add their counts to the shared
//! counters once per batch, not once per packet.
//!
//! Memory per connection matters (tens of thousands in one process): the handshake runs in a
//! boxed future that is freed once connected, reads go through a buffer on the stack, and the
//! connection's own buffers hold only partial packets and grow only as needed.
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
use super::connect::connect;
use super::counters::Counters;
use super::limits;
use super::pacer::PRECISE_NS;
use super::plan::{Plan, Role};
use super::publisher::Publisher;
use super::subscriber::{SubTotals, Subscriber};
use crate::protocol::{self, reason, Ack, Limits, Packet, PacketType, QoS, Version};
use crate::session::keepalive::{Keepalive, Tick};
use crate::session::transport::Stream;
use crate::session::Handshake;

/// Release a buffer this large once it is empty.
const BUF_KEEP: usize = 16 * 1024;
/// Bytes read per read call (on the stack, not per connection).
const READ_CHUNK: usize = 16 * 1024;
/// At most this long from the DISCONNECT to the broker closing the connection.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a finished client hands back to the collector.
#[derive(Debug, Default)]
pub struct ClientReport {
    pub connected: bool,
    pub subscribed: bool,
    pub sub: SubTotals,
}

/// Run client `index` (of its role) to the end: connect, do its part, disconnect on `Close`.
pub async fn run(
    plan: Arc<Plan>,
    counters: Arc<Counters>,
    role: Role,
    index: u64,
    ordinal: u64,
    permit: OwnedSemaphorePermit,
    ctl: watch::Receiver<Phase>,
) -> ClientReport {
    // Boxed: the handshake's futures are large and only needed until the CONNACK.
    // The handshake stays boxed: a `Handshake` (its CONNACK's properties) in this future would
    // be part of every connection's task for its whole life.
    let hs = Box::pin(async {
        connect(&plan, &counters, role, index, ordinal)
            .await
            .map(Box::new)
    })
    .await;
    drop(permit);
    let hs = match hs {
        Ok(hs) => hs,
        Err((kind, message)) => {
            counters.connect_failure(&kind, &message);
            if role == Role::Sub {
                counters.sub_settled();
            }
            if role == Role::Pub {
                counters.pub_finished((index - plan.pubs.start) as usize, None);
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
    counters.connect_done();
    let mut conn = BenchConnection::new(&plan, &counters, hs, role, index);
    let report = match too_large {
        Some(why) => {
            counters.refuse_too_large(why);
            conn.finish(true).await
        }
        None => conn.serve(ctl).await,
    };
    counters.connected.fetch_sub(1, Relaxed);
    report
}

enum Ev {
    Read,
    Drained,
    Timer,
    Control,
    Closed(&'static str, String),
}

/// One bench connection: its socket, buffers, keepalive, and its publisher or subscriber.
struct BenchConnection<'a> {
    counters: &'a Counters,
    stream: Stream,
    rbuf: BytesMut,
    wbuf: BytesMut,
    need_flush: bool,
    version: Version,
    limits: Limits,
    keepalive: Keepalive,
    /// Bytes reached the socket since the keep alive last heard of it.
    wrote: bool,
    warmup_end_ns: u64,
    publisher: Option<Box<Publisher<'a>>>,
    subscriber: Option<Box<Subscriber<'a>>>,
}

impl<'a> BenchConnection<'a> {
    fn new(
        plan: &'a Plan,
        counters: &'a Counters,
        hs: Box<Handshake>,
        role: Role,
        index: u64,
    ) -> BenchConnection<'a> {
        let hs = *hs;
        let props = &hs.connack.properties;
        let keep_alive = props
            .server_keep_alive
            .unwrap_or(plan.hosts[plan.host_of(index)].connect.keep_alive);
        // A fresh small buffer: the handshake's 4 KiB one is dropped with the handshake.
        let mut rbuf = BytesMut::new();
        rbuf.extend_from_slice(&hs.leftover);
        let publisher = (role == Role::Pub).then(|| {
            Box::new(Publisher::new(
                plan,
                counters,
                hs.version,
                props.receive_maximum,
                index,
            ))
        });
        let subscriber =
            (role == Role::Sub).then(|| Box::new(Subscriber::new(plan, counters, index)));
        BenchConnection {
            counters,
            limits: match plan.hosts[plan.host_of(index)]
                .connect
                .properties
                .maximum_packet_size
            {
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
            keepalive: Keepalive::new(Duration::from_secs(keep_alive.into()), Instant::now()),
            wrote: false,
            warmup_end_ns: 0,
            publisher,
            subscriber,
        }
    }

    async fn serve(&mut self, mut ctl: watch::Receiver<Phase>) -> ClientReport {
        if let Some(s) = self.subscriber.as_ref() {
            let sub = s.subscribe();
            if let Err(e) = protocol::encode(&Packet::Subscribe(sub), self.version, &mut self.wbuf)
            {
                self.counters
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
                Phase::Stop => {
                    if let Some(p) = self.publisher.as_mut() {
                        p.stop();
                    }
                }
                Phase::Run { start_ns, end_ns } => self.start_publishing(start_ns, end_ns),
                Phase::Connect => {}
            }
            if closing {
                break;
            }
            let now = Instant::now();
            if std::mem::take(&mut self.wrote) {
                self.keepalive.on_sent(now);
            }
            if let Err((kind, message)) = self.absorb(now) {
                self.counters.error(kind, &message);
                return self.finish(false).await;
            }
            if let Some(p) = self.publisher.as_mut() {
                p.produce(&mut self.wbuf);
                p.check_finished(&mut self.wbuf);
            }
            match self.keepalive.tick(now) {
                Tick::Idle => {}
                Tick::Ping => {
                    let _ = protocol::encode(&Packet::PingReq, self.version, &mut self.wbuf);
                    if let Some(p) = self.publisher.as_mut() {
                        p.on_ping();
                    }
                }
                Tick::Dead(silent) => {
                    let message = format!(
                        "nothing from the broker for {:.1} s (keep alive {} s): the connection is dead",
                        silent.as_secs_f64(),
                        self.keepalive.period().as_secs()
                    );
                    self.counters.error("connection_lost", &message);
                    return self.finish(false).await;
                }
            }
            self.flush_counts(false);

            let mut deadline = self.keepalive.deadline();
            let counters = self.counters;
            let mut precise = None;
            let slot = self
                .publisher
                .as_ref()
                .and_then(|p| p.next_slot(self.wbuf.len()));
            if let Some(t) = slot {
                let now_ns = counters.epoch.now_ns();
                if t.saturating_sub(now_ns) <= PRECISE_NS && counters.pacer.is_some() {
                    let lead = self.publisher.as_ref().map_or(0, |p| p.lead_ns());
                    precise = Some(t.saturating_sub(lead));
                } else {
                    let coarse = counters.epoch.instant_at(t.saturating_sub(PRECISE_NS / 2));
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
                    match (counters.pacer.as_deref(), precise) {
                        (Some(p), Some(t)) => p.until(t, &mut paced).await,
                        _ => std::future::pending().await,
                    }
                }, if precise.is_some() => Ev::Timer,
            };
            match ev {
                Ev::Read | Ev::Drained | Ev::Timer | Ev::Control => {}
                Ev::Closed("", _) => break,
                Ev::Closed(kind, message) => {
                    self.counters.error(kind, &message);
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
                    self.wrote = true;
                    if let Some(p) = self.publisher.as_mut() {
                        p.on_written(n);
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
            self.warmup_end_ns = self.counters.warmup_end_ns.load(Relaxed);
        }
        if let Some(p) = self.publisher.as_mut() {
            p.start(start_ns, end_ns);
        }
    }

    /// Decode and handle every whole packet received.
    fn absorb(&mut self, now: Instant) -> Result<(), (&'static str, String)> {
        if self.rbuf.is_empty() {
            return Ok(());
        }
        let now_ns = self.counters.epoch.now_ns();
        loop {
            let packet = match protocol::decode(&mut self.rbuf, self.version, self.limits) {
                Ok(Some(p)) => {
                    self.keepalive.on_received(now);
                    p
                }
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
                    if let Some(s) = self.subscriber.as_mut() {
                        s.on_message(&p.payload, now_ns, self.warmup_end_ns);
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
                    s.on_suback(&ack);
                }
                Packet::PingResp => {
                    if let Some(p) = self.publisher.as_mut() {
                        p.on_pingresp();
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

    fn on_ack(
        &mut self,
        kind: PacketType,
        ack: Ack,
        now_ns: u64,
    ) -> Result<(), (&'static str, String)> {
        match self.publisher.as_mut() {
            Some(p) => p.on_ack(kind, ack, now_ns, self.warmup_end_ns, &mut self.wbuf),
            None => Err((
                "protocol_error",
                format!(
                    "{} for packet id {}, which is not in flight",
                    kind.name(),
                    ack.packet_id
                ),
            )),
        }
    }

    fn send(&mut self, packet: &Packet) {
        // Acks of ids that arrived are always encodable.
        let _ = protocol::encode(packet, self.version, &mut self.wbuf);
    }

    /// Add this connection's counts to the shared ones; with `all`, latency samples too.
    fn flush_counts(&mut self, all: bool) {
        if let Some(p) = self.publisher.as_mut() {
            p.flush(all);
        }
        if let Some(s) = self.subscriber.as_mut() {
            s.flush(all);
        }
    }

    /// Disconnect (politely when `clean`), add up what this connection saw.
    async fn finish(&mut self, clean: bool) -> ClientReport {
        if clean {
            // Only a publisher's last messages depend on it.
            if let (Err(why), Some(_)) = (Box::pin(self.close()).await, &self.publisher) {
                self.counters.error("close_failed", &why);
            }
        }
        self.flush_counts(true);
        if let Some(p) = self.publisher.as_mut() {
            p.finish();
        }
        let mut report = ClientReport {
            connected: true,
            ..ClientReport::default()
        };
        if let Some(s) = self.subscriber.as_mut() {
            (report.subscribed, report.sub) = s.finish();
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
            // Small: every connection of a run closes at once (19,500 sinks of 4 KiB were
            // 78 MiB); what still comes is a few acknowledgements at most. In the boxed
            // close, not in every connection's task.
            let mut sink = [0u8; 256];
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
    use crate::commands::bench::plan::test_plan;

    /// Every connection's task is this future, idle or not, for its whole life: tens of
    /// thousands of them must fit in one process (README: about 3 KiB a connection in all).
    #[test]
    fn a_connection_task_is_small_whatever_state_it_is_in() {
        let plan = Arc::new(test_plan(&["conn", "-c", "1"]));
        let counters = Arc::new(Counters::new(0, 0, false).expect("counters"));
        let permit = Arc::new(tokio::sync::Semaphore::new(1))
            .try_acquire_owned()
            .expect("a permit");
        let (_ctl, rx) = watch::channel(Phase::Connect);
        let task = run(plan, counters, Role::Idle, 0, 0, permit, rx);
        let size = std::mem::size_of_val(&task);
        // About 1.2 KiB (unoptimized, as in a release build); the CONNACK's properties kept
        // in it were 1 KiB more, and a 4 KiB buffer held across an await (as the close once
        // held one) is far over.
        assert!(size <= 1536, "a connection's task takes {size} bytes");
    }
}
