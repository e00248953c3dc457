//! One broker as a client sees it: a kind at a protocol version, anonymous or as `USER`, and
//! the `mqtt` commands the interop tests run against it.
//!
//! Brokers other than mosquitto log nothing to wait on, so a subscriber is known to be in place
//! once a probe published to its topic comes back (published again every 250 ms, bounded).
//! Probes (payloads starting with `PROBE`) are dropped from what tests count.

#![allow(dead_code)]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

use super::brokers::{Access, Kind, Server, Version};
use super::cmd::{self, mqtt, Spawned};

/// Payload prefix of the messages that prove a subscription is in place.
pub const PROBE: &str = "probe-";
/// How long a subscriber may take to be in place.
const PROBE_TIMEOUT: Duration = Duration::from_secs(20);
const PROBE_EVERY: Duration = Duration::from_millis(250);

pub struct Peer {
    pub server: Arc<Server>,
    pub version: Version,
    pub access: Access,
}

static SEQ: AtomicU64 = AtomicU64::new(0);

impl Peer {
    pub fn kind(&self) -> Kind {
        self.server.kind()
    }

    /// `rabbitmq 3.1.1`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.kind(), self.version)
    }

    /// A topic no other test uses: `interop/<kind>/<version>/<what>/<pid>-<n>` (no dots:
    /// RabbitMQ maps `/` to `.` in its routing keys).
    pub fn topic(&self, what: &str) -> String {
        format!(
            "interop/{}/v{}/{what}/{}-{}",
            self.kind(),
            self.version.flag().replace('.', ""),
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// A client id no other test uses, short enough for MQTT 3.1 (23 characters).
    pub fn client_id(&self) -> String {
        format!(
            "it{}x{}",
            std::process::id() % 1_000_000,
            SEQ.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// `mqtt <command>` with this peer's connection options.
    pub fn cmd(&self, command: &str) -> Command {
        let mut c = mqtt();
        c.arg(command)
            .args(self.server.args(self.version, self.access));
        c
    }

    /// `mqtt bench <scenario>` with this peer's connection options.
    pub fn bench(&self, scenario: &str) -> Command {
        let mut c = mqtt();
        c.args(["bench", scenario])
            .args(self.server.args(self.version, self.access));
        c
    }

    /// Run `mqtt <command> <args>` to the end (bounded), whatever its exit code.
    pub fn run(&self, command: &str, args: &[&str]) -> Output {
        cmd::run_default(self.cmd(command).args(args))
    }

    /// `mqtt pub <args>`; must exit 0.
    #[track_caller]
    pub fn publish(&self, args: &[&str]) -> Output {
        let out = self.run("pub", args);
        self.assert_ok(&out, "pub");
        out
    }

    /// `mqtt pub <args>` with `input` on stdin; must exit 0.
    #[track_caller]
    pub fn publish_stdin(&self, args: &[&str], input: &[u8], timeout: Duration) -> Output {
        let out = cmd::run_with_stdin(self.cmd("pub").args(args), input, timeout);
        self.assert_ok(&out, "pub");
        out
    }

    #[track_caller]
    pub fn assert_ok(&self, out: &Output, what: &str) {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{what} on {}\n{}\n--- broker log (tail) ---\n{}",
            self.label(),
            cmd::describe(out),
            self.log_tail()
        );
    }

    /// The end of the broker's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = self.server.log();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// `mqtt sub <args>` (which must subscribe to `topic`, or a filter matching it), returned
    /// once a probe published to `topic` arrived, with the messages that came before it
    /// (retained ones).
    #[track_caller]
    pub fn spawn_sub(&self, args: &[&str], topic: &str) -> (Spawned, Vec<Value>) {
        let mut sub = Spawned::spawn(self.cmd("sub").args(args));
        let deadline = Instant::now() + PROBE_TIMEOUT;
        let mut before = Vec::new();
        for n in 0.. {
            if Instant::now() > deadline || !sub.is_running() {
                let done = sub.wait(Duration::from_secs(5));
                panic!(
                    "the subscriber on {} was not in place within {PROBE_TIMEOUT:?}: {done:?}\n\
                     --- broker log (tail) ---\n{}",
                    self.label(),
                    self.log_tail()
                );
            }
            let probe = format!("{PROBE}{n}");
            self.publish(&["-t", topic, "-q", "1", "-m", &probe, "--no-output"]);
            let until = Instant::now() + PROBE_EVERY;
            while let Some(line) = sub.next_line(until.saturating_duration_since(Instant::now())) {
                let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| {
                    panic!("sub printed a line that is not JSON ({e}): {line}")
                });
                if is_probe(&v) {
                    return (sub, before);
                }
                before.push(v);
            }
        }
        unreachable!()
    }

    /// Publish `END` (QoS 1, another connection) to `topic` and collect the subscriber's
    /// messages until it arrived and `at_least` others did: QoS 0 messages of one connection
    /// may come after a later connection's (RabbitMQ, amqtt), so `END` alone does not prove
    /// the rest is in. Probes are dropped.
    #[track_caller]
    pub fn collect_until_end(
        &self,
        sub: &mut Spawned,
        topic: &str,
        at_least: usize,
        timeout: Duration,
    ) -> Vec<Value> {
        self.publish(&["-t", topic, "-q", "1", "-m", END, "--no-output"]);
        collect_until(sub, END, at_least, timeout, &self.label())
    }
}

/// The payload of the marker that ends a collection.
pub const END: &str = "end-of-test";

/// Message records from `sub` until one whose payload is `end` (not included) came and at least
/// `at_least` others; probes dropped.
#[track_caller]
pub fn collect_until(
    sub: &mut Spawned,
    end: &str,
    at_least: usize,
    timeout: Duration,
    label: &str,
) -> Vec<Value> {
    let deadline = Instant::now() + timeout;
    let mut got = Vec::new();
    let mut ended = false;
    while !ended || got.len() < at_least {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some(line) = sub.next_line(left) else {
            panic!(
                "{label}: {} within {timeout:?} ({} messages, {at_least} expected)\n{}\n\
                 --- stderr ---\n{}",
                if ended {
                    "not all messages"
                } else {
                    "no end marker"
                },
                got.len(),
                summarize(&got),
                sub.stderr()
            );
        };
        let v: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("sub printed a line that is not JSON ({e}): {line}"));
        if v["type"] == "message" && payload_bytes(&v) == end.as_bytes() {
            ended = true;
        } else if !is_probe(&v) {
            got.push(v);
        }
    }
    got
}

