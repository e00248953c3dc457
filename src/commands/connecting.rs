//! Connecting a session for a command (exit 3 on failure, 4 on refusal), and saying on stderr
//! what the connection goes through (lost, reconnected, recoveries) and why a broker refused.
use std::time::Duration;

use anyhow::Result;

use crate::cli::pubsub::ReconnectArgs;
use crate::exit;
use crate::output::diag;
use crate::protocol::{reason, PacketType, Properties};
use crate::session::{
    handshake, transport, ConnectOptions, Reconnect, Session, SessionSettings, Update,
};

/// Connect (exit 3 on failure, 4 on refusal) and start the session driver with `settings`,
/// whose reconnect part comes from the flags.
pub async fn connect(
    opts: &ConnectOptions,
    rc: &ReconnectArgs,
    settings: SessionSettings,
) -> Result<Session> {
    let tls = tls_config(opts)?;
    let hs = handshake(opts, tls.clone()).await?;
    if !hs.accepted() {
        return Err(exit::refused(format!(
            "{} refused the connection: {}",
            opts.address(),
            hs.refusal_text()
        )));
    }
    let settings = SessionSettings {
        reconnect: Reconnect {
            enabled: !rc.no_reconnect,
            initial_delay: rc.reconnect_delay,
            max_delay: Duration::from_secs(30).max(rc.reconnect_delay),
            max_attempts: rc.max_reconnects,
        },
        ..settings
    };
    Ok(Session::start(opts.clone(), tls, hs, settings))
}

/// The TLS configuration a TLS connection needs (None for plain TCP and WebSocket), with the
/// warning `--insecure` deserves.
pub fn tls_config(opts: &ConnectOptions) -> Result<Option<std::sync::Arc<rustls::ClientConfig>>> {
    if !opts.scheme.is_tls() {
        return Ok(None);
    }
    if opts.tls.insecure {
        diag::warning("--insecure: the broker's certificate and host name are not verified");
    }
    Ok(Some(transport::tls_client_config(&opts.tls)?))
}

/// Connection updates and recoveries on stderr.
pub fn report(u: &Update) {
    match u {
        Update::Lost(msg) => diag::info(
            "disconnected",
            &format!("disconnected: {msg}; reconnecting"),
        ),
        Update::Reconnected { session_present } => diag::info(
            "reconnected",
            &format!("reconnected (session present: {session_present})"),
        ),
        Update::Recovery(r) => diag::warning(&r.to_string()),
        _ => {}
    }
}

/// `Not authorized (0x87): reason string`
/// Warn of the filters a SUBACK refused (`from`: whose subscriptions, e.g. " by --from");
/// exit 5 when it refused them all.
pub fn check_suback(ack: &crate::protocol::SubAck, from: &str) -> Result<()> {
    let refused: Vec<u8> = ack
        .reason_codes
        .iter()
        .copied()
        .filter(|&c| reason::is_error(c))
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    diag::warning(&format!(
        "{} of {} subscriptions refused{from}: {}",
        refused.len(),
        ack.reason_codes.len(),
        reason_text(PacketType::SubAck, refused[0], Some(&ack.properties))
    ));
    if refused.len() == ack.reason_codes.len() {
        return Err(exit::rejected("every subscription was refused"));
    }
    Ok(())
}

pub fn reason_text(packet: PacketType, code: u8, props: Option<&Properties>) -> String {
    let mut s = format!("{} ({code:#04x})", reason::name(packet, code));
    if let Some(r) = props.and_then(|p| p.reason_string.as_ref()) {
        s.push_str(": ");
        s.push_str(r);
    }
    s
}
