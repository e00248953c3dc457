//! What pub and sub share: connecting a session, reporting notices, exit mapping.
use std::time::Duration;

use anyhow::Result;

use crate::cli::pubsub::ReconnectArgs;
use crate::exit;
use crate::output::diag;
use crate::protocol::{reason, PacketType, Properties};
use crate::session::{
    handshake, transport, ConnectOptions, Notice, Reconnect, Session, SessionSettings,
};

/// Connect (exit 3 on failure, 4 on refusal) and start the session driver.
pub async fn connect(
    opts: &ConnectOptions,
    rc: &ReconnectArgs,
    max_inflight: Option<u16>,
    notice_capacity: usize,
    manual_ack: bool,
) -> Result<Session> {
    let tls = if opts.scheme.is_tls() {
        Some(transport::tls_client_config(&opts.tls)?)
    } else {
        None
    };
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
        max_inflight,
        notice_capacity,
        manual_ack,
    };
    Ok(Session::start(opts.clone(), tls, hs, settings))
}

/// Connection-level notices on stderr.
pub fn report_notice(n: &Notice) {
    match n {
        Notice::ConnectionLost(msg) => diag::info(
            "disconnected",
            &format!("disconnected: {msg}; reconnecting"),
        ),
        Notice::Reconnected { session_present } => diag::info(
            "reconnected",
            &format!("reconnected (session present: {session_present})"),
        ),
        _ => {}
    }
}

pub fn exit_with(code: u8, msg: String) -> anyhow::Error {
    match code {
        exit::REJECTED => exit::rejected(msg),
        exit::REFUSED => exit::refused(msg),
        exit::USAGE => exit::usage(msg),
        _ => exit::runtime(msg),
    }
}

/// `Not authorized (0x87): reason string`
pub fn reason_text(packet: PacketType, code: u8, props: Option<&Properties>) -> String {
    let mut s = format!("{} ({code:#04x})", reason::name(packet, code));
    if let Some(r) = props.and_then(|p| p.reason_string.as_ref()) {
        s.push_str(": ");
        s.push_str(r);
    }
    s
}

/// A topic for a message: at most 100 characters.
pub fn shorten(s: &str) -> String {
    if s.chars().count() <= 100 {
        s.replace('\0', "\\0")
    } else {
        let head: String = s.chars().take(97).collect();
        format!("{}...", head.replace('\0', "\\0"))
    }
}

/// Ctrl-C and SIGTERM, registered when created (so a signal right after start-up is caught).
pub struct Signals {
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    pub fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                int: signal(SignalKind::interrupt()).ok(),
                term: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    /// Resolves at the next Ctrl-C or SIGTERM.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            async fn next(s: &mut Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                _ = next(&mut self.int) => {}
                _ = next(&mut self.term) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

impl Default for Signals {
    fn default() -> Self {
        Self::new()
    }
}
