//! `bench --csv FILE`: each tick as a row, for spreadsheets (the `tick` record's figures, the
//! errors as their total). The file is created before the run and written once a tick.
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::exit;
use crate::output::records::TickCounts;

pub const HEADER: &str = "time,elapsed_s,connected,connect_failed,sent,acked,received,\
sent_per_s,acked_per_s,received_per_s,inflight,overruns,errors";

pub struct Csv {
    path: PathBuf,
    file: BufWriter<File>,
    failed: bool,
}

impl Csv {
    /// Create FILE with its header row (an error is a usage error: the path is the user's).
    pub fn create(path: &Path) -> Result<Csv> {
        let file = File::create(path)
            .map_err(|e| exit::usage(format!("cannot create --csv {}: {e}", path.display())))?;
        let mut csv = Csv {
            path: path.to_path_buf(),
            file: BufWriter::new(file),
            failed: false,
        };
        csv.write_line(HEADER);
        Ok(csv)
    }

    /// One row; a write that fails is reported once and the file left as it is.
    pub fn tick(&mut self, time: &str, t: &TickCounts) {
        self.write_line(&row(time, t));
    }

    fn write_line(&mut self, line: &str) {
        if self.failed {
            return;
        }
        let written = writeln!(self.file, "{line}").and_then(|()| self.file.flush());
        if let Err(e) = written {
            self.failed = true;
            crate::output::diag::warning(&format!(
                "cannot write --csv {}: {e}; no more rows",
                self.path.display()
            ));
        }
    }
}

/// The row of one tick, in the order of `HEADER`.
pub fn row(time: &str, t: &TickCounts) -> String {
    let errors: u64 = t.errors.values().sum();
    format!(
        "{time},{:.3},{},{},{},{},{},{},{},{},{},{},{errors}",
        t.elapsed.as_secs_f64(),
        t.connected,
        t.connect_failed,
        t.sent,
        t.acked,
        t.received,
        t.sent_per_s,
        t.acked_per_s,
        t.received_per_s,
        t.inflight,
        t.overruns,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_row_has_a_value_for_every_header_column() {
        let mut t = TickCounts {
            elapsed: Duration::from_millis(2_500),
            connected: 10,
            sent: 1000,
            sent_per_s: 412.5,
            ..TickCounts::default()
        };
        t.errors.insert("timeout".into(), 2);
        t.errors.insert("connect_refused".into(), 1);
        let r = row("2026-01-01T00:00:00Z", &t);
        assert_eq!(r.split(',').count(), HEADER.split(',').count());
        assert_eq!(
            r,
            "2026-01-01T00:00:00Z,2.500,10,0,1000,0,0,412.5,0,0,0,0,3"
        );
    }
}
