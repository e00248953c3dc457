//! `mqtt bench conn|pub|sub|pubsub|merge`: the load generator.
//!
//! The command line becomes a [`Plan`] (everything checked before any connection). The
//! collector launches one lean task per connection (`client`) at the connect rate, moves
//! them through the run's phases over a watch channel (connect, run from a common start
//! time, stop publishing, close), prints a `tick` record every second from shared counters,
//! and ends with a `summary` record built from the counters, the latency histograms and what
//! each client reports.
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::ops::Range;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use bytes::Bytes;
use hdrhistogram::Histogram;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use super::common;
use crate::cli::bench::{BenchCommand, PublishArgs, RunArgs, Shard};
use crate::cli::ConnectArgs;
use crate::exit;
use crate::output::Output;
use crate::protocol::{topic, QoS};
use crate::session::ConnectOptions;

pub mod client;
pub mod coalesce;
pub mod header;
pub mod limits;
pub mod pacer;
pub mod rate;
pub mod report;
pub mod stats;
pub mod verdict;
pub mod written;

use client::ClientReport;
use header::HEADER_LEN;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    Conn,
    Pub,
    Sub,
    PubSub,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Conn => "conn",
            Scenario::Pub => "pub",
            Scenario::Sub => "sub",
            Scenario::PubSub => "pubsub",
        }
    }
}

/// What a connection does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Connects and holds (conn).
    Idle,
    Pub,
    Sub,
}

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

/// The run's clock: nanoseconds since the UNIX epoch, read from a monotonic clock, so that
/// publishers and subscribers in one process share it and other processes on the same host
/// agree with it closely.
pub struct Epoch {
    instant: Instant,
    unix_ns: u64,
}

impl Epoch {
    pub fn new() -> Epoch {
        let unix_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Epoch {
            instant: Instant::now(),
            unix_ns,
        }
    }

    pub fn now_ns(&self) -> u64 {
        self.unix_ns + self.instant.elapsed().as_nanos() as u64
    }

    pub fn ns_at(&self, t: Instant) -> u64 {
        self.unix_ns + t.saturating_duration_since(self.instant).as_nanos() as u64
    }

    pub fn instant_at(&self, ns: u64) -> Instant {
        self.instant + Duration::from_nanos(ns.saturating_sub(self.unix_ns))
    }
}

impl Default for Epoch {
    fn default() -> Self {
        Epoch::new()
    }
}

/// Everything a run needs, validated before any connection.
pub struct Plan {
    pub scenario: Scenario,
    /// Connect options per broker (`-h a,b:1884`); client i uses host i % len.
    pub hosts: Vec<ConnectOptions>,
    pub tls: Option<Arc<rustls::ClientConfig>>,
    pub source_ips: Vec<IpAddr>,
    /// Client id templates for idle, publishing and subscribing clients.
    id_templates: [String; 3],
    pub shard: Shard,
    pub clients_total: u64,
    pub conns: Range<u64>,
    pub pubs: Range<u64>,
    pub pubs_total: u64,
    pub subs: Range<u64>,
    pub topic: String,
    pub qos: QoS,
    pub retain: bool,
    pub body: Bytes,
    /// This process's share of --rate.
    pub rate: Option<f64>,
    pub interval: Option<Duration>,
    /// --max-inflight; the default depends on the protocol version (see `limits::window`).
    pub max_inflight: Option<u16>,
    /// Most time idle threads wait before sleeping on their sockets (as fast as possible only).
    pub coalesce: Duration,
    pub count: Option<u64>,
    pub limit: Option<u64>,
    pub sub_filter: String,
    pub sub_qos: QoS,
    pub sub_count: Option<u64>,
    pub sub_limit: Option<u64>,
    pub duration: Option<Duration>,
    pub warmup: Duration,
    pub drain: Duration,
    pub connect_rate: Option<f64>,
    pub connect_concurrency: u32,
    pub json: Option<PathBuf>,
    pub progress: bool,
    pub histograms: bool,
}

