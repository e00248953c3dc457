//! The topic table of `mqtt ls`, without I/O: per topic the counts, first and last time, QoS
//! seen, retained or not and the last payload (its first bytes), bounded to `max` topics
//! (messages on further topics are counted, not kept); ordering and the per-second figures of
//! `--watch`.
use std::collections::HashMap;
use std::time::SystemTime;

use crate::cli::ls::LsSort;
use crate::protocol::QoS;

/// What is known of one topic.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub messages: u64,
    pub bytes: u64,
    pub first: SystemTime,
    pub last: SystemTime,
    /// The last message had the retain flag and a payload (an empty one clears it).
    pub retained: bool,
    /// Bit n: QoS n seen.
    pub qos_seen: u8,
    /// The first `keep` bytes of the last payload.
    pub payload: Vec<u8>,
    /// The last payload's whole size.
    pub payload_size: usize,
    /// Messages since the last `tick`.
    pub recent: u64,
}

impl Entry {
    /// The QoS levels seen, lowest first.
    pub fn qos(&self) -> Vec<u8> {
        (0..3).filter(|q| self.qos_seen & (1 << q) != 0).collect()
    }

    fn update(&mut self, keep: &[u8], size: usize, qos: QoS, retain: bool, now: SystemTime) {
        self.messages += 1;
        self.bytes += size as u64;
        self.last = now;
        self.retained = retain && size > 0;
        self.qos_seen |= 1 << (qos as u8);
        self.payload.clear();
        self.payload.extend_from_slice(keep);
        self.payload_size = size;
        self.recent += 1;
    }

    pub fn truncated(&self) -> bool {
        self.payload.len() < self.payload_size
    }
}

/// Totals of one `--watch` second.
#[derive(Debug, PartialEq)]
pub struct Tick<'a> {
    pub messages: u64,
    /// The topics with most messages in that second, most first (ties by name), at most `n`.
    pub busiest: Vec<(&'a str, u64)>,
}

#[derive(Debug)]
pub struct Table {
    topics: HashMap<Box<str>, Entry>,
    max: usize,
    keep: usize,
    pub messages: u64,
    pub bytes: u64,
    /// Messages (and their bytes) on topics beyond `max`.
    pub untracked_messages: u64,
    pub untracked_bytes: u64,
    recent: u64,
}

impl Table {
    /// At most `max` topics, `keep` bytes of each last payload.
    pub fn new(max: usize, keep: usize) -> Table {
        Table {
            topics: HashMap::new(),
            max,
            keep,
            messages: 0,
            bytes: 0,
            untracked_messages: 0,
            untracked_bytes: 0,
            recent: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.topics.len()
    }

    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }

    pub fn get(&self, topic: &str) -> Option<&Entry> {
        self.topics.get(topic)
    }

    /// Count one message; false when its topic is beyond `max` (counted as untracked).
    pub fn add(
        &mut self,
        topic: &str,
        payload: &[u8],
        qos: QoS,
        retain: bool,
        now: SystemTime,
    ) -> bool {
        let size = payload.len() as u64;
        self.messages += 1;
        self.bytes += size;
        self.recent += 1;
        let keep = &payload[..payload.len().min(self.keep)];
        if let Some(e) = self.topics.get_mut(topic) {
            e.update(keep, payload.len(), qos, retain, now);
            return true;
        }
        if self.topics.len() >= self.max {
            self.untracked_messages += 1;
            self.untracked_bytes += size;
            return false;
        }
        let mut e = Entry {
            messages: 0,
            bytes: 0,
            first: now,
            last: now,
            retained: false,
            qos_seen: 0,
            payload: Vec::new(),
            payload_size: 0,
            recent: 0,
        };
        e.update(keep, payload.len(), qos, retain, now);
        self.topics.insert(topic.into(), e);
        true
    }

