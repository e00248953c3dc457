//! The parts of the session state that deal with a broker recovering (or failing to): publishes
//! answered "Quota exceeded" and waiting to go again, and the packet ids of QoS 2 flows that
//! completed, which a broker restored from an older snapshot may still hold. Sans-IO, used by
//! `state` only.
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

use crate::protocol::Publish;

/// "Quota exceeded" (0x97) is retried this many times, with a doubling wait, before it stands.
pub const QUOTA_RETRIES: u32 = 8;
const QUOTA_FIRST_WAIT: Duration = Duration::from_millis(100);
const QUOTA_MAX_WAIT: Duration = Duration::from_secs(5);

/// A set of packet ids (1 to 65535), 8 KiB however many it holds.
pub struct IdSet {
    bits: Box<[u64; 1024]>,
    len: usize,
}

impl Default for IdSet {
    fn default() -> Self {
        IdSet {
            bits: Box::new([0; 1024]),
            len: 0,
        }
    }
}

impl IdSet {
    pub fn insert(&mut self, id: u16) {
        if !self.contains(id) {
            self.bits[usize::from(id >> 6)] |= 1 << (id & 63);
            self.len += 1;
        }
    }

    /// Whether it was there.
    pub fn remove(&mut self, id: u16) -> bool {
        let had = self.contains(id);
        if had {
            self.bits[usize::from(id >> 6)] &= !(1 << (id & 63));
            self.len -= 1;
        }
        had
    }

    pub fn contains(&self, id: u16) -> bool {
        self.bits[usize::from(id >> 6)] & (1 << (id & 63)) != 0
    }

    pub fn clear(&mut self) {
        self.bits.fill(0);
        self.len = 0;
    }

    /// Every id in the set, in order.
    pub fn ids(&self) -> Vec<u16> {
        let mut ids = Vec::with_capacity(self.len);
        for (w, &word) in self.bits.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                ids.push((w as u16) << 6 | bits.trailing_zeros() as u16);
                bits &= bits - 1;
            }
        }
        ids
    }
}

/// A publish the broker answered "Quota exceeded", waiting to be sent again.
struct Retry {
    due: Instant,
    publish: Box<Publish>,
    token: u64,
}

/// Publishes answered "Quota exceeded", in order of when they go again.
#[derive(Default)]
pub struct QuotaRetries {
    waiting: VecDeque<Retry>,
    /// How often each message (by token) was answered "Quota exceeded".
    attempts: HashMap<u64, u32>,
}

impl QuotaRetries {
    /// Queue `publish` to go again; its attempt number and wait, or None when it has had all
    /// its retries (the 0x97 stands).
    pub fn exceeded(
        &mut self,
        publish: Box<Publish>,
        token: u64,
        now: Instant,
    ) -> Option<(u32, Duration)> {
        let attempt = self.attempts.entry(token).or_insert(0);
        *attempt += 1;
        if *attempt > QUOTA_RETRIES {
            self.attempts.remove(&token);
            return None;
        }
        let attempt = *attempt;
        let wait = (QUOTA_FIRST_WAIT * 2u32.pow(attempt - 1)).min(QUOTA_MAX_WAIT);
        let due = now + wait;
        let at = self.waiting.partition_point(|r| r.due <= due);
        self.waiting.insert(
            at,
            Retry {
                due,
                publish,
                token,
            },
        );
        Some((attempt, wait))
    }

    /// The message's flow ended another way: forget its attempts.
    pub fn forget(&mut self, token: u64) {
        self.attempts.remove(&token);
    }

    /// Those whose wait is over, in order.
    pub fn due(&mut self, now: Instant) -> Vec<(Box<Publish>, u64)> {
        let mut due = Vec::new();
        while self.waiting.front().is_some_and(|r| r.due <= now) {
            if let Some(r) = self.waiting.pop_front() {
                due.push((r.publish, r.token));
            }
        }
        due
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.waiting.front().map(|r| r.due)
    }

    pub fn len(&self) -> usize {
        self.waiting.len()
    }
}

/// What identifies an incoming message's content: a resend without DUP (a broker restored
/// from a snapshot) has the same, a new message reusing the id almost never does.
pub fn fingerprint(p: &Publish) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.topic.hash(&mut h);
    p.payload.hash(&mut h);
    p.retain.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_set_holds_every_id_once_in_order() {
        let mut s = IdSet::default();
        for id in [65535, 1, 64, 63, 1] {
            s.insert(id);
        }
        assert!(s.contains(64) && !s.contains(2));
        assert!(s.remove(63) && !s.remove(63));
        assert_eq!(s.ids(), vec![1, 64, 65535]);
        s.clear();
        assert!(s.ids().is_empty());
    }
}
