//! Incoming messages: QoS 1/2 acknowledgements (at once, or once the command consumed the
//! message), QoS 2 delivered once, our Receive Maximum, topic aliases.
use super::{fingerprint, Event, Recovery, State, StateError};
use crate::protocol::{Ack, Packet, Publish, QoS, Version};

impl State {
    pub(super) fn incoming_publish(
        &mut self,
        mut p: Publish,
        out: &mut Vec<Packet>,
        events: &mut Vec<Event>,
    ) -> Result<(), StateError> {
        if let Some(alias) = p.properties.topic_alias.take() {
            if alias == 0 || alias > self.cfg.topic_alias_maximum {
                return Err(StateError::TopicAliasInvalid(alias));
            }
            if p.topic.is_empty() {
                match self.inbound_aliases.get(&alias) {
                    Some(t) => p.topic.clone_from(t),
                    None => return Err(StateError::TopicAliasUnknown(alias)),
                }
            } else {
                self.inbound_aliases.insert(alias, p.topic.clone());
            }
        }
        match p.qos {
            QoS::AtMostOnce => events.push(Event::Message(Box::new(p))),
            QoS::AtLeastOnce => {
                if self.cfg.manual_ack {
                    self.unacked_qos1.insert(p.packet_id);
                    self.check_receive_maximum()?;
                } else {
                    out.push(Packet::PubAck(Ack::new(p.packet_id)));
                }
                events.push(Event::Message(Box::new(p)));
            }
            QoS::ExactlyOnce => {
                let id = p.packet_id;
                let manual = self.cfg.manual_ack;
                let print = fingerprint(&p);
                match self.incoming_qos2.get(&id).copied() {
                    // A resend of one already delivered (DUP set, or the same message without
                    // it, as a broker restored from a snapshot sends it): answer if we had
                    // answered, else wait for the command's acknowledgement.
                    Some((acked, seen)) if p.dup || seen == print => {
                        if acked {
                            out.push(Packet::PubRec(Ack::new(id)));
                        }
                    }
                    // Another message with the id of one awaiting its PUBREL: the broker lost
                    // that flow and reused the id. Delivered, not dropped.
                    Some(_) => {
                        events.push(Event::Recovery(Recovery::ReusedPacketId { id }));
                        self.incoming_qos2.insert(id, (!manual, print));
                        if !manual {
                            out.push(Packet::PubRec(Ack::new(id)));
                        }
                        events.push(Event::Message(Box::new(p)));
                    }
                    None => {
                        self.incoming_qos2.insert(id, (!manual, print));
                        self.check_receive_maximum()?;
                        if !manual {
                            out.push(Packet::PubRec(Ack::new(id)));
                        }
                        events.push(Event::Message(Box::new(p)));
                    }
                }
            }
        }
        Ok(())
    }

    fn check_receive_maximum(&self) -> Result<(), StateError> {
        let unacked = self.unacked_qos1.len() + self.incoming_qos2.len();
        if self.version == Version::V5 && unacked > usize::from(self.cfg.receive_maximum) {
            return Err(StateError::ReceiveMaximumExceeded(self.cfg.receive_maximum));
        }
        Ok(())
    }

    /// The command consumed an incoming message (manual acknowledgement): the PUBACK or PUBREC
    /// to send, if the id is still awaiting one on this session.
    pub fn ack(&mut self, packet_id: u16, qos: QoS) -> Option<Packet> {
        match qos {
            QoS::AtMostOnce => None,
            QoS::AtLeastOnce => self
                .unacked_qos1
                .remove(&packet_id)
                .then(|| Packet::PubAck(Ack::new(packet_id))),
            QoS::ExactlyOnce => match self.incoming_qos2.get_mut(&packet_id) {
                Some((received @ false, _)) => {
                    *received = true;
                    Some(Packet::PubRec(Ack::new(packet_id)))
                }
                _ => None,
            },
        }
    }
}