/// Replace `%i` (index), `%c` (client id), `%s` (sequence, when given) and `%%`.
pub fn render(template: &str, index: u64, client_id: &str, seq: Option<u64>) -> String {
    if !template.contains('%') {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len() + 16);
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('i') => out.push_str(&index.to_string()),
            Some('c') => out.push_str(client_id),
            Some('s') => match seq {
                Some(s) => out.push_str(&s.to_string()),
                None => out.push_str("%s"),
            },
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// The subscription filter that receives every topic of `template`: templated levels become `+`.
pub fn filter_for(template: &str) -> String {
    template
        .split('/')
        .map(|level| if level.contains('%') { "+" } else { level })
        .collect::<Vec<_>>()
        .join("/")
}

/// Shard `k` of `n` of `total` items: a contiguous range.
pub fn shard_range(total: u64, shard: Shard) -> Range<u64> {
    let share = |k: u64| (u128::from(total) * u128::from(k) / u128::from(shard.count)) as u64;
    share(shard.index)..share(shard.index + 1)
}

/// Parse `--source-ip`: addresses and ranges separated by commas.
pub fn source_ips(spec: &str) -> Result<Vec<IpAddr>> {
    let bad = |why: String| exit::usage(format!("invalid --source-ip '{spec}': {why}"));
    let mut ips = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let a: IpAddr = a
                    .trim()
                    .parse()
                    .map_err(|_| bad(format!("'{a}' is not an IP address")))?;
                let b: IpAddr = b
                    .trim()
                    .parse()
                    .map_err(|_| bad(format!("'{b}' is not an IP address")))?;
                let (lo, hi) = match (a, b) {
                    (IpAddr::V4(a), IpAddr::V4(b)) => {
                        (u128::from(u32::from(a)), u128::from(u32::from(b)))
                    }
                    (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b)),
                    _ => return Err(bad("a range needs two addresses of one family".into())),
                };
                if hi < lo || hi - lo >= 65_536 {
                    return Err(bad(
                        "a range runs upwards and holds at most 65536 addresses".into(),
                    ));
                }
                for v in lo..=hi {
                    ips.push(match a {
                        IpAddr::V4(_) => IpAddr::V4((v as u32).into()),
                        IpAddr::V6(_) => IpAddr::V6(v.into()),
                    });
                }
            }
            None => ips.push(
                part.parse()
                    .map_err(|_| bad(format!("'{part}' is not an IP address")))?,
            ),
        }
    }
    if ips.is_empty() {
        return Err(bad("no address".into()));
    }
    Ok(ips)
}

/// Split `-h a,b:1884,[::1]:1885` into hosts with optional ports.
pub fn host_list(spec: &str) -> Result<Vec<(String, Option<u16>)>> {
    let mut hosts = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad_port = |p: &str| exit::usage(format!("invalid port '{p}' in -h '{spec}'"));
        let (host, port) = if let Some(rest) = item.strip_prefix('[') {
            let (h, after) = rest
                .split_once(']')
                .ok_or_else(|| exit::usage(format!("unclosed '[' in -h '{spec}'")))?;
            match after.strip_prefix(':') {
                Some(p) => (h.to_string(), Some(p.parse().map_err(|_| bad_port(p))?)),
                None => (h.to_string(), None),
            }
        } else if item.matches(':').count() == 1 {
            let (h, p) = item.split_once(':').unwrap_or((item, ""));
            (h.to_string(), Some(p.parse().map_err(|_| bad_port(p))?))
        } else {
            (item.to_string(), None)
        };
        hosts.push((host, port));
    }
    if hosts.is_empty() {
        return Err(exit::usage("the broker host is empty"));
    }
    Ok(hosts)
}

