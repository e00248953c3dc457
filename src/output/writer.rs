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
        Output {
            buf: Vec::with_capacity(HIGH_WATER),
            out: io::stdout(),
        }
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

/// Work for the writer thread: bytes, then what to do once they are written.
struct Chunk {
    bytes: Vec<u8>,
    then: Option<Box<dyn FnOnce() + Send>>,
}

/// Stdout written by a thread of its own, for `sub`: a reader that stalls blocks that thread,
/// not the async runtime, so keepalive goes on while backpressure holds (at most two chunks
/// wait for the thread; then `flush` waits, the session stops reading the socket, and the
/// broker holds the messages). Each chunk can carry an action run once it is written: `sub`
/// acknowledges its messages then, never before they are out.
pub struct ThreadedOutput {
    buf: Vec<u8>,
    tx: Option<tokio::sync::mpsc::Sender<Chunk>>,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl ThreadedOutput {
    pub fn new() -> ThreadedOutput {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(2);
        let thread = std::thread::spawn(move || -> io::Result<()> {
            let out = io::stdout();
            while let Some(chunk) = rx.blocking_recv() {
                let mut lock = out.lock();
                lock.write_all(&chunk.bytes)?;
                lock.flush()?;
                drop(lock);
                if let Some(then) = chunk.then {
                    then();
                }
            }
            Ok(())
        });
        ThreadedOutput {
            buf: Vec::with_capacity(HIGH_WATER),
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    /// Where records are written; `flush` hands it to the thread.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Hand what is buffered to the writer thread (waiting while it is two chunks behind),
    /// with `then` to run once it is written. An error is the thread's (e.g. a broken pipe).
    pub async fn flush(&mut self, then: Option<Box<dyn FnOnce() + Send>>) -> io::Result<()> {
        if self.buf.is_empty() && then.is_none() {
            return Ok(());
        }
        let bytes = std::mem::replace(&mut self.buf, Vec::with_capacity(4096));
        let sent = match &self.tx {
            Some(tx) => tx.send(Chunk { bytes, then }).await.is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            // The thread stopped: it failed to write.
            self.join().await
        }
    }

    /// Flush, then wait until everything is written.
    pub async fn finish(mut self) -> io::Result<()> {
        self.flush(None).await?;
        self.join().await
    }

    async fn join(&mut self) -> io::Result<()> {
        self.tx = None;
        let Some(thread) = self.thread.take() else {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "stdout is closed",
            ));
        };
        match tokio::task::spawn_blocking(move || thread.join()).await {
            Ok(Ok(result)) => result,
            _ => Err(io::Error::other("the stdout writer thread failed")),
        }
    }
}

impl Default for ThreadedOutput {
    fn default() -> Self {
        Self::new()
    }
}
