//! Options of `mqtt bench conn|pub|sub|pubsub|merge`.
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::{help, parse, ConnectArgs};
use crate::protocol::QoS;

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Open -c connections (at --connect-rate) and hold them
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(CONN_EXAMPLES, help::BENCH_CODES))]
    Conn(BenchConnArgs),

    /// Publish from -c clients at --rate (open loop) or as fast as the broker takes it
    #[command(name = "pub", disable_help_flag = true, after_help = help::with_exit_codes(PUB_EXAMPLES, help::BENCH_CODES))]
    Pub(BenchPubArgs),

    /// Subscribe with -c clients and count messages, loss, duplicates and latency
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(SUB_EXAMPLES, help::BENCH_CODES))]
    Sub(BenchSubArgs),

    /// Publishers and subscribers in one process (one clock): end-to-end latency and exact loss
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(PUBSUB_EXAMPLES, help::BENCH_CODES))]
    Pubsub(BenchPubSubArgs),

    /// Merge the JSON summaries of --shard runs into one summary (exact: histograms are merged)
    #[command(disable_help_flag = true, after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
}

impl BenchCommand {
    /// The connection options of this scenario (None for merge, which connects to nothing).
    pub fn connect_args_mut(&mut self) -> Option<&mut ConnectArgs> {
        match self {
            BenchCommand::Conn(a) => Some(&mut a.connect),
            BenchCommand::Pub(a) => Some(&mut a.connect),
            BenchCommand::Sub(a) => Some(&mut a.connect),
            BenchCommand::Pubsub(a) => Some(&mut a.connect),
            BenchCommand::Merge(_) => None,
        }
    }
}

pub const BENCH_EXAMPLES: &str = "\
Examples:
  mqtt bench conn -c 1000 --duration 30s                # can the broker hold 1000 clients?
  mqtt bench pub -c 10 -q 1 --rate 10k --duration 30s   # publish load, open loop
  mqtt bench sub -c 1 -t 'bench/#' --duration 40s       # count what arrives, and its latency
  mqtt bench pubsub -c 10 -q 1 --rate 1000 -d 10s       # end-to-end latency and exact loss
  mqtt bench pubsub --rate 1000 -d 1m --prometheus 127.0.0.1:9464 --csv ticks.csv
  mqtt bench pub -c 100 -d 1m --shards 4 --no-progress  # pod K of an Indexed Job of 4
  mqtt bench merge shard-*.json                         # one summary from the shards'
  mqtt bench pub --help                                 # the options of one scenario";

const CONN_EXAMPLES: &str = "\
Examples:
  mqtt bench conn -c 5000 --connect-rate 2000 --source-ip 127.0.0.1-127.0.0.4 --duration 30s
  mqtt bench conn -c 19500 -h 127.0.0.1 --duration 1m --json conn.json";

const PUB_EXAMPLES: &str = "\
Examples:
  mqtt bench pub -c 10 -t 'bench/%i' -q 1 --rate 10k --duration 30s
  mqtt bench pub -c 100 -t 'bench/%i' -s 64 -I 10ms --count 1000
  mqtt bench pub -c 10 -q 0 --duration 10s            # as fast as the broker takes it

Templates: %i client index, %c client id, %s message sequence, %% a percent sign.";

const SUB_EXAMPLES: &str = "\
Examples:
  mqtt bench sub -c 1 -t 'bench/#' -q 1 --duration 40s
  mqtt bench sub -c 100 -t 'bench/%i' --count 1000";

const PUBSUB_EXAMPLES: &str = "\
Examples:
  mqtt bench pubsub -c 10 -q 1 --rate 1000 --duration 10s
  mqtt bench pubsub -c 100 --subscribers 2 -t 'bench/%i' --sub-topic 'bench/#' --count 1000";

