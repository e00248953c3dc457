//! Options of `mqtt test`: which checks, where, how long each may wait.
use std::time::Duration;

use clap::Args;

use super::{parse, ConnectArgs};

pub const TEST_EXAMPLES: &str = "\
Examples:
  mqtt test -h broker.example                     # the checks for the version in use
  mqtt test -h broker.example --all-versions      # under every version the broker accepts
  mqtt test --only retained,wildcards --json | jq -c 'select(.result != \"pass\")'
  mqtt test -V 3.1.1 --require qos1_round_trip,retained   # CI: exit 5 unless these pass

Each check uses its own topics under --topic-prefix and its own client ids; every retained
message and session it creates is removed before the exit (also on Ctrl-C). One `check` record
per check (result pass, fail, unsupported or skipped), then a `test_summary` record; on a
terminal a table instead, unless --json. `--only` and `--skip` take check names (see `check`
records, or README \"mqtt test\").";

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Topics of the checks go under this prefix [default: mqtt-test/<random>/]
    #[arg(long, value_name = "PREFIX", help_heading = "Test")]
    pub topic_prefix: Option<String>,

    /// Run only these checks (comma-separated names)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAMES",
        help_heading = "Test"
    )]
    pub only: Vec<String>,

    /// Leave these checks out (comma-separated names)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAMES",
        help_heading = "Test"
    )]
    pub skip: Vec<String>,

    /// Exit 0 only if these checks pass [default: the behaviours every broker of the version
    /// must have]
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAMES",
        help_heading = "Test"
    )]
    pub require: Vec<String>,

    /// How long a check waits for each message it expects (the waits for what must not come
    /// are a quarter of it); scale it up for slow links
    #[arg(long, default_value = "1s", value_parser = parse::duration, value_name = "DURATION", help_heading = "Test")]
    pub timeout: Duration,

    /// Run the checks under each version the broker accepts (3.1, 3.1.1, 5)
    #[arg(long, help_heading = "Test")]
    pub all_versions: bool,

    /// The largest payload the maximum-payload check tries
    #[arg(long, default_value = "16MiB", value_parser = parse::size, value_name = "SIZE", help_heading = "Test")]
    pub max_payload: u64,

    /// JSON records even on a terminal
    #[arg(long, help_heading = "Output")]
    pub json: bool,

    #[command(flatten)]
    pub connect: ConnectArgs,
}
