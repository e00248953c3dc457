//! The end of a command's stdout: the last records written out, within a bound and the signals.
use std::time::Duration;

use anyhow::Result;

use super::signals::Signals;
use crate::output::ThreadedOutput;

/// The final write of `pub` and `bench`: hand every buffered record to the writer thread and
/// wait until it is written, for at most `bound` and until a signal: whether everything was
/// written. A write error (not a broken pipe, which is success) is returned.
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
