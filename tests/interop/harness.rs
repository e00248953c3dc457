//! The broker harness itself: every broker listens on loopback only, and a private one is gone,
//! with every process it started, once dropped.

use std::collections::HashSet;
use std::fs;

use super::*;
use crate::support::broker::accepts;
use crate::support::brokers::Server;

interop!(
    every_listening_socket_of_the_broker_is_on_loopback,
    Access::Anonymous,
    [],
    Versions::Best,
    |p: &Peer| {
        let listening = listening_sockets(&p.server.pids());
        assert!(
            !listening.is_empty(),
            "{}: no listening socket found",
            p.label()
        );
        for (addr, port) in &listening {
            assert!(
                is_loopback(addr),
                "{} listens on {addr}:{port}: {listening:?}",
                p.label()
            );
        }
        let ports: HashSet<u16> = listening.iter().map(|(_, port)| *port).collect();
        for port in p.server.ports() {
            assert!(
                ports.contains(&port),
                "{}: {port} not in {listening:?}",
                p.label()
            );
        }
    }
);

macro_rules! per_kind {
    ($check:ident, $body:expr) => {
        mod $check {
            use super::*;
            #[test]
            fn mosquitto() {
                ($body)(Kind::Mosquitto)
            }
            #[test]
            fn rumqttd() {
                ($body)(Kind::Rumqttd)
            }
            #[test]
            fn amqtt() {
                ($body)(Kind::Amqtt)
            }
            #[test]
            fn aedes() {
                ($body)(Kind::Aedes)
            }
            #[test]
            fn rabbitmq() {
                ($body)(Kind::Rabbitmq)
            }
        }
    };
}

per_kind!(
    a_private_broker_is_gone_with_all_its_processes_once_dropped,
    |kind: Kind| {
        let server = match Server::start(kind, Access::Anonymous) {
            Ok(s) => s,
            Err(why) if !brokers::in_ci() => return eprintln!("SKIPPED on {kind}: {why}"),
            Err(why) => panic!("{why}"),
        };
        let v = kind.best_version();
        let out = cmd::run_default(
            cmd::mqtt()
                .arg("conn")
                .args(server.args(v, Access::Anonymous)),
        );
        cmd::assert_success(&out);
        let pids = server.pids();
        let ports = server.ports();
        assert!(pids.iter().all(|p| alive(*p)), "{kind}: {pids:?}");
        let dir = server.dir().to_path_buf();
        drop(server);
        for pid in pids {
            assert!(!alive(pid), "{kind}: process {pid} still runs");
        }
        for port in ports {
            assert!(!accepts(port), "{kind}: port {port} still accepts");
        }
        assert!(!dir.exists(), "{kind}: {} is left", dir.display());
    }
);

/// True while `pid` exists and is not a zombie.
fn alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X')),
        Err(_) => false,
    }
}

/// (address, port) of every TCP socket in LISTEN state held by one of `pids`.
fn listening_sockets(pids: &[u32]) -> Vec<(String, u16)> {
    let mut inodes = HashSet::new();
    for pid in pids {
        let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(link) = fs::read_link(fd.path()) {
                let link = link.to_string_lossy().into_owned();
                if let Some(inode) = link
                    .strip_prefix("socket:[")
                    .and_then(|s| s.strip_suffix(']'))
                {
                    inodes.insert(inode.to_string());
                }
            }
        }
    }
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            if cols.len() < 10 || cols[3] != "0A" || !inodes.contains(cols[9]) {
                continue;
            }
            let (addr, port) = cols[1].split_once(':').unwrap();
            found.push((addr.to_string(), u16::from_str_radix(port, 16).unwrap()));
        }
    }
    found
}

/// A `/proc/net/tcp{,6}` address (hex, 32-bit words in host order) on loopback: 127.0.0.0/8,
/// ::1, or ::ffff:127.x.x.x.
fn is_loopback(hex: &str) -> bool {
    let word = |i: usize| u32::from_str_radix(&hex[i * 8..i * 8 + 8], 16).unwrap();
    match hex.len() {
        8 => word(0).to_le_bytes()[0] == 127,
        32 => {
            let w = [word(0), word(1), word(2), word(3)];
            let v4_mapped = w[0] == 0 && w[1] == 0 && w[2].to_le_bytes() == [0, 0, 0xff, 0xff];
            (w[..3] == [0, 0, 0] && w[3].to_le_bytes() == [0, 0, 0, 1])
                || (v4_mapped && w[3].to_le_bytes()[0] == 127)
        }
        _ => false,
    }
}
