//! The exit-code table (README "Exit codes") and the mapping from errors to codes.
//!
//! Errors travel as `anyhow::Error`; the ones that decide an exit code carry an [`Exit`]
//! somewhere in their chain, which `code_for` finds by downcast.
use std::fmt;
use std::process::ExitCode;

pub const SUCCESS: u8 = 0;
pub const RUNTIME: u8 = 1;
pub const USAGE: u8 = 2;
pub const CONNECT: u8 = 3;
pub const REFUSED: u8 = 4;
pub const REJECTED: u8 = 5;
pub const TIMEOUT: u8 = 6;
pub const INTERRUPTED: u8 = 130;

/// One exit code of the table: its number, its class (the `kind` of an error's `log` record),
/// its general meaning in a command's help, and its meaning in full (README.md "Exit codes",
/// word for word; the man pages' EXIT STATUS).
#[derive(Clone, Copy, Debug)]
pub struct Code {
    pub code: u8,
    pub kind: &'static str,
    pub short: &'static str,
    pub meaning: &'static str,
}

/// The exit-code table: every code the program ends with, and what it means.
pub const CODES: &[Code] = &[
    Code {
        code: SUCCESS,
        kind: "success",
        short: "success",
        meaning: "success (including `sub` stopped by SIGINT/SIGTERM after a clean DISCONNECT, \
                  or its reader going away)",
    },
    Code {
        code: RUNTIME,
        kind: "runtime",
        short: "runtime error",
        meaning: "runtime error: connection lost, protocol violation by the peer, I/O error; \
                  `bench`: clients cut off or QoS 1/2 messages lost",
    },
    Code {
        code: USAGE,
        kind: "usage",
        short: "usage error",
        meaning: "usage error: bad option, invalid topic or filter, unreadable file, malformed \
                  input, unknown profile or config key, a message larger than the broker \
                  accepts (before connecting where possible)",
    },
    Code {
        code: CONNECT,
        kind: "connect",
        short: "could not connect",
        meaning: "could not connect: DNS, TCP, TLS handshake or certificate failure, connect \
                  timeout",
    },
    Code {
        code: REFUSED,
        kind: "refused",
        short: "connection refused",
        meaning: "the broker refused the connection (the CONNACK reason code is in the record \
                  and on stderr)",
    },
    Code {
        code: REJECTED,
        kind: "rejected",
        short: "operation rejected",
        meaning: "the broker rejected an operation: SUBACK failure (or the connection closed \
                  over a SUBSCRIBE 3 times in a row), PUBACK/PUBREC reason >= 0x80, no QoS 2, \
                  DISCONNECT from the server with a reason",
    },
    Code {
        code: TIMEOUT,
        kind: "timeout",
        short: "timeout",
        meaning: "`-W/--timeout` elapsed before `-C/--count` was reached (counted from start-up, \
                  connecting and subscribing included)",
    },
    Code {
        code: INTERRUPTED,
        kind: "interrupted",
        short: "interrupted",
        meaning: "interrupted before the work was complete (`pub`, `bench`)",
    },
];

/// The table's row for `code`.
pub fn code_info(code: u8) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

/// The codes a command ends with: `(code, None)` in the table's general meaning, `(code,
/// Some(text))` in the command's own words.
pub type Uses = &'static [(u8, Option<&'static str>)];

/// A command's "Exit codes: ..." help paragraph, made from the table and the codes it uses.
pub fn help(uses: Uses) -> String {
    let items: Vec<String> = uses
        .iter()
        .map(|&(code, own)| {
            let text = own.or(code_info(code).map(|c| c.short)).unwrap_or_default();
            format!("{code} {text}")
        })
        .collect();
    format!("Exit codes: {}.", items.join("; "))
}

/// An error with the exit code it should end the program with.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: String,
    /// For exit 3: what kind of connection failure (bench counts them by kind).
    pub failure: Option<ConnectFailure>,
}

