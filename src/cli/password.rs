//! The password from the terminal (`--password-prompt`, or `-P` without a value), read without
//! echo, or from the first line of standard input (`--password-stdin`, the way for scripts).
//! Both are read while the command line is parsed, before any runtime or signal handler
//! exists: Ctrl-C at the prompt ends the program (the terminal's echo restored first).
use std::fs::File;
use std::io::{BufRead, Read, Write};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::OnceLock;

use anyhow::Result;

use super::ConnectArgs;
use crate::exit;

/// The value `-P` takes when given none: a NUL cannot be in an argument, so no typed password
/// is mistaken for it.
pub const ASK: &str = "\0ask";

/// The longest password MQTT carries (a two-byte length), plus the newline.
const LONGEST: u64 = 65_536;

/// Replace a `-P` without a value, `--password-prompt` or `--password-stdin` with the password
/// they read. These win over MQTT_PASSWORD, MQTT_PASSWORD_FILE and a profile's password (flags
/// win over variables); with `-P PASSWORD` or `--password-file` on the command line as well
/// (`given`: which of those is there) they are a usage error.
pub fn resolve(args: &mut ConnectArgs, given: Option<&'static str>) -> Result<()> {
    let ask = args.password.as_deref() == Some(ASK);
    let flag = match (args.password_prompt, args.password_stdin) {
        (true, _) => "--password-prompt",
        (_, true) => "--password-stdin",
        _ => {
            if ask {
                args.password = Some(from_terminal()?);
                args.password_file = None;
            }
            return Ok(());
        }
    };
    // `-P` without a value asks too: only a password or a file given is another way.
    let other = match given {
        Some("-P/--password") if ask => None,
        other => other,
    };
    if let Some(other) = other {
        return Err(exit::usage(format!(
            "{flag} cannot be used with {other}: give the password one way"
        )));
    }
    args.password = Some(if args.password_prompt {
        from_terminal()?
    } else {
        from_stdin(&mut std::io::stdin().lock())?
    });
    args.password_file = None;
    Ok(())
}

/// Which of `-P/--password` and `--password-file` the command line itself gives (not a variable
/// or a profile), in the innermost subcommand's arguments.
pub fn given_on_command_line(matches: &clap::ArgMatches) -> Option<&'static str> {
    let mut leaf = matches;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    let on_command_line = |id: &str| {
        leaf.try_get_raw(id).is_ok_and(|v| v.is_some())
            && leaf.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
    };
    if on_command_line("password") {
        Some("-P/--password")
    } else if on_command_line("password_file") {
        Some("--password-file")
    } else {
        None
    }
}

/// One line of `input`, without its line ending; nothing at all is an error.
pub fn from_stdin(input: &mut impl BufRead) -> Result<String> {
    let mut line = Vec::new();
    input
        .take(LONGEST)
        .read_until(b'\n', &mut line)
        .map_err(|e| exit::usage(format!("--password-stdin: cannot read stdin: {e}")))?;
    if line.is_empty() {
        return Err(exit::usage(
            "--password-stdin: stdin ended before a password line",
        ));
    }
    if !line.ends_with(b"\n") && line.len() as u64 >= LONGEST {
        return Err(exit::usage(
            "--password-stdin: the password is longer than 65535 bytes",
        ));
    }
    text(line)
}

fn text(mut line: Vec<u8>) -> Result<String> {
    if line.ends_with(b"\n") {
        line.pop();
    }
    if line.ends_with(b"\r") {
        line.pop();
    }
    String::from_utf8(line).map_err(|_| exit::usage("the password is not valid UTF-8"))
}

/// The terminal's settings while echo is off, for the signal handler to put back.
static SAVED: OnceLock<libc::termios> = OnceLock::new();
static TTY_FD: AtomicI32 = AtomicI32::new(-1);

extern "C" fn restore_and_die(sig: libc::c_int) {
    let fd = TTY_FD.load(Ordering::SeqCst);
    if let (true, Some(saved)) = (fd >= 0, SAVED.get()) {
        // SAFETY: tcsetattr, write, signal and raise are async-signal-safe; `saved` is a
        // plain struct written before the handler was installed.
        unsafe {
            libc::tcsetattr(fd, libc::TCSANOW, saved);
            libc::write(fd, b"\n".as_ptr().cast(), 1);
        }
    }
    // SAFETY: back to the default action, then die of the signal as if never caught.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

/// Ask on the controlling terminal (not stdin, which may carry the messages), echo off.
fn from_terminal() -> Result<String> {
    use std::os::fd::AsRawFd;
    let no_tty = |e: std::io::Error| {
        exit::usage(format!(
            "no terminal to ask for the password on (/dev/tty: {e}); use --password-stdin or \
             --password-file"
        ))
    };
    let mut tty = File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(no_tty)?;
    let fd = tty.as_raw_fd();
    // SAFETY: tcgetattr into a zeroed termios of a file we hold open.
    let mut term: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut term) } != 0 {
        return Err(no_tty(std::io::Error::last_os_error()));
    }
    let saved = term;
    let _ = SAVED.set(saved);
    TTY_FD.store(fd, Ordering::SeqCst);
    let handler = restore_and_die as extern "C" fn(libc::c_int) as libc::sighandler_t;
    let signals = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];
    // SAFETY: installing a handler that only calls async-signal-safe functions.
    let previous: Vec<_> = signals
        .iter()
        .map(|&s| unsafe { libc::signal(s, handler) })
        .collect();
    term.c_lflag &= !(libc::ECHO | libc::ECHOE | libc::ECHOK);
    term.c_lflag |= libc::ECHONL | libc::ICANON;
    // SAFETY: setting the terminal's attributes from a termios it gave us.
    unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &term) };
    let _ = tty.write_all(b"Password: ");
    let _ = tty.flush();
    let mut line = Vec::new();
    let read = std::io::BufReader::new(&tty)
        .take(LONGEST)
        .read_until(b'\n', &mut line);
    // SAFETY: putting back the settings read above, then the handlers that were there.
    unsafe {
        libc::tcsetattr(fd, libc::TCSANOW, &saved);
        TTY_FD.store(-1, Ordering::SeqCst);
        for (&s, &h) in signals.iter().zip(&previous) {
            libc::signal(s, h);
        }
    }
    read.map_err(|e| exit::usage(format!("cannot read the password from the terminal: {e}")))?;
    if line.is_empty() {
        return Err(exit::usage("no password entered (the terminal ended)"));
    }
    text(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_is_read_without_its_line_ending() {
        let mut input = &b"s3cret\r\nnext line\n"[..];
        assert_eq!(from_stdin(&mut input).unwrap(), "s3cret");
        assert_eq!(from_stdin(&mut &b"last"[..]).unwrap(), "last");
        assert_eq!(from_stdin(&mut &b"\n"[..]).unwrap(), "");
        let err = from_stdin(&mut &b""[..]).unwrap_err();
        assert_eq!(exit::code_for(&err), exit::USAGE);
        let long = vec![b'x'; 70_000];
        let err = from_stdin(&mut &long[..]).unwrap_err();
        assert!(err.to_string().contains("longer than 65535"), "{err}");
    }
}
