//! Options of `mqtt pub` and `mqtt sub`.
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args};

use super::codec::SchemaArgs;
use super::{parse, ConnectArgs};
pub use crate::output::codec::Codec;
pub use crate::output::message::Field;
use crate::output::payload::PayloadFormat;
use crate::protocol::QoS;

/// Reconnecting after a lost connection (pub and sub).
#[derive(Debug, Args, Clone)]
pub struct ReconnectArgs {
    /// Do not reconnect when the connection is lost: exit 1 instead
    #[arg(long, env = "MQTT_NO_RECONNECT", help_heading = "Reconnect")]
    pub no_reconnect: bool,

    /// First delay before reconnecting; doubles on each failure up to 30s
    #[arg(long, default_value = "500ms", value_parser = parse::duration, value_name = "DURATION", help_heading = "Reconnect")]
    pub reconnect_delay: Duration,

    /// Give up after N failed reconnect attempts in a row [default: never]
    #[arg(long, value_name = "N", help_heading = "Reconnect")]
    pub max_reconnects: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    Base64,
    Hex,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TopicAlias {
    /// Give each new topic an alias while the broker allows, and reuse it
    Auto,
}

/// MQTT 5 PUBLISH properties given on the command line.
#[derive(Debug, Args, Clone, Default)]
pub struct MessageProperties {
    /// Message expiry interval (MQTT 5), e.g. 30s
    #[arg(short = 'e', long, value_parser = parse::seconds_u32, value_name = "DURATION", help_heading = "MQTT 5 message properties")]
    pub message_expiry: Option<u32>,

    /// Content type (MQTT 5)
    #[arg(long, value_name = "TYPE", help_heading = "MQTT 5 message properties")]
    pub content_type: Option<String>,

    /// Payload format indicator: 1 says the payload is UTF-8 (MQTT 5)
    #[arg(long, value_parser = parse::zero_one, value_name = "0|1", help_heading = "MQTT 5 message properties")]
    pub payload_format: Option<u8>,

    /// Response topic (MQTT 5)
    #[arg(long, value_name = "TOPIC", help_heading = "MQTT 5 message properties")]
    pub response_topic: Option<String>,

    /// Correlation data (MQTT 5)
    #[arg(long, value_name = "DATA", help_heading = "MQTT 5 message properties")]
    pub correlation_data: Option<String>,

    /// User property key=value (MQTT 5, repeatable)
    #[arg(long = "user-property", value_parser = parse::key_value, value_name = "KEY=VALUE", help_heading = "MQTT 5 message properties")]
    pub user_property: Vec<(String, String)>,

    /// Topic alias: `auto` replaces a repeated topic by an alias (MQTT 5)
    #[arg(
        long,
        value_enum,
        value_name = "auto",
        help_heading = "MQTT 5 message properties"
    )]
    pub topic_alias: Option<TopicAlias>,
}

/// `pub --speed`: how fast a replay goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// Gaps divided by this factor.
    Factor(f64),
    /// No waits.
    Max,
}

/// `pub --loop`: how many passes over the records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loops {
    Times(u64),
    Forever,
}

/// `pub --start-at`: where a replay starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartAt {
    Time(std::time::SystemTime),
    Offset(Duration),
}

pub const PUB_EXAMPLES: &str = "\
Examples:
  mqtt pub -t sensors/1 -m '{\"t\":21.5}' -q 1
  mqtt pub -t firmware/blob -f image.bin -q 2 -r
  tail -F app.log | mqtt pub -t logs/app -l -q 1 --no-output
  mqtt sub -t 'src/#' -C 100 | jq -c '.topic |= sub(\"^src\"; \"dst\")' | mqtt pub --jsonl
  mqtt pub -t bench/x --payload-size 1KiB --repeat 1000 --interval 10ms
  mqtt pub --template -t 'th/{choice:a|b}' -m '{\"n\":{seq},\"t\":{randf:20-25.5}}' --count 50 --rate 5
  mqtt pub --template-file reading.json -t 'dev/{client_id}' --count 60 --interval 1s --jitter 0.2s
  mqtt sub -t 'plant/#' --retain-as-published --record plant.jsonl --no-stdout
  mqtt pub --jsonl --replay --speed 2x --loop 3 --no-output < plant.jsonl
  mqtt pub -t a -m 'aGVsbG8=' --encoding base64 --content-type text/plain --user-property k=v
  mqtt pub -t sensors/1 --encode cbor -m '{\"t\":21.5,\"raw\":{\"$base64\":\"3q0=\"}}'
  mqtt pub -t sensors/1 --encode protobuf --proto reading.proto -m '{\"value\":21.5}'
  mqtt pub -t spBv1.0/g/NDATA/edge --encode sparkplug \\
    -m '{\"timestamp\":\"now\",\"seq\":1,\"metrics\":[{\"alias\":1,\"datatype\":\"Float\",\"value\":21.5}]}'";