/// Why a connection could not be made (exit 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectFailure {
    Dns,
    TooManyOpenFiles,
    AddressNotAvailable,
    Refused,
    /// Closed or reset by the broker before or instead of a CONNACK.
    ClosedByBroker,
    Timeout,
    Tls,
    WebSocket,
    /// Anything else: a malformed CONNACK, an unexpected packet, another socket error.
    Other,
}

impl ConnectFailure {
    /// The failure's name in records (`bench`'s `connect_failures`).
    pub fn name(self) -> &'static str {
        match self {
            ConnectFailure::Dns => "dns",
            ConnectFailure::TooManyOpenFiles => "too_many_open_files",
            ConnectFailure::AddressNotAvailable => "address_not_available",
            ConnectFailure::Refused => "connection_refused",
            ConnectFailure::ClosedByBroker => "closed_by_broker",
            ConnectFailure::Timeout => "timeout",
            ConnectFailure::Tls => "tls",
            ConnectFailure::WebSocket => "websocket",
            ConnectFailure::Other => "other",
        }
    }

    /// The kind of a socket error while connecting.
    pub fn of_io(e: &std::io::Error) -> ConnectFailure {
        use std::io::ErrorKind::*;
        match (e.raw_os_error(), e.kind()) {
            (Some(23 | 24), _) => ConnectFailure::TooManyOpenFiles,
            (Some(99), _) | (_, AddrNotAvailable) => ConnectFailure::AddressNotAvailable,
            (_, ConnectionRefused) => ConnectFailure::Refused,
            (_, ConnectionReset | ConnectionAborted | UnexpectedEof | BrokenPipe) => {
                ConnectFailure::ClosedByBroker
            }
            (_, TimedOut) => ConnectFailure::Timeout,
            _ => ConnectFailure::Other,
        }
    }
}

/// Exit 3, of a known kind.
pub fn connect_failed(failure: ConnectFailure, message: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(Exit {
        code: CONNECT,
        message: message.to_string(),
        failure: Some(failure),
    })
}

/// The kind of connection failure in an error's chain, if it is one.
pub fn failure_of(err: &anyhow::Error) -> Option<ConnectFailure> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Exit>().and_then(|e| e.failure))
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Exit {}

fn exit(code: u8, message: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(Exit {
        code,
        message: message.to_string(),
        failure: (code == CONNECT).then_some(ConnectFailure::Other),
    })
}

/// An error ending the program with `code` (one of the constants above; 0 is no error code,
/// so it becomes 1).
pub fn with_code(code: u8, message: impl fmt::Display) -> anyhow::Error {
    exit(if code == SUCCESS { RUNTIME } else { code }, message)
}

/// Exit 2: bad option, invalid topic, unreadable file (before connecting).
pub fn usage(message: impl fmt::Display) -> anyhow::Error {
    exit(USAGE, message)
}

/// Exit 3: DNS, TCP, TLS or WebSocket handshake failure, connect timeout.
pub fn connect(message: impl fmt::Display) -> anyhow::Error {
    exit(CONNECT, message)
}

/// Exit 4: the broker refused the connection.
pub fn refused(message: impl fmt::Display) -> anyhow::Error {
    exit(REFUSED, message)
}

/// Exit 5: the broker rejected an operation.
pub fn rejected(message: impl fmt::Display) -> anyhow::Error {
    exit(REJECTED, message)
}

/// Exit 6: `-W/--timeout` elapsed.
pub fn timeout(message: impl fmt::Display) -> anyhow::Error {
    exit(TIMEOUT, message)
}

/// Exit 130: interrupted before the work was complete.
pub fn interrupted(message: impl fmt::Display) -> anyhow::Error {
    exit(INTERRUPTED, message)
}

/// Exit 1: runtime error (connection lost, protocol violation, I/O).
pub fn runtime(message: impl fmt::Display) -> anyhow::Error {
    exit(RUNTIME, message)
}

