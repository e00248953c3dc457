//! `ConnectOptions`: everything needed to open a connection (the CLI builds it from its flags,
//! in `cli/connect.rs`), and the `-L/--url` parser it shares with connection profiles.
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::exit;
use crate::protocol::{Connect, Properties, Version};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Tcp,
    Tls,
    Ws,
    Wss,
}

impl Scheme {
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Tcp => 1883,
            Scheme::Tls => 8883,
            Scheme::Ws => 80,
            Scheme::Wss => 443,
        }
    }

    pub fn is_tls(self) -> bool {
        matches!(self, Scheme::Tls | Scheme::Wss)
    }

    pub fn is_ws(self) -> bool {
        matches!(self, Scheme::Ws | Scheme::Wss)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Tcp => "mqtt",
            Scheme::Tls => "mqtts",
            Scheme::Ws => "ws",
            Scheme::Wss => "wss",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    pub cafile: Option<PathBuf>,
    /// A folder of CA certificates (PEM files), beside or instead of `cafile`.
    pub capath: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub insecure: bool,
    pub alpn: Vec<String>,
    pub sni: Option<String>,
}

/// Where and how to connect (transport and handshake settings), and the CONNECT to send.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub scheme: Scheme,
    pub host: String,
    pub port: u16,
    pub ws_path: String,
    pub ws_headers: Vec<(String, String)>,
    pub tls: TlsOptions,
    pub connect_timeout: Duration,
    pub source_ip: Option<IpAddr>,
    /// With `version_fallback`, a refused MQTT 5 falls back to 3.1.1.
    pub version_fallback: bool,
    /// The CONNECT as asked for: its `version` is the version asked for, its properties and
    /// will properties MQTT 5's (`connect_packet` leaves them out for 3.1/3.1.1).
    pub connect: Connect,
}

impl ConnectOptions {
    /// `host:port` as shown in messages (IPv6 in brackets).
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The CONNECT packet for `version`; MQTT 5 properties are left out for 3.1/3.1.1.
    pub fn connect_packet(&self, version: Version) -> Connect {
        let mut connect = Connect {
            version,
            ..self.connect.clone()
        };
        if version != Version::V5 {
            connect.properties = Properties::default();
            if let Some(w) = &mut connect.will {
                w.properties = Properties::default();
            }
        }
        connect
    }
}

/// The parts of a `-L/--url` (also used by connection profiles).
pub struct Url {
    pub scheme: Scheme,
    pub host: String,
    pub port: Option<u16>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub path: Option<String>,
}

fn percent_decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| exit::usage("invalid percent-encoding in the URL"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| exit::usage("the URL's user info is not UTF-8"))
}

pub fn parse_url(url: &str) -> Result<Url> {
    let bad = |why: &str| {
        exit::usage(format!("invalid URL: {why} (expected mqtt|mqtts|ws|wss://[user[:password]@]host[:port][/path])"))
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("no scheme"))?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "mqtt" | "tcp" => Scheme::Tcp,
        "mqtts" | "ssl" | "tls" => Scheme::Tls,
        "ws" => Scheme::Ws,
        "wss" => Scheme::Wss,
        other => {
            return Err(exit::usage(format!(
                "unknown URL scheme '{other}' (use mqtt, mqtts, ws or wss)"
            )))
        }
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(rest[i..].to_string())),
        None => (rest, None),
    };
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let (username, password) = match userinfo {
        Some(ui) => match ui.split_once(':') {
            Some((u, p)) => (Some(percent_decode(u)?), Some(percent_decode(p)?)),
            None => (Some(percent_decode(ui)?), None),
        },
        None => (None, None),
    };
    let (host, port) = split_host_port(hostport).map_err(|why| bad(&why))?;
    if host.is_empty() {
        return Err(bad("no host"));
    }
    Ok(Url {
        scheme,
        host: host.to_string(),
        port,
        username: username.filter(|u| !u.is_empty()),
        password,
        path: path.filter(|p| p != "/" || scheme.is_ws()),
    })
}

