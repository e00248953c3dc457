//! Running the built `mqtt` binary (or any program) with timeouts, and reading its JSON lines.
//!
//! Nothing here waits without a deadline: a test that would hang fails instead.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The default deadline for one command.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A `Command` for the built `mqtt` binary, with every `MQTT_*` variable removed from its
/// environment, no config file of profiles, and stdin closed (override with `.stdin(..)`).
pub fn mqtt() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mqtt"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("MQTT_") {
            cmd.env_remove(key);
        }
    }
    // No connection profile of the user running the tests applies (`--config`,
    // MQTT_CONFIG or XDG_CONFIG_HOME set by a test still do).
    cmd.env("XDG_CONFIG_HOME", "/nonexistent/mqtt-tests")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// Run to completion within `timeout`; on timeout the process is killed and the test panics
/// with what it printed.
pub fn run(cmd: &mut Command, timeout: Duration) -> Output {
    try_run(cmd, None, timeout)
        .unwrap_or_else(|out| panic!("timed out after {timeout:?}: {cmd:?}\n{}", describe(&out)))
}

/// `run` with the default 20 s deadline.
pub fn run_default(cmd: &mut Command) -> Output {
    run(cmd, TIMEOUT)
}

/// Run with `input` written to stdin (then closed).
pub fn run_with_stdin(cmd: &mut Command, input: &[u8], timeout: Duration) -> Output {
    try_run(cmd, Some(input), timeout)
        .unwrap_or_else(|out| panic!("timed out after {timeout:?}: {cmd:?}\n{}", describe(&out)))
}

/// Run within `timeout`: `Ok` when the process exited by itself, `Err` with what it printed
/// when it had to be killed.
pub fn try_run(
    cmd: &mut Command,
    input: Option<&[u8]>,
    timeout: Duration,
) -> Result<Output, Output> {
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let writer = input.map(|data| {
        let mut stdin = child.stdin.take().unwrap();
        let data = data.to_vec();
        // A child that exits without reading gives EPIPE: not our concern here.
        thread::spawn(move || {
            let _ = stdin.write_all(&data);
        })
    });
    let stdout = read_all(child.stdout.take().unwrap());
    let stderr = read_all(child.stderr.take().unwrap());
    let deadline = Instant::now() + timeout;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break (status, false);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            break (child.wait().expect("wait"), true);
        }
        thread::sleep(Duration::from_millis(2));
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let out = Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    if timed_out {
        Err(out)
    } else {
        Ok(out)
    }
}

fn read_all(mut r: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        buf
    })
}

/// Exit status, stdout and stderr as text, for assertion messages.
pub fn describe(out: &Output) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Assert the exit code, showing the output when it differs.
#[track_caller]
pub fn assert_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "unexpected exit code\n{}",
        describe(out)
    );
}

/// Assert success (exit code 0).
#[track_caller]
pub fn assert_success(out: &Output) {
    assert_code(out, 0);
}

/// stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parse every line as a JSON value (a final newline is fine; any other line must be JSON).
#[track_caller]
pub fn json_lines(bytes: &[u8]) -> Vec<Value> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_suffix('\n').unwrap_or(&text);
    if text.is_empty() {
        return Vec::new();
    }
    text.split('\n')
        .enumerate()
        .map(|(i, line)| parse_json_line(line, i + 1))
        .collect()
}

#[track_caller]
fn parse_json_line(line: &str, n: usize) -> Value {
    serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("stdout line {n} is not JSON ({e}): {line:?}"))
}

/// The JSON records of `type` == `ty`.
pub fn records<'a>(values: &'a [Value], ty: &str) -> Vec<&'a Value> {
    values.iter().filter(|v| v["type"] == ty).collect()
}

/// A long-running child whose stdout lines arrive on a channel, so a test can wait for events.
/// Killed on drop.
pub struct Spawned {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Every stdout line received so far, in order (including consumed ones).
    seen: Vec<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_thread: Option<JoinHandle<()>>,
    desc: String,
}

/// How a `Spawned` ended.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    /// stdout lines not consumed by `next_line`/`wait_for_*` before the exit.
    pub lines: Vec<String>,
    /// Every stdout line of the run.
    pub all_lines: Vec<String>,
    pub stderr: String,
}

impl Finished {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
    /// The unconsumed lines parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> Vec<Value> {
        self.lines
            .iter()
            .enumerate()
            .map(|(i, l)| parse_json_line(l, i + 1))
            .collect()
    }
}

impl Spawned {
    /// Spawn with stdin as configured on `cmd` (closed when built by `mqtt()`).
    pub fn spawn(cmd: &mut Command) -> Spawned {
        Self::spawn_inner(cmd, false)
    }

    /// Spawn with a pipe for stdin; write with `stdin()`, close with `close_stdin()`.
    pub fn spawn_with_stdin(cmd: &mut Command) -> Spawned {
        Self::spawn_inner(cmd, true)
    }

