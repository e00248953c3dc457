//! What the driver does with packets and requests, without waiting: requests from the command
//! into the state, queued publishes into the send window, packets from the broker through the
//! state into notices for the command. The MQTT rules themselves are the state's.
use std::time::Instant;

use bytes::BytesMut;

use super::{Driver, End, Subscription, MAX_WBUF};
use crate::protocol::{self, reason, Disconnect, Packet, Properties, QoS, Version};
use crate::session::event::{EndKind, Notice, Request, SessionError};
use crate::session::state::{Event, StateError};

impl Driver {
    pub(super) fn encode(&mut self, packet: &Packet, wbuf: &mut BytesMut) -> Result<(), End> {
        protocol::encode(packet, self.state.version(), wbuf)
            .map(|_| ())
            .map_err(|e| {
                End::Fatal(SessionError::new(
                    EndKind::Usage,
                    format!("cannot encode {}: {e}", packet.packet_type().name()),
                ))
            })
    }

    /// Take a request from the command.
    pub(super) fn on_request(&mut self, req: Request, wbuf: &mut BytesMut) -> Result<(), End> {
        match req {
            Request::Publish {
                publish,
                token,
                auto_alias,
            } => self.queued.push_back((publish, token, auto_alias)),
            Request::Subscribe(sub) => {
                let p = self.state.subscribe(sub.clone()).map_err(state_fatal)?;
                let id = match &p {
                    Packet::Subscribe(s) => s.packet_id,
                    _ => 0,
                };
                self.subscriptions.push(Subscription {
                    packet: sub,
                    id,
                    answered: false,
                });
                self.encode(&p, wbuf)?;
            }
            Request::Unsubscribe(unsub) => {
                for s in &mut self.subscriptions {
                    s.packet.filters.retain(|(f, _)| !unsub.filters.contains(f));
                }
                self.subscriptions.retain(|s| !s.packet.filters.is_empty());
                let p = self.state.unsubscribe(unsub).map_err(state_fatal)?;
                self.encode(&p, wbuf)?;
            }
            Request::Ack(ids) => {
                for (id, qos) in ids {
                    if let Some(p) = self.state.ack(id, qos) {
                        self.encode(&p, wbuf)?;
                    }
                }
            }
            Request::Disconnect(d) => self.closing = Some(d),
        }
        Ok(())
    }

    /// Move queued publishes into the window; write DISCONNECT once everything before it is out.
    pub(super) fn pump(&mut self, wbuf: &mut BytesMut) -> Result<(), End> {
        while let Some((p, _, _)) = self.queued.front() {
            if !self.state.can_publish(p.qos) || wbuf.len() >= MAX_WBUF {
                break;
            }
            let Some((publish, token, auto_alias)) = self.queued.pop_front() else {
                break;
            };
            let qos = publish.qos;
            match self.state.publish(*publish, token, auto_alias) {
                Ok(packet) => {
                    self.encode(&packet, wbuf)?;
                    if qos == QoS::AtMostOnce {
                        self.pending.push_back(Notice::Event(Event::PublishDone {
                            token,
                            packet_id: 0,
                            reason: 0,
                            properties: None,
                        }));
                    }
                }
                // Not sent: it breaks a limit the broker announced (too large, QoS above its
                // maximum, retain unavailable). The command decides; the session goes on.
                Err(
                    error @ (StateError::PacketTooLarge { .. }
                    | StateError::QoSNotSupported { .. }
                    | StateError::RetainNotSupported),
                ) => {
                    self.pending
                        .push_back(Notice::Event(Event::PublishRefused { token, error }));
                }
                Err(e) => return Err(state_fatal(e)),
            }
        }
        Ok(())
    }

    pub(super) fn all_sent(&self) -> bool {
        self.queued.is_empty() && self.state.unfinished() == 0
    }

    /// Decode every whole packet in `rbuf` and hand it to the state.
    pub(super) fn absorb(
        &mut self,
        rbuf: &mut BytesMut,
        wbuf: &mut BytesMut,
        out: &mut Vec<Packet>,
        events: &mut Vec<Event>,
    ) -> Result<(), End> {
        loop {
            let packet = match protocol::decode(rbuf, self.state.version(), self.limits) {
                Ok(Some(p)) => p,
                Ok(None) => return Ok(()),
                Err(e) => {
                    self.send_disconnect(e.disconnect_reason(), wbuf);
                    return Err(End::Fatal(SessionError::new(
                        EndKind::Protocol,
                        format!("protocol error: malformed packet from the broker: {e}"),
                    )));
                }
            };
            if let Err(e) = self.state.handle(packet, Instant::now(), out, events) {
                self.send_disconnect(e.disconnect_reason(), wbuf);
                return Err(state_fatal(e));
            }
            for p in out.drain(..) {
                self.encode(&p, wbuf)?;
            }
            for ev in events.drain(..) {
                match ev {
                    Event::PingResp => {}
                    Event::SubAck(ack) if self.renewals.contains(&ack.packet_id) => {
                        self.renewals.retain(|&id| id != ack.packet_id);
                        if ack.reason_codes.iter().any(|&c| reason::is_error(c)) {
                            self.pending.push_back(Notice::ConnectionLost(
                                "a subscription was refused when it was renewed after reconnecting"
                                    .into(),
                            ));
                        }
                    }
                    Event::Disconnect(d) => {
                        let name = reason::name(protocol::PacketType::Disconnect, d.reason);
                        let mut msg = format!(
                            "the broker sent DISCONNECT: {name} (reason {:#04x})",
                            d.reason
                        );
                        if let Some(s) = &d.properties.reason_string {
                            msg.push_str(&format!(": {s}"));
                        }
                        if let Some(s) = &d.properties.server_reference {
                            msg.push_str(&format!("; server reference: {s}"));
                        }
                        self.pending
                            .push_back(Notice::Event(Event::Disconnect(d.clone())));
                        // Shutting down, busy, or moved: worth reconnecting; anything else is final.
                        return Err(if reason::disconnect_is_retryable(d.reason) {
                            End::Lost(msg)
                        } else {
                            End::Fatal(SessionError::new(EndKind::Rejected, msg))
                        });
                    }
                    ev => {
                        match &ev {
                            Event::PublishDone { .. } => self.completed += 1,
                            Event::SubAck(ack) => {
                                for s in &mut self.subscriptions {
                                    if s.id == ack.packet_id {
                                        s.answered = true;
                                    }
                                }
                            }
                            _ => {}
                        }
                        self.pending.push_back(Notice::Event(ev))
                    }
                }
            }
        }
    }

    pub(super) fn send_disconnect(&mut self, reason: u8, wbuf: &mut BytesMut) {
        if self.state.version() == Version::V5 {
            let _ = protocol::encode(
                &Packet::Disconnect(Disconnect {
                    reason,
                    properties: Properties::default(),
                }),
                Version::V5,
                wbuf,
            );
        }
    }
}

pub(super) fn state_fatal(e: StateError) -> End {
    End::Fatal(e.into())
}
