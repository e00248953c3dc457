//! The connection flags as plain `ConnectOptions` for the session layer: the URL, defaults,
//! the password file and every check that can be made before any network I/O.
use anyhow::Result;
use bytes::Bytes;

use super::address::SourceIps;
use super::ConnectArgs;
use crate::exit;
use crate::protocol::{topic, Connect, Properties, QoS, Version, Will};
use crate::session::options::{parse_url, random_client_id, ConnectOptions, Scheme, TlsOptions};

impl ConnectArgs {
    /// Where and how to connect, checked.
    pub fn options(&self) -> Result<ConnectOptions> {
        let args = self;
        let mut scheme = if args.ws { Scheme::Ws } else { Scheme::Tcp };
        let tls_wanted = args.tls
            || args.cafile.is_some()
            || args.capath.is_some()
            || args.cert.is_some()
            || args.insecure;
        // -L replaces -h (and its port) entirely: a list given there is not looked at.
        let (mut host, mut port) = match &args.url {
            Some(_) => (String::new(), args.port),
            None => {
                let (host, port) = args.host.one()?;
                (host, port.or(args.port))
            }
        };
        let mut username = args.username.clone();
        let mut password = args.password.clone().map(Bytes::from);
        let mut ws_path = args.ws_path.clone();
        if let Some(url) = &args.url {
            let u = parse_url(url)?;
            scheme = u.scheme;
            host = u.host;
            if u.port.is_some() {
                port = u.port;
            }
            if u.username.is_some() {
                username = u.username;
            }
            if let Some(p) = u.password {
                password = Some(Bytes::from(p));
            }
            if let Some(p) = u.path {
                ws_path = p;
            }
        }
        // An explicit URL scheme wins; otherwise TLS options imply TLS.
        if tls_wanted && args.url.is_none() {
            scheme = match scheme {
                Scheme::Tcp => Scheme::Tls,
                Scheme::Ws => Scheme::Wss,
                s => s,
            };
        }
        if let Some(file) = &args.password_file {
            password = Some(read_password_file(file)?);
        }
        if host.is_empty() {
            return Err(exit::usage("the broker host is empty"));
        }
        let source_ip = args.source_ip.as_ref().map(SourceIps::one).transpose()?;
        let version = args.version.unwrap_or(Version::V5);
        let client_id = match &args.client_id {
            Some(id) => id.clone(),
            None => random_client_id(&args.id_prefix),
        };
        if client_id.len() > 65_535 {
            return Err(exit::usage("the client id is longer than 65535 bytes"));
        }

        let mut properties = Properties {
            session_expiry_interval: match (args.session_expiry, args.no_clean) {
                (Some(s), _) => Some(s),
                // A resumable session must outlive the connection in MQTT 5.
                (None, true) => Some(u32::MAX),
                (None, false) => None,
            },
            receive_maximum: args.receive_maximum,
            maximum_packet_size: args.maximum_packet_size,
            topic_alias_maximum: args.topic_alias_maximum,
            request_response_information: args.request_response_info.then_some(1),
            request_problem_information: args.no_problem_info.then_some(0),
            user_properties: args.connect_user_property.clone(),
            authentication_method: args.auth_method.clone(),
            authentication_data: args.auth_data.clone().map(Bytes::from),
            ..Properties::default()
        };
        if properties.session_expiry_interval == Some(0) {
            properties.session_expiry_interval = None;
        }

        let will = match &args.will_topic {
            Some(t) => {
                topic::validate_name(t).map_err(|e| exit::usage(format!("--will-topic: {e}")))?;
                Some(Will {
                    topic: t.clone(),
                    payload: Bytes::from(args.will_message.clone().unwrap_or_default()),
                    qos: args.will_qos,
                    retain: args.will_retain,
                    properties: Properties {
                        will_delay_interval: args.will_delay,
                        message_expiry_interval: args.will_message_expiry,
                        content_type: args.will_content_type.clone(),
                        payload_format_indicator: args.will_payload_format,
                        response_topic: args.will_response_topic.clone(),
                        correlation_data: args.will_correlation_data.clone().map(Bytes::from),
                        user_properties: args.will_user_property.clone(),
                        ..Properties::default()
                    },
                })
            }
            None => {
                if args.will_qos != QoS::AtMostOnce {
                    return Err(exit::usage("--will-qos needs --will-topic"));
                }
                None
            }
        };
        if let Some(rt) = will
            .as_ref()
            .and_then(|w| w.properties.response_topic.as_ref())
        {
            topic::validate_name(rt)
                .map_err(|e| exit::usage(format!("--will-response-topic: {e}")))?;
        }
        if version != Version::V5 {
            let v5_only = args.session_expiry.is_some()
                || args.receive_maximum.is_some()
                || args.maximum_packet_size.is_some()
                || args.topic_alias_maximum.is_some()
                || args.request_response_info
                || args.no_problem_info
                || !args.connect_user_property.is_empty()
                || args.auth_method.is_some();
            let will_v5 = will
                .as_ref()
                .is_some_and(|w| w.properties != Properties::default());
            if v5_only || will_v5 {
                return Err(exit::usage(format!(
                    "MQTT 5 properties (session expiry, receive maximum, user properties, auth, will properties ...) need -V 5, not -V {version}"
                )));
            }
            if password.is_some() && username.is_none() && version == Version::V3_1_1 {
                return Err(exit::usage(
                    "MQTT 3.1.1 does not allow a password without a user name (-u)",
                ));
            }
        }
        for (name, file) in [
            ("--cafile", &args.cafile),
            ("--capath", &args.capath),
            ("--cert", &args.cert),
            ("--key", &args.key),
        ] {
            if let Some(f) = file {
                if let Err(e) = std::fs::metadata(f) {
                    return Err(exit::usage(format!("{name} {}: {e}", f.display())));
                }
            }
        }

        Ok(ConnectOptions {
            scheme,
            port: match port {
                Some(0) => {
                    return Err(exit::usage(
                        "port 0: a broker listens on a port from 1 to 65535",
                    ))
                }
                Some(p) => p,
                None => scheme.default_port(),
            },
            host,
            ws_path,
            ws_headers: args.ws_header.clone(),
            tls: TlsOptions {
                cafile: args.cafile.clone(),
                capath: args.capath.clone(),
                cert: args.cert.clone(),
                key: args.key.clone(),
                insecure: args.insecure,
                alpn: args.alpn.clone(),
                sni: args.sni.clone(),
            },
            connect_timeout: args.connect_timeout,
            source_ip,
            version_fallback: args.version.is_none(),
            connect: Connect {
                version,
                client_id,
                clean_start: !args.no_clean,
                keep_alive: args.keepalive,
                username,
                password,
                will,
                properties,
            },
        })
    }
}

