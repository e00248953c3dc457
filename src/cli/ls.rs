//! Options of `mqtt ls`: which topics are live, how busy, what they hold.
use std::time::Duration;

use clap::Args;

use super::pubsub::ReconnectArgs;
use super::{parse, ConnectArgs};
use crate::output::payload::PayloadFormat;
use crate::protocol::QoS;

pub const LS_EXAMPLES: &str = "\
Examples:
  mqtt ls --for 5s                                  # every topic seen in 5 s, sorted by topic
  mqtt ls -t 'sensors/#' --for 10s --sort rate | jq -r '\"\\(.rate) \\(.topic)\"'
  mqtt ls --retained                                # the topics holding a retained message
  mqtt ls --for 30s --tree                          # a folded tree with counts
  mqtt ls --watch                                   # a top-like table, redrawn every second
  mqtt ls --sys --for 2s -t '$SYS/broker/#'

At the end (--for, --retained, or Ctrl-C) one `topic` record per topic seen, then an
`ls_summary` record; --watch writes an `ls_tick` record a second instead when stdout is not a
terminal. At most --max-topics topics are kept: messages on further topics are counted in the
summary (untracked_messages), not listed.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LsSort {
    /// By topic name
    Topic,
    /// Most messages a second first
    Rate,
    /// Most bytes first
    Bytes,
    /// Most messages first
    Count,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Topic filter to watch (repeatable) [default: #]
    #[arg(
        short = 't',
        long = "topic",
        value_name = "FILTER",
        help_heading = "Subscription"
    )]
    pub topics: Vec<String>,

    /// Also subscribe to $SYS/# (the broker's own statistics)
    #[arg(long, help_heading = "Subscription")]
    pub sys: bool,

    /// QoS of the subscription
    #[arg(short = 'q', long, default_value = "0", value_parser = parse::qos, help_heading = "Subscription")]
    pub qos: QoS,

    /// Listen for DURATION, then print [default: until Ctrl-C/SIGTERM]
    #[arg(long = "for", value_parser = parse::duration, value_name = "DURATION", help_heading = "Stop")]
    pub duration: Option<Duration>,

    /// Only retained messages: list what the broker holds, and stop once no retained message
    /// has come for --quiet
    #[arg(long, help_heading = "Stop")]
    pub retained: bool,

    /// With --retained: how long without retained messages means there are no more
    #[arg(long, default_value = "500ms", value_parser = parse::duration, value_name = "DURATION", help_heading = "Stop")]
    pub quiet: Duration,

    /// Order of the records (and of the --watch table: rate unless given)
    #[arg(long, value_enum, value_name = "ORDER", help_heading = "Output")]
    pub sort: Option<LsSort>,

    /// Print a folded tree of the topic levels with counts instead of records
    #[arg(long, conflicts_with = "watch", help_heading = "Output")]
    pub tree: bool,

    /// Redraw a table of the busiest topics every second on a terminal (an `ls_tick` record a
    /// second when stdout is not a terminal)
    #[arg(long, help_heading = "Output")]
    pub watch: bool,

    /// Topics kept at most; messages on further topics are counted, not listed
    #[arg(long, default_value = "100000", value_parser = clap::value_parser!(u64).range(1..), value_name = "N", help_heading = "Output")]
    pub max_topics: u64,

    /// How to put the last payload in records: text (base64 when not UTF-8), json, base64, hex
    #[arg(long, value_enum, default_value = "text", help_heading = "Output")]
    pub payload: PayloadFormat,

    /// Bytes of the last payload kept and shown (0: none)
    #[arg(long, default_value = "64", value_name = "N", help_heading = "Output")]
    pub payload_bytes: usize,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub reconnect: ReconnectArgs,
}
