//! The stdout writer: records are buffered and flushed when no more are immediately ready
//! (the caller says when), so a pipe into `jq` sees each record at once while a firehose is
//! still written in large blocks. A broken pipe surfaces as an io::Error of kind BrokenPipe,
//! which `exit::report` turns into success.
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

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

/// Work for the writer thread: bytes (for stdout, and for the record file), then what to do
/// once they are written.
struct Chunk {
    bytes: Vec<u8>,
    recorded: Vec<u8>,
    then: Option<Box<dyn FnOnce() + Send>>,
}

/// Stdout written by a thread of its own, for `sub`, `pub` and `bench`: a reader that stalls
/// blocks that thread, not the async runtime, so keepalive goes on while backpressure holds (at
/// most two chunks wait for the thread; then `flush` waits, the session stops reading the
/// socket, and the broker holds the messages). Each chunk can carry an action run once it is
/// written: `sub` acknowledges its messages then, never before they are out.
///
/// Records are handed over when the thread is idle (a pipe sees each record at once) or when
/// a large block has built up; while the thread is busy they gather into larger blocks, so a
/// firehose costs few hand-overs and few writes.
pub struct ThreadedOutput {
    buf: Vec<u8>,
    tx: Option<tokio::sync::mpsc::Sender<Chunk>>,
    thread: Thread,
    in_flight: Arc<AtomicUsize>,
    idle: Arc<Notify>,
    /// Largest write that cannot block once poll says stdout is writable (a pipe's page).
    direct_cap: usize,
    /// Colour the JSON records in `buf` before they go out (`colour_records`), and how much of
    /// `buf` is coloured already.
    colour: bool,
    painted: usize,
    /// `sub --record`: what goes to the record file, and the file until the thread takes it.
    rec_buf: Vec<u8>,
    record: Option<super::recorder::RecordFile>,
    recording: bool,
}

/// The writer thread: started only when stdout first does not take a block at once (a
/// short run whose stdout keeps up never pays for a thread).
enum Thread {
    NotStarted(tokio::sync::mpsc::Receiver<Chunk>),
    Running(std::thread::JoinHandle<io::Result<()>>),
    Joined,
}

impl ThreadedOutput {
    pub fn new() -> ThreadedOutput {
        let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(2);
        ThreadedOutput {
            buf: Vec::with_capacity(HIGH_WATER),
            tx: Some(tx),
            thread: Thread::NotStarted(rx),
            in_flight: Arc::new(AtomicUsize::new(0)),
            idle: Arc::new(Notify::new()),
            direct_cap: direct_write_cap(),
            colour: false,
            painted: 0,
            rec_buf: Vec::new(),
            record: None,
            recording: false,
        }
    }

    /// Write [`Self::record_buffer`] to `file` as well, from the writer thread (always: a
    /// chunk's action runs once both are written).
    pub fn record_to(&mut self, file: super::recorder::RecordFile) {
        self.record = Some(file);
        self.recording = true;
        self.rec_buf = Vec::with_capacity(HIGH_WATER);
    }

    /// Where records for the record file are written; `flush` hands it to the thread.
    pub fn record_buffer(&mut self) -> &mut Vec<u8> {
        &mut self.rec_buf
    }

    /// Whether anything is buffered (for stdout or the record file).
    pub fn has_pending(&self) -> bool {
        !self.buf.is_empty() || !self.rec_buf.is_empty()
    }

    /// What is written here is JSON records (`records` true) to colour when colour is on
    /// (`output::color`: `--color`, a terminal, NO_COLOR).
    pub fn colour_records(&mut self, records: bool) {
        self.colour = records && super::color::enabled();
    }

    /// Colour what was buffered since the last time (whole records: lines are appended whole).
    fn paint(&mut self) {
        if self.colour && self.painted < self.buf.len() {
            super::color::record_from(&mut self.buf, self.painted);
            self.painted = self.buf.len();
        }
    }