fn shard_of(run: &RunArgs) -> Result<Shard> {
    if let Some(s) = run.shard {
        return Ok(s);
    }
    let Some(count) = run.shards else {
        return Ok(Shard::default());
    };
    let index = std::env::var("JOB_COMPLETION_INDEX").map_err(|_| {
        exit::usage("--shards needs JOB_COMPLETION_INDEX in the environment (or give --shard K/N)")
    })?;
    let index: u64 = index
        .trim()
        .parse()
        .map_err(|_| exit::usage(format!("JOB_COMPLETION_INDEX '{index}' is not a number")))?;
    if count == 0 || index >= count {
        return Err(exit::usage(format!(
            "JOB_COMPLETION_INDEX {index} is not below --shards {count}"
        )));
    }
    Ok(Shard { index, count })
}

impl Plan {
    pub fn from_command(cmd: &BenchCommand) -> Result<Plan> {
        let (scenario, connect, run, publish) = match cmd {
            BenchCommand::Conn(a) => (Scenario::Conn, &a.connect, &a.run, None),
            BenchCommand::Pub(a) => (Scenario::Pub, &a.connect, &a.run, Some(&a.publish)),
            BenchCommand::Sub(a) => (Scenario::Sub, &a.connect, &a.run, None),
            BenchCommand::Pubsub(a) => (Scenario::PubSub, &a.connect, &a.run, Some(&a.publish)),
            BenchCommand::Merge(_) => return Err(exit::usage("merge runs no scenario")),
        };
        let shard = shard_of(run)?;
        let (hosts, tls, source_ips) = connect_plan(connect)?;
        let clients_total = run.clients.unwrap_or(match scenario {
            Scenario::Conn => 100,
            Scenario::Sub => 1,
            Scenario::Pub | Scenario::PubSub => 10,
        });
        if clients_total == 0 {
            return Err(exit::usage("-c must be at least 1"));
        }
        let local = shard_range(clients_total, shard);
        let mut plan = Plan {
            scenario,
            hosts,
            tls,
            source_ips,
            id_templates: id_templates(connect, clients_total)?,
            shard,
            clients_total,
            conns: 0..0,
            pubs: 0..0,
            pubs_total: 0,
            subs: 0..0,
            topic: String::new(),
            qos: QoS::AtMostOnce,
            retain: false,
            body: Bytes::new(),
            rate: None,
            interval: None,
            max_inflight: None,
            coalesce: Duration::ZERO,
            count: None,
            limit: None,
            sub_filter: String::new(),
            sub_qos: QoS::AtMostOnce,
            sub_count: None,
            sub_limit: None,
            duration: run.duration,
            warmup: run.warmup.unwrap_or_default(),
            drain: Duration::from_secs(5),
            connect_rate: run.connect_rate,
            connect_concurrency: run.connect_concurrency,
            json: run.json.clone(),
            progress: !run.no_progress && std::io::IsTerminal::is_terminal(&std::io::stderr()),
            histograms: !run.no_histograms,
        };
        match cmd {
            BenchCommand::Conn(_) => plan.conns = local,
            BenchCommand::Pub(_) => plan.pubs = local,
            BenchCommand::Sub(a) => {
                plan.subs = local;
                plan.sub_filter = a.topic.clone();
                plan.sub_qos = a.qos;
                plan.sub_count = a.count;
                plan.sub_limit = a.limit;
            }
            BenchCommand::Pubsub(a) => {
                plan.pubs = local;
                if a.subscribers == 0 {
                    return Err(exit::usage("--subscribers must be at least 1"));
                }
                plan.subs = shard.index * a.subscribers..(shard.index + 1) * a.subscribers;
                plan.sub_filter = a
                    .sub_topic
                    .clone()
                    .unwrap_or_else(|| filter_for(&a.publish.topic));
                plan.sub_qos = a.sub_qos.unwrap_or(a.publish.qos);
                plan.drain = a.drain;
            }
            BenchCommand::Merge(_) => {}
        }
        if let Some(p) = publish {
            plan.apply_publish(p)?;
        }
        if !plan.subs.is_empty() {
            let f = render(
                &plan.sub_filter,
                plan.subs.start,
                &plan.client_id(Role::Sub, plan.subs.start),
                None,
            );
            topic::validate_filter(&f)
                .map_err(|e| exit::usage(format!("-t '{}': {e}", plan.sub_filter)))?;
        }
        Ok(plan)
    }