fn read_password_file(path: &std::path::Path) -> Result<Bytes> {
    let text = std::fs::read(path).map_err(|e| {
        exit::usage(format!(
            "cannot read --password-file {}: {e}",
            path.display()
        ))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o004 != 0 {
                crate::output::diag::warning(&format!(
                    "password file {} is readable by other users (chmod 600 it)",
                    path.display()
                ));
            }
        }
    }
    let line = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Ok(Bytes::copy_from_slice(line))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn opts(argv: &[&str]) -> Result<ConnectOptions> {
        #[derive(Parser)]
        #[command(disable_help_flag = true)]
        struct T {
            #[command(flatten)]
            c: ConnectArgs,
        }
        let mut full = vec!["t"];
        full.extend_from_slice(argv);
        let t = T::try_parse_from(full).map_err(|e| anyhow::anyhow!("{e}"))?;
        t.c.options()
    }

    #[test]
    fn url_sets_everything() {
        let o = opts(&["-L", "wss://al%40ice:p%3Ass@example.com:9001/ws"]).unwrap();
        assert_eq!(o.scheme, Scheme::Wss);
        assert_eq!(o.host, "example.com");
        assert_eq!(o.port, 9001);
        assert_eq!(o.connect.username.as_deref(), Some("al@ice"));
        assert_eq!(o.connect.password.as_deref(), Some(&b"p:ss"[..]));
        assert_eq!(o.ws_path, "/ws");
    }

    #[test]
    fn default_ports_follow_the_scheme() {
        assert_eq!(opts(&["-L", "mqtt://h"]).unwrap().port, 1883);
        assert_eq!(opts(&["-L", "mqtts://h"]).unwrap().port, 8883);
        assert_eq!(opts(&["-L", "ws://h"]).unwrap().port, 80);
        assert_eq!(opts(&["-L", "wss://h"]).unwrap().port, 443);
        assert_eq!(opts(&["--tls"]).unwrap().port, 8883);
        let o = opts(&["-L", "ws://h"]).unwrap();
        assert_eq!(o.ws_path, "/mqtt");
        let o = opts(&["-L", "mqtt://[::1]:1884"]).unwrap();
        assert_eq!((o.host.as_str(), o.port), ("::1", 1884));
        assert_eq!(o.address(), "[::1]:1884");
    }

    #[test]
    fn bad_urls_are_usage_errors() {
        for url in [
            "http://h",
            "h:1883",
            "mqtt://",
            "mqtt://h:port",
            "mqtt://h:70000",
        ] {
            let err = opts(&["-L", url]).unwrap_err();
            assert_eq!(exit::code_for(&err), exit::USAGE, "{url}");
        }
        let err = opts(&["-L", "http://h"]).unwrap_err();
        assert!(
            err.to_string().contains("unknown URL scheme 'http'"),
            "{err}"
        );
    }

    #[test]
    fn cafile_implies_tls_and_v3_refuses_v5_properties() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "x").unwrap();
        let o = opts(&["--cafile", ca.to_str().unwrap()]).unwrap();
        assert_eq!(o.scheme, Scheme::Tls);
        let err = opts(&["-V", "3.1.1", "--receive-maximum", "5"]).unwrap_err();
        assert_eq!(exit::code_for(&err), exit::USAGE);
        // --no-clean alone is fine in 3.1.1 (the implied session expiry is v5-only and dropped).
        let o = opts(&["-V", "3.1.1", "--no-clean"]).unwrap();
        assert_eq!(
            o.connect_packet(Version::V3_1_1).properties,
            Properties::default()
        );
        assert!(!o.connect_packet(Version::V3_1_1).clean_start);
    }

    #[test]
    fn one_host_may_carry_its_port_and_lists_are_usage_errors_outside_bench() {
        let o = opts(&["-h", "[::1]:1884", "-p", "1"]).unwrap();
        assert_eq!((o.host.as_str(), o.port), ("::1", 1884));
        let o = opts(&["-h", "b", "-p", "1885", "--source-ip", "127.0.0.2"]).unwrap();
        assert_eq!((o.host.as_str(), o.port), ("b", 1885));
        assert_eq!(o.source_ip, Some("127.0.0.2".parse().unwrap()));
        for args in [
            &["-h", "a,b"][..],
            &["--source-ip", "127.0.0.1-127.0.0.3"],
            &["--source-ip", "127.0.0.1,127.0.0.2"],
        ] {
            let err = opts(args).unwrap_err();
            assert_eq!(exit::code_for(&err), exit::USAGE, "{args:?}");
            assert!(err.to_string().contains(args[0]), "{args:?}: {err}");
        }
    }

    #[test]
    fn generated_client_ids_use_the_prefix() {
        let o = opts(&["--id-prefix", "ci-"]).unwrap();
        assert!(o.connect.client_id.starts_with("ci-") && o.connect.client_id.len() == 13);
        assert_ne!(
            o.connect.client_id,
            opts(&["--id-prefix", "ci-"]).unwrap().connect.client_id
        );
    }

    #[test]
    fn password_file_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret\r\nignored\n").unwrap();
        let o = opts(&["-u", "u", "--password-file", f.to_str().unwrap()]).unwrap();
        assert_eq!(o.connect.password.as_deref(), Some(&b"s3cret"[..]));
        let err = opts(&["--password-file", "/nonexistent/pw"]).unwrap_err();
        assert_eq!(exit::code_for(&err), exit::USAGE);
    }
}