/// A probe message, whatever the payload encoding.
pub fn is_probe(v: &Value) -> bool {
    v["type"] == "message" && payload_bytes(v).starts_with(PROBE.as_bytes())
}

/// The payloads as text (for assertions on line streams).
pub fn payloads(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| match r["payload"].as_str() {
            Some(s) if r.get("encoding").is_none() => s.to_string(),
            _ => format!("{:?}", payload_bytes(r)),
        })
        .collect()
}

/// A short description of records for failure messages: count, first and last.
pub fn summarize(records: &[Value]) -> String {
    match records {
        [] => "(none)".into(),
        [one] => one.to_string(),
        [first, .., last] => format!("first {first}\nlast {last}"),
    }
}

/// The bytes of a message record's payload (text, base64 or hex).
#[track_caller]
pub fn payload_bytes(r: &Value) -> Vec<u8> {
    let p = r["payload"]
        .as_str()
        .unwrap_or_else(|| panic!("payload in {r}"));
    match r.get("encoding").and_then(Value::as_str) {
        None => p.as_bytes().to_vec(),
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(p)
            .unwrap_or_else(|e| panic!("base64 payload in {r}: {e}")),
        Some("hex") => (0..p.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&p[i..i + 2], 16).unwrap())
            .collect(),
        Some(other) => panic!("unexpected encoding {other} in {r}"),
    }
}
