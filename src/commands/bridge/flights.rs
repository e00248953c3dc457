//! The bridge's messages in flight, without I/O: each message taken from upstream gets a token
//! for its downstream publish; when the downstream acknowledgement (or refusal) of a token
//! comes, the upstream packet id to acknowledge. Upstream acknowledgements of a session the
//! upstream broker no longer has (it reconnected without the session) are dropped, so that a
//! later message reusing the id is not acknowledged before it is carried.
use std::collections::HashMap;

use crate::protocol::QoS;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Upstream {
    packet_id: u16,
    qos: QoS,
    /// The upstream session it came in.
    session: u32,
}

#[derive(Debug, Default)]
pub struct Flights {
    next: u64,
    pending: HashMap<u64, Upstream>,
    session: u32,
    /// Taken from upstream.
    pub received: u64,
    /// Acknowledged (or, at QoS 0, written) downstream.
    pub forwarded: u64,
    /// Refused by the downstream broker, or not sendable to it.
    pub refused: u64,
}

impl Flights {
    pub fn new() -> Flights {
        Flights::default()
    }

    /// A message taken from upstream: the token of its downstream publish.
    pub fn take(&mut self, packet_id: u16, qos: QoS) -> u64 {
        self.next += 1;
        self.received += 1;
        self.pending.insert(
            self.next,
            Upstream {
                packet_id,
                qos,
                session: self.session,
            },
        );
        self.next
    }

    /// A message taken and not carried (skipped by the loop marker, or no topic left after
    /// --map): what to acknowledge upstream at once.
    pub fn skip(&mut self, packet_id: u16, qos: QoS) -> Option<(u16, QoS)> {
        self.received += 1;
        (qos != QoS::AtMostOnce).then_some((packet_id, qos))
    }

    /// The downstream publish of `token` ended (`ok`: acknowledged): the upstream
    /// acknowledgement to send, if any.
    pub fn done(&mut self, token: u64, ok: bool) -> Option<(u16, QoS)> {
        let up = self.pending.remove(&token)?;
        if ok {
            self.forwarded += 1;
        } else {
            self.refused += 1;
        }
        (up.qos != QoS::AtMostOnce && up.session == self.session).then_some((up.packet_id, up.qos))
    }

    /// The upstream broker reconnected without our session: what is in flight stays in flight
    /// downstream, but its upstream packet ids mean nothing any more.
    pub fn upstream_session_lost(&mut self) {
        self.session += 1;
    }

    /// Taken and not yet ended downstream.
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upstream_message_is_acknowledged_when_its_downstream_publish_is() {
        let mut f = Flights::new();
        let a = f.take(7, QoS::AtLeastOnce);
        let b = f.take(8, QoS::ExactlyOnce);
        assert_eq!(f.in_flight(), 2);
        // Downstream acknowledgements may come in any order.
        assert_eq!(f.done(b, true), Some((8, QoS::ExactlyOnce)));
        assert_eq!(f.done(a, true), Some((7, QoS::AtLeastOnce)));
        assert_eq!((f.in_flight(), f.received, f.forwarded), (0, 2, 2));
    }

    #[test]
    fn qos_0_needs_no_upstream_acknowledgement_and_an_unknown_token_none() {
        let mut f = Flights::new();
        let t = f.take(0, QoS::AtMostOnce);
        assert_eq!(f.done(t, true), None);
        assert_eq!(f.done(t, true), None, "already ended");
        assert_eq!(f.forwarded, 1);
    }

    #[test]
    fn a_refused_message_is_still_acknowledged_upstream_and_counted() {
        let mut f = Flights::new();
        let t = f.take(3, QoS::AtLeastOnce);
        assert_eq!(f.done(t, false), Some((3, QoS::AtLeastOnce)));
        assert_eq!((f.forwarded, f.refused), (0, 1));
    }

    #[test]
    fn after_the_upstream_session_is_lost_old_ids_are_not_acknowledged() {
        let mut f = Flights::new();
        let old = f.take(5, QoS::AtLeastOnce);
        f.upstream_session_lost();
        let new = f.take(5, QoS::AtLeastOnce);
        assert_eq!(f.done(old, true), None, "id 5 is now another message");
        assert_eq!(f.done(new, true), Some((5, QoS::AtLeastOnce)));
    }

    #[test]
    fn a_skipped_message_is_acknowledged_at_once() {
        let mut f = Flights::new();
        assert_eq!(f.skip(9, QoS::ExactlyOnce), Some((9, QoS::ExactlyOnce)));
        assert_eq!(f.skip(0, QoS::AtMostOnce), None);
        assert_eq!((f.received, f.in_flight()), (2, 0));
    }
}