    fn spawn_inner(cmd: &mut Command, piped_stdin: bool) -> Spawned {
        if piped_stdin {
            cmd.stdin(Stdio::piped());
        }
        let desc = format!("{cmd:?}");
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {desc}: {e}"));
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if buf.last() == Some(&b'\n') {
                            buf.pop();
                        }
                        let line = String::from_utf8_lossy(&buf).into_owned();
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut err_pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        let stderr_thread = thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        Spawned {
            stdin: child.stdin.take(),
            child,
            lines,
            seen: Vec::new(),
            stderr,
            stderr_thread: Some(stderr_thread),
            desc,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The stdin pipe (only with `spawn_with_stdin`).
    pub fn stdin(&mut self) -> &mut ChildStdin {
        self.stdin
            .as_mut()
            .expect("spawned without a stdin pipe, or stdin already closed")
    }

    /// Write a line (a newline is added) to stdin and flush.
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin();
        stdin.write_all(line.as_bytes()).expect("write stdin");
        stdin.write_all(b"\n").expect("write stdin");
        stdin.flush().expect("flush stdin");
    }

    /// Take the stdin pipe, to keep it open (idle input) past `wait`.
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.stdin.take()
    }

    /// Close stdin (end of input for the child).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Every stdout line received so far.
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    /// The next stdout line, or None on timeout or end of output.
    pub fn next_line(&mut self, timeout: Duration) -> Option<String> {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => {
                self.seen.push(line.clone());
                Some(line)
            }
            Err(_) => None,
        }
    }

    /// Skip lines until one matches; panics (with all output) on timeout or end of output.
    #[track_caller]
    pub fn wait_for_line(
        &mut self,
        mut pred: impl FnMut(&str) -> bool,
        timeout: Duration,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if pred(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.fail(&format!("no matching line within {timeout:?}"))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.fail("stdout closed before a matching line")
                }
            }
        }
    }

    /// Skip lines until a JSON one matches; every line must be JSON.
    #[track_caller]
    pub fn wait_for_json(
        &mut self,
        mut pred: impl FnMut(&Value) -> bool,
        timeout: Duration,
    ) -> Value {
        let line = self.wait_for_line(
            |l| match serde_json::from_str::<Value>(l) {
                Ok(v) => pred(&v),
                Err(e) => panic!("stdout line is not JSON ({e}): {l:?}"),
            },
            timeout,
        );
        serde_json::from_str(&line).unwrap()
    }

    /// Wait for the next JSON record whose `type` is `ty`.
    #[track_caller]
    pub fn wait_for_record(&mut self, ty: &str, timeout: Duration) -> Value {
        self.wait_for_json(|v| v["type"] == ty, timeout)
    }

    /// Send a signal (e.g. `libc::SIGINT`).
    pub fn signal(&self, sig: libc::c_int) {
        // SAFETY: a plain signal to our own child.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, sig);
        }
    }

    /// True while the process has not exited.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Wait for the exit (closing stdin first); kills and panics after `timeout`.
    #[track_caller]
    pub fn wait(mut self, timeout: Duration) -> Finished {
        self.close_stdin();
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() >= deadline {
                self.fail(&format!("did not exit within {timeout:?}"));
            }
            thread::sleep(Duration::from_millis(2));
        };
        // The pipes close with the process (unless it left children holding them).
        let mut lines = Vec::new();
        loop {
            let left = deadline
                .saturating_duration_since(Instant::now())
                .max(Duration::from_millis(500));
            match self.lines.recv_timeout(left) {
                Ok(line) => lines.push(line),
                Err(_) => break,
            }
        }
        if let Some(t) = self.stderr_thread.take() {
            let until = Instant::now() + Duration::from_millis(500);
            while !t.is_finished() && Instant::now() < until {
                thread::sleep(Duration::from_millis(2));
            }
        }
        self.seen.extend(lines.iter().cloned());
        Finished {
            status,
            lines,
            all_lines: self.seen.clone(),
            stderr: self.stderr(),
        }
    }

    /// Kill now.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    #[track_caller]
    fn fail(&mut self, what: &str) -> ! {
        self.kill();
        // Collect what is still buffered, for the message.
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
        panic!(
            "{what}: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.desc,
            self.seen.join("\n"),
            self.stderr()
        )
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A pipe already full (shrunk to one page, then filled): its read end, kept open and never
/// read, and its write end, blocking as a child's stdout normally is.
pub fn full_pipe() -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe2 into a two-int array; fcntl and write on the fds it returned.
    unsafe {
        assert_eq!(libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC), 0);
        libc::fcntl(fds[1], libc::F_SETPIPE_SZ, 4096);
        let flags = libc::fcntl(fds[1], libc::F_GETFL);
        libc::fcntl(fds[1], libc::F_SETFL, flags | libc::O_NONBLOCK);
        let page = [b'x'; 4096];
        while libc::write(fds[1], page.as_ptr().cast(), page.len()) > 0 {}
        libc::fcntl(fds[1], libc::F_SETFL, flags);
        (
            std::os::fd::OwnedFd::from_raw_fd(fds[0]),
            std::os::fd::OwnedFd::from_raw_fd(fds[1]),
        )
    }
}
