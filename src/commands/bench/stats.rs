//! Pure statistics: latency histograms (HDR, microseconds), their serialized form for
//! `bench merge`, and the per-publisher sequence tracker that counts loss, duplicates and
//! reordering exactly.
use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use base64::Engine as _;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Highest latency recorded: one hour in microseconds (larger values saturate).
const HIGHEST_US: u64 = 3_600_000_000;

/// A latency histogram in microseconds, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    // The bounds are constants that hdrhistogram accepts.
    Histogram::new_with_bounds(1, HIGHEST_US, 3)
        .unwrap_or_else(|_| unreachable!("valid histogram bounds"))
}

/// Record a value in nanoseconds (rounded to microseconds, at least 1 µs: the lowest
/// trackable value).
pub fn record_ns(h: &mut Histogram<u64>, ns: u64) {
    h.saturating_record(((ns + 500) / 1000).max(1));
}

/// The figures a summary shows for one histogram, in microseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub count: u64,
    pub min: u64,
    pub mean: f64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub p99_9: u64,
    pub max: u64,
}

pub fn percentiles(h: &Histogram<u64>) -> Option<Percentiles> {
    if h.is_empty() {
        return None;
    }
    Some(Percentiles {
        count: h.len(),
        min: h.min(),
        mean: (h.mean() * 10.0).round() / 10.0,
        p50: h.value_at_quantile(0.50),
        p90: h.value_at_quantile(0.90),
        p99: h.value_at_quantile(0.99),
        p99_9: h.value_at_quantile(0.999),
        max: h.max(),
    })
}

/// Base64 of the V2 deflate serialization (the format HdrHistogram's other ports read).
pub fn encode(h: &Histogram<u64>) -> Result<String> {
    let mut buf = Vec::new();
    V2DeflateSerializer::new()
        .serialize(h, &mut buf)
        .map_err(|e| anyhow!("cannot serialize a histogram: {e:?}"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(buf))
}

pub fn decode(s: &str) -> Result<Histogram<u64>> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| anyhow!("a histogram is not base64: {e}"))?;
    let h: Histogram<u64> = Deserializer::new()
        .deserialize(&mut &bytes[..])
        .map_err(|e| anyhow!("a histogram does not decode: {e:?}"))?;
    Ok(h)
}

/// Add `src` into `dst`, growing nothing: values above the range saturate.
pub fn add(dst: &mut Histogram<u64>, src: &Histogram<u64>) {
    if dst.add(src).is_err() {
        for v in src.iter_recorded() {
            dst.saturating_record_n(v.value_iterated_to(), v.count_at_value());
        }
    }
}

/// What one subscriber saw of one publisher's sequence numbers (which start at 0).
///
/// Everything below `next` was either received or is in `gaps`, so the exact number of
/// distinct messages received is known, a late arrival inside a gap is a reordering, and an
/// arrival outside every gap is a duplicate.
#[derive(Clone, Debug, Default)]
pub struct SeqTracker {
    next: u64,
    /// Missing ranges below `next`: start -> end (exclusive).
    gaps: BTreeMap<u64, u64>,
    pub unique: u64,
    pub duplicated: u64,
    pub reordered: u64,
}

/// How an arrival was classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    InOrder,
    /// A gap was skipped: messages before it are missing (for now).
    Ahead,
    /// Filled a gap: arrived after a later message.
    Late,
    Duplicate,
}

impl SeqTracker {
    pub fn observe(&mut self, seq: u64) -> Arrival {
        if seq == self.next {
            self.next += 1;
            self.unique += 1;
            return Arrival::InOrder;
        }
        if seq > self.next {
            self.gaps.insert(self.next, seq);
            self.next = seq + 1;
            self.unique += 1;
            return Arrival::Ahead;
        }
        let gap = self.gaps.range(..=seq).next_back().map(|(&s, &e)| (s, e));
        match gap {
            Some((start, end)) if seq < end => {
                self.gaps.remove(&start);
                if start < seq {
                    self.gaps.insert(start, seq);
                }
                if seq + 1 < end {
                    self.gaps.insert(seq + 1, end);
                }
                self.unique += 1;
                self.reordered += 1;
                Arrival::Late
            }
            _ => {
                self.duplicated += 1;
                Arrival::Duplicate
            }
        }
    }

