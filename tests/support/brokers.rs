//! Every real broker of the interop tests: mosquitto, rumqttd, amqtt, aedes and RabbitMQ, each on
//! free loopback ports in its own temporary directory, bound to 127.0.0.1 only, stopped on drop.
//!
//! A test asks for a broker with `shared(kind, access)`: one instance per kind and access per
//! test binary (RabbitMQ takes seconds to start), stopped when the test binary exits; tests keep
//! apart by unique topics and client ids. `Server::start` gives a private instance.
//!
//! The brokers other than mosquitto are installed once per machine by
//! `scripts/test-brokers.sh install` (which `.ci/run` calls) into `$MQTT_TEST_BROKERS` (default
//! `~/.cache/mqtt-test-brokers`). When one is missing, a test needing it fails with CI=true
//! and is skipped locally, with a message naming the install command either way.

#![allow(dead_code)]

mod launch;
mod rabbitmq;

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use tempfile::TempDir;

use super::broker::find_program;

/// The user every broker started with `Access::Users` knows.
pub const USER: &str = "mqtt-test";
/// `USER`'s password.
pub const PASSWORD: &str = "interop-Pa55";
/// How to install what is missing.
pub const INSTALL: &str = "scripts/test-brokers.sh install";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Mosquitto,
    Rumqttd,
    Amqtt,
    Aedes,
    Rabbitmq,
}

/// Every kind, in the order of the interop table.
pub const KINDS: [Kind; 5] = [
    Kind::Mosquitto,
    Kind::Rumqttd,
    Kind::Amqtt,
    Kind::Aedes,
    Kind::Rabbitmq,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    V3_1,
    V3_1_1,
    V5,
}

impl Version {
    /// The `-V` argument.
    pub fn flag(self) -> &'static str {
        match self {
            Version::V3_1 => "3.1",
            Version::V3_1_1 => "3.1.1",
            Version::V5 => "5",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.flag())
    }
}

/// What a test needs of a broker, beside a protocol version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// QoS 2 end to end (PUBREC/PUBREL/PUBCOMP), not downgraded.
    Qos2,
    /// Retained messages, set and cleared.
    Retained,
    /// A session kept while the client is away (`--no-clean`), with its QoS 1 messages queued.
    Session,
    /// A will published when the connection ends without DISCONNECT.
    Will,
    /// Users with passwords; a wrong password refused.
    Auth,
}

/// What a kind of broker does, as measured with `mqtt` (see the interop table in README.md).
#[derive(Clone, Copy, Debug)]
pub struct Caps {
    /// The versions it speaks (rumqttd: 3.1.1 and 5 on separate listeners).
    pub versions: &'static [Version],
    pub qos2: bool,
    pub retained: bool,
    pub session: bool,
    pub will: bool,
    pub auth: bool,
    /// With `Access::Users`, a client without credentials is refused (RabbitMQ's one node also
    /// lets anonymous clients in as its default user).
    pub users_only: bool,
}

