use bytes::{Buf, BufMut, BytesMut};

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

impl PacketType {
    /// The packet type for the high nibble of the first byte (1-15).
    pub fn from_u8(t: u8) -> Option<PacketType> {
        Some(match t {
            1 => PacketType::Connect,
            2 => PacketType::ConnAck,
            3 => PacketType::Publish,
            4 => PacketType::PubAck,
            5 => PacketType::PubRec,
            6 => PacketType::PubRel,
            7 => PacketType::PubComp,
            8 => PacketType::Subscribe,
            9 => PacketType::SubAck,
            10 => PacketType::Unsubscribe,
            11 => PacketType::UnsubAck,
            12 => PacketType::PingReq,
            13 => PacketType::PingResp,
            14 => PacketType::Disconnect,
            15 => PacketType::Auth,
            _ => return None,
        })
    }

    /// The name the specification uses: `CONNECT`, `PUBACK`, ...
    pub fn name(self) -> &'static str {
        match self {
            PacketType::Connect => "CONNECT",
            PacketType::ConnAck => "CONNACK",
            PacketType::Publish => "PUBLISH",
            PacketType::PubAck => "PUBACK",
            PacketType::PubRec => "PUBREC",
            PacketType::PubRel => "PUBREL",
            PacketType::PubComp => "PUBCOMP",
            PacketType::Subscribe => "SUBSCRIBE",
            PacketType::SubAck => "SUBACK",
            PacketType::Unsubscribe => "UNSUBSCRIBE",
            PacketType::UnsubAck => "UNSUBACK",
            PacketType::PingReq => "PINGREQ",
            PacketType::PingResp => "PINGRESP",
            PacketType::Disconnect => "DISCONNECT",
            PacketType::Auth => "AUTH",
        }
    }

    /// The fixed-header flags every packet but PUBLISH must carry.
    fn required_flags(self) -> u8 {
        match self {
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => 0b0010,
            _ => 0,
        }
    }
}

impl std::fmt::Display for PacketType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Packet {
    pub fn packet_type(&self) -> PacketType {
        match self {
            Packet::Connect(_) => PacketType::Connect,
            Packet::ConnAck(_) => PacketType::ConnAck,
            Packet::Publish(_) => PacketType::Publish,
            Packet::PubAck(_) => PacketType::PubAck,
            Packet::PubRec(_) => PacketType::PubRec,
            Packet::PubRel(_) => PacketType::PubRel,
            Packet::PubComp(_) => PacketType::PubComp,
            Packet::Subscribe(_) => PacketType::Subscribe,
            Packet::SubAck(_) => PacketType::SubAck,
            Packet::Unsubscribe(_) => PacketType::Unsubscribe,
            Packet::UnsubAck(_) => PacketType::UnsubAck,
            Packet::PingReq => PacketType::PingReq,
            Packet::PingResp => PacketType::PingResp,
            Packet::Disconnect(_) => PacketType::Disconnect,
            Packet::Auth(_) => PacketType::Auth,
        }
    }

    /// The number of bytes [`encode`] writes for this packet (when it succeeds).
    pub fn encoded_len(&self, version: Version) -> usize {
        let rem = self.body_len(self.effective_version(version));
        1 + wire::varint_len(rem) + rem
    }

    /// CONNECT is always encoded with its own version.
    fn effective_version(&self, version: Version) -> Version {
        match self {
            Packet::Connect(c) => c.version,
            _ => version,
        }
    }

    fn first_byte(&self) -> u8 {
        let t = self.packet_type();
        let flags = match self {
            Packet::Publish(p) => p.flags(),
            _ => t.required_flags(),
        };
        ((t as u8) << 4) | flags
    }

    fn validate(&self, version: Version) -> Result<(), Error> {
        match self {
            Packet::Connect(c) => c.validate(),
            Packet::ConnAck(c) => c.validate(version),
            Packet::Publish(p) => p.validate(version),
            Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
                a.validate(self.packet_type(), version)
            }
            Packet::Subscribe(s) => s.validate(version),
            Packet::SubAck(s) => s.validate(version),
            Packet::Unsubscribe(u) => u.validate(version),
            Packet::UnsubAck(u) => u.validate(version),
            Packet::PingReq | Packet::PingResp => Ok(()),
            Packet::Disconnect(d) => d.validate(version),
            Packet::Auth(a) => a.validate(version),
        }
    }

    fn body_len(&self, version: Version) -> usize {
        match self {
            Packet::Connect(c) => c.body_len(),
            Packet::ConnAck(c) => c.body_len(version),
            Packet::Publish(p) => p.body_len(version),
            Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
                a.body_len(version)
            }
            Packet::Subscribe(s) => s.body_len(version),
            Packet::SubAck(s) => s.body_len(version),
            Packet::Unsubscribe(u) => u.body_len(version),
            Packet::UnsubAck(u) => u.body_len(version),
            Packet::PingReq | Packet::PingResp => 0,
            Packet::Disconnect(d) => d.body_len(version),
            Packet::Auth(a) => a.body_len(version),
        }
    }

    fn write_body(&self, version: Version, out: &mut BytesMut) {
        match self {
            Packet::Connect(c) => c.write_body(out),
            Packet::ConnAck(c) => c.write_body(version, out),
            Packet::Publish(p) => p.write_body(version, out),
            Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
                a.write_body(version, out)
            }
            Packet::Subscribe(s) => s.write_body(version, out),
            Packet::SubAck(s) => s.write_body(version, out),
            Packet::Unsubscribe(u) => u.write_body(version, out),
            Packet::UnsubAck(u) => u.write_body(version, out),
            Packet::PingReq | Packet::PingResp => {}
            Packet::Disconnect(d) => d.write_body(version, out),
            Packet::Auth(a) => a.write_body(version, out),
        }
    }
}

