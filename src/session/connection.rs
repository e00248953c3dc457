//! The async driver: opens the transport, does the CONNECT/CONNACK handshake, then moves bytes
//! between the socket and `State`, and timers into it. All MQTT rules live in `state`.
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use super::event::EndKind;
pub use super::event::{Notice, Request, SessionError};
use super::handshake::decode_limits;
pub use super::handshake::{handshake, Handshake};
use super::options::ConnectOptions;
use super::state::{Config, State};
use super::transport::Stream;
use crate::protocol::{ConnAck, Disconnect, Limits, Packet, Publish, Subscribe, Version};
use reconnect::Backoff;
pub use reconnect::Reconnect;

/// Settings of a running session beyond the connect options.
#[derive(Clone, Debug, Default)]
pub struct SessionSettings {
    pub reconnect: Reconnect,
    /// The user's cap on the QoS 1/2 window (`--max-inflight`).
    pub max_inflight: Option<u16>,
    /// The command's cap when the user gave none and the broker announces its Receive Maximum.
    pub default_inflight: Option<u16>,
    /// Capacity of the notice channel (backpressure towards the socket when the command lags).
    pub notice_capacity: usize,
    /// Incoming QoS 1/2 messages are acknowledged only by `Request::Ack`.
    pub manual_ack: bool,
    /// A publisher: release the packet ids of flows an earlier process left in a resumed
    /// session (see `state::Config::release_on_resume`).
    pub release_on_resume: bool,
}

/// A running session: send requests, receive notices.
pub struct Session {
    pub requests: mpsc::Sender<Request>,
    /// The driver task: `abort` ends it as a crash would.
    pub(super) driver: tokio::task::AbortHandle,
    pub(super) notices: mpsc::Receiver<Notice>,
    /// Messages that arrived while a SUBSCRIBE waited for its SUBACK, for `next`.
    pub(super) early: VecDeque<Box<Publish>>,
    pub connack: ConnAck,
    pub version: Version,
    /// The QoS 1/2 window of the first connection (the broker's limit and ours).
    pub window: u16,
}

impl Session {
    /// Start the driver on an accepted handshake.
    pub fn start(
        mut opts: ConnectOptions,
        tls: Option<Arc<rustls::ClientConfig>>,
        hs: Handshake,
        settings: SessionSettings,
    ) -> Session {
        let (req_tx, req_rx) = mpsc::channel(1024);
        let (note_tx, note_rx) = mpsc::channel(settings.notice_capacity.max(16));
        let connack = hs.connack.clone();
        let version = hs.version;
        // Reconnects ask for the version that was accepted.
        opts.connect.version = version;
        opts.version_fallback = false;
        let now = Instant::now();
        let our = &opts.connect.properties;
        let cfg = Config {
            version,
            keep_alive: opts.connect.keep_alive,
            receive_maximum: our.receive_maximum.unwrap_or(u16::MAX),
            topic_alias_maximum: our.topic_alias_maximum.unwrap_or(0),
            max_inflight: settings.max_inflight,
            default_inflight: settings.default_inflight,
            enhanced_auth: our.authentication_method.is_some(),
            release_on_resume: settings.release_on_resume,
            manual_ack: settings.manual_ack,
        };
        let mut state = State::new(cfg, now);
        let (resend, events) = state.on_connack(&hs.connack, version, now);
        let window = state.send_window();
        let driver = Driver {
            limits: decode_limits(&opts),
            opts,
            tls,
            state,
            settings,
            notices: note_tx,
            pending: events.into_iter().map(Notice::Event).collect(),
            queued: VecDeque::new(),
            subscriptions: Vec::new(),
            renewals: Vec::new(),
            completed: 0,
            closing: None,
        };
        let task = tokio::spawn(driver.run(req_rx, hs.stream, hs.leftover, resend));
        Session {
            driver: task.abort_handle(),
            requests: req_tx,
            notices: note_rx,
            early: VecDeque::new(),
            connack,
            version,
            window,
        }
    }
}

/// A SUBSCRIBE the command asked for, kept to renew it after a reconnect.
struct Subscription {
    packet: Subscribe,
    /// The packet id it was last sent with.
    id: u16,
    /// Its SUBACK reached the command. Until then a resend's SUBACK is the command's answer.
    answered: bool,
}

struct Driver {
    opts: ConnectOptions,
    tls: Option<Arc<rustls::ClientConfig>>,
    limits: Limits,
    state: State,
    settings: SessionSettings,
    notices: mpsc::Sender<Notice>,
    pending: VecDeque<Notice>,
    /// Publishes waiting for room in the send window.
    queued: VecDeque<(Box<Publish>, u64, bool)>,
    /// Every SUBSCRIBE sent, to renew them when a reconnect finds no session.
    subscriptions: Vec<Subscription>,
    /// Packet ids of renewals whose SUBACK the command already had (not reported again).
    renewals: Vec<u16>,
    /// Publishes completed (acknowledged, or written for QoS 0) over the session's life.
    completed: u64,
    closing: Option<Disconnect>,
}

