//! The command-line surface (README, ARCHITECTURE.md "Layers"): one `ConnectArgs` flattened into every
//! command, so every connection option works the same everywhere.
use std::time::Duration;

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

pub mod address;
pub mod bench;
pub mod bridge;
pub mod codec;
mod connect;
mod connect_args;
pub mod generate;
pub mod help;
pub mod ls;
pub mod parse;
mod password;
pub mod profile;
mod profile_error;
pub mod pubsub;
pub mod rr;
pub mod test;
mod usage_error;

pub use bench::BenchArgs;
pub use connect_args::ConnectArgs;
pub use pubsub::{PubArgs, SubArgs};

const AFTER_HELP: &str = "\
Examples:
  mqtt conn -h broker.example                       # can I connect? (JSON CONNACK, exit code)
  mqtt sub -t 'sensors/#' -C 10 | jq -c .payload    # ten messages as JSON lines
  mqtt pub -t sensors/1 -m '{\"t\":21.5}' -q 1
  mqtt sub --profile prod -t 'alerts/#'             # a broker from ~/.config/mqtt/config.toml
  mqtt sub -t 'src/#' | mqtt pub --jsonl -h other-broker
  mqtt pub --help                                   # the options and examples of one command";

#[derive(Debug, Parser)]
#[command(
    name = "mqtt",
    version,
    about = "A fast, scriptable MQTT client: connect, publish, subscribe, request/response and benchmark, with JSON lines output",
    disable_help_flag = true,
    disable_version_flag = true,
    after_help = help::top(AFTER_HELP),
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print help
    #[arg(long, action = ArgAction::Help, global = true)]
    pub help: Option<bool>,

    /// Print version
    #[arg(long, action = ArgAction::Version)]
    pub version: Option<bool>,

    /// Diagnostics on stderr: human lines, or JSON lines (type "log": level, kind, message)
    #[arg(
        long,
        value_enum,
        global = true,
        env = "MQTT_LOG",
        default_value = "human",
        value_name = "FORMAT"
    )]
    pub log: crate::output::diag::LogFormat,

    /// Colour the JSON records of `sub`, `conn` and `rr` on a terminal (auto: when stdout is a
    /// terminal and NO_COLOR is not set)
    #[arg(
        long,
        value_enum,
        global = true,
        env = "MQTT_COLOR",
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: crate::output::color::ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Connect, print the CONNACK as a JSON record, disconnect; exit by the outcome
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(CONN_EXAMPLES, help::CONN_CODES))]
    Conn(ConnArgs),

    /// Publish messages from -m, a file, stdin, stdin lines or JSON lines
    #[command(name = "pub", disable_help_flag = true, after_help = help::with_exit_codes(pubsub::PUB_EXAMPLES, help::PUB_CODES))]
    Pub(PubArgs),

    /// Subscribe and print each message as a JSON line; stop on count or timeout
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(pubsub::SUB_EXAMPLES, help::SUB_CODES))]
    Sub(SubArgs),

    /// Send a request, wait for its reply (MQTT 5 Response Topic and Correlation Data)
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(rr::RR_EXAMPLES, help::RR_CODES))]
    Rr(rr::RrArgs),

    /// Answer requests: with a command's output, a fixed message, or the request itself
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(rr::REPLY_EXAMPLES, help::REPLY_CODES))]
    Reply(rr::ReplyArgs),

    /// Carry messages from one broker to another: properties, retain and QoS kept, acknowledged
    /// upstream only once the downstream broker has them
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(bridge::BRIDGE_EXAMPLES, help::BRIDGE_CODES))]
    Bridge(bridge::BridgeArgs),

    /// List the live topics: messages, bytes, rate, retained, last payload (or a tree, or a
    /// table redrawn every second)
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(ls::LS_EXAMPLES, help::LS_CODES))]
    Ls(ls::LsArgs),

    /// Check what a broker really does: QoS, retained, wildcards, sessions, wills, limits, MQTT 5
    #[command(disable_help_flag = true, after_help = help::with_exit_codes(test::TEST_EXAMPLES, help::TEST_CODES))]
    Test(test::TestArgs),

    /// Load generator: hold connections, publish, subscribe, measure latency and loss
    #[command(disable_help_flag = true, subcommand_required = true, after_help = help::with_exit_codes(bench::BENCH_EXAMPLES, help::BENCH_CODES))]
    Bench(BenchArgs),

    /// Write shell completions or man pages (for packagers; output is committed in the repo)
    #[command(hide = true, disable_help_flag = true, after_help = generate::EXAMPLES)]
    Generate(generate::GenerateArgs),
}