    /// The topics in `order` (ties by name).
    pub fn sorted(&self, order: LsSort) -> Vec<(&str, &Entry)> {
        let mut v: Vec<(&str, &Entry)> = self.topics.iter().map(|(t, e)| (&**t, e)).collect();
        match order {
            LsSort::Topic => v.sort_unstable_by(|a, b| a.0.cmp(b.0)),
            // Over one window every topic's rate is its count over the same time.
            LsSort::Rate | LsSort::Count => {
                v.sort_unstable_by(|a, b| b.1.messages.cmp(&a.1.messages).then(a.0.cmp(b.0)))
            }
            LsSort::Bytes => {
                v.sort_unstable_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(b.0)))
            }
        }
        v
    }

    /// The second just ended: its message count and busiest `n` topics; counts start afresh.
    pub fn tick(&mut self, n: usize) -> Tick<'_> {
        let messages = std::mem::take(&mut self.recent);
        let mut busiest: Vec<(&str, u64)> = Vec::new();
        for (t, e) in self.topics.iter_mut() {
            let r = std::mem::take(&mut e.recent);
            if r > 0 {
                busiest.push((&**t, r));
            }
        }
        busiest.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        busiest.truncate(n);
        Tick { messages, busiest }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn each_topic_counts_its_messages_bytes_times_and_qos() {
        let mut t = Table::new(10, 4);
        t.add("a", b"hello", QoS::AtMostOnce, false, at(1));
        t.add("a", b"hi", QoS::ExactlyOnce, false, at(3));
        t.add("b", b"x", QoS::AtLeastOnce, true, at(2));
        let a = t.get("a").unwrap();
        assert_eq!((a.messages, a.bytes, a.first, a.last), (2, 7, at(1), at(3)));
        assert_eq!(a.qos(), vec![0, 2]);
        assert_eq!((a.payload.as_slice(), a.truncated()), (&b"hi"[..], false));
        assert!(!a.retained);
        assert!(t.get("b").unwrap().retained);
        assert_eq!((t.messages, t.bytes, t.len()), (3, 8, 2));
    }

    #[test]
    fn the_last_payload_is_kept_to_its_first_bytes() {
        let mut t = Table::new(10, 4);
        t.add("a", b"abcdefgh", QoS::AtMostOnce, false, at(1));
        let a = t.get("a").unwrap();
        assert_eq!(
            (a.payload.as_slice(), a.payload_size, a.truncated()),
            (&b"abcd"[..], 8, true)
        );
    }

    #[test]
    fn an_empty_retained_message_clears_the_retained_mark() {
        let mut t = Table::new(10, 4);
        t.add("a", b"on", QoS::AtMostOnce, true, at(1));
        t.add("a", b"", QoS::AtMostOnce, true, at(2));
        assert!(!t.get("a").unwrap().retained);
    }

    #[test]
    fn topics_beyond_the_maximum_are_counted_not_kept() {
        let mut t = Table::new(2, 4);
        assert!(t.add("a", b"1", QoS::AtMostOnce, false, at(1)));
        assert!(t.add("b", b"22", QoS::AtMostOnce, false, at(1)));
        assert!(!t.add("c", b"333", QoS::AtMostOnce, false, at(1)));
        assert!(t.add("a", b"1", QoS::AtMostOnce, false, at(2)));
        assert!(!t.add("d", b"4444", QoS::AtMostOnce, false, at(2)));
        assert_eq!(t.len(), 2);
        assert_eq!((t.untracked_messages, t.untracked_bytes), (2, 7));
        assert_eq!((t.messages, t.bytes), (5, 11));
    }

    #[test]
    fn sorted_by_topic_count_or_bytes_with_ties_by_name() {
        let mut t = Table::new(10, 0);
        for (topic, n, size) in [("b", 1, 100), ("a", 3, 1), ("c", 3, 10)] {
            for _ in 0..n {
                t.add(topic, &vec![0; size], QoS::AtMostOnce, false, at(1));
            }
        }
        let names = |o| t.sorted(o).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names(LsSort::Topic), ["a", "b", "c"]);
        assert_eq!(names(LsSort::Count), ["a", "c", "b"]);
        assert_eq!(names(LsSort::Rate), ["a", "c", "b"]);
        assert_eq!(names(LsSort::Bytes), ["b", "c", "a"]);
    }

    #[test]
    fn a_tick_gives_the_seconds_busiest_topics_and_starts_afresh() {
        let mut t = Table::new(10, 0);
        for topic in ["a", "b", "b", "c", "c", "c"] {
            t.add(topic, b"", QoS::AtMostOnce, false, at(1));
        }
        let tick = t.tick(2);
        assert_eq!(
            tick,
            Tick {
                messages: 6,
                busiest: vec![("c", 3), ("b", 2)]
            }
        );
        t.add("a", b"", QoS::AtMostOnce, false, at(2));
        assert_eq!(
            t.tick(5),
            Tick {
                messages: 1,
                busiest: vec![("a", 1)]
            }
        );
        assert_eq!(
            t.tick(5),
            Tick {
                messages: 0,
                busiest: vec![]
            }
        );
    }
}
