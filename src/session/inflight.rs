//! Our QoS 1/2 publishes in flight, sans-IO: packet-id allocation, a window indexed by packet id,
//! and the one step function that every PUBACK, PUBREC and PUBCOMP goes through. The session
//! state (`state`) and bench's lean publishers both keep their flows here, each with its own
//! data per flow (the session: the message, to send again; bench: the time it was scheduled).
//!
//! The window is a ring of slots indexed by `id % capacity` (a power of two): ids are handed
//! out in turn over the whole id space (1 to 65535, as brokers and captures expect), skipping
//! any whose slot is taken, and the ring doubles once it is half full, so a lookup is one index
//! and an allocation almost always the first id tried. An idle connection holds no slots.
use crate::protocol::{reason, Ack, PacketType, QoS};

/// The smallest ring allocated.
const MIN_SLOTS: usize = 16;
/// One slot per packet id: every id fits.
const MAX_SLOTS: usize = 1 << 16;

/// Where a flow stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// PUBLISH sent, waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    Sent,
    /// PUBREL sent, waiting for PUBCOMP.
    Released,
}

/// One flow in flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flight<T> {
    pub id: u16,
    pub qos: QoS,
    pub stage: Stage,
    pub data: T,
}

/// What an acknowledgement did to the flows.
#[derive(Debug, PartialEq, Eq)]
pub enum Step<T> {
    /// The flow ended and left the window: PUBACK of a QoS 1 publish, PUBCOMP of a released
    /// one, or a PUBREC with an error reason (read the reason from the acknowledgement).
    Done(T),
    /// PUBREC accepted a QoS 2 publish: send PUBREL; the flow now waits for PUBCOMP.
    Release,
    /// PUBREC again for a flow already released (resent by the broker): send PUBREL again.
    ReleaseAgain,
    /// PUBACK for a QoS 2 publish: the broker does not do QoS 2 (the flow stays).
    PubAckForQoS2,
    /// No flow with this id is at a stage this acknowledgement answers.
    Unknown,
}

/// The flows in flight on one session or connection.
pub struct Inflight<T> {
    slots: Vec<Option<Flight<T>>>,
    len: usize,
    /// The id handed out last.
    last: u16,
}

impl<T> Default for Inflight<T> {
    fn default() -> Self {
        Inflight {
            slots: Vec::new(),
            len: 0,
            last: 0,
        }
    }
}

impl<T> Inflight<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn index(&self, id: u16) -> usize {
        usize::from(id) & (self.slots.len() - 1)
    }

    pub fn get(&self, id: u16) -> Option<&Flight<T>> {
        if self.slots.is_empty() {
            return None;
        }
        self.slots[self.index(id)].as_ref().filter(|f| f.id == id)
    }

    pub fn get_mut(&mut self, id: u16) -> Option<&mut Flight<T>> {
        if self.slots.is_empty() {
            return None;
        }
        let i = self.index(id);
        self.slots[i].as_mut().filter(|f| f.id == id)
    }

    /// Hand out ids after `id` next (tests).
    #[cfg(test)]
    pub fn continue_after(&mut self, id: u16) {
        self.last = id;
    }

    pub fn contains(&self, id: u16) -> bool {
        self.get(id).is_some()
    }

    /// The next free packet id after the last one handed out, skipping those `busy` says are
    /// in use elsewhere (SUBSCRIBE, UNSUBSCRIBE, ids being released); `None` when every id is
    /// taken. The id is not in flight until `insert`.
    pub fn allocate(&mut self, busy: impl Fn(u16) -> bool) -> Option<u16> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        for _ in 0..u16::MAX {
            self.last = self.last.wrapping_add(1).max(1);
            let id = self.last;
            if self.slots[self.index(id)].is_none() && !busy(id) {
                return Some(id);
            }
        }
        None
    }

    /// Put a flow in flight (a new one at `Stage::Sent`, or one carried over); one already in
    /// flight with this id is replaced.
    pub fn insert(&mut self, flight: Flight<T>) {
        if self.slots.is_empty() {
            self.grow();
        }
        loop {
            let i = self.index(flight.id);
            match &self.slots[i] {
                Some(f) if f.id != flight.id => self.grow(),
                taken => {
                    if taken.is_none() {
                        self.len += 1;
                    }
                    self.slots[i] = Some(flight);
                    return;
                }
            }
        }
    }

    /// A new flow of `qos` (1 or 2) with id `id`, just sent.
    pub fn sent(&mut self, id: u16, qos: QoS, data: T) {
        self.insert(Flight {
            id,
            qos,
            stage: Stage::Sent,
            data,
        });
    }

    pub fn remove(&mut self, id: u16) -> Option<Flight<T>> {
        if self.slots.is_empty() {
            return None;
        }
        let i = self.index(id);
        match &self.slots[i] {
            Some(f) if f.id == id => {
                self.len -= 1;
                self.slots[i].take()
            }
            _ => None,
        }
    }

    /// Double the ring (ids that did not share a slot still do not: `a ≡ b (mod 2n)` implies
    /// `a ≡ b (mod n)`).
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).clamp(MIN_SLOTS, MAX_SLOTS);
        if size == self.slots.len() {
            return;
        }
        let old = std::mem::take(&mut self.slots);
        self.slots.resize_with(size, || None);
        for f in old.into_iter().flatten() {
            let i = self.index(f.id);
            self.slots[i] = Some(f);
        }
    }

    /// The flows, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Flight<T>> {
        self.slots.iter().flatten()
    }

    /// Take every flow out (the ring keeps its size).
    pub fn drain(&mut self) -> Vec<Flight<T>> {
        self.len = 0;
        self.slots.iter_mut().filter_map(Option::take).collect()
    }

    /// Forget every flow and free the ring.
    pub fn clear(&mut self) {
        self.slots = Vec::new();
        self.len = 0;
    }

    /// The broker's acknowledgement `kind` (PUBACK, PUBREC or PUBCOMP) of `ack.packet_id`.
    pub fn step(&mut self, kind: PacketType, ack: &Ack) -> Step<T> {
        let id = ack.packet_id;
        let Some(f) = self.get_mut(id) else {
            return Step::Unknown;
        };
        match (kind, f.qos, f.stage) {
            (PacketType::PubAck, QoS::AtLeastOnce, Stage::Sent) => {}
            (PacketType::PubAck, QoS::ExactlyOnce, Stage::Sent) => return Step::PubAckForQoS2,
            (PacketType::PubRec, QoS::ExactlyOnce, Stage::Sent) => {
                if !reason::is_error(ack.reason) {
                    f.stage = Stage::Released;
                    return Step::Release;
                }
            }
            (PacketType::PubRec, QoS::ExactlyOnce, Stage::Released) => return Step::ReleaseAgain,
            (PacketType::PubComp, _, Stage::Released) => {}
            // Not an answer to this flow: it stays.
            _ => return Step::Unknown,
        }
        match self.remove(id) {
            Some(f) => Step::Done(f.data),
            None => Step::Unknown,
        }
    }
}

#[cfg(test)]
#[path = "inflight_tests.rs"]
mod tests;