/// Where the messages come from (`pub`, and the requests of `rr`): exactly one source.
#[derive(Debug, Args, Clone)]
#[command(group(ArgGroup::new("source").required(true).multiple(false)
    .args(["message", "file", "stdin", "lines", "null", "jsonl", "payload_size", "template_file"])))]
pub struct SourceArgs {
    /// The message payload
    #[arg(
        short = 'm',
        long,
        value_name = "MESSAGE",
        help_heading = "Source (exactly one)"
    )]
    pub message: Option<String>,

    /// Publish the whole file as one message (binary-safe)
    #[arg(
        short = 'f',
        long,
        value_name = "FILE",
        help_heading = "Source (exactly one)"
    )]
    pub file: Option<PathBuf>,

    /// Publish all of standard input as one message
    #[arg(
        short = 's',
        long,
        conflicts_with = "password_stdin",
        help_heading = "Source (exactly one)"
    )]
    pub stdin: bool,

    /// Publish each line of standard input as a message, as it arrives (an empty line is an
    /// empty payload; the newline is not part of the payload)
    #[arg(
        short = 'l',
        long,
        conflicts_with = "password_stdin",
        help_heading = "Source (exactly one)"
    )]
    pub lines: bool,

    /// Publish an empty (zero-length) message
    #[arg(short = 'n', long, help_heading = "Source (exactly one)")]
    pub null: bool,

    /// Read message records (the JSON lines `mqtt sub` prints) from standard input; each
    /// record's topic, qos, retain and properties override the flags
    #[arg(
        long,
        conflicts_with = "password_stdin",
        help_heading = "Source (exactly one)"
    )]
    pub jsonl: bool,

    /// Publish SIZE random bytes, e.g. 1KiB
    #[arg(long, value_parser = parse::size, value_name = "SIZE", help_heading = "Source (exactly one)")]
    pub payload_size: Option<u64>,

    /// The payload is FILE with placeholders, expanded for each message as with --template
    /// (pub only)
    #[arg(long, value_name = "FILE", help_heading = "Source (exactly one)")]
    pub template_file: Option<PathBuf>,

    /// Decode -m from base64 or hex first
    #[arg(long, value_enum, requires = "message", conflicts_with_all = ["file", "stdin", "lines", "null", "jsonl", "payload_size", "template_file"], help_heading = "Message")]
    pub encoding: Option<Encoding>,

    /// Read -m, -f, -s (a JSON document) or each -l line (a JSON value) as JSON and send it
    /// encoded: cbor, msgpack, protobuf (with --proto or --descriptor-set) or sparkplug; with a
    /// template, each expanded payload
    #[arg(long, value_enum, value_name = "CODEC", conflicts_with_all = ["encoding", "null", "jsonl", "payload_size"], help_heading = "Payload codecs")]
    pub encode: Option<Codec>,
}

