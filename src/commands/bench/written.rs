//! Which of a publisher's messages have reached the socket.
//!
//! A message counts as sent once its last byte has been written to the socket, not when it is
//! put into the connection's write buffer: a buffer that is dropped with the connection never
//! reached the broker. The write buffer holds PUBLISH packets and other packets (PINGREQ,
//! PUBREL) in between; this keeps the PUBLISH packets' positions in the stream of bytes written,
//! in runs of packets of one size that follow each other without a gap (a batch of messages is
//! one run, so a few runs per connection, not one entry per message).
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    /// Stream position of the first byte of the run's first packet.
    start: u64,
    /// Size of each packet of the run.
    size: u64,
    count: u64,
}

impl Run {
    fn end(&self) -> u64 {
        self.start + self.size * self.count
    }
}

#[derive(Debug, Default)]
pub struct Written {
    /// Bytes written to the socket so far.
    written: u64,
    runs: VecDeque<Run>,
}

impl Written {
    /// Stream position of the next byte put into a write buffer that holds `buffered` bytes.
    pub fn position(&self, buffered: usize) -> u64 {
        self.written + buffered as u64
    }

    /// A PUBLISH of `size` bytes was put into the write buffer at stream position `start`.
    pub fn push(&mut self, start: u64, size: usize) {
        let size = size as u64;
        if let Some(r) = self.runs.back_mut() {
            if r.size == size && r.end() == start {
                r.count += 1;
                return;
            }
        }
        self.runs.push_back(Run {
            start,
            size,
            count: 1,
        });
    }

    /// `n` more bytes were written to the socket; returns how many PUBLISH packets are now
    /// written completely that were not before.
    pub fn advance(&mut self, n: usize) -> u64 {
        self.written += n as u64;
        let mut done = 0;
        while let Some(r) = self.runs.front_mut() {
            if self.written < r.start + r.size {
                break;
            }
            let whole = ((self.written - r.start) / r.size).min(r.count);
            done += whole;
            if whole == r.count {
                self.runs.pop_front();
            } else {
                r.start += whole * r.size;
                r.count -= whole;
                break;
            }
        }
        if self.runs.is_empty() && self.runs.capacity() > 16 {
            self.runs = VecDeque::new();
        }
        done
    }

    /// True while a PUBLISH put into the write buffer is not written completely.
    pub fn pending(&self) -> bool {
        !self.runs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_counts_once_its_last_byte_is_written() {
        let mut w = Written::default();
        // Three PUBLISHes of 10 bytes, a 2-byte PINGREQ, one PUBLISH of 7 bytes.
        for i in 0..3 {
            w.push(10 * i, 10);
        }
        w.push(32, 7);
        assert!(w.pending());
        assert_eq!(w.advance(9), 0);
        assert_eq!(w.advance(1), 1);
        assert_eq!(w.advance(15), 1);
        assert_eq!(w.advance(5), 1, "the third ends at byte 30");
        assert_eq!(w.advance(2), 0, "the PINGREQ is no message");
        assert_eq!(w.advance(6), 0);
        assert!(w.pending());
        assert_eq!(w.advance(1), 1);
        assert!(!w.pending());
        assert_eq!(w.advance(100), 0);
    }

    #[test]
    fn messages_of_one_size_in_a_row_share_one_run() {
        let mut w = Written::default();
        for i in 0..1000 {
            w.push(w.position(0) + 50 * i, 50);
        }
        assert_eq!(w.runs.len(), 1);
        assert_eq!(w.advance(50 * 999 + 49), 999);
        assert_eq!(w.advance(1), 1);
        assert!(!w.pending());
    }

    #[test]
    fn positions_follow_the_bytes_written_and_buffered() {
        let mut w = Written::default();
        assert_eq!(w.position(0), 0);
        w.push(w.position(4), 20);
        assert_eq!(w.advance(23), 0);
        assert_eq!(w.position(1), 24);
        assert_eq!(w.advance(1), 1);
    }
}
