//! RabbitMQ with its MQTT plugin as a private node: its own HOME (Erlang cookie), node name,
//! database, logs, and an epmd of its own on a loopback port; the MQTT, AMQP and distribution
//! listeners on 127.0.0.1. Stopped with `rabbitmqctl stop`, then its epmd.
//!
//! The node lets anonymous MQTT clients in as `guest` and knows `USER`, whose topic
//! permissions leave out `forbidden/...` for reading (a refused subscription).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::thread;
use std::time::{Duration, Instant};

use super::super::cmd;
use super::launch::{free_ports, kill_group, read_log, spawn_logged, wait_ready, Fail};
use super::{PASSWORD, USER};

/// The Debian package's scripts, run as the current user (the `/usr/sbin` wrappers switch to
/// the `rabbitmq` user and its fixed directories).
pub(super) const SERVER: &str = "/usr/lib/rabbitmq/bin/rabbitmq-server";
pub(super) const CTL: &str = "/usr/lib/rabbitmq/bin/rabbitmqctl";

/// Start-up takes 3-10 s on two busy cores; leave room for a loaded CI machine.
const READY_TIMEOUT: Duration = Duration::from_secs(120);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
const START_ATTEMPTS: usize = 4;

pub(super) struct Node {
    server: Child,
    epmd: Child,
    env: Vec<(String, String)>,
    node_name: String,
    pid_file: PathBuf,
    log: PathBuf,
}

