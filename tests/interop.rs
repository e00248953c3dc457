//! `mqtt` against every real broker: mosquitto, rumqttd, amqtt, aedes and RabbitMQ.
//!
//! Each check is a module with one test per broker kind (`interop::<check>::<kind>`); it runs
//! on every protocol version the kind speaks, when the kind has what the check needs
//! (`Kind::caps`), and prints `interop: <check> | <kind> | <version> | ok` (or `n/a`) lines,
//! the interop table, on stderr (`cargo test --test integration interop -- --nocapture`).
//!
//! Brokers are shared per test binary (`brokers::shared`); tests keep apart by unique topics and
//! client ids. A broker that is not installed fails the test in CI and skips it locally, with a
//! message naming `scripts/test-brokers.sh install`.
//!
//! Where a broker breaks the protocol, the tests in `deviations` expect the client's clear
//! error; the ones that need the client fixes of issue #10 are `#[ignore]`d until then.

use std::time::Duration;

use crate::support::brokers::{self, Access, Kind, Need, Version, PASSWORD, USER};
use crate::support::cmd;
use crate::support::peer::Peer;

/// Bound for the slower steps (a few thousand messages through Python or Erlang brokers).
const T: Duration = Duration::from_secs(60);

/// Which of a kind's versions a check runs on.
#[derive(Clone, Copy)]
enum Versions {
    /// Every version the kind speaks.
    All,
    /// Only the highest (the check is not about the version).
    Best,
}

/// `interop!(check, access, [needs], versions, |p: &Peer| body)`: the module `check` with one
/// test per broker kind.
macro_rules! interop {
    ($(#[$attr:meta])* $check:ident, $access:expr, [$($need:expr),*], $versions:expr, $body:expr) => {
        mod $check {
            #[allow(unused_imports)]
            use super::*;

            fn on(kind: Kind) {
                run_on(kind, stringify!($check), $access, &[$($need),*], $versions, $body);
            }

            $(#[$attr])* #[test] fn mosquitto() { on(Kind::Mosquitto) }
            $(#[$attr])* #[test] fn rumqttd() { on(Kind::Rumqttd) }
            $(#[$attr])* #[test] fn amqtt() { on(Kind::Amqtt) }
            $(#[$attr])* #[test] fn aedes() { on(Kind::Aedes) }
            $(#[$attr])* #[test] fn rabbitmq() { on(Kind::Rabbitmq) }
        }
    };
}

mod deviations;
mod harness;
mod messages;
mod sessions;

/// Run `body` on `kind` at each of `versions` it speaks, if it has every need.
fn run_on(
    kind: Kind,
    check: &str,
    access: Access,
    needs: &[Need],
    versions: Versions,
    body: impl Fn(&Peer),
) {
    if let Some(missing) = needs.iter().find(|n| !kind.has(**n)) {
        eprintln!("interop: {check} | {kind} | - | n/a (no {missing:?})");
        return;
    }
    let Some(server) = brokers::shared(kind, access) else {
        return;
    };
    let list: Vec<Version> = match versions {
        Versions::All => kind.caps().versions.to_vec(),
        Versions::Best => vec![kind.best_version()],
    };
    for version in list {
        eprintln!("interop: running {check} on {kind} {version}");
        body(&Peer {
            server: server.clone(),
            version,
            access,
        });
        let notes = NOTES.with(|n| n.take());
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        };
        eprintln!("interop: {check} | {kind} | {version} | ok{notes}");
    }
}

thread_local! {
    /// What a check left out on this kind and version, for its `ok` line.
    static NOTES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Add to the `ok` line of the running check what it left out (`no QoS 2`).
fn note(what: String) {
    NOTES.with(|n| n.borrow_mut().push(what));
}

// ---------------------------------------------------------------------------------------------
// conn and authentication
// ---------------------------------------------------------------------------------------------

interop!(
    conn_prints_the_connack_and_exits_0,
    Access::Anonymous,
    [],
    Versions::All,
    |p: &Peer| {
        let out = p.run("conn", &[]);
        p.assert_ok(&out, "conn");
        let records = cmd::json_lines(&out.stdout);
        assert_eq!(records.len(), 1, "{}", cmd::describe(&out));
        let r = &records[0];
        assert_eq!(r["type"], "connack", "{r}");
        assert_eq!(r["protocol_version"], p.version.flag(), "{r}");
        assert_eq!(r["reason_code"], 0, "{r}");
        assert_eq!(r["session_present"], false, "{r}");
        assert_eq!(
            r["broker"],
            format!("127.0.0.1:{}", p.server.port(p.version)),
            "{r}"
        );
    }
);

interop!(
    the_right_password_connects_and_a_wrong_one_is_refused,
    Access::Users,
    [Need::Auth],
    Versions::All,
    |p: &Peer| {
        let out = p.run("conn", &[]);
        p.assert_ok(&out, "conn as the test user");

        let conn = || {
            let mut c = cmd::mqtt();
            c.arg("conn").args(p.server.endpoint(p.version));
            c
        };
        let wrong = cmd::run_default(conn().args(["-u", USER, "-P", "not-the-password"]));
        assert_refused(p, &wrong, "a wrong password");
        let unknown = cmd::run_default(conn().args(["-u", "nobody", "-P", PASSWORD]));
        assert_refused(p, &unknown, "an unknown user");
        if p.kind().caps().users_only {
            assert_refused(p, &cmd::run_default(&mut conn()), "no credentials");
        }
    }
);

/// A refused CONNECT: exit 4 with the CONNACK's reason in a record (rumqttd closes the
/// connection instead of answering: exit 3, said so).
#[track_caller]
fn assert_refused(p: &Peer, out: &std::process::Output, what: &str) {
    let err = cmd::stderr(out);
    if p.kind() == Kind::Rumqttd {
        assert_eq!(out.status.code(), Some(3), "{what}: {}", cmd::describe(out));
        assert!(
            err.contains("closed the connection without a CONNACK"),
            "{what}: {err}"
        );
        return;
    }
    assert_eq!(
        out.status.code(),
        Some(4),
        "{what} on {}: {}",
        p.label(),
        cmd::describe(out)
    );
    let records = cmd::json_lines(&out.stdout);
    let code = records[0]["reason_code"].as_u64().unwrap();
    let expected: &[u64] = if p.version == Version::V5 {
        &[134, 135]
    } else {
        &[4, 5]
    };
    assert!(expected.contains(&code), "{what}: {}", records[0]);
    assert!(err.contains("refused the connection"), "{what}: {err}");
}
