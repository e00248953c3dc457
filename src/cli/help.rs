//! The "Exit codes:" paragraph of each command's help, made from the exit-code table in
//! `exit.rs` (`exit::CODES`, which README.md's table repeats word for word): each command
//! lists the codes it ends with, in the table's general meaning or in its own words.
use crate::exit::{
    self, Uses, CONNECT, INTERRUPTED, REFUSED, REJECTED, RUNTIME, SUCCESS, TIMEOUT, USAGE,
};

/// `mqtt --help`: every code, in its general meaning.
pub const TOP_CODES: Uses = &[
    (SUCCESS, None),
    (RUNTIME, None),
    (USAGE, None),
    (CONNECT, None),
    (REFUSED, None),
    (REJECTED, None),
    (TIMEOUT, None),
    (INTERRUPTED, None),
];

pub const CONN_CODES: Uses = &[
    (SUCCESS, Some("connected")),
    (RUNTIME, Some("connection lost during --hold")),
    (USAGE, None),
    (CONNECT, Some("could not connect (DNS, TCP, TLS, timeout)")),
    (
        REFUSED,
        Some("refused by the broker (the CONNACK record says why)"),
    ),
];

pub const PUB_CODES: Uses = &[
    (SUCCESS, Some("every message sent as its QoS requires")),
    (RUNTIME, Some("connection lost without --reconnect")),
    (
        USAGE,
        Some(
            "usage error (bad topic, unreadable file, malformed --jsonl line, a message or line \
             larger than the broker accepts: it is not sent)",
        ),
    ),
    (CONNECT, None),
    (REFUSED, None),
    (
        REJECTED,
        Some(
            "the broker rejected a message (its `published` record says which) or offers no \
             QoS 2 (use -q 1)",
        ),
    ),
    (
        INTERRUPTED,
        Some(
            "interrupted (Ctrl-C/SIGTERM: what is in flight gets 5 s, a second signal exits at \
             once)",
        ),
    ),
];

pub const SUB_CODES: Uses = &[
    (
        SUCCESS,
        Some("count reached, stopped by Ctrl-C/SIGTERM, or reader went away"),
    ),
    (RUNTIME, Some("connection lost")),
    (USAGE, None),
    (CONNECT, None),
    (REFUSED, None),
    (
        REJECTED,
        Some(
            "every subscription refused, or the connection closed over the SUBSCRIBE 3 times \
             in a row",
        ),
    ),
    (
        TIMEOUT,
        Some("-W elapsed first (also while connecting or subscribing)"),
    ),
    (INTERRUPTED, Some("Ctrl-C/SIGTERM while still connecting")),
];

pub const RR_CODES: Uses = &[
    (SUCCESS, Some("every request answered (--replies times)")),
    (RUNTIME, Some("connection lost without --reconnect")),
    (
        USAGE,
        Some("usage error (bad topic, malformed --jsonl line, -e missing over MQTT 3.1.1)"),
    ),
    (CONNECT, None),
    (REFUSED, None),
    (
        REJECTED,
        Some("the broker rejected a request or the response subscription"),
    ),
    (
        TIMEOUT,
        Some("-W passed with a request unanswered (an `unanswered` record says which)"),
    ),
    (INTERRUPTED, None),
];

pub const REPLY_CODES: Uses = &[
    (
        SUCCESS,
        Some("-C requests served, or stopped by Ctrl-C/SIGTERM (a DISCONNECT first)"),
    ),
    (RUNTIME, Some("connection lost without --reconnect")),
    (USAGE, None),
    (CONNECT, None),
    (REFUSED, None),
    (REJECTED, Some("every subscription refused")),
    (TIMEOUT, Some("-W passed before -C was reached")),
];

pub const BRIDGE_CODES: Uses = &[
    (
        SUCCESS,
        Some("stopped by Ctrl-C/SIGTERM (in-flight messages get 5 s)"),
    ),
    (
        RUNTIME,
        Some("a connection lost without --reconnect, or --tee not writable"),
    ),
    (
        USAGE,
        Some("usage error (bad filter or --map, --no-clean without -i, unknown profile)"),
    ),
    (CONNECT, None),
    (REFUSED, None),
    (REJECTED, Some("every subscription refused by --from")),
    (INTERRUPTED, Some("Ctrl-C/SIGTERM while still connecting")),
];

