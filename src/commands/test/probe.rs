//! What the checks of `mqtt test` stand on: a context (the connection options, the topic
//! prefix, how long to wait, what to clean up) and a probe, one session client through the
//! session API that publishes, subscribes and collects what arrives.
use std::cell::RefCell;
use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use bytes::Bytes;

use crate::cli::pubsub::ReconnectArgs;
use crate::commands::connecting;
use crate::protocol::{
    ConnAck, Properties, Publish, QoS, SubAck, SubOptions, Subscribe, Unsubscribe, Version,
};
use crate::session::{ConnectOptions, Request, Session, SessionSettings, Update};

/// A check's outcome: a verdict and what was sent and what came back.
pub type Outcome = (crate::output::tests_records::Verdict, String);

/// What every check of one run shares.
pub struct Ctx {
    pub base: ConnectOptions,
    pub version: Version,
    pub prefix: String,
    /// How long to wait for a message that must come.
    pub wait: Duration,
    pub max_payload: u64,
    /// A random tag in every client id of the run.
    tag: String,
    retained: RefCell<BTreeSet<String>>,
    sessions: RefCell<BTreeSet<String>>,
}

impl Ctx {
    pub fn new(base: ConnectOptions, version: Version, prefix: String, wait: Duration) -> Ctx {
        let tag: String = (0..8).map(|_| fastrand::alphanumeric()).collect();
        Ctx {
            base,
            version,
            prefix,
            wait,
            max_payload: 16 << 20,
            tag,
            retained: RefCell::default(),
            sessions: RefCell::default(),
        }
    }

    pub fn v5(&self) -> bool {
        self.version == Version::V5
    }

    /// How long to wait for what must not come.
    pub fn quiet(&self) -> Duration {
        self.wait / 4
    }

    /// A topic of check `check` (and `leaf`) under the run's prefix.
    pub fn topic(&self, check: &str, leaf: &str) -> String {
        format!("{}{check}/{leaf}", self.prefix)
    }

    /// A client id of check `check` (role `role`), unique to this run (at most 23 characters,
    /// what every broker must accept, for short check names).
    pub fn client_id(&self, check: &str, role: &str) -> String {
        // A hash of the whole name: two checks whose names start alike must not share an id
        // (a broker drops the older connection of a client id).
        let h = check.bytes().fold(0x811c_9dc5u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        format!("mt{}{:06x}{role}", self.tag, h & 0xff_ffff)
    }

    /// Options for client `id` (clean start unless `persist`), adjusted by `tweak`.
    pub fn options(
        &self,
        id: &str,
        persist: bool,
        tweak: impl FnOnce(&mut ConnectOptions),
    ) -> ConnectOptions {
        let mut o = self.base.clone();
        o.connect.version = self.version;
        o.version_fallback = false;
        o.connect.client_id = id.to_string();
        o.connect.clean_start = !persist;
        o.connect.will = None;
        if self.v5() && persist {
            o.connect.properties.session_expiry_interval = Some(300);
        }
        tweak(&mut o);
        if persist {
            self.sessions.borrow_mut().insert(id.to_string());
        }
        o
    }

    /// Connect with `opts` (no reconnecting: a check sees what the broker does).
    pub async fn connect(&self, opts: &ConnectOptions) -> Result<Probe, String> {
        self.connect_with(opts, false).await
    }

    /// As `connect`, acknowledging QoS 1/2 messages only on `ack`.
    pub async fn connect_with(
        &self,
        opts: &ConnectOptions,
        manual_ack: bool,
    ) -> Result<Probe, String> {
        let rc = ReconnectArgs {
            no_reconnect: true,
            reconnect_delay: Duration::from_millis(500),
            max_reconnects: Some(0),
        };
        let settings = SessionSettings {
            manual_ack,
            ..SessionSettings::default()
        };
        let connecting = connecting::connect(opts, &rc, settings);
        match tokio::time::timeout(self.wait * 5, connecting).await {
            Ok(Ok(session)) => Ok(Probe {
                connack: session.connack.clone(),
                session,
                inbox: VecDeque::new(),
                token: 0,
            }),
            Ok(Err(e)) => Err(format!("{e:#}")),
            Err(_) => Err("not connected in time".into()),
        }
    }

    /// A quick probe for `check` with a clean session.
    pub async fn probe(&self, check: &str, role: &str) -> Result<Probe, String> {
        let id = self.client_id(check, role);
        self.connect(&self.options(&id, false, |_| {})).await
    }

    /// Remember a retained message to clear at the end.
    pub fn retained(&self, topic: &str) {
        self.retained.borrow_mut().insert(topic.to_string());
    }

    /// Clear every retained message and remove every session the checks created.
    pub async fn clean_up(&self) {
        let topics: Vec<String> = self.retained.borrow().iter().cloned().collect();
        if !topics.is_empty() {
            if let Ok(mut p) = self.probe("cleanup", "r").await {
                for t in topics {
                    let _ = p.publish(&t, Bytes::new(), QoS::AtLeastOnce, true).await;
                }
                p.close().await;
            }
        }
        let ids: Vec<String> = self.sessions.borrow().iter().cloned().collect();
        for id in ids {
            let mut o = self.base.clone();
            o.connect.version = self.version;
            o.version_fallback = false;
            o.connect.client_id = id;
            o.connect.clean_start = true;
            o.connect.will = None;
            o.connect.properties.session_expiry_interval = None;
            if let Ok(p) = self.connect(&o).await {
                p.close().await;
            }
        }
    }
}

/// One client of a check.
pub struct Probe {
    pub session: Session,
    pub connack: ConnAck,
    inbox: VecDeque<Box<Publish>>,
    token: u64,
}

impl Probe {
    /// Subscribe to `filters`; the SUBACK (reason codes per filter).
    pub async fn subscribe_with(
        &mut self,
        filters: &[(&str, SubOptions)],
        properties: Properties,
        wait: Duration,
    ) -> Result<SubAck, String> {
        let sub = Subscribe {
            packet_id: 0,
            filters: filters.iter().map(|(f, o)| (f.to_string(), *o)).collect(),
            properties,
        };
        match tokio::time::timeout(wait * 5, self.session.subscribe(sub, |_| {})).await {
            Ok(Ok(ack)) => Ok(*ack),
            Ok(Err(e)) => Err(format!("SUBSCRIBE failed: {e:#}")),
            Err(_) => Err("no SUBACK in time".into()),
        }
    }

