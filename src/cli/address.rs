//! The typed values of `-h/--host` and `--source-ip`, parsed by clap (a bad list is a usage
//! error of every command before anything runs). Both take lists, which only `bench` spreads
//! over its connections; every other command takes one of each (`Hosts::one`,
//! `SourceIps::one`, called when the connect options are built).
use std::net::IpAddr;

use anyhow::Result;

use crate::exit;
use crate::session::options::split_host_port;

/// `-h a,b:1884,[::1]:1885`: brokers, each with an optional port (over `-p`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hosts(pub Vec<(String, Option<u16>)>);

impl Default for Hosts {
    fn default() -> Self {
        Hosts(vec![("localhost".to_string(), None)])
    }
}

impl Hosts {
    /// The one broker of a command that connects once; a list is a usage error.
    pub fn one(&self) -> Result<(String, Option<u16>)> {
        match self.0.as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(exit::usage(format!(
                "-h/--host takes one broker here, not {} (a list is for bench)",
                self.0.len()
            ))),
        }
    }
}

/// `--source-ip 127.0.0.1-127.0.0.4,127.0.1.1`: local addresses, ranges expanded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceIps(pub Vec<IpAddr>);

impl SourceIps {
    /// The one local address of a command that connects once; a list is a usage error.
    pub fn one(&self) -> Result<IpAddr> {
        match self.0.as_slice() {
            [one] => Ok(*one),
            _ => Err(exit::usage(format!(
                "--source-ip takes one address here, not {} (a list or range is for bench)",
                self.0.len()
            ))),
        }
    }
}

/// The value parser of `-h/--host` (and a profile's `host`): hosts with optional ports,
/// separated by commas; IPv6 with a port in brackets.
pub fn hosts(spec: &str) -> Result<Hosts, String> {
    let mut hosts = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (host, port) = split_host_port(item)?;
        if host.is_empty() {
            return Err(format!("no host in '{item}'"));
        }
        hosts.push((host.to_string(), port));
    }
    if hosts.is_empty() {
        return Err("the broker host is empty".to_string());
    }
    Ok(Hosts(hosts))
}

/// The value parser of `--source-ip` (and a profile's `source_ip`): addresses and ranges
/// `A-B` (one family, upwards, at most 65536 addresses), separated by commas.
pub fn source_ips(spec: &str) -> Result<SourceIps, String> {
    let addr = |a: &str| {
        a.trim()
            .parse::<IpAddr>()
            .map_err(|_| format!("'{}' is not an IP address", a.trim()))
    };
    let mut ips = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (addr(a)?, addr(b)?);
                let (lo, hi) = match (a, b) {
                    (IpAddr::V4(a), IpAddr::V4(b)) => {
                        (u128::from(u32::from(a)), u128::from(u32::from(b)))
                    }
                    (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b)),
                    _ => return Err("a range needs two addresses of one family".into()),
                };
                if hi < lo || hi - lo >= 65_536 {
                    return Err("a range runs upwards and holds at most 65536 addresses".into());
                }
                for v in lo..=hi {
                    ips.push(match a {
                        IpAddr::V4(_) => IpAddr::V4((v as u32).into()),
                        IpAddr::V6(_) => IpAddr::V6(v.into()),
                    });
                }
            }
            None => ips.push(addr(part)?),
        }
    }
    if ips.is_empty() {
        return Err("no address".into());
    }
    Ok(SourceIps(ips))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_ip_lists_expand_ranges_and_refuse_backward_or_mixed_ones() {
        let ips = source_ips("127.0.0.1-127.0.0.4,127.0.1.1").unwrap().0;
        assert_eq!(ips.len(), 5);
        assert_eq!(ips[3].to_string(), "127.0.0.4");
        assert_eq!(ips[4].to_string(), "127.0.1.1");
        assert_eq!(source_ips("::1").unwrap().0[0].to_string(), "::1");
        assert!(source_ips("127.0.0.9-127.0.0.1").is_err());
        assert!(source_ips("127.0.0.1-::1").is_err());
        assert!(source_ips("nope").is_err());
        assert!(source_ips(" , ").is_err());
    }

    #[test]
    fn host_lists_take_ports_and_bracketed_ipv6_and_refuse_bad_ports() {
        let h = hosts("a,b:1884,[::1]:1885,::1,127.0.0.1,[fe80::2]")
            .unwrap()
            .0;
        assert_eq!(
            h,
            vec![
                ("a".to_string(), None),
                ("b".to_string(), Some(1884)),
                ("::1".to_string(), Some(1885)),
                ("::1".to_string(), None),
                ("127.0.0.1".to_string(), None),
                ("fe80::2".to_string(), None),
            ]
        );
        assert!(hosts("a:port").is_err());
        assert!(hosts("a:70000").is_err());
        assert!(hosts("[::1").is_err());
        assert!(hosts("[::1]x").is_err());
        assert!(hosts(":1883").is_err());
        assert_eq!(hosts(" , ").unwrap_err(), "the broker host is empty");
    }

    #[test]
    fn commands_that_connect_once_refuse_lists_naming_the_flag() {
        let one = hosts("b:1884").unwrap().one().unwrap();
        assert_eq!(one, ("b".to_string(), Some(1884)));
        let err = hosts("a,b").unwrap().one().unwrap_err();
        assert_eq!(exit::code_for(&err), exit::USAGE);
        assert!(err.to_string().contains("-h/--host"), "{err}");
        let ip = source_ips("127.0.0.1").unwrap().one().unwrap();
        assert_eq!(ip.to_string(), "127.0.0.1");
        let err = source_ips("127.0.0.1-127.0.0.3")
            .unwrap()
            .one()
            .unwrap_err();
        assert_eq!(exit::code_for(&err), exit::USAGE);
        assert!(err.to_string().contains("--source-ip"), "{err}");
    }
}