/// Why a connection ended.
enum End {
    /// We sent DISCONNECT.
    Closed,
    /// Lost: may reconnect.
    Lost(String),
    /// For good.
    Fatal(SessionError),
}

const MAX_PENDING: usize = 256;
/// See `Driver::run`: reconnects that make no progress before giving up.
const MAX_STALLED_LOSSES: u32 = 5;
const MAX_WBUF: usize = 1 << 20;

impl Driver {
    async fn run(
        mut self,
        mut requests: mpsc::Receiver<Request>,
        stream: Stream,
        leftover: BytesMut,
        resend: Vec<Packet>,
    ) {
        let mut stream = stream;
        let mut leftover = leftover;
        let mut resend = resend;
        // Attempts and backoff carry over from one loss to the next and start afresh only after
        // a connection did some work: a broker that accepts and then closes at once is not
        // hammered forever, and --max-reconnects counts such connections too.
        let mut backoff = Backoff::new(&self.settings.reconnect);
        // Losses in a row with publishes in flight and none completed since the last loss:
        // a broker that drops the connection over one message would otherwise be fed it forever.
        let mut stalled = 0u32;
        let mut completed_at_loss = self.completed;
        let outcome = loop {
            let end = self.serve(&mut requests, stream, leftover, resend).await;
            let end = match (end, self.state.on_connection_lost()) {
                (End::Lost(_), Err(e)) => End::Fatal(e.into()),
                (end, _) => end,
            };
            if self.state.did_work() {
                backoff = Backoff::new(&self.settings.reconnect);
            }
            match end {
                End::Closed => break Ok(()),
                End::Fatal(e) => break Err(e),
                // Closing and nothing left unacknowledged: only the DISCONNECT was lost.
                End::Lost(_) if self.closing.is_some() && self.all_sent() => break Ok(()),
                // Closing with messages still unacknowledged goes on like any loss: reconnect
                // (and resend) when allowed, so a stream that has ended loses nothing.
                End::Lost(msg) if !self.settings.reconnect.enabled => {
                    break Err(SessionError::new(EndKind::Lost, msg))
                }
                End::Lost(msg) => {
                    if self.state.inflight() > 0 && self.completed == completed_at_loss {
                        stalled += 1;
                    } else {
                        stalled = 0;
                    }
                    completed_at_loss = self.completed;
                    if stalled >= MAX_STALLED_LOSSES {
                        break Err(SessionError::new(
                            EndKind::Lost,
                            format!(
                                "{msg}; gave up: the connection was lost {stalled} times in a row \
                                 with the same {} message(s) unacknowledged (does the broker refuse \
                                 them, e.g. as larger than its maximum packet size?)",
                                self.state.inflight()
                            ),
                        ));
                    }
                    if self.notify(Notice::ConnectionLost(msg)).await.is_err() {
                        return;
                    }
                    match self.reconnect(&mut backoff).await {
                        Ok((hs, packets)) => {
                            stream = hs.0;
                            leftover = hs.1;
                            resend = packets;
                        }
                        Err(e) => break Err(e),
                    }
                }
            }
        };
        // Whatever is left to tell, then the end.
        while let Some(n) = self.pending.pop_front() {
            if self.notices.send(n).await.is_err() {
                return;
            }
        }
        let _ = self.notices.send(Notice::Closed(outcome)).await;
    }

    async fn notify(&mut self, n: Notice) -> Result<(), ()> {
        while let Some(p) = self.pending.pop_front() {
            self.notices.send(p).await.map_err(|_| ())?;
        }
        self.notices.send(n).await.map_err(|_| ())
    }