impl Node {
    /// Start a node in `dir`; returns it and its MQTT port.
    pub(super) fn start(programs: &[PathBuf], dir: &Path, log: &Path) -> (Node, u16) {
        let epmd_program = &programs[2];
        for sub in ["home", "mnesia", "logs"] {
            fs::create_dir_all(dir.join(sub)).expect("create RabbitMQ dir");
        }
        fs::write(dir.join("enabled_plugins"), "[rabbitmq_mqtt].\n").expect("write plugins");
        fs::write(dir.join("definitions.json"), definitions()).expect("write definitions");
        let mut last = String::new();
        for _ in 0..START_ATTEMPTS {
            let p = free_ports(4);
            let (mqtt, amqp, dist, epmd_port) = (p[0], p[1], p[2], p[3]);
            let mut epmd = spawn_logged(
                Command::new(epmd_program).args([
                    "-port",
                    &epmd_port.to_string(),
                    "-address",
                    "127.0.0.1",
                ]),
                log,
            );
            match wait_ready(&mut epmd, &[epmd_port], log, READY_TIMEOUT) {
                Ok(()) => {}
                Err(Fail::Retry(out)) => {
                    last = out;
                    continue;
                }
                Err(Fail::Fatal(out)) => panic!("epmd failed to start\n{out}"),
            }
            fs::write(
                dir.join("rabbitmq.conf"),
                config(mqtt, amqp, &dir.join("definitions.json")),
            )
            .expect("write rabbitmq.conf");
            let node_name = format!("mqtt-test-{mqtt}@localhost");
            let pid_file = dir.join("rabbitmq.pid");
            let loopback_dist = "-kernel inet_dist_use_interface {127,0,0,1}".to_string();
            let path = |p: &str| dir.join(p).display().to_string();
            let env: Vec<(String, String)> = [
                ("HOME", path("home")),
                ("RABBITMQ_NODENAME", node_name.clone()),
                ("RABBITMQ_USE_LONGNAME", "false".into()),
                ("RABBITMQ_CONFIG_FILE", path("rabbitmq.conf")),
                ("RABBITMQ_ADVANCED_CONFIG_FILE", path("advanced.config")),
                ("RABBITMQ_CONF_ENV_FILE", path("rabbitmq-env.conf")),
                ("RABBITMQ_ENABLED_PLUGINS_FILE", path("enabled_plugins")),
                ("RABBITMQ_MNESIA_BASE", path("mnesia")),
                ("RABBITMQ_LOG_BASE", path("logs")),
                ("RABBITMQ_PID_FILE", pid_file.display().to_string()),
                ("RABBITMQ_DIST_PORT", dist.to_string()),
                ("ERL_EPMD_PORT", epmd_port.to_string()),
                ("ERL_EPMD_ADDRESS", "127.0.0.1".into()),
                ("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", loopback_dist.clone()),
                ("RABBITMQ_CTL_ERL_ARGS", loopback_dist),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            let mut server = spawn_logged(
                Command::new(SERVER).envs(env.iter().map(|(k, v)| (k, v))),
                log,
            );
            match wait_ready(&mut server, &[mqtt, amqp], log, READY_TIMEOUT) {
                Ok(()) => {
                    let node = Node {
                        server,
                        epmd,
                        env,
                        node_name,
                        pid_file,
                        log: log.to_path_buf(),
                    };
                    return (node, mqtt);
                }
                Err(fail) => {
                    kill_group(&mut server);
                    kill_group(&mut epmd);
                    match fail {
                        Fail::Retry(out) => last = out,
                        Fail::Fatal(out) => panic!("RabbitMQ failed to start\n{out}"),
                    }
                }
            }
        }
        panic!("RabbitMQ could not bind free ports in {START_ATTEMPTS} attempts\n{last}")
    }

    /// The script's shell, the Erlang VM (once its pid file is written) and epmd.
    pub(super) fn pids(&self) -> Vec<u32> {
        let mut pids = vec![self.server.id(), self.epmd.id()];
        if let Some(vm) = self.vm_pid() {
            pids.push(vm);
        }
        pids
    }

    fn vm_pid(&self) -> Option<u32> {
        fs::read_to_string(&self.pid_file).ok()?.trim().parse().ok()
    }

    /// `rabbitmqctl stop`, then the process group (the VM runs in it) if that did not end it,
    /// then epmd.
    pub(super) fn stop(&mut self) {
        let ctl = cmd::try_run(
            Command::new(CTL)
                .args(["-n", &self.node_name, "stop"])
                .envs(self.env.iter().map(|(k, v)| (k, v))),
            None,
            STOP_TIMEOUT,
        );
        let deadline = Instant::now() + STOP_TIMEOUT;
        let stopped = ctl.is_ok_and(|o| o.status.success()) && {
            while self.server.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(20));
            }
            self.server.try_wait().ok().flatten().is_some()
        };
        if !stopped {
            eprintln!(
                "rabbitmqctl stop did not stop {}: killing it\n{}",
                self.node_name,
                read_log(&self.log)
            );
            if let Some(vm) = self.vm_pid() {
                // SAFETY: a signal to the VM this node started (its pid file is in our dir).
                unsafe {
                    libc::kill(vm as libc::pid_t, libc::SIGKILL);
                }
            }
            kill_group(&mut self.server);
        }
        kill_group(&mut self.epmd);
    }
}

fn config(mqtt: u16, amqp: u16, definitions: &Path) -> String {
    format!(
        "# generated by tests/support/brokers/rabbitmq.rs\n\
         listeners.tcp.1 = 127.0.0.1:{amqp}\n\
         mqtt.listeners.tcp.1 = 127.0.0.1:{mqtt}\n\
         mqtt.allow_anonymous = true\n\
         mqtt.default_user = guest\n\
         mqtt.default_pass = guest\n\
         load_definitions = {}\n\
         log.console = true\n\
         log.console.level = info\n\
         log.file = false\n",
        definitions.display()
    )
}

/// Users, the default vhost and permissions, imported at boot.
fn definitions() -> String {
    let all = r#""configure": ".*", "write": ".*", "read": ".*""#;
    format!(
        r#"{{
  "users": [
    {{"name": "guest", "password": "guest", "tags": "administrator"}},
    {{"name": "{USER}", "password": "{PASSWORD}", "tags": ""}}
  ],
  "vhosts": [{{"name": "/"}}],
  "permissions": [
    {{"user": "guest", "vhost": "/", {all}}},
    {{"user": "{USER}", "vhost": "/", {all}}}
  ],
  "topic_permissions": [
    {{"user": "{USER}", "vhost": "/", "exchange": "amq.topic",
      "write": ".*", "read": "^(?!forbidden\\.).*"}}
  ]
}}
"#
    )
}
