//! Connection profiles: named brokers in a TOML config file, selected with `--profile NAME`.
//!
//! ```toml
//! # $XDG_CONFIG_HOME/mqtt/config.toml (or ~/.config/mqtt/config.toml, MQTT_CONFIG, --config)
//! default_profile = "local"       # or a [default] profile; applies without --profile
//!
//! [prod]
//! url = "mqtts://broker.example.com"
//! username = "alice"
//! password_file = "~/.config/mqtt/prod.pass"
//! ```
//!
//! Precedence is flags > environment > profile > built-in defaults: a profile value is taken
//! only for an option whose clap value source is the default or absent.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use clap::parser::ValueSource;
use clap::ArgMatches;
use serde::Deserialize;

use super::profile_error::{one_line, redact, toml_error};
use super::{address, parse, Cli, ConnectArgs};
use crate::exit;
use crate::protocol::Version;
use crate::session::options::parse_url;

/// The name of the profile used when none is given and `default_profile` is not set.
pub const DEFAULT_PROFILE: &str = "default";

/// A number or a string in the config file (`keepalive = 30` or `keepalive = "30s"`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Scalar {
    Int(i64),
    Float(f64),
    Str(String),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Str(s) => s.clone(),
        }
    }
}

/// One named broker. Keys are the long option names with `_` for `-`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub url: Option<String>,
    pub protocol_version: Option<Scalar>,
    pub client_id: Option<String>,
    pub id_prefix: Option<String>,
    pub username: Option<String>,
    /// Allowed, with a warning when the file is readable by other users; prefer password_file.
    pub password: Option<String>,
    pub password_file: Option<PathBuf>,
    pub keepalive: Option<Scalar>,
    pub connect_timeout: Option<Scalar>,
    pub source_ip: Option<String>,
    pub tls: Option<bool>,
    pub ws: Option<bool>,
    pub ws_path: Option<String>,
    pub cafile: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub insecure: Option<bool>,
    pub alpn: Option<Vec<String>>,
    pub sni: Option<String>,
}

/// A parsed config file.
#[derive(Debug, Default)]
pub struct Config {
    pub path: PathBuf,
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
}

/// The selected profile and where it came from (for messages and relative paths).
#[derive(Debug)]
pub struct Selected {
    pub name: String,
    pub path: PathBuf,
    pub profile: Profile,
}

impl Config {
    /// Parse the text of `path`; unknown keys and wrong types are usage errors naming both.
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let bad = |what: String| exit::usage(format!("config file {}: {what}", path.display()));
        let table: toml::Table = toml::from_str(text).map_err(|e| bad(toml_error(text, &e)))?;
        let mut config = Config {
            path: path.to_path_buf(),
            ..Config::default()
        };
        for (key, value) in table {
            match value {
                toml::Value::String(s) if key == "default_profile" => {
                    config.default_profile = Some(s)
                }
                toml::Value::Table(t) => {
                    let profile = Profile::deserialize(t)
                        .map_err(|e| bad(format!("[{key}]: {}", redact(&one_line(&e)))))?;
                    config.profiles.insert(key, profile);
                }
                _ if key == "default_profile" => {
                    return Err(bad("default_profile must be a string".into()))
                }
                _ => {
                    return Err(bad(format!(
                        "unknown key `{key}` (expected default_profile or a [profile] table)"
                    )))
                }
            }
        }
        Ok(config)
    }

    /// The profile for `--profile NAME`, else `default_profile`, else `[default]` if present.
    pub fn select(mut self, name: Option<&str>) -> Result<Option<Selected>> {
        let (name, explicit) = match (name, &self.default_profile) {
            (Some(n), _) => (n.to_string(), "--profile"),
            (None, Some(d)) => (d.clone(), "default_profile"),
            (None, None) => (DEFAULT_PROFILE.to_string(), ""),
        };
        match self.profiles.remove(&name) {
            Some(profile) => Ok(Some(Selected {
                name,
                path: self.path,
                profile,
            })),
            None if explicit.is_empty() => Ok(None),
            None => {
                let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
                Err(exit::usage(format!(
                    "config file {}: no profile `{name}` (named by {explicit}; profiles: {})",
                    self.path.display(),
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )))
            }
        }
    }
}

/// The config file to read: `--config`/`MQTT_CONFIG` (must exist), else
/// `$XDG_CONFIG_HOME/mqtt/config.toml`, else `~/.config/mqtt/config.toml` (may be missing).
pub fn config_path(
    explicit: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
) -> Option<(PathBuf, bool)> {
    if let Some(p) = explicit {
        return Some((p.to_path_buf(), true));
    }
    let nonempty = |k: &str| env(k).filter(|v| !v.is_empty());
    let dir = match nonempty("XDG_CONFIG_HOME") {
        Some(x) if Path::new(&x).is_absolute() => PathBuf::from(x),
        _ => PathBuf::from(nonempty("HOME")?).join(".config"),
    };
    Some((dir.join("mqtt").join("config.toml"), false))
}

