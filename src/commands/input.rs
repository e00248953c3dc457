//! Standard input for `pub`, read so that it can never hold the program: a plain thread does
//! the blocking reads (tokio's stdin reads on its blocking pool, which a runtime waits for at
//! shutdown: a `pub -l` fed by an idle `tail -F` could not exit), hands chunks over a small
//! channel, and is simply left behind when the program ends. Every read is bounded: a line, or
//! all of stdin, longer than the limit is an error, never an unbounded allocation.
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::output::progress;

/// The largest payload any MQTT packet can carry (its remaining length is at most 256 MiB - 1).
pub const MQTT_MAX_PAYLOAD: usize = 268_435_455;

const CHUNK: usize = 64 * 1024;

/// Chunks of standard input from a reader thread.
pub struct Stdin {
    chunks: mpsc::Receiver<std::io::Result<Vec<u8>>>,
    buf: Vec<u8>,
    /// Where the next line starts in `buf`.
    start: usize,
    eof: bool,
}

impl Stdin {
    /// Start the reader thread (it reads ahead at most a few chunks).
    pub fn open() -> Stdin {
        let (tx, rx) = mpsc::channel(4);
        let spawned = std::thread::Builder::new()
            .name("stdin".into())
            .spawn(move || {
                let mut stdin = std::io::stdin().lock();
                loop {
                    let mut chunk = vec![0u8; CHUNK];
                    let item = match stdin.read(&mut chunk) {
                        Ok(0) => return,
                        Ok(n) => {
                            chunk.truncate(n);
                            progress::read(n);
                            Ok(chunk)
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => Err(e),
                    };
                    let stop = item.is_err();
                    if tx.blocking_send(item).is_err() || stop {
                        return;
                    }
                }
            });
        match spawned {
            Ok(_) => Stdin::from_chunks(rx),
            Err(_) => Stdin::from_chunks(mpsc::channel(1).1),
        }
    }

    /// Input from any source of chunks (the reader thread, or a test).
    pub fn from_chunks(chunks: mpsc::Receiver<std::io::Result<Vec<u8>>>) -> Stdin {
        Stdin {
            chunks,
            buf: Vec::new(),
            start: 0,
            eof: false,
        }
    }

    async fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        match self.chunks.recv().await {
            Some(Ok(chunk)) => {
                if self.start > 0 {
                    self.buf.drain(..self.start);
                    self.start = 0;
                }
                self.buf.extend_from_slice(&chunk);
                Ok(true)
            }
            Some(Err(e)) => Err(e),
            None => {
                self.eof = true;
                Ok(false)
            }
        }
    }

    /// The next line without its `\n` (the last one may lack it); None at the end. A line
    /// longer than `limit()` bytes (asked again as bytes arrive: it may shrink meanwhile) is an
    /// error as soon as that many bytes have arrived.
    pub async fn line(&mut self, limit: impl Fn() -> usize) -> Result<Option<Vec<u8>>, String> {
        // Bytes after `start` already searched for a newline.
        let mut scanned = 0;
        loop {
            let limit = limit();
            let from = self.start + scanned;
            if let Some(i) = self.buf[from..].iter().position(|&b| b == b'\n') {
                let end = from + i;
                if end - self.start > limit {
                    return Err(too_long("the line", limit));
                }
                let line = self.buf[self.start..end].to_vec();
                self.start = end + 1;
                return Ok(Some(line));
            }
            scanned = self.buf.len() - self.start;
            if scanned > limit {
                return Err(too_long("the line", limit));
            }
            let more = self
                .fill()
                .await
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            if !more {
                if scanned == 0 {
                    return Ok(None);
                }
                let line = self.buf[self.start..].to_vec();
                self.start = self.buf.len();
                return Ok(Some(line));
            }
        }
    }

    /// All of standard input, at most `limit` bytes.
    pub async fn all(&mut self, limit: usize) -> Result<Vec<u8>, String> {
        while self
            .fill()
            .await
            .map_err(|e| format!("cannot read standard input: {e}"))?
        {
            if self.buf.len() - self.start > limit {
                return Err(too_long("standard input", limit));
            }
        }
        Ok(self.buf.split_off(self.start))
    }
}

fn too_long(what: &str, limit: usize) -> String {
    format!(
        "{what} is longer than {limit} bytes, the largest message {}",
        if limit == MQTT_MAX_PAYLOAD {
            "MQTT can carry"
        } else {
            "the broker accepts"
        }
    )
}

/// The payload limit: MQTT's until the broker announces a smaller maximum packet size.
#[derive(Clone)]
pub struct Limit(Arc<AtomicUsize>);

impl Default for Limit {
    fn default() -> Self {
        Limit(Arc::new(AtomicUsize::new(MQTT_MAX_PAYLOAD)))
    }
}

