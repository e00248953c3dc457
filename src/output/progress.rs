//! Progress bars on stderr (indicatif) for long work: `pub -f` of a large file (bytes written
//! to the broker) and `pub -l`/`--jsonl` from a file on stdin (bytes read of its size).
//!
//! Shown only when stderr is a terminal and stdout is not the same terminal full of records
//! (it is redirected, or `--no-output`). The hot paths only add to a relaxed atomic counter
//! (once per read or write call, not per message); a ticker thread draws the bar from it every
//! 100 ms, so a run shorter than that draws nothing.
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::session::transport::BYTES_WRITTEN;

/// Bytes read from standard input (see [`read`]).
static READ: AtomicU64 = AtomicU64::new(0);

/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// A progress bar drawn by a ticker thread; cleared when dropped.
pub struct Progress {
    stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// The bar for `mqtt pub`, if its source has a known size and the terminal wants one:
    /// `file` sent `repeat` times, or lines read from standard input; `records` when records
    /// go to stdout.
    pub fn for_publish(
        file: Option<&std::path::Path>,
        repeat: u64,
        stdin_lines: bool,
        records: bool,
    ) -> Option<Progress> {
        if !std::io::stderr().is_terminal() || (std::io::stdout().is_terminal() && records) {
            return None;
        }
        if let Some(file) = file {
            let size = std::fs::metadata(file).ok()?.len();
            return Self::start(size.saturating_mul(repeat), "sent", &BYTES_WRITTEN);
        }
        if stdin_lines {
            return Self::start(stdin_file_size()?, "read", &READ);
        }
        None
    }

    fn start(total: u64, verb: &'static str, counter: &'static AtomicU64) -> Option<Progress> {
        if total == 0 {
            return None;
        }
        let style = ProgressStyle::with_template(&format!(
            "{{bar:30}} {{bytes}}/{{total_bytes}} {verb} ({{binary_bytes_per_sec}}, {{eta}} left)"
        ))
        .ok()?;
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(style);
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let base = counter.load(Ordering::Relaxed);
        let ticker = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(TICK);
                    if stop2.load(Ordering::Relaxed) {
                        break;
                    }
                    let done = counter.load(Ordering::Relaxed).saturating_sub(base);
                    bar.set_position(done.min(total));
                }
                bar.finish_and_clear();
            })
            .ok()?;
        Some(Progress {
            stop,
            ticker: Some(ticker),
        })
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

/// The size of standard input when it is a regular file (fstat), else None.
fn stdin_file_size() -> Option<u64> {
    use std::os::fd::AsFd;
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    meta.is_file().then_some(meta.len())
}

/// Bytes read from standard input (the stdin reader thread adds to it).
#[inline]
pub fn read(n: usize) {
    READ.fetch_add(n as u64, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_add_to_the_counter() {
        let before = READ.load(Ordering::Relaxed);
        read(12);
        assert!(READ.load(Ordering::Relaxed) - before >= 12);
    }

    #[test]
    fn nothing_to_show_for_an_empty_total() {
        assert!(Progress::start(0, "sent", &BYTES_WRITTEN).is_none());
    }
}
