//! The exit-code table (DESIGN.md section 5) and the mapping from errors to codes.
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

/// An error with the exit code it should end the program with.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: String,
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
    let kind = match code {
        USAGE => "usage",
        CONNECT => "connect",
        REFUSED => "refused",
        REJECTED => "rejected",
        TIMEOUT => "timeout",
        INTERRUPTED => "interrupted",
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