    fn apply_publish(&mut self, p: &PublishArgs) -> Result<()> {
        self.pubs_total = self.clients_total;
        self.topic = p.topic.clone();
        let id = self.client_id(Role::Pub, self.pubs.start);
        let t = render(&p.topic, self.pubs.start, &id, Some(0));
        topic::validate_name(&t).map_err(|e| exit::usage(format!("-t '{}': {e}", p.topic)))?;
        self.qos = p.qos;
        self.retain = p.retain;
        self.body = if let Some(size) = p.size {
            let size = usize::try_from(size).map_err(|_| exit::usage("-s is too large"))?;
            if size < HEADER_LEN {
                return Err(exit::usage(format!(
                    "-s {size}: a bench payload has at least the {HEADER_LEN}-byte header"
                )));
            }
            if size > 256 * 1024 * 1024 {
                return Err(exit::usage("-s is larger than an MQTT packet can be"));
            }
            Bytes::from(vec![b'x'; size - HEADER_LEN])
        } else if let Some(m) = &p.message {
            Bytes::from(m.clone().into_bytes())
        } else if let Some(f) = &p.file {
            Bytes::from(
                std::fs::read(f)
                    .map_err(|e| exit::usage(format!("cannot read -f {}: {e}", f.display())))?,
            )
        } else {
            Bytes::from(vec![b'x'; 256 - HEADER_LEN])
        };
        self.rate = p
            .rate
            .map(|r| r * (self.pubs.end - self.pubs.start) as f64 / self.pubs_total as f64);
        self.interval = p.interval;
        if p.interval == Some(Duration::ZERO) {
            return Err(exit::usage(
                "-I must be above 0 (leave out -I and --rate to publish as fast as possible)",
            ));
        }
        self.max_inflight = p.max_inflight;
        self.coalesce = p.coalesce;
        self.count = p.count;
        self.limit = p.limit;
        Ok(())
    }

    pub fn host_of(&self, index: u64) -> usize {
        (index % self.hosts.len() as u64) as usize
    }

    pub fn client_id(&self, role: Role, index: u64) -> String {
        let t = match role {
            Role::Idle => &self.id_templates[0],
            Role::Pub => &self.id_templates[1],
            Role::Sub => &self.id_templates[2],
        };
        render(t, index, "", None)
    }

    /// Messages publisher `index` sends: --count, and its share of --limit.
    pub fn count_for(&self, index: u64) -> Option<u64> {
        let share = self.limit.map(|l| {
            let n = self.pubs_total.max(1);
            l / n + u64::from(index < l % n)
        });
        match (self.count, share) {
            (Some(c), Some(s)) => Some(c.min(s)),
            (c, s) => c.or(s),
        }
    }

    pub fn connections(&self) -> u64 {
        (self.conns.end - self.conns.start)
            + (self.pubs.end - self.pubs.start)
            + (self.subs.end - self.subs.start)
    }

    /// Whether the run ends by itself (otherwise Ctrl-C is its normal end).
    fn bounded(&self) -> bool {
        self.duration.is_some()
            || match self.scenario {
                Scenario::Conn => false,
                Scenario::Pub | Scenario::PubSub => self.count.is_some() || self.limit.is_some(),
                Scenario::Sub => self.sub_count.is_some() || self.sub_limit.is_some(),
            }
    }
}

fn id_templates(connect: &ConnectArgs, clients: u64) -> Result<[String; 3]> {
    if let Some(t) = &connect.client_id {
        if clients > 1 && !t.contains("%i") {
            return Err(exit::usage(format!(
                "-i '{t}': with more than one client the id template needs %i"
            )));
        }
        return Ok([t.clone(), t.clone(), t.clone()]);
    }
    let tag: String = (0..6).map(|_| fastrand::alphanumeric()).collect();
    let p = &connect.id_prefix;
    Ok([
        format!("{p}{tag}-c%i"),
        format!("{p}{tag}-p%i"),
        format!("{p}{tag}-s%i"),
    ])
}