/// True when the error chain holds a broken pipe: the reader went away, which is success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The exit code for an error: the first [`Exit`] in its chain, else 1.
pub fn code_for(err: &anyhow::Error) -> u8 {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Exit>().map(|e| e.code))
        .unwrap_or(RUNTIME)
}

/// Report an error on stderr as one line and turn it into the process exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    let code = code_for(err);
    let kind = match code_info(code) {
        Some(c) if code != SUCCESS => c.kind,
        _ => "runtime",
    };
    crate::output::diag::emit(
        crate::output::diag::Level::Error,
        Some(kind),
        &format!("{err:#}"),
    );
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn the_readme_exit_code_table_says_what_the_table_in_exit_rs_says() {
        let readme = include_str!("../README.md");
        let section = readme
            .split("\n## Exit codes\n")
            .nth(1)
            .expect("README.md has an Exit codes section");
        let rows: Vec<(String, String)> = section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2) // the header and the |---| line
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
                assert_eq!(cells.len(), 2, "two cells: {l}");
                (cells[0].to_string(), cells[1].to_string())
            })
            .collect();
        let table: Vec<(String, String)> = CODES
            .iter()
            .map(|c| (c.code.to_string(), c.meaning.to_string()))
            .collect();
        assert_eq!(rows, table);
    }

    #[test]
    fn help_paragraphs_use_the_general_meaning_unless_the_command_has_its_own() {
        let text = help(&[
            (SUCCESS, Some("connected")),
            (CONNECT, None),
            (INTERRUPTED, None),
        ]);
        assert_eq!(
            text,
            "Exit codes: 0 connected; 3 could not connect; 130 interrupted."
        );
        let codes: Vec<u8> = CODES.iter().map(|c| c.code).collect();
        assert_eq!(
            codes,
            [
                SUCCESS,
                RUNTIME,
                USAGE,
                CONNECT,
                REFUSED,
                REJECTED,
                TIMEOUT,
                INTERRUPTED
            ]
        );
    }

    #[test]
    fn code_is_found_through_context() {
        let err = Err::<(), _>(refused("Not authorized"))
            .context("connecting to localhost:1883")
            .unwrap_err();
        assert_eq!(code_for(&err), REFUSED);
        assert_eq!(
            format!("{err:#}"),
            "connecting to localhost:1883: Not authorized"
        );
    }

    #[test]
    fn connect_failures_carry_their_kind_through_context() {
        let io = |raw: i32| std::io::Error::from_raw_os_error(raw);
        assert_eq!(
            ConnectFailure::of_io(&io(24)),
            ConnectFailure::TooManyOpenFiles
        );
        assert_eq!(
            ConnectFailure::of_io(&io(99)),
            ConnectFailure::AddressNotAvailable
        );
        assert_eq!(ConnectFailure::of_io(&io(111)), ConnectFailure::Refused);
        assert_eq!(
            ConnectFailure::of_io(&io(104)),
            ConnectFailure::ClosedByBroker
        );
        let err = Err::<(), _>(connect_failed(ConnectFailure::Tls, "bad certificate"))
            .context("connecting")
            .unwrap_err();
        assert_eq!(code_for(&err), CONNECT);
        assert_eq!(failure_of(&err), Some(ConnectFailure::Tls));
        assert_eq!(failure_of(&connect("plain")), Some(ConnectFailure::Other));
        assert_eq!(failure_of(&usage("x")), None);
        assert_eq!(
            ConnectFailure::TooManyOpenFiles.name(),
            "too_many_open_files"
        );
    }

    #[test]
    fn plain_errors_are_runtime_errors() {
        assert_eq!(code_for(&anyhow::anyhow!("boom")), RUNTIME);
    }

    #[test]
    fn broken_pipe_is_detected_in_the_chain() {
        let io = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "pipe");
        let err = anyhow::Error::new(io).context("writing stdout");
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("x")));
    }
}
