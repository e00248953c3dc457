use bytes::BytesMut;

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PacketType {
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    Auth = 15,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet {
    Connect(Box<Connect>),
    ConnAck(ConnAck),
    Publish(Publish),
    PubAck(Ack),
    PubRec(Ack),
    PubRel(Ack),
    PubComp(Ack),
    Subscribe(Subscribe),
    SubAck(SubAck),
    Unsubscribe(Unsubscribe),
    UnsubAck(UnsubAck),
    PingReq,
    PingResp,
    Disconnect(Disconnect),
    Auth(Auth),
}

/// Decode one packet from the front of `buf`, consuming its bytes.
/// `Ok(None)` while the packet is incomplete (nothing consumed). CONNECT carries its own
/// version; every other packet is decoded as `version`.
pub fn decode(buf: &mut BytesMut, version: Version, limits: Limits) -> Result<Option<Packet>, Error> {
    let _ = (buf, version, limits);
    unimplemented!()
}

/// Append the encoding of `packet` to `out`; returns the number of bytes written.
/// Fails (writing nothing) when a field cannot be encoded: a string over 65,535 bytes,
/// a remaining length over the protocol maximum, a property that version cannot carry.
pub fn encode(packet: &Packet, version: Version, out: &mut BytesMut) -> Result<usize, Error> {
    let _ = (packet, version, out);
    unimplemented!()
}