    fn start(&mut self) {
        if !matches!(self.thread, Thread::NotStarted(_)) {
            return;
        }
        let Thread::NotStarted(mut rx) = std::mem::replace(&mut self.thread, Thread::Joined) else {
            return;
        };
        let (in_flight, idle) = (self.in_flight.clone(), self.idle.clone());
        let mut record = self.record.take();
        let thread = std::thread::spawn(move || -> io::Result<()> {
            let out = io::stdout();
            while let Some(chunk) = rx.blocking_recv() {
                if !chunk.bytes.is_empty() {
                    let mut lock = out.lock();
                    lock.write_all(&chunk.bytes)?;
                    lock.flush()?;
                }
                if let Some(r) = record.as_mut() {
                    r.write(&chunk.recorded)?;
                }
                if let Some(then) = chunk.then {
                    then();
                }
                if in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
                    idle.notify_one();
                }
            }
            Ok(())
        });
        self.thread = Thread::Running(thread);
    }

    /// Where records are written; `flush` hands it to the thread.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Whether to hand over now: a large block has built up, or nothing else is coming right
    /// now (`quiet`) and the thread is idle.
    pub fn should_flush(&self, quiet: bool) -> bool {
        self.is_full() || (quiet && self.in_flight.load(Ordering::Acquire) == 0)
    }

    /// Whether `flush` can hand over without waiting (the thread is at most one chunk behind).
    pub fn has_room(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) < 2
    }

    /// A large block has built up: hand it over before buffering more.
    pub fn is_full(&self) -> bool {
        self.buf.len() >= HIGH_WATER || self.rec_buf.len() >= HIGH_WATER
    }

    /// Resolves when the thread has written everything handed to it (or already had).
    pub async fn idle(&self) {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            self.idle.notified().await;
        }
    }

    /// While the thread is idle, write what stdout takes right now without blocking; the rest
    /// stays buffered for `flush` (bench writes its ticks so in a pause of its progress bar).
    pub fn write_ready(&mut self) -> io::Result<()> {
        if self.in_flight.load(Ordering::Acquire) == 0 && !self.buf.is_empty() {
            self.paint();
            let n = write_without_blocking(&self.buf, self.direct_cap)?;
            self.buf.drain(..n);
            self.painted = self.painted.saturating_sub(n);
        }
        Ok(())
    }

    /// Hand what is buffered to the writer thread (waiting while it is two chunks behind),
    /// with `then` to run once it is written. An error is the thread's (e.g. a broken pipe).
    pub async fn flush(&mut self, then: Option<Box<dyn FnOnce() + Send>>) -> io::Result<()> {
        if !self.has_pending() && then.is_none() {
            return Ok(());
        }
        // The common case costs no thread hand-over: while the thread is idle, write what
        // stdout takes right now; only what would block goes to the thread.
        if self.in_flight.load(Ordering::Acquire) == 0 && !self.recording {
            self.write_ready()?;
            if self.buf.is_empty() {
                if let Some(then) = then {
                    then();
                }
                return Ok(());
            }
        }
        self.start();
        self.paint();
        self.painted = 0;
        let bytes = std::mem::replace(&mut self.buf, Vec::with_capacity(HIGH_WATER));
        let recorded = match self.recording {
            true => std::mem::replace(&mut self.rec_buf, Vec::with_capacity(HIGH_WATER)),
            false => Vec::new(),
        };
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        let sent = match &self.tx {
            Some(tx) => tx
                .send(Chunk {
                    bytes,
                    recorded,
                    then,
                })
                .await
                .is_ok(),
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

    /// Stop the writer thread once it has written what it was handed, and report its error, if
    /// any (call after `idle`, or it waits for a stalled stdout).
    pub async fn close(&mut self) -> io::Result<()> {
        self.join().await
    }

    async fn join(&mut self) -> io::Result<()> {
        self.tx = None;
        let thread = match std::mem::replace(&mut self.thread, Thread::Joined) {
            // Never needed: everything went to stdout directly.
            Thread::NotStarted(_) => return Ok(()),
            Thread::Running(thread) => thread,
            Thread::Joined => {
                return Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "stdout is closed",
                ))
            }
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

/// Per write, what stdout can take without blocking once poll(2) says it is writable: a page
/// for pipes and sockets (a pipe with a free slot takes 4 KiB at once); anything for files,
/// terminals and the like, whose writes do not wait on a reader.
fn direct_write_cap() -> usize {
    #[cfg(unix)]
    {
        // SAFETY: fstat on fd 1 into a zeroed stat buffer.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(1, &mut st) } == 0 {
            let kind = st.st_mode & libc::S_IFMT;
            if kind == libc::S_IFIFO || kind == libc::S_IFSOCK {
                return 4096;
            }
            return usize::MAX;
        }
        0
    }
    #[cfg(not(unix))]
    {
        0
    }
}

/// Write a prefix of `data` to stdout without blocking; returns how much was written.
fn write_without_blocking(data: &[u8], cap: usize) -> io::Result<usize> {
    #[cfg(unix)]
    {
        let mut done = 0;
        while done < data.len() && cap > 0 {
            let mut pfd = libc::pollfd {
                fd: 1,
                events: libc::POLLOUT,
                revents: 0,
            };
            // SAFETY: one valid pollfd, no wait.
            let ready = unsafe { libc::poll(&mut pfd, 1, 0) };
            if ready <= 0 || pfd.revents & libc::POLLOUT == 0 {
                // Full, or an error the writer thread will meet and report.
                break;
            }
            let len = (data.len() - done).min(cap);
            // SAFETY: writing from a live slice of `len` bytes.
            let n = unsafe { libc::write(1, data[done..].as_ptr().cast(), len) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            done += n as usize;
        }
        Ok(done)
    }
    #[cfg(not(unix))]
    {
        let _ = (data, cap);
        Ok(0)
    }
}