/// Split `host`, `host:port`, `[IPv6]`, `[IPv6]:port` or a bare IPv6 address (more than one
/// colon, no brackets: no port) into the host and its port; the one place that knows the
/// bracket rules (`-L/--url`, profiles' `url`, and `-h` through the CLI's host list). An error
/// says why in a few words (the caller names the flag).
pub fn split_host_port(s: &str) -> Result<(&str, Option<u16>), String> {
    let port = |p: &str| {
        p.parse::<u16>()
            .map(Some)
            .map_err(|_| format!("invalid port '{p}'"))
    };
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| "unclosed '[' in the host".to_string())?;
        match after.strip_prefix(':') {
            Some(p) => Ok((host, port(p)?)),
            None if after.is_empty() => Ok((host, None)),
            None => Err("unexpected text after the IPv6 address".to_string()),
        }
    } else {
        match s.split_once(':') {
            Some((host, p)) if !p.contains(':') => Ok((host, port(p)?)),
            _ => Ok((s, None)),
        }
    }
}

/// `prefix` plus 10 random alphanumeric characters.
pub fn random_client_id(prefix: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + 10);
    id.push_str(prefix);
    for _ in 0..10 {
        id.push(fastrand::alphanumeric());
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connect_packet_drops_mqtt_5_properties_below_version_5_and_keeps_the_rest() {
        let props = Properties {
            session_expiry_interval: Some(60),
            ..Properties::default()
        };
        let opts = ConnectOptions {
            scheme: Scheme::Tcp,
            host: "h".into(),
            port: 1883,
            ws_path: "/mqtt".into(),
            ws_headers: Vec::new(),
            tls: TlsOptions::default(),
            connect_timeout: Duration::from_secs(1),
            source_ip: None,
            version_fallback: true,
            connect: Connect {
                version: Version::V5,
                client_id: "c".into(),
                clean_start: false,
                keep_alive: 30,
                username: Some("u".into()),
                password: None,
                will: Some(crate::protocol::Will {
                    topic: "w".into(),
                    properties: props.clone(),
                    ..Default::default()
                }),
                properties: props.clone(),
            },
        };
        assert_eq!(opts.connect_packet(Version::V5), opts.connect);
        let v3 = opts.connect_packet(Version::V3_1_1);
        assert_eq!(v3.version, Version::V3_1_1);
        assert_eq!(v3.properties, Properties::default());
        let will = v3.will.as_ref().map(|w| (w.topic.as_str(), &w.properties));
        assert_eq!(will, Some(("w", &Properties::default())));
        assert_eq!(
            (v3.client_id.as_str(), v3.clean_start, v3.keep_alive),
            ("c", false, 30)
        );
        assert_eq!(v3.username.as_deref(), Some("u"));
    }

    #[test]
    fn hosts_split_from_ports_with_ipv6_in_brackets_or_bare() {
        assert_eq!(split_host_port("h"), Ok(("h", None)));
        assert_eq!(split_host_port("h:1884"), Ok(("h", Some(1884))));
        assert_eq!(split_host_port("[::1]:1884"), Ok(("::1", Some(1884))));
        assert_eq!(split_host_port("[::1]"), Ok(("::1", None)));
        assert_eq!(split_host_port("fe80::1"), Ok(("fe80::1", None)));
        assert!(split_host_port("h:port").is_err());
        assert!(split_host_port("[::1").is_err());
        assert!(split_host_port("[::1]1884").is_err());
    }

    #[test]
    fn urls_take_the_host_and_port_by_the_same_rules() {
        let u = parse_url("mqtt://[::1]:1884").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", Some(1884)));
        let u = parse_url("mqtt://fe80::1").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("fe80::1", None));
        let Err(err) = parse_url("mqtt://[::1]x") else {
            panic!("text after the brackets must be refused")
        };
        assert!(err.to_string().contains("after the IPv6 address"), "{err}");
    }
}
