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
    pub capath: Option<PathBuf>,
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
    set!("capath", capath, p.capath.as_ref().map(|f| Some(path(f))));
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
    if take("password") && take("password_file") && !args.password_prompt && !args.password_stdin {
        if let Some(pw) = p.password {
            args.password = Some(pw);
        } else if let Some(f) = &p.password_file {
            args.password_file = Some(path(f));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
