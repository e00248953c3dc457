//! `sub --record FILE`: message records appended to a file, by the writer thread (beside
//! stdout, before the messages they hold are acknowledged); with `--record-max-size`, the file
//! is renamed `FILE.1` (replacing an older one) before a write would take it past the size.
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub struct RecordFile {
    path: PathBuf,
    file: File,
    size: u64,
    max: Option<u64>,
}

fn open(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

impl RecordFile {
    /// Open (create, or append to) `path`.
    pub fn open(path: &Path, max: Option<u64>) -> io::Result<RecordFile> {
        let file = open(path)?;
        let size = file.metadata()?.len();
        Ok(RecordFile {
            path: path.to_path_buf(),
            file,
            size,
            max,
        })
    }

    /// Append whole records. An error names the file, and is never a broken pipe (which
    /// would be taken for a reader that went away).
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        let named =
            |e: io::Error| io::Error::other(format!("--record {}: {e}", self.path.display()));
        if bytes.is_empty() {
            return Ok(());
        }
        if let Some(max) = self.max {
            if self.size > 0 && self.size + bytes.len() as u64 > max {
                let mut old = self.path.clone().into_os_string();
                old.push(".1");
                std::fs::rename(&self.path, &old).map_err(named)?;
                self.file = open(&self.path).map_err(named)?;
                self.size = 0;
            }
        }
        self.file.write_all(bytes).map_err(named)?;
        self.size += bytes.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_appended_and_the_file_rotates_before_it_would_pass_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        std::fs::write(&path, b"old\n").unwrap();
        let mut f = RecordFile::open(&path, Some(10)).unwrap();
        f.write(b"abc\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old\nabc\n");
        f.write(b"defg\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"defg\n");
        assert_eq!(
            std::fs::read(dir.path().join("r.jsonl.1")).unwrap(),
            b"old\nabc\n"
        );
        // A write larger than the size goes whole into a fresh file.
        f.write(b"0123456789ab\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"0123456789ab\n");
    }
}