impl Limit {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    /// At most the broker's maximum packet size (a payload never exceeds its packet).
    pub fn cap(&self, max_packet: Option<u32>) {
        if let Some(max) = max_packet {
            self.0.fetch_min(
                usize::try_from(max).unwrap_or(usize::MAX),
                Ordering::Relaxed,
            );
        }
    }
}

/// A whole file, at most `limit` bytes: a regular file's size is checked before it is read,
/// anything else (a FIFO, /dev/zero) is read by a thread of its own up to one byte past the
/// limit, so neither a huge file nor an endless one is taken into memory.
pub async fn read_file(path: &std::path::Path, limit: usize) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_file() && meta.len() > limit as u64 {
        return Err(format!(
            "{} bytes: {}",
            meta.len(),
            too_long("the file", limit)
        ));
    }
    let path = path.to_path_buf();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("read-file".into())
        .spawn(move || {
            let read = std::fs::File::open(&path).and_then(|f| {
                let mut bytes = Vec::new();
                f.take(limit as u64 + 1).read_to_end(&mut bytes)?;
                Ok(bytes)
            });
            let _ = tx.send(read);
        })
        .map_err(|e| format!("cannot read: {e}"))?;
    match rx.await {
        Ok(Ok(bytes)) if bytes.len() > limit => Err(too_long("the file", limit)),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(format!("cannot read: {e}")),
        Err(_) => Err("cannot read: the reading thread failed".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(chunks: &[&[u8]]) -> Stdin {
        let (tx, rx) = mpsc::channel(chunks.len().max(1));
        for c in chunks {
            tx.try_send(Ok(c.to_vec())).unwrap();
        }
        Stdin::from_chunks(rx)
    }

    async fn lines(mut s: Stdin, limit: usize) -> Vec<Result<Vec<u8>, String>> {
        let mut all = Vec::new();
        loop {
            match s.line(|| limit).await {
                Ok(Some(l)) => all.push(Ok(l)),
                Ok(None) => return all,
                Err(e) => {
                    all.push(Err(e));
                    return all;
                }
            }
        }
    }

    #[tokio::test]
    async fn lines_split_on_newlines_across_chunks_and_keep_a_last_line_without_one() {
        let got = lines(input(&[b"ab", b"c\n\nd", b"e\nf"]), 10).await;
        let want: Vec<Result<Vec<u8>, String>> = vec![
            Ok(b"abc".to_vec()),
            Ok(vec![]),
            Ok(b"de".to_vec()),
            Ok(b"f".to_vec()),
        ];
        assert_eq!(got, want);
    }

    #[tokio::test]
    async fn a_line_longer_than_the_limit_is_an_error_before_it_ends() {
        // No newline ever comes: the reader stops after limit + 1 bytes, not at the end.
        let (tx, rx) = mpsc::channel(4);
        let mut s = Stdin::from_chunks(rx);
        tx.try_send(Ok(b"ok\n".to_vec())).unwrap();
        tx.try_send(Ok(vec![b'x'; 6])).unwrap();
        assert_eq!(s.line(|| 5).await, Ok(Some(b"ok".to_vec())));
        let err = s.line(|| 5).await.unwrap_err();
        assert!(err.contains("longer than 5 bytes"), "{err}");
        drop(tx);
        // Exactly at the limit is fine.
        assert_eq!(
            lines(input(&[b"12345\n"]), 5).await,
            vec![Ok(b"12345".to_vec())]
        );
    }

    #[tokio::test]
    async fn all_of_stdin_is_bounded() {
        assert_eq!(input(&[b"ab", b"cd"]).all(4).await, Ok(b"abcd".to_vec()));
        assert!(input(&[b"ab", b"cde"])
            .all(4)
            .await
            .unwrap_err()
            .contains("longer than 4"));
    }

    #[test]
    fn the_limit_only_shrinks_to_the_brokers_maximum_packet_size() {
        let l = Limit::default();
        assert_eq!(l.get(), MQTT_MAX_PAYLOAD);
        l.cap(None);
        assert_eq!(l.get(), MQTT_MAX_PAYLOAD);
        l.cap(Some(256));
        l.cap(Some(1024));
        assert_eq!(l.get(), 256);
    }

    #[tokio::test]
    async fn a_file_too_large_is_refused_before_it_is_read_and_an_endless_one_is_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, [0u8; 10]).unwrap();
        assert_eq!(read_file(&f, 10).await.map(|b| b.len()), Ok(10));
        assert!(read_file(&f, 9).await.unwrap_err().starts_with("10 bytes"));
        let err = read_file(std::path::Path::new("/dev/zero"), 1000)
            .await
            .unwrap_err();
        assert!(err.contains("longer than 1000 bytes"), "{err}");
    }
}