/// Check the first byte of a fixed header: a packet type this version knows and the flags
/// the specification requires for it.
fn check_first_byte(first: u8, version: Version) -> Result<PacketType, Error> {
    let packet_type = PacketType::from_u8(first >> 4).ok_or(Error::InvalidPacketType(first))?;
    if packet_type == PacketType::Auth && !version.is_v5() {
        return Err(Error::InvalidPacketType(first));
    }
    let flags = first & 0x0F;
    if packet_type == PacketType::Publish {
        Publish::check_flags(flags)?;
    } else if flags != packet_type.required_flags() {
        return Err(Error::InvalidFlags {
            packet: packet_type.name(),
            flags,
        });
    }
    Ok(packet_type)
}

/// Decode one packet from the front of `buf`, consuming its bytes.
/// `Ok(None)` while the packet is incomplete (nothing consumed). CONNECT carries its own
/// version; every other packet is decoded as `version`.
///
/// Errors are reported as early as the bytes allow: a bad first byte at once, a packet over
/// `limits.max_packet_size` as soon as its fixed header is complete. Once a whole packet is
/// buffered its bytes are consumed whether or not it decodes.
pub fn decode(
    buf: &mut BytesMut,
    version: Version,
    limits: Limits,
) -> Result<Option<Packet>, Error> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let packet_type = check_first_byte(first, version)?;
    let Some((remaining, len_len)) = wire::parse_varint(buf.get(1..).unwrap_or_default())? else {
        return Ok(None);
    };
    let total = 1 + len_len + remaining as usize;
    if total as u64 > u64::from(limits.max_packet_size) {
        return Err(Error::PacketTooLarge {
            size: total as u64,
            max: limits.max_packet_size,
        });
    }
    if buf.len() < total {
        return Ok(None);
    }
    let mut body = buf.split_to(total).freeze();
    body.advance(1 + len_len);
    let flags = first & 0x0F;
    let b = &mut body;
    let packet = match packet_type {
        PacketType::Connect => Packet::Connect(Box::new(Connect::decode_body(b)?)),
        PacketType::ConnAck => Packet::ConnAck(ConnAck::decode_body(b, version)?),
        PacketType::Publish => Packet::Publish(Publish::decode_body(flags, b, version)?),
        PacketType::PubAck => Packet::PubAck(Ack::decode_body(packet_type, b, version)?),
        PacketType::PubRec => Packet::PubRec(Ack::decode_body(packet_type, b, version)?),
        PacketType::PubRel => Packet::PubRel(Ack::decode_body(packet_type, b, version)?),
        PacketType::PubComp => Packet::PubComp(Ack::decode_body(packet_type, b, version)?),
        PacketType::Subscribe => Packet::Subscribe(Subscribe::decode_body(b, version)?),
        PacketType::SubAck => Packet::SubAck(SubAck::decode_body(b, version)?),
        PacketType::Unsubscribe => Packet::Unsubscribe(Unsubscribe::decode_body(b, version)?),
        PacketType::UnsubAck => Packet::UnsubAck(UnsubAck::decode_body(b, version)?),
        PacketType::PingReq => Packet::PingReq,
        PacketType::PingResp => Packet::PingResp,
        PacketType::Disconnect => Packet::Disconnect(Disconnect::decode_body(b, version)?),
        PacketType::Auth => Packet::Auth(Auth::decode_body(b, version)?),
    };
    if !body.is_empty() {
        return Err(Error::TrailingBytes {
            packet: packet_type.name(),
        });
    }
    Ok(Some(packet))
}

/// Append the encoding of `packet` to `out`; returns the number of bytes written.
/// Fails (writing nothing) when a field cannot be encoded: a string over 65,535 bytes,
/// a remaining length over the protocol maximum, a property that version cannot carry.
/// Everything `decode` would reject is rejected here too (packet id 0, wildcards in a topic
/// name, a reason code the packet cannot carry, ...). CONNECT is encoded with its own
/// `version` field; every other packet with `version`.
pub fn encode(packet: &Packet, version: Version, out: &mut BytesMut) -> Result<usize, Error> {
    let version = packet.effective_version(version);
    packet.validate(version)?;
    let remaining = packet.body_len(version);
    if remaining > wire::MAX_REMAINING_LENGTH {
        return Err(Error::PacketTooLarge {
            size: (1 + wire::varint_len(remaining) + remaining) as u64,
            max: Limits::default().max_packet_size,
        });
    }
    let start = out.len();
    out.put_u8(packet.first_byte());
    wire::write_varint(out, remaining);
    packet.write_body(version, out);
    Ok(out.len() - start)
}

/// Helpers shared by the codec tests of every packet module.
#[cfg(test)]
#[path = "packet_test_support.rs"]
pub(crate) mod test_support;

#[cfg(test)]
#[path = "packet_tests.rs"]
mod tests;

/// The fuzz target's invariants (fuzz/fuzz_targets/decode.rs) on random mutations of valid
/// packets, so they run on stable Rust with every `cargo test`.
#[cfg(test)]
#[path = "packet_randomized_tests.rs"]
mod randomized;
