//! What pub, sub and bench share: connecting a session, reporting notices, exit mapping,
//! signals, the final write to stdout.
use std::time::Duration;

use anyhow::Result;

use crate::cli::pubsub::ReconnectArgs;
use crate::exit;
use crate::output::{diag, ThreadedOutput};
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

/// The final write of `pub` and `bench`: hand every buffered record to the writer thread and
/// wait until it is written, for at most `bound` and until a signal: whether everything was written. A write error (not a broken pipe, which is
/// success) is returned.
pub async fn write_out(
    out: &mut ThreadedOutput,
    signals: &mut Signals,
    bound: Duration,
) -> Result<bool> {
    let all = async {
        out.flush(None).await?;
        out.idle().await;
        out.close().await?;
        Ok::<(), anyhow::Error>(())
    };
    let until = tokio::time::Instant::now()
        .checked_add(bound)
        .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(86_400 * 365));
    tokio::select! {
        r = all => r.map(|()| true),
        _ = tokio::time::sleep_until(until) => Ok(false),
        _ = signals.recv() => Ok(false),
    }
}