/// Who may connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// Anyone, without credentials.
    Anonymous,
    /// `USER` with `PASSWORD` (amqtt keeps offline messages only for authenticated sessions).
    Users,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Mosquitto => "mosquitto",
            Kind::Rumqttd => "rumqttd",
            Kind::Amqtt => "amqtt",
            Kind::Aedes => "aedes",
            Kind::Rabbitmq => "rabbitmq",
        }
    }

    pub fn caps(self) -> Caps {
        use Version::*;
        let all = Caps {
            versions: &[V3_1, V3_1_1, V5],
            qos2: true,
            retained: true,
            session: true,
            will: true,
            auth: true,
            users_only: true,
        };
        match self {
            Kind::Mosquitto => all,
            Kind::Rumqttd => Caps {
                versions: &[V3_1_1, V5],
                ..all
            },
            Kind::Amqtt => Caps {
                versions: &[V3_1_1],
                ..all
            },
            Kind::Aedes => Caps {
                versions: &[V3_1, V3_1_1],
                ..all
            },
            Kind::Rabbitmq => Caps {
                versions: &[V3_1, V3_1_1],
                qos2: false,
                users_only: false,
                ..all
            },
        }
    }

    pub fn has(self, need: Need) -> bool {
        let c = self.caps();
        match need {
            Need::Qos2 => c.qos2,
            Need::Retained => c.retained,
            Need::Session => c.session,
            Need::Will => c.will,
            Need::Auth => c.auth,
        }
    }

    /// The highest version it speaks: what a test uses when the version does not matter.
    pub fn best_version(self) -> Version {
        *self.caps().versions.last().unwrap()
    }

    /// The programs it runs, or what is missing.
    fn programs(self) -> Result<Vec<PathBuf>, String> {
        let cache = cache_dir();
        let wanted: Vec<PathBuf> = match self {
            Kind::Mosquitto => vec![find_program("mosquitto"), find_program("mosquitto_passwd")],
            Kind::Rumqttd => vec![cache.join("rumqttd/bin/rumqttd")],
            Kind::Amqtt => vec![
                cache.join("amqtt/bin/amqtt"),
                cache.join("amqtt/bin/python"),
            ],
            Kind::Aedes => vec![
                cache.join("aedes/node_modules/.bin/aedes"),
                find_program("node"),
            ],
            Kind::Rabbitmq => vec![
                PathBuf::from(rabbitmq::SERVER),
                PathBuf::from(rabbitmq::CTL),
                find_program("epmd"),
            ],
        };
        let missing: Vec<String> = wanted
            .iter()
            .filter(|p| !p.is_file())
            .map(|p| p.display().to_string())
            .collect();
        if missing.is_empty() {
            Ok(wanted)
        } else {
            let how = match self {
                Kind::Mosquitto => "apt-get install mosquitto mosquitto-clients",
                _ => INSTALL,
            };
            Err(format!(
                "{} is not installed ({} missing): run `{how}` (.ci/run does)",
                self.name(),
                missing.join(", ")
            ))
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where `scripts/test-brokers.sh` installs: `$MQTT_TEST_BROKERS`, else
/// `~/.cache/mqtt-test-brokers`.
pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("MQTT_TEST_BROKERS").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    Path::new(&home).join(".cache/mqtt-test-brokers")
}

/// True when running in CI (`CI` set and not `false`/`0`): a missing broker is then an error.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A running broker of any kind. Stopped on drop (or by `stop`).
pub struct Server {
    kind: Kind,
    access: Access,
    /// The port serving each version.
    ports: Vec<(Version, u16)>,
    running: Mutex<Option<launch::Running>>,
    log_path: PathBuf,
    /// Removed last, after the processes are gone.
    dir: TempDir,
}

impl Server {
    /// A private broker, or what is missing to run it.
    pub fn start(kind: Kind, access: Access) -> Result<Server, String> {
        let programs = kind.programs()?;
        let dir = tempfile::Builder::new()
            .prefix(&format!("mqtt-{}-", kind.name()))
            .tempdir()
            .expect("create broker temp dir");
        let started = std::time::Instant::now();
        let (running, ports, log_path) = launch::start(kind, access, &programs, dir.path());
        eprintln!(
            "interop: started {kind} ({access:?}) on {ports:?} in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        Ok(Server {
            kind,
            access,
            ports,
            running: Mutex::new(Some(running)),
            log_path,
            dir,
        })
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Who it was started for (RabbitMQ's node serves both).
    pub fn access(&self) -> Access {
        self.access
    }

    /// The port serving `v` (panics when the kind does not speak it).
    pub fn port(&self, v: Version) -> u16 {
        self.ports
            .iter()
            .find(|(pv, _)| *pv == v)
            .map(|(_, p)| *p)
            .unwrap_or_else(|| panic!("{} does not speak MQTT {v}", self.kind))
    }

    /// Every listening port (one per version; rumqttd has two).
    pub fn ports(&self) -> Vec<u16> {
        let mut p: Vec<u16> = self.ports.iter().map(|(_, p)| *p).collect();
        p.dedup();
        p
    }

    /// Connection options for `mqtt`: host, port, `-V` and, with `Access::Users`, credentials.
    pub fn args(&self, v: Version, access: Access) -> Vec<String> {
        assert!(
            access == self.access || self.kind == Kind::Rabbitmq,
            "this {} was started for {:?} clients, not {access:?}",
            self.kind,
            self.access
        );
        let mut a = self.endpoint(v);
        if access == Access::Users {
            a.extend(["-u".into(), USER.into(), "-P".into(), PASSWORD.into()]);
        }
        a
    }

    /// Host, port and `-V`, without credentials.
    pub fn endpoint(&self, v: Version) -> Vec<String> {
        vec![
            "-h".to_string(),
            "127.0.0.1".into(),
            "-p".into(),
            self.port(v).to_string(),
            "-V".into(),
            v.flag().into(),
        ]
    }

    /// The temporary directory (configuration, log, state).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Everything the broker printed so far.
    pub fn log(&self) -> String {
        let running = self.running.lock().unwrap();
        match running.as_ref() {
            Some(r) => r.log(&self.log_path),
            None => {
                String::from_utf8_lossy(&fs::read(&self.log_path).unwrap_or_default()).into_owned()
            }
        }
    }

    /// Process ids of the broker's processes (RabbitMQ: the Erlang VM and its epmd too), empty
    /// once stopped.
    pub fn pids(&self) -> Vec<u32> {
        self.running
            .lock()
            .unwrap()
            .as_ref()
            .map_or_else(Vec::new, launch::Running::pids)
    }

    /// Stop now (idempotent); every process is gone when this returns.
    pub fn stop(&self) {
        let running = self.running.lock().unwrap().take();
        if let Some(mut r) = running {
            r.stop();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

type Slot = Arc<OnceLock<Arc<Server>>>;

/// The shared brokers, stopped at exit.
static SHARED: Mutex<Option<HashMap<(Kind, Access), Slot>>> = Mutex::new(None);

/// The shared broker of `kind` with `access`, started at the first call. `None` (after printing
/// why) when it is not installed and not in CI; in CI that panics.
pub fn shared(kind: Kind, access: Access) -> Option<Arc<Server>> {
    if let Err(why) = kind.programs() {
        if in_ci() {
            panic!("{why}");
        }
        eprintln!("SKIPPED on {kind}: {why}");
        return None;
    }
    // RabbitMQ's one node serves both: anonymous clients as its default user, and `USER`.
    let access = if kind == Kind::Rabbitmq {
        Access::Users
    } else {
        access
    };
    let slot = {
        let mut guard = SHARED.lock().unwrap();
        let map = guard.get_or_insert_with(|| {
            // SAFETY: registers a plain `extern "C" fn` without arguments.
            unsafe { libc::atexit(stop_shared) };
            HashMap::new()
        });
        map.entry((kind, access)).or_default().clone()
    };
    // One start per slot; concurrent callers wait for it. A start that panics leaves the slot
    // empty for the next caller.
    let server = slot.get_or_init(|| {
        Arc::new(Server::start(kind, access).unwrap_or_else(|why| panic!("{why}")))
    });
    Some(server.clone())
}

/// At exit: stop every shared broker.
extern "C" fn stop_shared() {
    let map = SHARED.lock().map(|mut g| g.take()).unwrap_or(None);
    for (_, slot) in map.into_iter().flatten() {
        if let Some(server) = slot.get() {
            server.stop();
        }
    }
}