#[derive(Debug, Args)]
pub struct PubArgs {
    /// Topic to publish to (with --jsonl: the default for records without a topic)
    #[arg(
        short = 't',
        long,
        required_unless_present = "jsonl",
        help_heading = "Message"
    )]
    pub topic: Option<String>,

    #[command(flatten)]
    pub source: SourceArgs,

    /// Quality of service
    #[arg(short = 'q', long, default_value = "0", value_parser = parse::qos, help_heading = "Message")]
    pub qos: QoS,

    /// Retain the message
    #[arg(short = 'r', long, help_heading = "Message")]
    pub retain: bool,

    /// Publish the message N times (--count is the same)
    #[arg(long, visible_alias = "count", default_value = "1", value_parser = parse::count, value_name = "N", help_heading = "Message")]
    pub repeat: u64,

    /// Wait DURATION between messages (with --repeat, -l or --jsonl); with --repeat the times
    /// are on a grid from the first message, so a late one does not push back the rest
    #[arg(long, value_parser = parse::duration, value_name = "DURATION", conflicts_with = "rate", help_heading = "Message")]
    pub interval: Option<Duration>,

    /// Publish R messages a second: --interval 1/R, e.g. 100 or 2.5k
    #[arg(long, value_parser = super::bench::rate, value_name = "R", help_heading = "Message")]
    pub rate: Option<f64>,

    /// Move each message's time by a random amount within +-DURATION (with --interval or
    /// --rate)
    #[arg(long, value_parser = parse::duration, value_name = "DURATION", help_heading = "Message")]
    pub jitter: Option<Duration>,

    /// Expand placeholders in -t and the payload (-m, -f, -s) for each message: {seq} {now}
    /// {now_ms} {uuid} {rand:MIN-MAX} {randf:MIN-MAX} {choice:a|b|c} {client_id}. Other
    /// braces are text (JSON needs no escaping); {{ is a literal { ({{seq} is the text {seq}).
    /// Without --template, payloads and topics are sent as they are
    #[arg(long, conflicts_with_all = ["lines", "jsonl", "null", "payload_size", "encoding"], help_heading = "Templates")]
    pub template: bool,

    /// Replay --jsonl records with the gaps between their `time` values kept (open loop: a
    /// late message does not delay the rest); a `replayed` record reports the lateness
    #[arg(long, requires = "jsonl", conflicts_with_all = ["interval", "rate", "jitter"], help_heading = "Replay")]
    pub replay: bool,

    /// Replay speed: 2x (twice as fast), 0.5x, 1x, or max (no waits)
    #[arg(long, default_value = "1x", value_parser = parse::speed, value_name = "SPEED", requires = "replay", help_heading = "Replay")]
    pub speed: Speed,

    /// Replay the records N times, or forever (later passes from memory)
    #[arg(long = "loop", value_parser = parse::loops, value_name = "N|forever", requires = "replay", help_heading = "Replay")]
    pub loops: Option<Loops>,

    /// Start at a record time (ISO-8601, e.g. 2026-12-02T05:00:00Z) or an offset from the
    /// first record (e.g. 90s); records before it are skipped
    #[arg(long, value_parser = parse::start_at, value_name = "TIME|OFFSET", requires = "replay", help_heading = "Replay")]
    pub start_at: Option<StartAt>,

    /// QoS 1/2 messages in flight at once [default: 256, or the broker's receive maximum when
    /// lower; 20 over MQTT 3.1/3.1.1, which cannot announce one]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..), value_name = "N", help_heading = "Message")]
    pub max_inflight: Option<u16>,

    /// While the broker acknowledges a stream of messages (a thousand a second and more), wait
    /// up to this long before sleeping on the socket, so that each wake-up handles many
    /// acknowledgements (about half the CPU per message); kept below a third of the time the
    /// broker needs for half the window in flight, so that it never runs dry. 0 turns it off
    #[arg(long, default_value = "500us", value_parser = parse::duration, value_name = "DURATION", help_heading = "Message")]
    pub coalesce: Duration,

    /// Do not print `published` records
    #[arg(long, help_heading = "Output")]
    pub no_output: bool,

    #[command(flatten)]
    pub properties: MessageProperties,

    #[command(flatten)]
    pub schema: SchemaArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub reconnect: ReconnectArgs,
}

