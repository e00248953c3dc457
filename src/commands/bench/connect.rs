//! One bench connection's handshake, and short names for why it could not be made (for the
//! summary's `connect_failures` and the hints on stderr), from the typed connection failure
//! every exit-3 error carries (`exit::ConnectFailure`).
use std::time::Instant;

use super::counters::Counters;
use super::plan::{Plan, Role};
use crate::exit::{self, ConnectFailure};
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
    opts.connect.client_id = plan.client_id(role, index);
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
            exit::failure_of(&e)
                .map_or("other", ConnectFailure::name)
                .to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_named_in_snake_case() {
        assert_eq!(snake("Not authorized"), "not_authorized");
        assert_eq!(
            snake("Bad user name or password"),
            "bad_user_name_or_password"
        );
    }
}