/// Read the config file and select the profile for `args` (None: no profile applies).
pub fn load(args: &ConnectArgs) -> Result<Option<Selected>> {
    let Some((path, explicit)) = config_path(args.config.as_deref(), |k| std::env::var(k).ok())
    else {
        return match &args.profile {
            Some(name) => Err(exit::usage(format!(
                "--profile {name}: no config file (set HOME, XDG_CONFIG_HOME, MQTT_CONFIG or --config)"
            ))),
            None => Ok(None),
        };
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return match &args.profile {
                Some(name) => Err(exit::usage(format!(
                    "--profile {name}: config file {} does not exist",
                    path.display()
                ))),
                None => Ok(None),
            };
        }
        Err(e) => {
            return Err(exit::usage(format!(
                "cannot read config file {}: {e}",
                path.display()
            )))
        }
    };
    let selected = Config::parse(&path, &text)?.select(args.profile.as_deref())?;
    if let Some(s) = &selected {
        if s.profile.password.is_some() {
            warn_if_readable_by_others(&path);
        }
    }
    Ok(selected)
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o044 != 0 {
                crate::output::diag::warning(&format!(
                    "config file {} holds a password and is readable by other users (chmod 600 it, or use password_file)",
                    path.display()
                ));
            }
        }
    }
}

/// Parse the command line, then fill the connection options the user left at their defaults
/// from the selected profile. Errors are usage errors (exit 2).
pub fn apply(cli: &mut Cli, matches: &ArgMatches) -> Result<()> {
    let Some(args) = cli.command.connect_args_mut() else {
        return Ok(());
    };
    let Some(selected) = load(args)? else {
        return Ok(());
    };
    let leaf = leaf_matches(matches);
    apply_profile(args, &selected, |id| leaf.value_source(id))
}

/// The matches of the innermost subcommand (where the connection options are).
pub fn leaf_matches(mut m: &ArgMatches) -> &ArgMatches {
    while let Some((_, sub)) = m.subcommand() {
        m = sub;
    }
    m
}

/// True when a value with this source may be replaced by the profile's: the user gave neither
/// a flag nor an environment variable.
pub fn from_profile(source: Option<ValueSource>) -> bool {
    matches!(source, None | Some(ValueSource::DefaultValue))
}

/// `~/x` is under $HOME; a relative path is relative to the config file's folder.
fn resolve(path: &Path, config: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    if path.is_relative() {
        if let Some(dir) = config.parent() {
            return dir.join(path);
        }
    }
    path.to_path_buf()
}

