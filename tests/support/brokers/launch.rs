//! Configuring and starting each kind of broker, waiting until it accepts, and stopping it.
//!
//! Every process runs in its own process group (so that helpers it spawns go with it), writes
//! to one log file in the broker's directory, and is waited for by polling its ports, bounded.

use std::fmt::Write as _;
use std::fs;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::super::broker::{accepts, Broker, BrokerConfig};
use super::{rabbitmq, Access, Kind, Version, PASSWORD, USER};

/// How long a broker other than RabbitMQ may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How often startup is retried with fresh ports when one was taken meanwhile.
const START_ATTEMPTS: usize = 8;

/// The processes of a running broker.
pub(super) enum Running {
    /// The mosquitto harness of the other tests (tests/support/broker.rs).
    Mosquitto(Box<Broker>),
    /// One process (and its process group).
    Process(Child),
    Rabbitmq(rabbitmq::Node),
}

impl Running {
    pub(super) fn pids(&self) -> Vec<u32> {
        match self {
            Running::Mosquitto(b) => vec![b.pid()],
            Running::Process(c) => vec![c.id()],
            Running::Rabbitmq(n) => n.pids(),
        }
    }

    pub(super) fn log(&self, path: &Path) -> String {
        match self {
            Running::Mosquitto(b) => b.log(),
            _ => read_log(path),
        }
    }

    pub(super) fn stop(&mut self) {
        match self {
            Running::Mosquitto(b) => b.stop(),
            Running::Process(c) => kill_group(c),
            Running::Rabbitmq(n) => n.stop(),
        }
    }
}

pub(super) fn read_log(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).unwrap_or_default()).into_owned()
}

/// Start `kind` in `dir`; returns the processes, the port of each version and the log file.
pub(super) fn start(
    kind: Kind,
    access: Access,
    programs: &[PathBuf],
    dir: &Path,
) -> (Running, Vec<(Version, u16)>, PathBuf) {
    let log = dir.join(format!("{}.log", kind.name()));
    match kind {
        Kind::Mosquitto => {
            let config = match access {
                Access::Anonymous => BrokerConfig::new(),
                Access::Users => BrokerConfig::new()
                    .users(&[(USER, PASSWORD)])
                    .allow_anonymous(false),
            };
            let b = Broker::start(config);
            let ports = versioned(kind, &[b.port()]);
            (Running::Mosquitto(Box::new(b)), ports, log)
        }
        Kind::Rabbitmq => {
            let (node, port) = rabbitmq::Node::start(programs, dir, &log);
            (Running::Rabbitmq(node), versioned(kind, &[port]), log)
        }
        Kind::Rumqttd | Kind::Amqtt | Kind::Aedes => {
            prepare(kind, access, programs, dir);
            let mut last = String::new();
            for _ in 0..START_ATTEMPTS {
                let ports = free_ports(if kind == Kind::Rumqttd { 2 } else { 1 });
                let mut cmd = command(kind, access, programs, dir, &ports);
                let mut child = spawn_logged(&mut cmd, &log);
                match wait_ready(&mut child, &ports, &log, READY_TIMEOUT) {
                    Ok(()) => return (Running::Process(child), versioned(kind, &ports), log),
                    Err(Fail::Retry(out)) => last = out,
                    Err(Fail::Fatal(out)) => panic!("{kind} failed to start: {cmd:?}\n{out}"),
                }
            }
            panic!("{kind} could not bind free ports in {START_ATTEMPTS} attempts\n{last}")
        }
    }
}

/// The port of each version: rumqttd has a 3.1.1 listener (`ports[0]`) and a 5 one
/// (`ports[1]`); the others serve every version on one port.
fn versioned(kind: Kind, ports: &[u16]) -> Vec<(Version, u16)> {
    kind.caps()
        .versions
        .iter()
        .map(|v| match (kind, v) {
            (Kind::Rumqttd, Version::V5) => (*v, ports[1]),
            _ => (*v, ports[0]),
        })
        .collect()
}

/// Files written once per broker before any attempt: password files.
fn prepare(kind: Kind, access: Access, programs: &[PathBuf], dir: &Path) {
    if access != Access::Users {
        return;
    }
    match kind {
        Kind::Amqtt => {
            // An argon2 hash made by amqtt's own password library.
            let out = run_ok(Command::new(&programs[1]).args([
                "-c",
                "import sys; from pwdlib import PasswordHash; \
                 from pwdlib.hashers.argon2 import Argon2Hasher; \
                 print(PasswordHash((Argon2Hasher(),)).hash(sys.argv[1]))",
                PASSWORD,
            ]));
            fs::write(dir.join("passwd"), format!("{USER}:{}", out.trim()))
                .expect("write amqtt passwd");
        }
        Kind::Aedes => {
            run_ok(
                Command::new(&programs[0])
                    .arg("--credentials")
                    .arg(dir.join("credentials.json"))
                    .args(["adduser", USER, PASSWORD]),
            );
        }
        _ => {}
    }
}

