//! Ctrl-C and SIGTERM for every command: the first is the command's to handle, the second
//! exits at once.
use crate::exit;
use crate::output::diag;

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