type ConnectPlan = (
    Vec<ConnectOptions>,
    Option<Arc<rustls::ClientConfig>>,
    Vec<IpAddr>,
);

fn connect_plan(connect: &ConnectArgs) -> Result<ConnectPlan> {
    let mut args = connect.clone();
    let source_ips = match args.source_ip.take() {
        Some(spec) => source_ips(&spec)?,
        None => Vec::new(),
    };
    let hosts = host_list(&connect.host)?;
    args.host = hosts[0].0.clone();
    let base = args.options()?;
    let mut all = Vec::new();
    if connect.url.is_some() {
        all.push(base.clone());
    } else {
        for (host, port) in hosts {
            let mut o = base.clone();
            o.host = host;
            o.port = port.or(connect.port).unwrap_or(o.scheme.default_port());
            all.push(o);
        }
    }
    let tls = super::common::tls_config(&base)?;
    Ok((all, tls, source_ips))
}

/// Resolve each broker's name once, so that thousands of connections do not each ask the
/// resolver. TLS keeps the name for SNI and verification; WebSocket keeps it for the URL.
async fn resolve_hosts(hosts: &mut [ConnectOptions]) -> Result<()> {
    for o in hosts.iter_mut() {
        if o.host.parse::<IpAddr>().is_ok() || o.scheme.is_ws() {
            continue;
        }
        let mut addrs = tokio::net::lookup_host((o.host.as_str(), o.port))
            .await
            .map_err(|e| exit::connect(format!("cannot resolve {}: {e}", o.host)))?;
        let addr = addrs.next();
        drop(addrs);
        let addr =
            addr.ok_or_else(|| exit::connect(format!("{} has no address to connect to", o.host)))?;
        if o.scheme.is_tls() && o.tls.sni.is_none() {
            o.tls.sni = Some(o.host.clone());
        }
        o.host = addr.ip().to_string();
    }
    Ok(())
}

/// Raise the soft open-file limit to the hard limit; returns the limit now in force.
#[allow(clippy::unnecessary_cast)] // rlim_t is not u64 everywhere
fn raise_open_files() -> u64 {
    // SAFETY: getrlimit/setrlimit with a valid pointer to an rlimit.
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) != 0 {
            return u64::MAX;
        }
        if r.rlim_cur < r.rlim_max {
            let wanted = libc::rlimit {
                rlim_cur: r.rlim_max,
                rlim_max: r.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &wanted) == 0 {
                r.rlim_cur = r.rlim_max;
            }
        }
        r.rlim_cur as u64
    }
}

pub const OPEN_FILES_HINT: &str = "raise the hard open-file limit (ulimit -Hn as root, LimitNOFILE= for a \
systemd service, nofile in /etc/security/limits.conf, or the container's ulimits), or split the load over \
several processes with --shard K/N";

pub const PORTS_HINT: &str = "each (source address, broker) pair has about 28k ephemeral ports: spread the \
connections over more source addresses with --source-ip (e.g. 127.0.0.1-127.0.0.8 on loopback), or widen \
net.ipv4.ip_local_port_range";

/// Counters and histograms every connection adds to.
pub struct Shared {
    pub epoch: Arc<Epoch>,
    /// Precise wake-ups for scheduled publishing (none when nothing is scheduled).
    pub pacer: Option<Arc<pacer::Pacer>>,
    pub warmup_end_ns: AtomicU64,
    pub connected: AtomicU64,
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
}

pub struct Hists {
    pub connect: Histogram<u64>,
    pub ack: Histogram<u64>,
    pub e2e: Histogram<u64>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(pubs: usize, subs: usize, paced: bool) -> std::io::Result<Shared> {
        let epoch = Arc::new(Epoch::new());
        let pacer = if paced {
            Some(pacer::Pacer::start(epoch.clone())?)
        } else {
            None
        };
        Ok(Shared {
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
        })
    }

