//! Options of `mqtt rr` (request/response) and `mqtt reply` (the responder).
use std::time::Duration;

use clap::Args;

use super::pubsub::{PrintArgs, ReconnectArgs, SourceArgs};
use super::{parse, ConnectArgs};
use crate::protocol::QoS;

pub const RR_EXAMPLES: &str = "\
Examples:
  mqtt rr -t svc/time/req -m now                      # one request, its reply as a record
  mqtt rr -t svc/echo/req -m hi -q 1 -W 2s | jq -r .payload
  mqtt rr -t svc/scan/req -m all --replies 3          # three responders answer
  seq 1000 | mqtt rr -t svc/sq/req -l --max-inflight 64   # pipelined, replies in any order
  mqtt rr -V 3.1.1 -t svc/time/req -e svc/time/reply -m now

Each request carries a Response Topic and fresh random Correlation Data (MQTT 5); only a reply
with that correlation data is taken, and retained or other messages on the response topic are
ignored and counted on stderr. Without -e the response topic is the broker's Response
Information followed by /<client id>/reply when it offers one, else mqtt-rr/<client id>/reply.
MQTT 3.1/3.1.1 has no properties: there -e is required, one request is in flight at a time, and
the next message on the response topic is its reply (correlation by order).";

#[derive(Debug, Args)]
pub struct RrArgs {
    /// Topic to send requests to (with --jsonl: the default for records without a topic)
    #[arg(
        short = 't',
        long,
        required_unless_present = "jsonl",
        help_heading = "Request"
    )]
    pub topic: Option<String>,

    /// Topic replies come to [default: from the broker's Response Information, else
    /// mqtt-rr/<client id>/reply]; required over MQTT 3.1/3.1.1
    #[arg(short = 'e', long, value_name = "TOPIC", help_heading = "Request")]
    pub response_topic: Option<String>,

    #[command(flatten)]
    pub source: SourceArgs,

    /// QoS of the requests and of the response subscription
    #[arg(short = 'q', long, default_value = "0", value_parser = parse::qos, help_heading = "Request")]
    pub qos: QoS,

    /// Correlation data of every request [default: fresh random data per request]; one request
    /// is then in flight at a time
    #[arg(long, value_name = "DATA", help_heading = "Request")]
    pub correlation_data: Option<String>,

    /// Wait for N matching replies to each request (several responders)
    #[arg(long, default_value = "1", value_parser = clap::value_parser!(u32).range(1..), value_name = "N", help_heading = "Request")]
    pub replies: u32,

    /// Requests awaiting their replies at once (with -l or --jsonl)
    #[arg(long, default_value = "1", value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "Request")]
    pub max_inflight: u16,

    /// Wait DURATION between requests (with --repeat, -l or --jsonl)
    #[arg(long, value_parser = parse::duration, value_name = "DURATION", help_heading = "Request")]
    pub interval: Option<Duration>,

    /// Send the request N times
    #[arg(long, default_value = "1", value_parser = parse::count, value_name = "N", help_heading = "Request")]
    pub repeat: u64,

    /// Content type of the requests (MQTT 5)
    #[arg(long, value_name = "TYPE", help_heading = "Request")]
    pub content_type: Option<String>,

    /// User property key=value of the requests (MQTT 5, repeatable)
    #[arg(long = "user-property", value_parser = parse::key_value, value_name = "KEY=VALUE", help_heading = "Request")]
    pub user_property: Vec<(String, String)>,

    /// How long each request waits for its replies; then exit 6
    #[arg(short = 'W', long, default_value = "10s", value_parser = parse::duration, value_name = "DURATION", help_heading = "Request")]
    pub timeout: Duration,

    #[command(flatten)]
    pub output: PrintArgs,

    #[command(flatten)]
    pub schema: super::codec::SchemaArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub reconnect: ReconnectArgs,
}

pub const REPLY_EXAMPLES: &str = "\
Examples:
  mqtt reply -t svc/time/req --exec date              # answer with a command's output
  mqtt reply -t 'svc/+/req' -q 1 --exec 'jq -c .' --concurrency 8
  mqtt reply -t svc/echo/req --echo                   # answer with the request itself
  mqtt reply -t svc/ping/req -m pong -C 1             # answer once, then exit

--exec runs the command (with `sh -c`) for each request, the payload on its stdin and
MQTT_TOPIC, MQTT_RESPONSE_TOPIC, MQTT_CORRELATION_DATA (base64), MQTT_CLIENT_ID, MQTT_QOS and
MQTT_USER_PROPERTIES (JSON) in its environment, and publishes its stdout (less one trailing
newline, unless --keep-newline) to the request's Response Topic with its Correlation Data. A command that exits non-zero or outlasts
--exec-timeout is answered with its output and the user property `error` (MQTT 5); a line on
stderr says why, and reply goes on. Requests without a Response Topic are logged and skipped.
Over MQTT 3.1/3.1.1 (no properties) give --response-topic: every reply goes there.";

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("answer").required(true).multiple(false)
    .args(["exec", "message", "echo"])))]
pub struct ReplyArgs {
    /// Topic filter requests come to (repeatable)
    #[arg(
        short = 't',
        long = "topic",
        required = true,
        value_name = "FILTER",
        help_heading = "Requests"
    )]
    pub topics: Vec<String>,

    /// QoS of the subscription and of the replies
    #[arg(short = 'q', long, default_value = "0", value_parser = parse::qos, help_heading = "Requests")]
    pub qos: QoS,

    /// Answer with the output of this command, run with `sh -c` for each request
    #[arg(long, value_name = "COMMAND", help_heading = "Answer (exactly one)")]
    pub exec: Option<String>,

    /// Answer every request with this payload
    #[arg(
        short = 'm',
        long,
        value_name = "MESSAGE",
        help_heading = "Answer (exactly one)"
    )]
    pub message: Option<String>,

    /// Answer with the request's own payload
    #[arg(long, help_heading = "Answer (exactly one)")]
    pub echo: bool,

    /// Commands running at once
    #[arg(long, default_value = "1", value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "Answer (exactly one)")]
    pub concurrency: u16,

    /// Keep the newline that ends the command's output (by default one trailing newline is
    /// dropped: `echo ok` answers `ok`)
    #[arg(long, requires = "exec", help_heading = "Answer (exactly one)")]
    pub keep_newline: bool,

    /// A command running longer is killed and its request answered with an error
    #[arg(long, default_value = "30s", value_parser = parse::duration, value_name = "DURATION", help_heading = "Answer (exactly one)")]
    pub exec_timeout: Duration,

    /// Where replies go when a request has no Response Topic (required over MQTT 3.1/3.1.1)
    #[arg(long, value_name = "TOPIC", help_heading = "Answer (exactly one)")]
    pub response_topic: Option<String>,

    /// Exit after serving N requests
    #[arg(short = 'C', long, value_parser = parse::count, value_name = "N", help_heading = "Stop")]
    pub count: Option<u64>,

    /// Exit with code 6 when DURATION passes before --count is reached
    #[arg(short = 'W', long, value_parser = parse::duration, value_name = "DURATION", help_heading = "Stop")]
    pub timeout: Option<Duration>,

    /// Do not print `replied` records
    #[arg(long, help_heading = "Output")]
    pub no_output: bool,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub reconnect: ReconnectArgs,
}
