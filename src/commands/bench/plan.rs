//! The command line as a [`Plan`]: everything a run needs, checked before any connection.
use std::fs::File;
use std::net::IpAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use bytes::Bytes;

use super::header::HEADER_LEN;
use super::hosts::connect_plan;
use crate::cli::bench::{BenchCommand, PublishArgs, RunArgs, Shard};
use crate::cli::ConnectArgs;
use crate::exit;
use crate::protocol::{topic, QoS};
use crate::session::ConnectOptions;

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
    /// --json FILE, created with the plan so that a path that cannot be written fails
    /// before any connection.
    pub json: Option<(PathBuf, File)>,
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
            json: run.json.as_ref().map(|p| create_json(p)).transpose()?,
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
    pub fn bounded(&self) -> bool {
        self.duration.is_some()
            || match self.scenario {
                Scenario::Conn => false,
                Scenario::Pub | Scenario::PubSub => self.count.is_some() || self.limit.is_some(),
                Scenario::Sub => self.sub_count.is_some() || self.sub_limit.is_some(),
            }
    }
}

fn create_json(path: &Path) -> Result<(PathBuf, File)> {
    let file = File::create(path)
        .map_err(|e| exit::usage(format!("cannot create --json {}: {e}", path.display())))?;
    Ok((path.to_path_buf(), file))
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

/// The plan of `mqtt bench ARGS...` (for tests: panics on a bad command line).
#[cfg(test)]
pub fn test_plan(args: &[&str]) -> Plan {
    use clap::Parser;
    let cli = crate::cli::Cli::try_parse_from(["mqtt", "bench"].iter().chain(args))
        .expect("valid arguments");
    match cli.command {
        crate::cli::Command::Bench(b) => Plan::from_command(&b.command).expect("a plan"),
        _ => unreachable!("a bench command"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_replace_index_id_sequence_and_percent_and_filters_wildcard_templated_levels() {
        assert_eq!(render("bench/%i/%c/%s", 7, "id", Some(3)), "bench/7/id/3");
        assert_eq!(render("a/%s", 1, "", None), "a/%s");
        assert_eq!(render("100%%/%x/%", 1, "", None), "100%/%x/%");
        assert_eq!(render("plain", 1, "", None), "plain");
        assert_eq!(filter_for("bench/%i"), "bench/+");
        assert_eq!(filter_for("a/x%iy/b/%s"), "a/+/b/+");
        assert_eq!(filter_for("fixed/topic"), "fixed/topic");
    }

    #[test]
    fn shards_split_the_clients_into_exact_contiguous_ranges() {
        let parts: Vec<Range<u64>> = (0..3)
            .map(|k| shard_range(10, Shard { index: k, count: 3 }))
            .collect();
        assert_eq!(parts, vec![0..3, 3..6, 6..10]);
        assert_eq!(shard_range(5, Shard::default()), 0..5);
        assert_eq!(shard_range(1, Shard { index: 0, count: 2 }), 0..0);
    }
}
