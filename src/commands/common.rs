//! What pub and sub share: connecting a session, reporting notices, exit mapping.
use std::time::Duration;

use anyhow::Result;

use crate::cli::pubsub::ReconnectArgs;
use crate::exit;
use crate::output::diag;
pub use crate::output::shorten;
use crate::protocol::{reason, PacketType, Properties};
use crate::session::{
    handshake, transport, ConnectOptions, Notice, Reconnect, Session, SessionSettings,
};

/// Connect (exit 3 on failure, 4 on refusal) and start the session driver.
pub async fn connect(
    opts: &ConnectOptions,
    rc: &ReconnectArgs,
    max_inflight: Option<u16>,
    default_inflight: Option<u16>,
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
        default_inflight,
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
    exit::with_code(code, msg)
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

/// Ctrl-C and SIGTERM, registered when created (so a signal right after start-up is caught).
/// The first one is the command's to handle (finish what is in flight, within bounds); a
/// second one ends the program at once, whatever it is waiting for.
pub struct Signals {
    count: tokio::sync::watch::Receiver<u32>,
    seen: u32,
}

impl Signals {
    pub fn new() -> Signals {
        let (tx, count) = tokio::sync::watch::channel(0u32);
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut int = signal(SignalKind::interrupt()).ok();
            let mut term = signal(SignalKind::terminate()).ok();
            tokio::spawn(async move {
                async fn next(s: &mut Option<tokio::signal::unix::Signal>) {
                    match s {
                        Some(s) => {
                            s.recv().await;
                        }
                        None => std::future::pending().await,
                    }
                }
                loop {
                    tokio::select! {
                        _ = next(&mut int) => {}
                        _ = next(&mut term) => {}
                    }
                    let n = *tx.borrow() + 1;
                    if n >= 2 {
                        diag::info("interrupted", "interrupted again: exiting at once");
                        std::process::exit(i32::from(exit::INTERRUPTED));
                    }
                    let _ = tx.send(n);
                }
            });
        }
        #[cfg(not(unix))]
        {
            tokio::spawn(async move {
                let mut n = 0;
                while tokio::signal::ctrl_c().await.is_ok() {
                    n += 1;
                    if n >= 2 {
                        std::process::exit(i32::from(exit::INTERRUPTED));
                    }
                    let _ = tx.send(n);
                }
            });
        }
        Signals { count, seen: 0 }
    }

    /// Resolves at the next Ctrl-C or SIGTERM not yet seen.
    pub async fn recv(&mut self) {
        loop {
            let n = *self.count.borrow_and_update();
            if n > self.seen {
                self.seen = n;
                return;
            }
            if self.count.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

impl Default for Signals {
    fn default() -> Self {
        Self::new()
    }
}