pub const SUB_EXAMPLES: &str = "\
Examples:
  mqtt sub -t 'testtopic/#' -q 2
  mqtt sub -t a -t b -q 1 -q 0 -C 10 -W 30s          # 10 messages or exit 6 after 30 s
  mqtt sub -t 'sensors/+/t' --payload json | jq .payload.value
  mqtt sub -t '#' -v -T '$SYS/#'                       # `topic payload` lines for people
  mqtt sub -t '#' --format '{time} {topic} qos={qos} {payload}'
  mqtt sub -t 'config/#' --retained-only               # dump retained messages and exit
  mqtt sub -t dev/1/state --until '.status == \"online\"' -W 60s   # wait for a condition
  mqtt sub -t 'jobs/#' -q 1 --idle 2s                  # drain what is queued, then exit
  mqtt sub -t 'jobs/#' -q 1 -i worker-1 --no-clean -E  # create a durable session, exit
  mqtt sub -t 'src/#' | mqtt pub --jsonl -h other-broker
  mqtt sub -t 'spBv1.0/#' --payload auto --sparkplug-check   # Sparkplug B as JSON, seq gaps
  mqtt sub -t 'spBv1.0/#' --payload sparkplug --format '{edge_node_id} {payload.metrics[0].value}'
  mqtt sub -t 'sensors/#' --payload protobuf --proto reading.proto --proto-message app.Reading
  mqtt sub -t 'cbor/#' --payload cbor | jq .payload
  mqtt sub -t 'plant/#' --retain-as-published --record plant.jsonl --no-stdout   # capture
  mqtt pub --jsonl --replay < plant.jsonl              # and play it back with its timing";

#[derive(Debug, Args)]
pub struct SubArgs {
    /// Topic filter to subscribe to (repeatable)
    #[arg(
        short = 't',
        long = "topic",
        required = true,
        value_name = "FILTER",
        help_heading = "Subscription"
    )]
    pub topics: Vec<String>,

    /// QoS: once for every filter, or once per -t in order
    #[arg(short = 'q', long, value_parser = parse::qos, help_heading = "Subscription")]
    pub qos: Vec<QoS>,

    /// Don't receive our own publications (MQTT 5)
    #[arg(long, help_heading = "Subscription")]
    pub no_local: bool,

    /// Keep the retain flag as published (MQTT 5)
    #[arg(long, help_heading = "Subscription")]
    pub retain_as_published: bool,

    /// 0 send retained messages, 1 only for a new subscription, 2 never (MQTT 5)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=2), value_name = "0|1|2", help_heading = "Subscription")]
    pub retain_handling: Option<u8>,

    /// Subscription identifier (MQTT 5)
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=268_435_455), value_name = "N", help_heading = "Subscription")]
    pub subscription_identifier: Option<u32>,

    /// SUBSCRIBE user property key=value (MQTT 5, repeatable)
    #[arg(long = "user-property", value_parser = parse::key_value, value_name = "KEY=VALUE", help_heading = "Subscription")]
    pub user_property: Vec<(String, String)>,

    /// Unsubscribe from FILTER first (repeatable; useful with --no-clean sessions)
    #[arg(
        short = 'U',
        long,
        value_name = "FILTER",
        help_heading = "Subscription"
    )]
    pub unsubscribe: Vec<String>,

    /// Exit after N messages
    #[arg(short = 'C', long, value_parser = parse::count, value_name = "N", help_heading = "Stop")]
    pub count: Option<u64>,

    /// Exit with code 6 when DURATION passes before --count is reached
    #[arg(short = 'W', long, value_parser = parse::duration, value_name = "DURATION", help_heading = "Stop")]
    pub timeout: Option<Duration>,

    /// Exit 0 at the first message that meets EXPR (printed first); 6 at -W without one.
    /// EXPR is text the payload contains, /REGEX/, or a test of a JSON field:
    /// '.status == "online"', '.temp > 30', '.items[0].id != null', '.ready' (== != < <= > >=)
    #[arg(long, value_parser = crate::condition::Condition::parse, value_name = "EXPR", help_heading = "Stop")]
    pub until: Option<crate::condition::Condition>,

    /// Exit 0 once no message has come for DURATION, counted from the first message (or from
    /// the subscription with --idle-from-start): take what is there, then go on
    #[arg(long, value_parser = parse::duration, value_name = "DURATION", help_heading = "Stop")]
    pub idle: Option<Duration>,

    /// With --idle: count the quiet time from the subscription, not from the first message
    #[arg(long, requires = "idle", help_heading = "Stop")]
    pub idle_from_start: bool,

    /// Exit once subscribed (with --no-clean this creates a durable session)
    #[arg(short = 'E', long, help_heading = "Stop")]
    pub exit_after_subscribe: bool,

    /// Skip retained messages (stale ones sent on subscribe)
    #[arg(short = 'R', long, help_heading = "Retained")]
    pub no_retained: bool,

    /// Print only retained messages; exit at the first live one or after --quiet
    #[arg(long, conflicts_with = "no_retained", help_heading = "Retained")]
    pub retained_only: bool,

    /// With --retained-only: how long without messages means there are no more
    #[arg(long, default_value = "500ms", value_parser = parse::duration, value_name = "DURATION", help_heading = "Retained")]
    pub quiet: Duration,

    /// Clear each retained message seen (publish an empty retained message to its topic)
    #[arg(long, help_heading = "Retained")]
    pub remove_retained: bool,

    /// Append each message's record to FILE as well: always the plain record (payload as text,
    /// base64 when not UTF-8, properties, retain), whatever --format, -v or --payload say, so
    /// that `pub --jsonl --replay` sends it back byte for byte. Written before the message is
    /// acknowledged; use --retain-as-published to keep the retain flag as it was published
    #[arg(long, value_name = "FILE", help_heading = "Record")]
    pub record: Option<PathBuf>,

    /// With --record: print nothing on stdout (records go only to FILE)
    #[arg(long, requires = "record", help_heading = "Record")]
    pub no_stdout: bool,

    /// With --record: before FILE would grow past SIZE, rename it FILE.1 (replacing an older
    /// one) and start a new FILE, e.g. 100MiB
    #[arg(long, value_parser = parse::size, value_name = "SIZE", requires = "record", help_heading = "Record")]
    pub record_max_size: Option<u64>,

    /// Hide messages whose topic matches FILTER (repeatable)
    #[arg(short = 'T', long, value_name = "FILTER", help_heading = "Output")]
    pub filter_out: Vec<String>,

    #[command(flatten)]
    pub print: PrintArgs,

    /// With Sparkplug B decoding: report on stderr each sequence gap (seq 0-255 per edge node)
    /// and each NDEATH whose bdSeq does not match its NBIRTH's
    #[arg(long, help_heading = "Payload codecs")]
    pub sparkplug_check: bool,

    #[command(flatten)]
    pub schema: SchemaArgs,

    /// Receive queue: messages held while stdout is slow before reading from the broker pauses
    #[arg(long, default_value = "1024", value_name = "N", hide = true)]
    pub queue: usize,

    /// While QoS 0 messages stream in (a thousand a second and more), wait up to this long
    /// before sleeping on the socket, so that each wake-up handles many messages: about a third
    /// of the CPU per message, and fewer wake-ups for the broker to pay for. Adds at most this
    /// much latency during a stream, none to a message that comes alone; never at QoS 1/2 (the
    /// broker's in-flight window would idle). 0 turns it off
    #[arg(long, default_value = "300us", value_parser = parse::duration, value_name = "DURATION", help_heading = "Output")]
    pub coalesce: Duration,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub reconnect: ReconnectArgs,
}