    pub fn error(&self, kind: &str, message: &str) {
        let mut m = lock(&self.errors);
        let e = m
            .entry(kind.to_string())
            .or_insert_with(|| (0, message.to_string()));
        e.0 += 1;
    }

    pub fn connect_failure(&self, kind: &str, message: &str) {
        {
            let mut m = lock(&self.connect_failures);
            let e = m
                .entry(kind.to_string())
                .or_insert_with(|| (0, message.to_string()));
            e.0 += 1;
        }
        self.connect_failed.fetch_add(1, Relaxed);
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
        lock(&self.errors)
            .iter()
            .map(|(k, v)| (k.clone(), v.0))
            .collect()
    }

    pub fn connect_failure_counts(&self) -> BTreeMap<String, u64> {
        lock(&self.connect_failures)
            .iter()
            .map(|(k, v)| (k.clone(), v.0))
            .collect()
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
    fn of(s: &Shared) -> Counts {
        Counts {
            sent: s.sent.load(Relaxed),
            acked: s.acked.load(Relaxed),
            received: s.received.load(Relaxed),
        }
    }
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

enum Wait {
    Met,
    Deadline,
    Closing,
}

struct Collector {
    plan: Arc<Plan>,
    shared: Arc<Shared>,
    ctl: Arc<watch::Sender<Phase>>,
    set: JoinSet<ClientReport>,
    ordinal: u64,
    launch_start: Instant,
    measure_from: Option<Instant>,
    at_measure: Option<Counts>,
}

impl Collector {
    fn closing(&self) -> bool {
        matches!(*self.ctl.borrow(), Phase::Close)
    }

    /// Keep the warmup snapshot up to date while waiting.
    fn snapshot(&mut self) {
        if self.at_measure.is_none() {
            if let Some(t) = self.measure_from {
                if Instant::now() >= t {
                    self.at_measure = Some(Counts::of(&self.shared));
                }
            }
        }
    }

    /// Stop the run once a CONNACK said that its messages cannot fit.
    fn stop_if_too_large(&self) {
        if self.shared.too_large.get().is_some() && !self.closing() {
            self.ctl.send_replace(Phase::Close);
        }
    }

    async fn wait(&mut self, cond: impl Fn(&Shared) -> bool, deadline: Option<Instant>) -> Wait {
        loop {
            self.snapshot();
            self.stop_if_too_large();
            if self.closing() {
                return Wait::Closing;
            }
            if cond(&self.shared) {
                return Wait::Met;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Wait::Deadline;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
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
            self.set.spawn(client::run(
                self.plan.clone(),
                self.shared.clone(),
                role,
                index,
                self.ordinal,
                permit,
                self.ctl.subscribe(),
            ));
            self.ordinal += 1;
        }
    }

    async fn run(mut self) -> Outcome {
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
        let nobody = self.shared.connected.load(Relaxed) == 0;
        if !self.closing() && !nobody {
            // A common start shortly ahead, so that every publisher has heard of it in time.
            let now =
                Instant::now() + Duration::from_millis(20) + Duration::from_micros(2 * n_pubs);
            started = Some(now);
            let start_ns = self.shared.epoch.ns_at(now);
            self.measure_from = Some(now + plan.warmup);
            self.shared
                .warmup_end_ns
                .store(start_ns + plan.warmup.as_nanos() as u64, Relaxed);
            let deadline = plan.duration.map(|d| now + plan.warmup + d);
            let end_ns = deadline.map(|d| self.shared.epoch.ns_at(d));
            // Without a warmup the window opens at the start, before which nothing is sent:
            // the counts now (not after the wake-up at the start, which a busy runtime makes
            // late, with messages already counted).
            if plan.warmup.is_zero() {
                self.at_measure = Some(Counts::of(&self.shared));
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
        let expected_exact = exact_expected(&plan, &self.shared);
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
        let until = Instant::now() + self.plan.drain;
        let target = exact_expected(&self.plan, &self.shared);
        let lossless = target.is_some() && self.plan.qos.min(self.plan.sub_qos) != QoS::AtMostOnce;
        let mut last = self.shared.received.load(Relaxed);
        let mut last_change = Instant::now();
        loop {
            self.snapshot();
            let now = Instant::now();
            let got = self.shared.received.load(Relaxed);
            if got != last {
                last = got;
                last_change = now;
            }
            if self.closing()
                || target.is_some_and(|t| got >= t)
                || (!lossless && now.duration_since(last_change) >= Duration::from_millis(500))
                || now >= until
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// In pubsub, the messages the subscribers should receive: each publisher's count times the
/// subscribers (granted, on its broker) whose filter matches its topic. None when that cannot
/// be known exactly (a %s topic, shared subscriptions, too many pairs to check).
fn exact_expected(plan: &Plan, shared: &Shared) -> Option<u64> {
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
            let ok = shared.sub_ok[(s - plan.subs.start) as usize].load(Relaxed);
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
        let sent = shared.pub_sent[(p - plan.pubs.start) as usize].load(Relaxed);
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

pub async fn run(cmd: BenchCommand) -> Result<ExitCode> {
    if let BenchCommand::Merge(args) = &cmd {
        return report::merge(args);
    }
    let mut plan = Plan::from_command(&cmd)?;
    resolve_hosts(&mut plan.hosts).await?;
    let limit = raise_open_files();
    let needed = plan.connections() + 64;
    if needed > limit {
        crate::output::diag::warning(&format!(
            "this run opens {} connections but the open-file limit is {limit}: connections past that fail; {OPEN_FILES_HINT}",
            plan.connections()
        ));
    }
    let per_pair =
        plan.connections() / (plan.hosts.len() as u64 * plan.source_ips.len().max(1) as u64);
    if per_pair > 28_000
        && plan
            .hosts
            .iter()
            .all(|h| h.host.starts_with("127.") || h.host == "::1")
    {
        crate::output::diag::warning(&format!(
            "about {per_pair} connections per source address and broker: {PORTS_HINT}"
        ));
    }
    let plan = Arc::new(plan);
    let paced = !plan.pubs.is_empty() && (plan.rate.is_some() || plan.interval.is_some());
    let shared = Arc::new(
        Shared::new(
            (plan.pubs.end - plan.pubs.start) as usize,
            (plan.subs.end - plan.subs.start) as usize,
            paced,
        )
        .map_err(|e| exit::runtime(format!("cannot start the pacer thread: {e}")))?,
    );
    let (ctl, _keep) = watch::channel(Phase::Connect);
    let ctl = Arc::new(ctl);
    let collector = Collector {
        plan: plan.clone(),
        shared: shared.clone(),
        ctl: ctl.clone(),
        set: JoinSet::new(),
        ordinal: 0,
        launch_start: Instant::now(),
        measure_from: None,
        at_measure: None,
    };
    let t0 = Instant::now();
    let mut progress = report::Progress::new(&plan);
    let mut out = Output::new();
    let mut ticks = report::Ticks::default();
    let mut stdout_ok = true;
    if !paced && !plan.pubs.is_empty() && !plan.coalesce.is_zero() {
        tokio::spawn(coalesce::control(
            shared.clone(),
            plan.qos,
            plan.coalesce,
            ctl.subscribe(),
        ));
    }
    let collect = tokio::spawn(collector.run());
    tokio::pin!(collect);
    let mut ticker = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(1),
        Duration::from_secs(1),
    );
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = common::Signals::new();
    let mut interrupted = false;
    let outcome = loop {
        tokio::select! {
            r = &mut collect => break r.map_err(|e| anyhow::anyhow!("the collector failed: {e}"))?,
            _ = ticker.tick() => {
                let tick = ticks.next(&shared, t0.elapsed());
                if stdout_ok {
                    let line = report::tick_line(&tick);
                    let written = progress.suspend(|| out.line(&line).and_then(|_| out.flush()));
                    if let Err(e) = written {
                        stdout_ok = false;
                        if !exit::is_broken_pipe(&e.into()) {
                            crate::output::diag::warning("cannot write to stdout");
                        }
                    }
                }
                progress.update(&plan, &tick);
            }
            _ = signals.recv(), if !interrupted => {
                interrupted = true;
                progress.println("mqtt: interrupted: closing the connections, then the summary");
                ctl.send_replace(Phase::Close);
            }
        }
    };
    progress.finish();
    if let Some(why) = shared.too_large.get() {
        return Err(exit::usage(why));
    }
    let elapsed = t0.elapsed();
    let mut summary = report::summarize(&plan, &shared, &outcome, elapsed)?;
    let loss_counts =
        plan.scenario == Scenario::PubSub && plan.qos.min(plan.sub_qos) != QoS::AtMostOnce;
    let failures = verdict::judge(&summary, interrupted, loss_counts);
    summary.complete &= failures.is_empty();
    let line = serde_json::to_string(&summary)?;
    if let Some(path) = &plan.json {
        std::fs::write(path, format!("{line}\n"))
            .map_err(|e| exit::runtime(format!("cannot write --json {}: {e}", path.display())))?;
    }
    if plan.progress {
        eprint!("{}", report::human(&summary));
    }
    report::stderr_notes(&shared);
    if stdout_ok {
        out.line(&line)?;
        out.flush()?;
    }
    if interrupted && plan.bounded() && !outcome.complete {
        return Err(exit::interrupted("interrupted before the run was complete"));
    }
    match failures.error() {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(render("bench/%i/%c/%s", 7, "id", Some(3)), "bench/7/id/3");
        assert_eq!(render("a/%s", 1, "", None), "a/%s");
        assert_eq!(render("100%%/%x/%", 1, "", None), "100%/%x/%");
        assert_eq!(render("plain", 1, "", None), "plain");
        assert_eq!(filter_for("bench/%i"), "bench/+");
        assert_eq!(filter_for("a/x%iy/b/%s"), "a/+/b/+");
        assert_eq!(filter_for("fixed/topic"), "fixed/topic");
    }

    #[test]
    fn shards_split_exactly() {
        let parts: Vec<Range<u64>> = (0..3)
            .map(|k| shard_range(10, Shard { index: k, count: 3 }))
            .collect();
        assert_eq!(parts, vec![0..3, 3..6, 6..10]);
        assert_eq!(shard_range(5, Shard::default()), 0..5);
        assert_eq!(shard_range(1, Shard { index: 0, count: 2 }), 0..0);
    }

    #[test]
    fn source_ip_lists_and_ranges() {
        let ips = source_ips("127.0.0.1-127.0.0.4,127.0.1.1").unwrap();
        assert_eq!(ips.len(), 5);
        assert_eq!(ips[3].to_string(), "127.0.0.4");
        assert_eq!(ips[4].to_string(), "127.0.1.1");
        assert_eq!(source_ips("::1").unwrap()[0].to_string(), "::1");
        assert!(source_ips("127.0.0.9-127.0.0.1").is_err());
        assert!(source_ips("127.0.0.1-::1").is_err());
        assert!(source_ips("nope").is_err());
    }

    #[test]
    fn host_lists() {
        let h = host_list("a,b:1884,[::1]:1885,::1,127.0.0.1").unwrap();
        assert_eq!(
            h,
            vec![
                ("a".to_string(), None),
                ("b".to_string(), Some(1884)),
                ("::1".to_string(), Some(1885)),
                ("::1".to_string(), None),
                ("127.0.0.1".to_string(), None)
            ]
        );
        assert!(host_list("a:port").is_err());
        assert!(host_list(" , ").is_err());
    }

    #[test]
    fn epoch_round_trips() {
        let e = Epoch::new();
        let now = Instant::now();
        let ns = e.ns_at(now);
        let back = e.instant_at(ns);
        assert!(back.max(now) - back.min(now) < Duration::from_micros(1));
        assert!(e.now_ns() >= ns);
    }
}