    pub async fn subscribe(
        &mut self,
        filter: &str,
        qos: QoS,
        wait: Duration,
    ) -> Result<SubAck, String> {
        self.subscribe_with(
            &[(filter, SubOptions::qos(qos))],
            Properties::default(),
            wait,
        )
        .await
    }

    pub async fn unsubscribe(&mut self, filter: &str, wait: Duration) -> Result<(), String> {
        let unsub = Unsubscribe {
            filters: vec![filter.to_string()],
            ..Unsubscribe::default()
        };
        match tokio::time::timeout(wait * 5, self.session.unsubscribe(unsub, |_| {})).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(format!("UNSUBSCRIBE failed: {e:#}")),
            Err(_) => Err("no UNSUBACK in time".into()),
        }
    }

    /// Publish and wait until it is done (acknowledged; QoS 0: written): the reason code.
    pub async fn publish(
        &mut self,
        topic: &str,
        payload: Bytes,
        qos: QoS,
        retain: bool,
    ) -> Result<u8, String> {
        let p = Publish {
            topic: topic.to_string(),
            payload,
            qos,
            retain,
            ..Publish::default()
        };
        self.send(p, false).await
    }

    /// Publish `p` (with `auto_alias`, topic aliases when the broker allows) and wait for its end.
    pub async fn send(&mut self, p: Publish, auto_alias: bool) -> Result<u8, String> {
        self.token += 1;
        let token = self.token;
        let req = Request::Publish {
            publish: Box::new(p),
            token,
            auto_alias,
        };
        self.session
            .send(req)
            .await
            .map_err(|e| format!("cannot publish: {e:#}"))?;
        let wait = async {
            loop {
                match self.session.next().await {
                    Some(Update::Published {
                        token: t, reason, ..
                    }) if t == token => return Ok(reason),
                    Some(Update::NotSent { token: t, error }) if t == token => {
                        return Err(format!("not sent: {error}"))
                    }
                    Some(Update::Message(m)) => self.inbox.push_back(m),
                    Some(Update::Closed(r)) => {
                        return Err(match r {
                            Ok(()) => "the connection closed".to_string(),
                            Err(e) => format!("{}", e.into_error("")),
                        })
                    }
                    Some(_) => {}
                    None => return Err("the connection closed".to_string()),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .unwrap_or_else(|_| Err("no acknowledgement in time".into()))
    }

    /// The next message within `within`.
    pub async fn expect(&mut self, within: Duration) -> Option<Box<Publish>> {
        if let Some(m) = self.inbox.pop_front() {
            return Some(m);
        }
        let next = async {
            loop {
                match self.session.next().await {
                    Some(Update::Message(m)) => return Some(m),
                    Some(Update::Closed(_)) | None => return None,
                    Some(_) => {}
                }
            }
        };
        tokio::time::timeout(within, next).await.ok().flatten()
    }

    /// Every message until none has come for `quiet`.
    pub async fn collect(&mut self, first: Duration, quiet: Duration) -> Vec<Box<Publish>> {
        let mut got = Vec::new();
        let mut wait = first;
        while let Some(m) = self.expect(wait).await {
            got.push(m);
            wait = quiet;
        }
        got
    }

    /// Acknowledge a message (probes connected with `manual_ack`).
    pub async fn ack(&mut self, m: &Publish) {
        let _ = self
            .session
            .send(Request::Ack(vec![(m.packet_id, m.qos)]))
            .await;
    }

    /// Disconnect politely.
    pub async fn close(mut self) {
        self.session.disconnect(Duration::from_secs(2)).await;
    }

    /// Drop the connection as a crash would (no DISCONNECT).
    pub fn abort(self) {
        self.session.abort();
    }
}

/// A payload's text for a detail line: at most 40 characters.
pub fn show(payload: &[u8]) -> String {
    let s = String::from_utf8_lossy(payload);
    if s.chars().count() > 40 {
        format!(
            "{}... ({} bytes)",
            s.chars().take(37).collect::<String>(),
            payload.len()
        )
    } else {
        format!("{s:?}")
    }
}

impl Probe {
    /// Wait up to `within` for the broker's DISCONNECT: `Ok(Some(d))` when it came,
    /// `Ok(None)` when nothing ended the session in time, `Err` with what ended it otherwise
    /// (messages that come meanwhile are kept for `expect`).
    pub async fn server_disconnect(
        &mut self,
        within: Duration,
    ) -> Result<Option<Box<crate::protocol::Disconnect>>, String> {
        let wait = async {
            loop {
                match self.session.next().await {
                    Some(Update::ServerDisconnect(d)) => return Ok(d),
                    Some(Update::Message(m)) => self.inbox.push_back(m),
                    Some(Update::Closed(r)) => {
                        return Err(match r {
                            Ok(()) => "the connection closed with no DISCONNECT".to_string(),
                            Err(e) => format!(
                                "the connection closed with no DISCONNECT: {}",
                                e.into_error("")
                            ),
                        })
                    }
                    Some(Update::Lost(e)) => {
                        return Err(format!("the connection was lost with no DISCONNECT: {e}"))
                    }
                    Some(_) => {}
                    None => return Err("the connection closed with no DISCONNECT".to_string()),
                }
            }
        };
        match tokio::time::timeout(within, wait).await {
            Ok(Ok(d)) => Ok(Some(d)),
            Ok(Err(e)) => Err(e),
            Err(_) => Ok(None),
        }
    }
}

impl Probe {
    /// As `expect`, but telling why when the session ended: `Err` with the reason.
    pub async fn expect_or_end(
        &mut self,
        within: Duration,
    ) -> Result<Option<Box<Publish>>, String> {
        if let Some(m) = self.inbox.pop_front() {
            return Ok(Some(m));
        }
        let next = async {
            loop {
                match self.session.next().await {
                    Some(Update::Message(m)) => return Ok(m),
                    Some(Update::ServerDisconnect(d)) => {
                        return Err(format!("the broker sent DISCONNECT {:#04x}", d.reason))
                    }
                    Some(Update::Closed(Ok(()))) | None => {
                        return Err("the connection closed".to_string())
                    }
                    Some(Update::Closed(Err(e))) => return Err(format!("{}", e.into_error(""))),
                    Some(_) => {}
                }
            }
        };
        match tokio::time::timeout(within, next).await {
            Ok(Ok(m)) => Ok(Some(m)),
            Ok(Err(e)) => Err(e),
            Err(_) => Ok(None),
        }
    }
}