/// The command line (and configuration file) of one start attempt on `ports`.
fn command(kind: Kind, access: Access, programs: &[PathBuf], dir: &Path, ports: &[u16]) -> Command {
    let users = access == Access::Users;
    match kind {
        Kind::Rumqttd => {
            // The shipped example binds 0.0.0.0 and opens a console on :3030: neither here.
            let mut s = String::from(
                "id = 0\n\n[router]\nid = 0\nmax_connections = 10010\n\
                 max_outgoing_packet_count = 200\nmax_segment_size = 104857600\n\
                 max_segment_count = 10\n",
            );
            for (section, port) in [("v4.1", ports[0]), ("v5.1", ports[1])] {
                write!(
                    s,
                    "\n[{section}]\nname = \"{section}\"\nlisten = \"127.0.0.1:{port}\"\n\
                     next_connection_delay_ms = 1\n[{section}.connections]\n\
                     connection_timeout_ms = 60000\nmax_payload_size = 1048576\n\
                     max_inflight_count = 100\ndynamic_filters = true\n"
                )
                .unwrap();
                if users {
                    writeln!(s, "auth = {{ \"{USER}\" = \"{PASSWORD}\" }}").unwrap();
                }
            }
            let conf = dir.join("rumqttd.toml");
            fs::write(&conf, s).expect("write rumqttd.toml");
            let mut c = Command::new(&programs[0]);
            c.arg("-c").arg(conf);
            c
        }
        Kind::Amqtt => {
            let mut s = format!(
                "listeners:\n  default:\n    type: tcp\n    bind: 127.0.0.1:{}\nplugins:\n",
                ports[0]
            );
            if users {
                // Only the password file: the anonymous plugin would mark every session
                // anonymous, and amqtt queues nothing for anonymous sessions.
                write!(
                    s,
                    "  amqtt.plugins.authentication.FileAuthPlugin:\n    password_file: {}\n",
                    dir.join("passwd").display()
                )
                .unwrap();
            } else {
                s.push_str(
                    "  amqtt.plugins.authentication.AnonymousAuthPlugin:\n    \
                     allow_anonymous: true\n",
                );
            }
            let conf = dir.join("amqtt.yaml");
            fs::write(&conf, s).expect("write amqtt.yaml");
            let mut c = Command::new(&programs[0]);
            c.arg("-c").arg(conf);
            c
        }
        Kind::Aedes => {
            let mut c = Command::new(&programs[0]);
            c.args(["start", "--host", "127.0.0.1", "-p", &ports[0].to_string()]);
            if users {
                c.arg("--credentials").arg(dir.join("credentials.json"));
            }
            c
        }
        Kind::Mosquitto | Kind::Rabbitmq => unreachable!("started by their own modules"),
    }
}

/// `n` distinct free loopback ports (each held until all are picked).
pub(super) fn free_ports(n: usize) -> Vec<u16> {
    let held: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0"))
        .collect();
    held.iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

/// Spawn in a new process group, in the log's directory (where crash dumps go), stdin closed,
/// stdout and stderr appended to `log`.
pub(super) fn spawn_logged(cmd: &mut Command, log: &Path) -> Child {
    let f = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("open broker log");
    cmd.stdin(Stdio::null())
        .stdout(f.try_clone().expect("clone log handle"))
        .stderr(f)
        .env("NO_COLOR", "1")
        .current_dir(log.parent().expect("log in a directory"))
        .process_group(0);
    cmd.spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Why a start attempt failed.
pub(super) enum Fail {
    /// A port was taken between picking and binding: try other ports.
    Retry(String),
    /// Anything else, with the log.
    Fatal(String),
}

/// Poll until every port accepts. A process that exits first is retried when its log says a
/// port was in use; one not ready by `timeout` is killed.
pub(super) fn wait_ready(
    child: &mut Child,
    ports: &[u16],
    log: &Path,
    timeout: Duration,
) -> Result<(), Fail> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            let out = format!("{}\n(exited before accepting: {status})", read_log(log));
            let lower = out.to_lowercase();
            // mosquitto, rumqttd, Python and Node.js; Erlang's distribution port.
            let in_use = [
                "address already in use",
                "eaddrinuse",
                "dist_port_already_used",
            ];
            if in_use.iter().any(|s| lower.contains(s)) {
                return Err(Fail::Retry(out));
            }
            return Err(Fail::Fatal(out));
        }
        if ports.iter().all(|p| accepts(*p)) {
            return Ok(());
        }
        if Instant::now() > deadline {
            kill_group(child);
            return Err(Fail::Fatal(format!(
                "{}\n(not accepting on {ports:?} after {timeout:?})",
                read_log(log)
            )));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// SIGKILL the child's process group and reap the child.
pub(super) fn kill_group(child: &mut Child) {
    if child.try_wait().ok().flatten().is_none() {
        // SAFETY: a signal to the process group of our own child (it leads the group).
        unsafe {
            libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
        }
    }
    let _ = child.wait();
}

/// Run to completion (bounded) and return stdout; panics with the output on failure.
pub(super) fn run_ok(cmd: &mut Command) -> String {
    let out = super::super::cmd::run(cmd.stdin(Stdio::null()), Duration::from_secs(60));
    assert!(
        out.status.success(),
        "{cmd:?} failed\n{}",
        super::super::cmd::describe(&out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
