//! Connection profiles against a real mosquitto: a profile selects the broker and credentials,
//! a flag overrides the profile, an environment variable overrides the profile.
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::broker::{Broker, BrokerConfig};
use crate::support::cmd::{self, mqtt};

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A config file with the profiles `good` (the broker, alice's password file, a client id
/// prefix) and `wrong` (a closed port), in a temporary folder.
fn config(dir: &Path, port: u16) -> PathBuf {
    std::fs::write(dir.join("alice.pass"), "s3cret-pw\n").unwrap();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[good]
host = "127.0.0.1"
port = {port}
username = "alice"
password_file = "alice.pass"
id_prefix = "from-profile-"
protocol_version = "3.1.1"

[wrong]
host = "127.0.0.1"
port = {closed}
username = "alice"
password_file = "alice.pass"
connect_timeout = "3s"
"#,
            closed = closed_port()
        ),
    )
    .unwrap();
    path
}

fn connack(out: &std::process::Output) -> Value {
    cmd::assert_success(out);
    let lines = cmd::json_lines(&out.stdout);
    assert_eq!(lines.len(), 1, "{}", cmd::describe(out));
    lines[0].clone()
}

fn broker() -> Broker {
    Broker::start(
        BrokerConfig::new()
            .users(&[("alice", "s3cret-pw")])
            .allow_anonymous(false),
    )
}

#[test]
fn conn_with_a_profile_from_the_config_file() {
    let b = broker();
    let dir = tempfile::tempdir().unwrap();
    let file = config(dir.path(), b.port());
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "--config"])
            .arg(&file)
            .args(["--profile", "good"]),
    );
    let r = connack(&out);
    assert_eq!(r["broker"], format!("127.0.0.1:{}", b.port()));
    assert_eq!(r["protocol_version"], "3.1.1");
    assert!(
        r["client_id"]
            .as_str()
            .unwrap()
            .starts_with("from-profile-"),
        "{r}"
    );
    // MQTT_CONFIG and MQTT_PROFILE select the same.
    let out = cmd::run_default(
        mqtt()
            .arg("conn")
            .env("MQTT_CONFIG", &file)
            .env("MQTT_PROFILE", "good"),
    );
    assert_eq!(connack(&out)["protocol_version"], "3.1.1");
}

#[test]
fn a_flag_overrides_the_profile() {
    let b = broker();
    let dir = tempfile::tempdir().unwrap();
    let file = config(dir.path(), b.port());
    let base = || {
        let mut c = mqtt();
        c.args(["conn", "--config"]).arg(&file);
        c
    };
    // The profile alone points at a closed port.
    let out = cmd::run_default(base().args(["--profile", "wrong"]));
    cmd::assert_code(&out, 3);
    // -p beats the profile's port; the rest (user, password file) still comes from it.
    let out = cmd::run_default(base().args(["--profile", "wrong", "-p", &b.port().to_string()]));
    assert_eq!(connack(&out)["reason_code"], 0);
    // -V and --id-prefix beat the profile's.
    let out =
        cmd::run_default(base().args(["--profile", "good", "-V", "5", "--id-prefix", "flag-"]));
    let r = connack(&out);
    assert_eq!(r["protocol_version"], "5");
    assert!(r["client_id"].as_str().unwrap().starts_with("flag-"), "{r}");
    // A password flag replaces the profile's password file.
    let out = cmd::run_default(base().args(["--profile", "good", "-P", "wrong-pw"]));
    cmd::assert_code(&out, 4);
}

#[test]
fn an_environment_variable_overrides_the_profile() {
    let b = broker();
    let dir = tempfile::tempdir().unwrap();
    let file = config(dir.path(), b.port());
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "--profile", "wrong", "--config"])
            .arg(&file)
            .env("MQTT_PORT", b.port().to_string()),
    );
    assert_eq!(connack(&out)["reason_code"], 0);
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "--profile", "good", "--config"])
            .arg(&file)
            .env("MQTT_ID_PREFIX", "env-"),
    );
    assert!(connack(&out)["client_id"]
        .as_str()
        .unwrap()
        .starts_with("env-"));
}

#[test]
fn the_default_profile_applies_without_profile() {
    let b = Broker::plain();
    let dir = tempfile::tempdir().unwrap();
    // XDG_CONFIG_HOME/mqtt/config.toml is the default location.
    std::fs::create_dir(dir.path().join("mqtt")).unwrap();
    std::fs::write(
        dir.path().join("mqtt/config.toml"),
        format!("[default]\nhost = \"127.0.0.1\"\nport = {}\n", b.port()),
    )
    .unwrap();
    let out = cmd::run_default(mqtt().arg("conn").env("XDG_CONFIG_HOME", dir.path()));
    assert_eq!(connack(&out)["broker"], format!("127.0.0.1:{}", b.port()));
}

#[test]
fn unknown_keys_and_profiles_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "[p]\nhots = \"x\"\n").unwrap();
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "--profile", "p", "--config"])
            .arg(&file),
    );
    cmd::assert_code(&out, 2);
    let err = cmd::stderr(&out);
    assert!(
        err.contains(&file.display().to_string()) && err.contains("hots"),
        "{err}"
    );
    std::fs::write(&file, "[p]\nhost = \"x\"\n").unwrap();
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "--profile", "nope", "--config"])
            .arg(&file),
    );
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("no profile `nope`"),
        "{}",
        cmd::describe(&out)
    );
    let out = cmd::run_default(
        mqtt()
            .args(["conn", "--config"])
            .arg(dir.path().join("missing.toml")),
    );
    cmd::assert_code(&out, 2);
}