    /// One past the highest sequence number seen: the messages known to have been sent.
    pub fn expected(&self) -> u64 {
        self.next
    }

    /// Sequence numbers below the highest seen that never arrived.
    pub fn missing(&self) -> u64 {
        self.next - self.unique
    }
}

/// CPU time and memory of this process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    pub user_s: f64,
    pub system_s: f64,
    pub peak_rss_bytes: u64,
}

pub fn usage() -> Usage {
    // SAFETY: getrusage fills the struct it is given; a zeroed rusage is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return Usage::default();
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Usage {
        user_s: secs(ru.ru_utime),
        system_s: secs(ru.ru_stime),
        // Linux reports kilobytes.
        peak_rss_bytes: (ru.ru_maxrss.max(0) as u64) * 1024,
    }
}

/// The resident set size now, from /proc (0 where unavailable).
pub fn current_rss_bytes() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let pages: u64 = s
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * page.max(0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_stream_has_nothing_missing() {
        let mut t = SeqTracker::default();
        for s in 0..100 {
            assert_eq!(t.observe(s), Arrival::InOrder);
        }
        assert_eq!(
            (
                t.unique,
                t.duplicated,
                t.reordered,
                t.missing(),
                t.expected()
            ),
            (100, 0, 0, 0, 100)
        );
    }

    #[test]
    fn gaps_late_arrivals_and_duplicates() {
        let mut t = SeqTracker::default();
        for s in [0, 1, 5, 6] {
            t.observe(s);
        }
        assert_eq!(t.missing(), 3);
        assert_eq!(t.observe(3), Arrival::Late);
        assert_eq!(t.missing(), 2);
        assert_eq!(t.observe(3), Arrival::Duplicate);
        assert_eq!(t.observe(6), Arrival::Duplicate);
        assert_eq!(t.observe(0), Arrival::Duplicate);
        assert_eq!(t.observe(2), Arrival::Late);
        assert_eq!(t.observe(4), Arrival::Late);
        assert_eq!(t.missing(), 0);
        assert_eq!(t.observe(10), Arrival::Ahead);
        assert_eq!(
            (
                t.unique,
                t.duplicated,
                t.reordered,
                t.missing(),
                t.expected()
            ),
            (8, 3, 3, 3, 11)
        );
    }

    #[test]
    fn histograms_round_trip_and_merge() {
        let mut h = histogram();
        for v in 1..=1000u64 {
            record_ns(&mut h, v * 1000);
        }
        let p = percentiles(&h).unwrap();
        assert_eq!((p.count, p.min, p.max), (1000, 1, 1000));
        assert_eq!(p.p50, 500);
        assert_eq!(p.p99, 990);
        let text = encode(&h).unwrap();
        let back = decode(&text).unwrap();
        assert_eq!(percentiles(&back), Some(p.clone()));
        let mut doubled = back.clone();
        add(&mut doubled, &h);
        let d = percentiles(&doubled).unwrap();
        assert_eq!(d.count, 2000);
        assert_eq!((d.p50, d.p99, d.max), (p.p50, p.p99, p.max));
        assert!(percentiles(&histogram()).is_none());
        assert!(decode("not base64!").is_err());
    }

    #[test]
    fn sub_microsecond_values_count_as_one() {
        let mut h = histogram();
        record_ns(&mut h, 10);
        record_ns(&mut h, u64::MAX / 2);
        assert_eq!(h.len(), 2);
        assert_eq!(h.min(), 1);
    }

    #[test]
    fn usage_reads_something() {
        let u = usage();
        assert!(u.peak_rss_bytes > 0);
        assert!(current_rss_bytes() > 0);
    }
}
