//! Options of `mqtt bridge`: two brokers, the filters to carry, the topic mapping.
use std::path::PathBuf;

use clap::Args;

use super::pubsub::ReconnectArgs;
use super::{parse, ConnectArgs};
use crate::protocol::QoS;

pub const BRIDGE_EXAMPLES: &str = "\
Examples:
  mqtt bridge --from mqtt://edge:1883 --to mqtts://cloud.example -t 'sensors/#' -q 1
  mqtt bridge --from edge --to cloud -t 'site/#' --map 'site/#=plant7/site/#'   # profiles
  mqtt bridge --from mqtt://a --to mqtt://b -t 'jobs/#' -i jobs-bridge --no-clean   # durable
  mqtt bridge --from mqtt://a --to mqtt://a -t 'in/#' --map 'in/#=out/#'   # one broker
  mqtt bridge --from mqtt://a --to mqtt://b -t '#' --tee passed.jsonl --quiet

--from and --to are a URL (mqtt|mqtts|ws|wss://...) or the name of a profile of the config
file (its settings over the connection flags, which both connections share). Each message keeps
its properties and retain flag and its QoS (at most -q); a QoS 1/2 message is acknowledged to
--from only once --to acknowledged it, so nothing is lost when either side drops (both
reconnect; with --no-clean and -i, not across restarts either: the connections are ID-from and
ID-to). On one broker, forwarded messages carry the user property mqtt-bridge=ID and messages
carrying it are not taken again. A `bridged` record a second on stdout unless --quiet.";

#[derive(Debug, Args)]
pub struct BridgeArgs {
    /// The broker to take messages from: a URL or a profile name
    #[arg(long, value_name = "URL|PROFILE", help_heading = "Bridge")]
    pub from: String,

    /// The broker to publish them to: a URL or a profile name
    #[arg(long, value_name = "URL|PROFILE", help_heading = "Bridge")]
    pub to: String,

    /// Topic filter to carry (repeatable)
    #[arg(
        short = 't',
        long = "topic",
        required = true,
        value_name = "FILTER",
        help_heading = "Bridge"
    )]
    pub topics: Vec<String>,

    /// Rewrite topics: 'src/#=dst/#' (a prefix) or 'a/b=c/d' (one topic); repeatable, the
    /// first that matches applies, other topics are kept
    #[arg(long, value_name = "SRC=DST", help_heading = "Bridge")]
    pub map: Vec<String>,

    /// The highest QoS to subscribe and publish with (a message keeps a lower one)
    #[arg(short = 'q', long, default_value = "2", value_parser = parse::qos, help_heading = "Bridge")]
    pub qos: QoS,

    /// Mark forwarded messages and skip marked ones even across two brokers (automatic when
    /// --from and --to are the same broker)
    #[arg(long, help_heading = "Bridge")]
    pub loop_marker: bool,

    /// Append a `message` record of each message carried to FILE (the topic as received)
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub tee: Option<PathBuf>,

    /// No `bridged` records
    #[arg(long, help_heading = "Output")]
    pub quiet: bool,

    /// Messages taken from --from and not yet acknowledged by --to, at most
    #[arg(long, default_value = "1024", value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "Bridge")]
    pub max_inflight: u16,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub reconnect: ReconnectArgs,
}