/// How `sub` and `rr` print a message: a record (its payload encoding and optional fields), a
/// `topic payload` line, or a template.
#[derive(Debug, Args, Clone)]
pub struct PrintArgs {
    /// How to put the payload in records: text (base64 when not UTF-8), json, base64, hex, or
    /// decoded to JSON: cbor, msgpack, protobuf, sparkplug, auto
    #[arg(long, value_enum, default_value = "text", help_heading = "Output")]
    pub payload: PayloadFormat,

    /// Print each message with a template instead of a record, e.g. '{topic} {payload}'
    /// (placeholders: time, topic, payload, payload_hex, payload_base64, payload_size, qos,
    /// retain, dup, packet_id, json, and every property by name, e.g. {content_type},
    /// {user_properties}, {user_property:KEY}; the decoded payload: {decoded},
    /// {payload.metrics[0].value}; Sparkplug topic fields: {group_id}, {message_type},
    /// {edge_node_id}, {device_id}; escapes \n \t \\)
    #[arg(
        long,
        value_name = "TEMPLATE",
        conflicts_with = "verbose",
        help_heading = "Output"
    )]
    pub format: Option<String>,

    /// Print `topic payload` lines instead of records
    #[arg(short = 'v', long, help_heading = "Output")]
    pub verbose: bool,

    /// Add optional fields to message records (repeatable or comma-separated)
    #[arg(
        long = "field",
        value_enum,
        value_delimiter = ',',
        value_name = "FIELD",
        help_heading = "Output"
    )]
    pub fields: Vec<Field>,
}
