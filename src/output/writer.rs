//! The stdout writer: records are buffered and flushed when no more are immediately ready
//! (the caller says when), so a pipe into `jq` sees each record at once while a firehose is
//! still written in large blocks. A broken pipe surfaces as an io::Error of kind BrokenPipe,
//! which `exit::report` turns into success.
use std::io::{self, Write};

pub struct Output {
    buf: Vec<u8>,
    out: io::Stdout,
}

const HIGH_WATER: usize = 64 * 1024;

impl Default for Output {
    fn default() -> Self {
        Self::new()
    }
}

impl Output {
    pub fn new() -> Output {
        Output { buf: Vec::with_capacity(HIGH_WATER), out: io::stdout() }
    }

    /// Append one line (a newline is added); writes out when the buffer is large.
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        self.buf.extend_from_slice(text.as_bytes());
        self.buf.push(b'\n');
        if self.buf.len() >= HIGH_WATER {
            self.flush()?;
        }
        Ok(())
    }

    /// Raw bytes (for templates and -v output); no newline added.
    pub fn bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= HIGH_WATER {
            self.flush()?;
        }
        Ok(())
    }

    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    pub fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut lock = self.out.lock();
        lock.write_all(&self.buf)?;
        lock.flush()?;
        self.buf.clear();
        Ok(())
    }
}