const MERGE_EXAMPLES: &str = "\
Examples:
  mqtt bench merge shard-0.json shard-1.json shard-2.json
  mqtt bench merge results/*.json --json total.json

Each FILE holds a summary written by --json, or a whole stdout of a bench run (its summary
line is used).";

/// Shard argument `K/N`: this process is shard K (0-based) of N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

pub fn shard(s: &str) -> Result<Shard, String> {
    let bad = || format!("invalid shard '{s}': expected K/N with 0 <= K < N, e.g. 0/3");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let index: u64 = k.trim().parse().map_err(|_| bad())?;
    let count: u64 = n.trim().parse().map_err(|_| bad())?;
    if count == 0 || index >= count {
        return Err(bad());
    }
    Ok(Shard { index, count })
}

/// A rate in messages (or connections) per second: `1000`, `10k`, `2.5k`, `0.5`.
pub fn rate(s: &str) -> Result<f64, String> {
    let t = s.trim().trim_end_matches("/s");
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1e3),
        Some((i, 'm' | 'M')) => (&t[..i], 1e6),
        _ => (t, 1.0),
    };
    let v: f64 = num.parse().map_err(|_| {
        format!("invalid rate '{s}': expected a number per second, e.g. 500 or 10k")
    })?;
    let v = v * mult;
    if !v.is_finite() || v <= 0.0 || v > 1e9 {
        return Err(format!(
            "invalid rate '{s}': must be above 0 and at most 1e9 per second"
        ));
    }
    Ok(v)
}

/// What every bench scenario shares: how many clients, how they connect, how long.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Number of clients (publishers for pub and pubsub), over all --shard processes
    #[arg(short = 'c', long = "clients", value_parser = parse::count, value_name = "N", help_heading = "Bench")]
    pub clients: Option<u64>,

    /// New connections per second [default: as fast as --connect-concurrency allows]
    #[arg(long, value_parser = rate, value_name = "RATE", help_heading = "Bench")]
    pub connect_rate: Option<f64>,

    /// Connection handshakes in progress at once
    #[arg(long, default_value = "200", value_parser = clap::value_parser!(u32).range(1..), value_name = "N", help_heading = "Bench")]
    pub connect_concurrency: u32,

    /// This process runs shard K of N (0-based): its share of the clients, ids, topics, rate
    /// and limit. Default from JOB_COMPLETION_INDEX with --shards N
    #[arg(long, value_parser = shard, value_name = "K/N", help_heading = "Bench")]
    pub shard: Option<Shard>,

    /// Total number of shards; the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "shard",
        help_heading = "Bench"
    )]
    pub shards: Option<u64>,

    /// Run for DURATION after the warmup [default: until --count/--limit, or Ctrl-C]
    #[arg(short = 'd', long, value_parser = parse::duration, value_name = "DURATION", help_heading = "Bench")]
    pub duration: Option<Duration>,

    /// Leave the first DURATION out of throughput and latency figures
    #[arg(long, value_parser = parse::duration, value_name = "DURATION", help_heading = "Bench")]
    pub warmup: Option<Duration>,

    /// Also write the summary record to FILE
    #[arg(long = "json", value_name = "FILE", help_heading = "Bench")]
    pub json: Option<PathBuf>,

    /// No progress bar and no human summary on stderr, even on a terminal
    #[arg(long, help_heading = "Bench")]
    pub no_progress: bool,

    /// Leave out the serialized latency histograms from the summary (they are what
    /// `bench merge` needs)
    #[arg(long, help_heading = "Bench")]
    pub no_histograms: bool,

    /// Serve the live counters and latency histograms at http://ADDR/metrics in the Prometheus
    /// text format while the run lasts, e.g. 127.0.0.1:9464 (port 0: a free one, printed on
    /// stderr)
    #[arg(long, value_name = "ADDR", value_parser = socket_addr, help_heading = "Bench")]
    pub prometheus: Option<std::net::SocketAddr>,

    /// Also write each tick to FILE as a CSV row (a header row first), for spreadsheets
    #[arg(long, value_name = "FILE", help_heading = "Bench")]
    pub csv: Option<PathBuf>,

    /// Worker threads [default: one per core; one for runs paced at 10,000 msg/s or less, where
    /// latency is measured best without waking tasks across threads]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "Bench")]
    pub threads: Option<u16>,
}

/// `--prometheus`: an IP address and a port (`127.0.0.1:9464`, `[::1]:9464`).
pub fn socket_addr(s: &str) -> Result<std::net::SocketAddr, String> {
    s.parse().map_err(|_| {
        format!("invalid address '{s}': expected IP:PORT, e.g. 127.0.0.1:9464 or [::1]:9464")
    })
}

impl BenchCommand {
    /// What every scenario shares (None for merge).
    pub fn run_args(&self) -> Option<&RunArgs> {
        match self {
            BenchCommand::Conn(a) => Some(&a.run),
            BenchCommand::Pub(a) => Some(&a.run),
            BenchCommand::Sub(a) => Some(&a.run),
            BenchCommand::Pubsub(a) => Some(&a.run),
            BenchCommand::Merge(_) => None,
        }
    }
}

/// Paced runs at this many messages a second or less run on one thread (see `--threads`).
pub const ONE_THREAD_RATE: f64 = 10_000.0;

impl BenchCommand {
    /// Worker threads for this run; `None`: one per core.
    pub fn threads(&self) -> Option<usize> {
        let (run, publish) = match self {
            BenchCommand::Conn(a) => (&a.run, None),
            BenchCommand::Pub(a) => (&a.run, Some(&a.publish)),
            BenchCommand::Sub(a) => (&a.run, None),
            BenchCommand::Pubsub(a) => (&a.run, Some(&a.publish)),
            BenchCommand::Merge(_) => return Some(1),
        };
        if let Some(n) = run.threads {
            return Some(usize::from(n));
        }
        let p = publish?;
        let clients = run.clients.unwrap_or(10) as f64;
        let rate = p.rate.or_else(|| {
            p.interval
                .filter(|iv| !iv.is_zero())
                .map(|iv| clients / iv.as_secs_f64())
        })?;
        (rate <= ONE_THREAD_RATE).then_some(1)
    }
}

/// Publishing options (pub and pubsub).
#[derive(Debug, Args, Clone)]
pub struct PublishArgs {
    /// Topic template: %i client index, %c client id, %s message sequence
    #[arg(
        short = 't',
        long,
        default_value = "bench/%i",
        value_name = "TOPIC",
        help_heading = "Publish"
    )]
    pub topic: String,

    /// QoS of the messages
    #[arg(short = 'q', long, value_parser = parse::qos, default_value = "0", value_name = "QOS", help_heading = "Publish")]
    pub qos: QoS,

    /// Retain the messages
    #[arg(short = 'r', long, help_heading = "Publish")]
    pub retain: bool,

    /// Payload size, header included (a 28-byte header carries publisher, sequence, send time)
    #[arg(short = 's', long, value_parser = parse::size, value_name = "SIZE", conflicts_with_all = ["message", "file"], help_heading = "Publish")]
    pub size: Option<u64>,

    /// Payload text after the header
    #[arg(
        short = 'm',
        long,
        value_name = "TEXT",
        conflicts_with = "file",
        help_heading = "Publish"
    )]
    pub message: Option<String>,

    /// Payload after the header from FILE
    #[arg(short = 'f', long, value_name = "FILE", help_heading = "Publish")]
    pub file: Option<PathBuf>,

    /// Total messages per second over all publishers (and shards); open loop, absolute schedule
    #[arg(long, value_parser = rate, value_name = "RATE", conflicts_with = "interval", help_heading = "Publish")]
    pub rate: Option<f64>,

    /// Interval between messages of each publisher [default with neither this nor --rate:
    /// as fast as the broker takes them]
    #[arg(short = 'I', long, value_parser = parse::duration, value_name = "DURATION", help_heading = "Publish")]
    pub interval: Option<Duration>,

    /// QoS 1/2 messages in flight per publisher, capped by the broker's Receive Maximum
    /// [default: 32; 20 over MQTT 3.1/3.1.1]
    ///
    /// MQTT 3.1/3.1.1 has no Receive Maximum, and mosquitto drops QoS 2 messages beyond its 20
    /// in flight without a word.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "Publish")]
    pub max_inflight: Option<u16>,

    /// As fast as possible (neither --rate nor -I): at most this long an idle thread waits
    /// before sleeping on its sockets, so that each wake-up handles many packets (far less CPU
    /// per message, larger batches for the broker); it stays below the time the broker needs
    /// for what is kept in flight, and adds at most this much latency. 0 turns it off
    #[arg(long, default_value = "2ms", value_parser = parse::duration, value_name = "DURATION", help_heading = "Publish")]
    pub coalesce: Duration,

    /// Messages per publisher
    #[arg(short = 'C', long, value_parser = parse::count, value_name = "N", help_heading = "Publish")]
    pub count: Option<u64>,

    /// Messages in total (over all publishers and shards)
    #[arg(long, value_parser = parse::count, value_name = "N", help_heading = "Publish")]
    pub limit: Option<u64>,
}

#[derive(Debug, Args)]
pub struct BenchConnArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct BenchPubArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub publish: PublishArgs,
}

#[derive(Debug, Args)]
pub struct BenchSubArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub run: RunArgs,

    /// Topic filter template: %i subscriber index, %c client id
    #[arg(
        short = 't',
        long,
        default_value = "bench/#",
        value_name = "FILTER",
        help_heading = "Subscribe"
    )]
    pub topic: String,

    /// QoS of the subscription
    #[arg(short = 'q', long, value_parser = parse::qos, default_value = "0", value_name = "QOS", help_heading = "Subscribe")]
    pub qos: QoS,

    /// Stop each subscriber after N messages
    #[arg(short = 'C', long, value_parser = parse::count, value_name = "N", help_heading = "Subscribe")]
    pub count: Option<u64>,

    /// Stop after N messages received in total
    #[arg(long, value_parser = parse::count, value_name = "N", help_heading = "Subscribe")]
    pub limit: Option<u64>,
}

#[derive(Debug, Args)]
pub struct BenchPubSubArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub publish: PublishArgs,

    /// Subscribers in this process
    #[arg(long, default_value = "1", value_parser = parse::count, value_name = "N", help_heading = "Subscribe")]
    pub subscribers: u64,

    /// Subscription filter template (%i subscriber index) [default: the topic with every
    /// templated level replaced by +]
    #[arg(long, value_name = "FILTER", help_heading = "Subscribe")]
    pub sub_topic: Option<String>,

    /// QoS of the subscription [default: the publish QoS]
    #[arg(long, value_parser = parse::qos, value_name = "QOS", help_heading = "Subscribe")]
    pub sub_qos: Option<QoS>,

    /// After publishing ends, wait at most DURATION for the last messages
    #[arg(long, default_value = "5s", value_parser = parse::duration, value_name = "DURATION", help_heading = "Subscribe")]
    pub drain: Duration,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Summary files of the shards
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Also write the merged summary to FILE
    #[arg(long = "json", value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// No human summary on stderr, even on a terminal
    #[arg(long)]
    pub no_progress: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        crate::cli::Cli::command().debug_assert();
    }

    fn threads(args: &[&str]) -> Option<usize> {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from(["mqtt", "bench"].iter().chain(args))
            .expect("valid arguments");
        match cli.command {
            crate::cli::Command::Bench(b) => b.command.threads(),
            _ => unreachable!("a bench command"),
        }
    }

    #[test]
    fn one_thread_for_slowly_paced_runs_unless_told() {
        assert_eq!(threads(&["pubsub", "--rate", "1000"]), Some(1));
        assert_eq!(threads(&["pub", "--rate", "10k"]), Some(1));
        assert_eq!(threads(&["pub", "--rate", "20k"]), None);
        // 10 clients every millisecond: 10,000/s; 100 clients: 100,000/s.
        assert_eq!(threads(&["pub", "-I", "1ms"]), Some(1));
        assert_eq!(threads(&["pub", "-c", "100", "-I", "1ms"]), None);
        assert_eq!(threads(&["pubsub"]), None);
        assert_eq!(threads(&["conn", "-c", "5"]), None);
        assert_eq!(
            threads(&["pubsub", "--rate", "1000", "--threads", "4"]),
            Some(4)
        );
        assert_eq!(threads(&["conn", "--threads", "2"]), Some(2));
    }

    #[test]
    fn shards_and_rates() {
        assert_eq!(shard("0/3"), Ok(Shard { index: 0, count: 3 }));
        assert_eq!(shard("2/3"), Ok(Shard { index: 2, count: 3 }));
        assert!(shard("3/3").is_err());
        assert!(shard("1/0").is_err());
        assert!(shard("x").is_err());
        assert_eq!(rate("1000"), Ok(1000.0));
        assert_eq!(rate("10k"), Ok(10_000.0));
        assert_eq!(rate("2.5k/s"), Ok(2500.0));
        assert!(rate("0").is_err());
        assert!(rate("fast").is_err());
    }
}
