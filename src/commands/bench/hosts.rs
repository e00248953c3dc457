//! The brokers a run connects to: connect options per host, the TLS configuration, the
//! source addresses, and each broker's name resolved once.
use std::net::IpAddr;
use std::sync::Arc;

use anyhow::Result;

use crate::cli::address::Hosts;
use crate::cli::ConnectArgs;
use crate::exit;
use crate::session::ConnectOptions;

pub type ConnectPlan = (
    Vec<ConnectOptions>,
    Option<Arc<rustls::ClientConfig>>,
    Vec<IpAddr>,
);

pub fn connect_plan(connect: &ConnectArgs) -> Result<ConnectPlan> {
    // The lists are bench's own: the base options are built from one host (its port aside,
    // which each host sets below) and no source address.
    let mut args = connect.clone();
    let source_ips = args.source_ip.take().map_or(Vec::new(), |ips| ips.0);
    let hosts = connect.host.0.clone();
    args.host = Hosts(
        hosts
            .iter()
            .take(1)
            .map(|(h, _)| (h.clone(), None))
            .collect(),
    );
    let base = args.options()?;
    let mut all = Vec::new();
    if connect.url.is_some() {
        all.push(base.clone());
    } else {
        for (host, port) in hosts {
            let mut o = base.clone();
            o.host = host;
            o.port = port.or(connect.port).unwrap_or(o.scheme.default_port());
            all.push(o);
        }
    }
    let tls = crate::commands::connecting::tls_config(&base)?;
    Ok((all, tls, source_ips))
}

/// Resolve each broker's name once, so that thousands of connections do not each ask the
/// resolver. TLS keeps the name for SNI and verification; WebSocket keeps it for the URL.
pub async fn resolve(hosts: &mut [ConnectOptions]) -> Result<()> {
    for o in hosts.iter_mut() {
        if o.host.parse::<IpAddr>().is_ok() || o.scheme.is_ws() {
            continue;
        }
        let mut addrs = tokio::net::lookup_host((o.host.as_str(), o.port))
            .await
            .map_err(|e| exit::connect(format!("cannot resolve {}: {e}", o.host)))?;
        let addr = addrs.next();
        drop(addrs);
        let addr =
            addr.ok_or_else(|| exit::connect(format!("{} has no address to connect to", o.host)))?;
        if o.scheme.is_tls() && o.tls.sni.is_none() {
            o.tls.sni = Some(o.host.clone());
        }
        o.host = addr.ip().to_string();
    }
    Ok(())
}