    async fn serve(
        &mut self,
        requests: &mut mpsc::Receiver<Request>,
        stream: Stream,
        leftover: BytesMut,
        resend: Vec<Packet>,
    ) -> End {
        let notices = self.notices.clone();
        let tcp_fd = stream.tcp_fd();
        let (mut rd, mut wr) = tokio::io::split(stream);
        let mut rbuf = leftover;
        let mut wbuf = BytesMut::with_capacity(64 * 1024);
        let mut out = Vec::new();
        let mut events = Vec::new();
        let mut disconnect_sent = false;
        for p in &resend {
            if let Err(e) = self.encode(p, &mut wbuf) {
                return e;
            }
        }
        // Packets that came with the CONNACK.
        if let Err(e) = self.absorb(&mut rbuf, &mut wbuf, &mut out, &mut events) {
            return e;
        }
        loop {
            if let Err(e) = self.pump(&mut wbuf) {
                return e;
            }
            // DISCONNECT goes out once every earlier publish is written and acknowledged.
            if !disconnect_sent {
                if let Some(d) = &self.closing {
                    if self.all_sent() {
                        let d = d.clone();
                        if let Err(e) = self.encode(&Packet::Disconnect(d), &mut wbuf) {
                            return e;
                        }
                        disconnect_sent = true;
                    }
                }
            }
            let deadline = self.state.next_deadline();
            let read_room = self.pending.len() < MAX_PENDING;
            self.state.set_receiving(read_room);
            let take_requests =
                self.closing.is_none() && self.queued.len() < MAX_PENDING && wbuf.len() < MAX_WBUF;
            tokio::select! {
                biased;
                permit = notices.reserve(), if !self.pending.is_empty() => {
                    match permit {
                        Ok(permit) => {
                            if let Some(n) = self.pending.pop_front() {
                                permit.send(n);
                            }
                        }
                        // The command is gone: nothing more to do.
                        Err(_) => return End::Closed,
                    }
                }
                r = wr.write_buf(&mut wbuf), if !wbuf.is_empty() => {
                    match r {
                        Ok(n) => super::transport::count_written(n),
                        Err(e) => return self.lost(&format!("write failed: {e}")),
                    }
                    if wbuf.is_empty() {
                        if let Err(e) = wr.flush().await {
                            return self.lost(&format!("write failed: {e}"));
                        }
                        self.state.on_sent(Instant::now());
                        if disconnect_sent {
                            let _ = wr.shutdown().await;
                            return End::Closed;
                        }
                    }
                }
                r = rd.read_buf(&mut rbuf), if read_room => {
                    match r {
                        Ok(0) if rbuf.is_empty() => return self.lost("the broker closed the connection"),
                        Ok(0) => {
                            return self.lost(&format!(
                                "the broker closed the connection in the middle of a packet ({} bytes of it received)",
                                rbuf.len()
                            ))
                        }
                        Ok(_) => {
                            if let Err(e) = self.absorb(&mut rbuf, &mut wbuf, &mut out, &mut events) {
                                // Tell the broker why, best effort, before closing.
                                let _ = tokio::time::timeout(Duration::from_millis(200), async {
                                    let _ = wr.write_all_buf(&mut wbuf).await;
                                    let _ = wr.flush().await;
                                }).await;
                                return e;
                            }
                            // Acknowledgements of ours awaited and nothing of ours to write
                            // that would carry the TCP ACK: ACK at once, so that the broker's
                            // next acknowledgements are not held back (`transport::quick_ack`).
                            if self.state.unfinished() > 0 && wbuf.is_empty() && self.queued.is_empty() {
                                super::transport::quick_ack(tcp_fd);
                            }
                            if rbuf.capacity() - rbuf.len() < 4096 {
                                rbuf.reserve(64 * 1024);
                            }
                        }
                        Err(e) => return self.lost(&format!("read failed: {e}")),
                    }
                }
                req = requests.recv(), if take_requests => {
                    match req {
                        Some(req) => {
                            if let Err(e) = self.on_request(req, &mut wbuf) {
                                return e;
                            }
                            // Take what else is ready in one go: fewer, larger writes.
                            for _ in 0..255 {
                                if self.closing.is_some() || self.queued.len() >= MAX_PENDING {
                                    break;
                                }
                                match requests.try_recv() {
                                    Ok(req) => if let Err(e) = self.on_request(req, &mut wbuf) { return e; },
                                    Err(_) => break,
                                }
                            }
                        }
                        // The command dropped its sender: disconnect normally.
                        None => self.closing = Some(Disconnect::default()),
                    }
                }
                _ = sleep_until(deadline), if deadline.is_some() => {
                    let now = Instant::now();
                    // Publishes the broker answered "Quota exceeded" go first again.
                    for (publish, token) in self.state.due_retries(now).into_iter().rev() {
                        self.queued.push_front((publish, token, false));
                    }
                    match self.state.on_tick(now) {
                        Ok(Some(p)) => if let Err(e) = self.encode(&p, &mut wbuf) { return e; },
                        Ok(None) => {}
                        Err(e) => return self.lost(&e.to_string()),
                    }
                }
            }
        }
    }

    fn lost(&self, why: &str) -> End {
        End::Lost(format!("connection to {} lost: {why}", self.opts.address()))
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(tokio::time::Instant::from_std(d)).await,
        None => std::future::pending().await,
    }
}

#[path = "connection_packets.rs"]
mod packets;
#[path = "connection_reconnect.rs"]
mod reconnect;