/// Fill `args` from the profile where `source(id)` says the user did not set the option.
pub fn apply_profile(
    args: &mut ConnectArgs,
    selected: &Selected,
    source: impl Fn(&str) -> Option<ValueSource>,
) -> Result<()> {
    let bad = |key: &str, why: String| {
        exit::usage(format!(
            "config file {}: [{}] {key}: {why}",
            selected.path.display(),
            selected.name
        ))
    };
    let mut p = selected.profile.clone();
    if p.password.is_some() && p.password_file.is_some() {
        return Err(bad(
            "password",
            "give either password or password_file".into(),
        ));
    }
    // A URL is shorthand for transport, host, port, credentials and path.
    if let Some(url) = &p.url {
        let u = parse_url(url).map_err(|e| bad("url", e.to_string()))?;
        p.tls = Some(u.scheme.is_tls());
        p.ws = Some(u.scheme.is_ws());
        p.host = Some(u.host);
        if u.port.is_some() {
            p.port = u.port;
        }
        if u.username.is_some() {
            p.username = u.username;
        }
        if u.password.is_some() {
            p.password = u.password;
            p.password_file = None;
        }
        if u.path.is_some() {
            p.ws_path = u.path;
        }
    }
    let take = |id: &str| from_profile(source(id));
    let path = |f: &PathBuf| resolve(f, &selected.path);

    macro_rules! set {
        ($id:literal, $field:ident, $value:expr) => {
            if let Some(v) = $value {
                if take($id) {
                    args.$field = v;
                }
            }
        };
    }
    // A profile's host and source_ip take what the flags take (lists for bench).
    let host = match &p.host {
        Some(h) => Some(address::hosts(h).map_err(|e| bad("host", e))?),
        None => None,
    };
    let source_ip = match &p.source_ip {
        Some(ips) => Some(Some(
            address::source_ips(ips).map_err(|e| bad("source_ip", e))?,
        )),
        None => None,
    };
    set!("host", host, host);
    set!("port", port, p.port.map(Some));
    set!("client_id", client_id, p.client_id.clone().map(Some));
    set!("id_prefix", id_prefix, p.id_prefix.clone());
    set!("username", username, p.username.clone().map(Some));
    set!("source_ip", source_ip, source_ip);
    set!("tls", tls, p.tls);
    set!("ws", ws, p.ws);
    set!("ws_path", ws_path, p.ws_path.clone());
    set!("cafile", cafile, p.cafile.as_ref().map(|f| Some(path(f))));
    set!("cert", cert, p.cert.as_ref().map(|f| Some(path(f))));
    set!("key", key, p.key.as_ref().map(|f| Some(path(f))));
    set!("insecure", insecure, p.insecure);
    set!("alpn", alpn, p.alpn.clone());
    set!("sni", sni, p.sni.clone().map(Some));
    if let Some(v) = &p.protocol_version {
        let version = v
            .text()
            .parse::<Version>()
            .map_err(|e| bad("protocol_version", e.to_string()))?;
        set!("version", version, Some(Some(version)));
    }
    if let Some(v) = &p.keepalive {
        let k = parse::seconds_u16(&v.text()).map_err(|e| bad("keepalive", e))?;
        set!("keepalive", keepalive, Some(k));
    }
    if let Some(v) = &p.connect_timeout {
        let d: Duration = parse::duration(&v.text()).map_err(|e| bad("connect_timeout", e))?;
        set!("connect_timeout", connect_timeout, Some(d));
    }
    // The password and the password file are one setting: a flag or variable for either one
    // replaces the profile's.
    if take("password") && take("password_file") {
        if let Some(pw) = p.password {
            args.password = Some(pw);
        } else if let Some(f) = &p.password_file {
            args.password_file = Some(path(f));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    fn config(text: &str) -> Result<Config> {
        Config::parse(Path::new("/etc/mqtt/config.toml"), text)
    }

    /// Parse `argv` and apply the profile `name` of `text` (no environment involved: the tests
    /// of this module run with no MQTT_* variable set).
    fn run(text: &str, name: Option<&str>, argv: &[&str]) -> Result<ConnectArgs> {
        let mut full = vec!["mqtt", "conn"];
        full.extend_from_slice(argv);
        let matches = Cli::command().try_get_matches_from(full)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        let selected = config(text)?.select(name)?.expect("a profile");
        let args = cli.command.connect_args_mut().unwrap();
        let leaf = leaf_matches(&matches);
        apply_profile(args, &selected, |id| leaf.value_source(id))?;
        Ok(args.clone())
    }

    const PROD: &str = r#"
default_profile = "local"

[local]
host = "127.0.0.1"

[prod]
host = "broker.example.com"
port = 8883
username = "alice"
password_file = "prod.pass"
cafile = "~/ca.pem"
protocol_version = "3.1.1"
keepalive = "2m"
connect_timeout = 3
id_prefix = "alice-"
insecure = true
alpn = ["mqtt"]
"#;

    #[test]
    fn the_profile_fills_what_the_flags_leave_at_their_defaults() {
        let a = run(PROD, Some("prod"), &[]).unwrap();
        assert_eq!(a.host.0, [("broker.example.com".to_string(), None)]);
        assert_eq!(a.port, Some(8883));
        assert_eq!(a.username.as_deref(), Some("alice"));
        assert_eq!(
            a.password_file.as_deref(),
            Some(Path::new("/etc/mqtt/prod.pass"))
        );
        assert!(a.cafile.unwrap().ends_with("ca.pem"));
        assert_eq!(a.version, Some(Version::V3_1_1));
        assert_eq!(a.keepalive, 120);
        assert_eq!(a.connect_timeout, Duration::from_secs(3));
        assert_eq!(a.id_prefix, "alice-");
        assert!(a.insecure);
        assert_eq!(a.alpn, vec!["mqtt".to_string()]);
    }

    #[test]
    fn flags_win_over_the_profile() {
        let a = run(
            PROD,
            Some("prod"),
            &["-h", "other", "-k", "5", "-V", "5", "--id-prefix", "x-"],
        )
        .unwrap();
        assert_eq!(a.host.0, [("other".to_string(), None)]);
        assert_eq!(a.keepalive, 5);
        assert_eq!(a.version, Some(Version::V5));
        assert_eq!(a.id_prefix, "x-");
        // What the flags did not set still comes from the profile.
        assert_eq!(a.port, Some(8883));
        // A flag that equals the default is still a flag.
        let a = run(PROD, Some("prod"), &["-k", "60"]).unwrap();
        assert_eq!(a.keepalive, 60);
    }

    #[test]
    fn a_password_flag_replaces_the_profiles_password_file() {
        let a = run(PROD, Some("prod"), &["-P", "secret"]).unwrap();
        assert_eq!(a.password.as_deref(), Some("secret"));
        assert_eq!(a.password_file, None);
    }

    #[test]
    fn default_profile_and_the_default_table() {
        let c = config(PROD).unwrap().select(None).unwrap().unwrap();
        assert_eq!(c.name, "local");
        let c = config("[default]\nport = 1884\n[x]\nport = 1")
            .unwrap()
            .select(None)
            .unwrap()
            .unwrap();
        assert_eq!((c.name.as_str(), c.profile.port), ("default", Some(1884)));
        assert!(config("[x]\nport = 1")
            .unwrap()
            .select(None)
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_url_in_the_profile_sets_transport_host_port_and_credentials() {
        let text = "[w]\nurl = \"wss://bob:pw@example.com:9001/ws\"\n";
        let a = run(text, Some("w"), &[]).unwrap();
        assert!(a.tls && a.ws);
        assert_eq!(
            (a.host.0[0].0.as_str(), a.port),
            ("example.com", Some(9001))
        );
        assert_eq!(a.username.as_deref(), Some("bob"));
        assert_eq!(a.password.as_deref(), Some("pw"));
        assert_eq!(a.ws_path, "/ws");
        let a = run(text, Some("w"), &["-p", "1"]).unwrap();
        assert_eq!(a.port, Some(1));
    }

    #[test]
    fn parse_errors_never_show_the_password() {
        for text in [
            "[p]\npassword=\"S3CRET\n",
            "[p]\npassword = 'S3CRET\nhost = \"h\"\n",
            "[p]\npassword = S3CRET\n",
            "[p]\npassword = 123456\n",
            "[p]\npassword = [\"S3CRET\"]\n",
        ] {
            let err = config(text).unwrap_err();
            let msg = format!("{err:#}");
            assert!(
                !msg.contains("S3CRET") && !msg.contains("123456"),
                "{text:?}: {msg}"
            );
            assert!(msg.contains("/etc/mqtt/config.toml"), "{msg}");
        }
        let err = config("[p]\nhost = \"h\"\npassword=\"S3CRET\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn unknown_keys_and_missing_profiles_are_usage_errors_naming_the_file() {
        for (text, name, want) in [
            (
                "[p]\nhots = \"x\"\n",
                Some("p"),
                "[p]: unknown field `hots`",
            ),
            ("[p]\nport = \"x\"\n", Some("p"), "[p]"),
            ("hots = 1\n", None, "unknown key `hots`"),
            ("[p]\nhost = \"x\"\n", Some("q"), "no profile `q`"),
            ("default_profile = \"q\"\n[p]\n", None, "no profile `q`"),
            ("[p\n", None, "config file"),
        ] {
            let err = config(text)
                .and_then(|c| c.select(name).map(|_| ()))
                .unwrap_err();
            assert_eq!(exit::code_for(&err), exit::USAGE, "{text}");
            let msg = err.to_string();
            assert!(
                msg.contains("/etc/mqtt/config.toml") && msg.contains(want),
                "{text:?}: {msg}"
            );
            assert!(!msg.contains('\n'), "{msg}");
        }
        let err = run("[p]\nkeepalive = \"soon\"\n", Some("p"), &[]).unwrap_err();
        assert!(err.to_string().contains("[p] keepalive"), "{err}");
    }

    #[test]
    fn the_config_file_location() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            config_path(None, env(&[("HOME", "/home/a")])),
            Some((PathBuf::from("/home/a/.config/mqtt/config.toml"), false))
        );
        assert_eq!(
            config_path(
                None,
                env(&[("HOME", "/home/a"), ("XDG_CONFIG_HOME", "/xdg")])
            ),
            Some((PathBuf::from("/xdg/mqtt/config.toml"), false))
        );
        assert_eq!(
            config_path(Some(Path::new("c.toml")), env(&[])),
            Some((PathBuf::from("c.toml"), true))
        );
        assert_eq!(config_path(None, env(&[])), None);
    }

    #[test]
    fn only_defaults_and_absent_values_are_replaced() {
        assert!(from_profile(None));
        assert!(from_profile(Some(ValueSource::DefaultValue)));
        assert!(!from_profile(Some(ValueSource::EnvVariable)));
        assert!(!from_profile(Some(ValueSource::CommandLine)));
    }
}
