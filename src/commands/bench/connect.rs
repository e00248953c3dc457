//! One bench connection's handshake, and short names for why it could not be made (for the
//! summary's `connect_failures` and the hints on stderr). The names come from the error text
//! (the "(os error N)" that std puts in it), in `failure_kind` only: typed connect errors
//! will replace this one place.
use std::time::Instant;

use super::counters::Counters;
use super::plan::{Plan, Role};
use crate::protocol::reason;
use crate::session::{handshake, Handshake};

/// Connect client `index` of `role` (the `ordinal`-th launched, for its source address) and
/// record its connect time; a failure as (kind, message).
pub async fn connect(
    plan: &Plan,
    counters: &Counters,
    role: Role,
    index: u64,
    ordinal: u64,
) -> Result<Handshake, (String, String)> {
    let mut opts = plan.hosts[plan.host_of(index)].clone();
    opts.client_id = plan.client_id(role, index);
    if !plan.source_ips.is_empty() {
        opts.source_ip = Some(plan.source_ips[(ordinal % plan.source_ips.len() as u64) as usize]);
    }
    let t = Instant::now();
    match handshake(&opts, plan.tls.clone()).await {
        Ok(hs) if hs.accepted() => {
            counters.record_connect(t.elapsed());
            Ok(hs)
        }
        Ok(hs) => {
            let name = reason::connack_name(hs.version, hs.connack.reason);
            Err((
                format!("refused_{}", snake(name)),
                format!(
                    "{} refused the connection: {}",
                    opts.address(),
                    hs.refusal_text()
                ),
            ))
        }
        Err(e) => Err((
            failure_kind(&format!("{e:#}")).to_string(),
            format!("{e:#}"),
        )),
    }
}

/// `Not authorized` -> `not_authorized`.
pub fn snake(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    s.trim_matches('_').to_string()
}

/// A short name for why a connection could not be made, from the error text.
pub fn failure_kind(message: &str) -> &'static str {
    if message.contains("(os error 24)") || message.contains("(os error 23)") {
        "too_many_open_files"
    } else if message.contains("(os error 99)") {
        "address_not_available"
    } else if message.contains("(os error 111)") {
        "connection_refused"
    } else if message.contains("(os error 104)") || message.contains("closed the connection") {
        "closed_by_broker"
    } else if message.contains("(os error 110)") || message.contains("--connect-timeout") {
        "timeout"
    } else if message.contains("cannot resolve") {
        "dns"
    } else if message.contains("TLS") {
        "tls"
    } else if message.contains("WebSocket") {
        "websocket"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_failures_are_named_from_the_os_error_in_their_text() {
        assert_eq!(
            failure_kind("cannot connect to 127.0.0.1:1: Connection refused (os error 111)"),
            "connection_refused"
        );
        assert_eq!(
            failure_kind("Too many open files (os error 24)"),
            "too_many_open_files"
        );
        assert_eq!(
            failure_kind("Cannot assign requested address (os error 99)"),
            "address_not_available"
        );
        assert_eq!(
            failure_kind("no CONNACK from x within 10s (--connect-timeout)"),
            "timeout"
        );
        assert_eq!(failure_kind("something else"), "other");
        assert_eq!(snake("Not authorized"), "not_authorized");
        assert_eq!(
            snake("Bad user name or password"),
            "bad_user_name_or_password"
        );
    }
}