impl Command {
    /// The connection options of this command, which a profile fills (None: no connection).
    pub fn connect_args_mut(&mut self) -> Option<&mut ConnectArgs> {
        match self {
            Command::Conn(a) => Some(&mut a.connect),
            Command::Pub(a) => Some(&mut a.connect),
            Command::Sub(a) => Some(&mut a.connect),
            Command::Rr(a) => Some(&mut a.connect),
            Command::Reply(a) => Some(&mut a.connect),
            Command::Ls(a) => Some(&mut a.connect),
            Command::Bridge(a) => Some(&mut a.connect),
            Command::Test(a) => Some(&mut a.connect),
            Command::Bench(b) => b.command.connect_args_mut(),
            Command::Generate(_) => None,
        }
    }
}

/// Parse the process's command line (clap's errors are usage errors, `usage_error`; help and
/// version are printed and exit 0), then fill the
/// connection options left at their defaults from the selected profile (`profile`).
pub fn parse() -> anyhow::Result<Cli> {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let root = Cli::command();
    crate::output::diag::set_format(usage_error::log_format(&argv));
    let clap_error = |e: clap::Error| {
        if usage_error::is_output(&e) {
            e.exit()
        }
        usage_error::convert(e, &root, &argv)
    };
    let matches = root
        .clone()
        .try_get_matches_from(&argv)
        .map_err(clap_error)?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(clap_error)?;
    crate::output::diag::set_format(cli.log);
    crate::output::color::set(cli.color);
    profile::apply(&mut cli, &matches)?;
    if let Some(connect) = cli.command.connect_args_mut() {
        password::resolve(connect, password::given_on_command_line(&matches))?;
    }
    Ok(cli)
}

const CONN_EXAMPLES: &str = "\
Examples:
  mqtt conn                                   # localhost:1883, MQTT 5
  mqtt conn -h broker.example -V 3.1.1 -u alice --password-file ~/.mqtt-pass
  mqtt conn -L mqtts://alice:secret@broker.example --cafile ca.pem
  mqtt conn -L wss://broker.example/mqtt --hold 1m
  mqtt conn | jq .reason_name";

#[derive(Debug, Args)]
pub struct ConnArgs {
    /// Keep the connection open (with keepalive) for DURATION, or until Ctrl-C when no
    /// duration is given; prints a `disconnected` record and exits 1 if the server drops it
    #[arg(long, value_name = "DURATION", num_args = 0..=1, default_missing_value = "forever", value_parser = hold_duration)]
    pub hold: Option<Hold>,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// How long `conn --hold` keeps the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    Forever,
    For(Duration),
}

fn hold_duration(s: &str) -> Result<Hold, String> {
    if s == "forever" {
        Ok(Hold::Forever)
    } else {
        parse::duration(s).map(Hold::For)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_with_subcommands_shows_examples_in_its_help() {
        fn walk(cmd: &clap::Command, path: &str) {
            if cmd.has_subcommands() {
                let after = cmd
                    .get_after_help()
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                assert!(after.contains("Examples:"), "{path} has no examples");
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        walk(&Cli::command(), "mqtt");
    }

    #[test]
    fn dash_h_is_the_host_and_help_is_long_only() {
        let cli = Cli::try_parse_from(["mqtt", "conn", "-h", "broker", "-p", "1884"]).unwrap();
        let Command::Conn(c) = cli.command else {
            panic!("conn expected")
        };
        assert_eq!(
            (c.connect.host.0.as_slice(), c.connect.port),
            (&[("broker".to_string(), None)][..], Some(1884))
        );
        let err = Cli::try_parse_from(["mqtt", "sub", "--help"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp);
    }
}