pub const LS_CODES: Uses = &[
    (
        SUCCESS,
        Some("--for passed, --retained found no more, or stopped by Ctrl-C/SIGTERM"),
    ),
    (
        RUNTIME,
        Some("connection lost without --reconnect (what was seen is printed first)"),
    ),
    (USAGE, None),
    (CONNECT, None),
    (REFUSED, None),
    (REJECTED, Some("every subscription refused")),
    (TIMEOUT, Some("--for passed while still connecting")),
    (INTERRUPTED, Some("Ctrl-C/SIGTERM while still connecting")),
];

pub const TEST_CODES: Uses = &[
    (SUCCESS, Some("every required check passed")),
    (USAGE, Some("usage error (an unknown check name)")),
    (CONNECT, None),
    (REFUSED, Some("the broker refused every version tried")),
    (
        REJECTED,
        Some("a required check did not pass (the `test_summary` record names it)"),
    ),
    (
        INTERRUPTED,
        Some("interrupted (what the checks created is removed first)"),
    ),
];

/// Every bench scenario (`bench/verdict.rs` decides them).
pub const BENCH_CODES: Uses = &[
    (SUCCESS, Some("done")),
    (
        RUNTIME,
        Some(
            "clients cut off by the broker or a protocol error, QoS 1/2 messages not \
             acknowledged, or lost (pubsub)",
        ),
    ),
    (
        USAGE,
        Some(
            "usage error, also a payload beyond the Maximum Packet Size of the broker's \
             CONNACK",
        ),
    ),
    (CONNECT, Some("connections failed")),
    (REFUSED, Some("the broker refused every one that failed")),
    (
        REJECTED,
        Some(
            "the broker rejected publishes or subscriptions, or disconnected clients with a \
             reason",
        ),
    ),
    (
        INTERRUPTED,
        Some("interrupted before --duration, --count or --limit was reached"),
    ),
];

/// A command's after-help: its examples (and notes), then its "Exit codes:" paragraph.
pub fn with_exit_codes(examples: &str, uses: Uses) -> String {
    format!("{examples}\n\n{}", exit::help(uses))
}

/// The top-level after-help: examples, the exit codes, the environment.
pub fn top(examples: &str) -> String {
    format!(
        "{}\n\nEvery connection option also reads an MQTT_* environment variable (shown in [env: \
         ...]).",
        with_exit_codes(examples, TOP_CODES)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    const ALL: &[(&[&str], Uses)] = &[
        (&[], TOP_CODES),
        (&["conn"], CONN_CODES),
        (&["pub"], PUB_CODES),
        (&["sub"], SUB_CODES),
        (&["rr"], RR_CODES),
        (&["reply"], REPLY_CODES),
        (&["ls"], LS_CODES),
        (&["bridge"], BRIDGE_CODES),
        (&["test"], TEST_CODES),
        (&["bench", "conn"], BENCH_CODES),
        (&["bench", "pub"], BENCH_CODES),
        (&["bench", "sub"], BENCH_CODES),
        (&["bench", "pubsub"], BENCH_CODES),
    ];

    #[test]
    fn every_code_a_command_lists_is_in_the_exit_code_table_once() {
        for (path, uses) in ALL {
            for (i, (code, _)) in uses.iter().enumerate() {
                assert!(exit::code_info(*code).is_some(), "{path:?}: {code}");
                assert!(
                    uses[..i].iter().all(|(c, _)| c != code),
                    "{path:?}: {code} twice"
                );
            }
        }
    }

    #[test]
    fn each_command_help_ends_with_the_paragraph_made_from_its_codes() {
        for (path, uses) in ALL {
            let mut cmd = crate::cli::Cli::command();
            for name in *path {
                cmd = cmd
                    .find_subcommand(name)
                    .unwrap_or_else(|| panic!("no subcommand {name}"))
                    .clone();
            }
            let after = cmd
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                after.contains(&exit::help(uses)),
                "{path:?}: the exit codes are not generated:\n{after}"
            );
        }
    }
}
