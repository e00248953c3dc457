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
pub(crate) mod test_support {
    use super::*;

    pub const ALL_VERSIONS: [Version; 3] = [Version::V3_1, Version::V3_1_1, Version::V5];

    /// Decode `bytes` as one whole packet with the default limits.
    pub fn decode_all(bytes: &[u8], version: Version) -> Result<Option<Packet>, Error> {
        let mut buf = BytesMut::from(bytes);
        let r = decode(&mut buf, version, Limits::default());
        if let Ok(Some(_)) = r {
            assert!(buf.is_empty(), "{} bytes left after decoding", buf.len());
        }
        r
    }

    /// The error decoding `bytes` gives (panics if it decodes or is incomplete).
    pub fn decode_err(bytes: &[u8], version: Version) -> Error {
        match decode_all(bytes, version) {
            Err(e) => e,
            Ok(p) => panic!("expected an error decoding {bytes:02x?}, got {p:?}"),
        }
    }

    /// Encode `packet`, checking the returned count and `encoded_len`.
    pub fn encode_vec(packet: &Packet, version: Version) -> Vec<u8> {
        let mut out = BytesMut::from(&b"xy"[..]);
        let n = encode(packet, version, &mut out)
            .unwrap_or_else(|e| panic!("encoding {packet:?} as {version}: {e}"));
        assert_eq!(&out[..2], b"xy", "encode must append");
        assert_eq!(n, out.len() - 2, "returned count");
        assert_eq!(packet.encoded_len(version), n, "encoded_len of {packet:?}");
        out.split_off(2).to_vec()
    }

    /// Every proper prefix of a valid packet is `Ok(None)` and consumes nothing.
    pub fn assert_prefixes_incomplete(bytes: &[u8], version: Version) {
        // Big packets: the first and last kilobyte of prefixes plus a sample in between.
        let n = bytes.len();
        let ends = (0..n).filter(|&e| n <= 4096 || e < 1024 || e >= n - 1024 || e % 997 == 0);
        for end in ends {
            let mut buf = BytesMut::from(&bytes[..end]);
            let r = decode(&mut buf, version, Limits::default());
            assert_eq!(r, Ok(None), "prefix of {end} bytes of {bytes:02x?}");
            assert_eq!(
                &buf[..],
                &bytes[..end],
                "prefix of {end} bytes was consumed"
            );
        }
    }

    /// `bytes` decodes to exactly `packet`, `packet` encodes to exactly `bytes`, and every
    /// prefix is incomplete. With a following packet in the buffer only the first is taken.
    pub fn assert_vector(version: Version, bytes: &[u8], packet: &Packet) {
        assert_eq!(
            decode_all(bytes, version),
            Ok(Some(packet.clone())),
            "decoding {bytes:02x?}"
        );
        assert_eq!(encode_vec(packet, version), bytes, "encoding {packet:?}");
        assert_prefixes_incomplete(bytes, version);
        let mut two = BytesMut::from(bytes);
        two.extend_from_slice(&[0xC0, 0x00]);
        assert_eq!(
            decode(&mut two, version, Limits::default()),
            Ok(Some(packet.clone()))
        );
        assert_eq!(&two[..], &[0xC0, 0x00]);
    }

    /// Encode, decode back to an equal packet, check lengths and prefixes; returns the bytes.
    pub fn round_trip(packet: &Packet, version: Version) -> Vec<u8> {
        let bytes = encode_vec(packet, version);
        assert_eq!(
            decode_all(&bytes, version),
            Ok(Some(packet.clone())),
            "round trip of {packet:?} as {version}: {bytes:02x?}"
        );
        assert_prefixes_incomplete(&bytes, version);
        bytes
    }

    /// A `Properties` value carrying every property allowed in `packet` (or will properties).
    pub fn full_properties(packet: PacketType, will: bool) -> Properties {
        use bytes::Bytes;
        let all = Properties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(3600),
            content_type: Some("text/plain".into()),
            response_topic: Some("reply/to".into()),
            correlation_data: Some(Bytes::from_static(b"\x00\x01corr")),
            subscription_identifiers: if packet == PacketType::Publish {
                vec![1, 268_435_455, 128]
            } else {
                vec![16_384]
            },
            session_expiry_interval: Some(0xFFFF_FFFF),
            assigned_client_identifier: Some("auto-1234".into()),
            server_keep_alive: Some(30),
            authentication_method: Some("SCRAM-SHA-1".into()),
            authentication_data: Some(Bytes::from_static(b"\xFF\x00data")),
            request_problem_information: Some(0),
            will_delay_interval: Some(60),
            request_response_information: Some(1),
            response_information: Some("resp/base".into()),
            server_reference: Some("other.example:1883".into()),
            reason_string: Some("because".into()),
            receive_maximum: Some(65_535),
            topic_alias_maximum: Some(10),
            topic_alias: Some(7),
            maximum_qos: Some(1),
            retain_available: Some(0),
            user_properties: vec![
                ("k".into(), "v".into()),
                ("k".into(), "v2".into()),
                ("".into(), "ü".into()),
            ],
            maximum_packet_size: Some(1_048_576),
            wildcard_subscription_available: Some(1),
            subscription_identifier_available: Some(0),
            shared_subscription_available: Some(1),
        };
        let mut p = Properties::default();
        for pid in all.present() {
            if properties::is_allowed(pid, packet, will) {
                copy_property(&all, &mut p, pid);
            }
        }
        p
    }

    /// Copy property `pid` (all its values) from `from` to `to`.
    pub fn copy_property(from: &Properties, to: &mut Properties, pid: u8) {
        to.copy_property(from, pid);
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    const V31: Version = Version::V3_1;
    const V311: Version = Version::V3_1_1;
    const V5: Version = Version::V5;

    #[test]
    fn malformed_inputs_give_specific_errors() {
        use Error::*;
        let flags = |packet, flags| InvalidFlags { packet, flags };
        let not_allowed = |property, packet| PropertyNotAllowed { property, packet };
        let value = |property| InvalidPropertyValue { property };
        let reason = |code, packet| InvalidReasonCode { code, packet };
        #[rustfmt::skip]
        let table: Vec<(Version, &[u8], Error)> = vec![
            // Fixed header.
            (V5, &[0x00, 0x00], InvalidPacketType(0x00)), // type 0 is reserved
            (V311, &[0xF0, 0x00], InvalidPacketType(0xF0)), // AUTH before MQTT 5
            (V31, &[0xF0, 0x00], InvalidPacketType(0xF0)),
            (V5, &[0x60, 0x02, 0x00, 0x01], flags("PUBREL", 0)), // PUBREL needs 0010
            (V311, &[0x80, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x00], flags("SUBSCRIBE", 0)),
            (V311, &[0xA3, 0x05, 0x00, 0x01, 0x00, 0x01, b'a'], flags("UNSUBSCRIBE", 3)),
            (V5, &[0x41, 0x02, 0x00, 0x01], flags("PUBACK", 1)),
            (V5, &[0x2F, 0x02, 0x00, 0x00], flags("CONNACK", 0x0F)),
            (V311, &[0xC1, 0x00], flags("PINGREQ", 1)),
            (V311, &[0xE2, 0x00], flags("DISCONNECT", 2)),
            (V311, &[0x36, 0x03, 0x00, 0x01, b't'], InvalidQoS(3)), // PUBLISH QoS 3
            (V311, &[0x38, 0x03, 0x00, 0x01, b't'], Malformed("DUP flag set on a QoS 0 PUBLISH")),
            (V311, &[0x30, 0xFF, 0xFF, 0xFF, 0xFF], MalformedVariableInteger), // 5-byte length
            (V5, &[0xC0, 0x80, 0x80, 0x80, 0x80, 0x00], MalformedVariableInteger),
            // Packet id 0.
            (V311, &[0x32, 0x05, 0x00, 0x01, b't', 0x00, 0x00], PacketIdZero { packet: "PUBLISH" }),
            (V5, &[0x40, 0x02, 0x00, 0x00], PacketIdZero { packet: "PUBACK" }),
            (V311, &[0x50, 0x02, 0x00, 0x00], PacketIdZero { packet: "PUBREC" }),
            (V311, &[0x62, 0x02, 0x00, 0x00], PacketIdZero { packet: "PUBREL" }),
            (V5, &[0x70, 0x02, 0x00, 0x00], PacketIdZero { packet: "PUBCOMP" }),
            (V311, &[0x82, 0x06, 0x00, 0x00, 0x00, 0x01, b'a', 0x00], PacketIdZero { packet: "SUBSCRIBE" }),
            (V311, &[0xA2, 0x05, 0x00, 0x00, 0x00, 0x01, b'a'], PacketIdZero { packet: "UNSUBSCRIBE" }),
            (V311, &[0x90, 0x03, 0x00, 0x00, 0x00], PacketIdZero { packet: "SUBACK" }),
            (V311, &[0xB0, 0x02, 0x00, 0x00], PacketIdZero { packet: "UNSUBACK" }),
            // Topic names and filters.
            (V311, &[0x30, 0x05, 0x00, 0x03, b'a', b'/', b'+'], InvalidTopic("wildcards are not allowed in topic names")),
            (V311, &[0x30, 0x02, 0x00, 0x00], InvalidTopic("empty")),
            (V5, &[0x30, 0x03, 0x00, 0x00, 0x00], InvalidTopic("empty")), // no topic alias
            (V311, &[0x82, 0x07, 0x00, 0x01, 0x00, 0x02, b'a', b'#', 0x00], InvalidTopicFilter("'#' must be the whole last level")),
            (V5, &[0xA2, 0x0E, 0x00, 0x01, 0x00, 0x00, 0x09, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'/', b'x'],
                InvalidTopicFilter("empty share name")),
            (V311, &[0x82, 0x02, 0x00, 0x01], Malformed("SUBSCRIBE without topic filters")),
            (V5, &[0xA2, 0x03, 0x00, 0x01, 0x00], Malformed("UNSUBSCRIBE without topic filters")),
            // Subscription options.
            (V5, &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x40], Malformed("reserved subscription option bits set")),
            (V5, &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x30], Malformed("retain handling 3 in subscription options")),
            (V311, &[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x04], Malformed("reserved subscription option bits set")),
            (V311, &[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x03], InvalidQoS(3)),
            (V5, &[0x82, 0x10, 0x00, 0x01, 0x00, 0x00, 0x0A, b'$', b's', b'h', b'a', b'r', b'e', b'/', b'g', b'/', b'a', 0x04],
                Malformed("no local set on a shared subscription")),
            // CONNECT.
            (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x03, 0x00, 0x00, 0x00, 0x01, b'a'],
                Malformed("reserved CONNECT flag set")),
            (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x0A, 0x00, 0x00, 0x00, 0x01, b'a'],
                Malformed("will QoS or will retain set without the will flag")),
            (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x22, 0x00, 0x00, 0x00, 0x01, b'a'],
                Malformed("will QoS or will retain set without the will flag")),
            (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x1E, 0x00, 0x00, 0x00, 0x01, b'a'], InvalidQoS(3)),
            (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x42, 0x00, 0x00, 0x00, 0x01, b'a'],
                Malformed("password without user name")),
            (V5, &[0x10, 0x0D, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x06, 0x02, 0x00, 0x00, 0x00, 0x01, b'a'],
                UnsupportedProtocol { name: "MQTT".into(), level: 6 }),
            (V5, &[0x10, 0x0F, 0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p', 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, b'a'],
                UnsupportedProtocol { name: "MQIsdp".into(), level: 4 }),
            (V5, &[0x10, 0x0E, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, b'a', 0xFF],
                TrailingBytes { packet: "CONNECT" }),
            // CONNACK.
            (V311, &[0x20, 0x02, 0x02, 0x00], Malformed("reserved CONNACK flags set")),
            (V311, &[0x20, 0x02, 0x01, 0x05], Malformed("session present with a non-zero reason code")),
            (V5, &[0x20, 0x03, 0x01, 0x80, 0x00], Malformed("session present with a non-zero reason code")),
            (V5, &[0x20, 0x03, 0x00, 0x01, 0x00], reason(0x01, "CONNACK")),
            (V311, &[0x20, 0x02, 0x00, 0x06], reason(0x06, "CONNACK")),
            (V5, &[0x20, 0x01, 0x00], Truncated { what: "reason code" }),
            // Trailing bytes.
            (V311, &[0xC0, 0x01, 0x00], TrailingBytes { packet: "PINGREQ" }),
            (V5, &[0xD0, 0x01, 0x00], TrailingBytes { packet: "PINGRESP" }),
            (V311, &[0x40, 0x03, 0x00, 0x01, 0x00], TrailingBytes { packet: "PUBACK" }),
            (V311, &[0xE0, 0x01, 0x00], TrailingBytes { packet: "DISCONNECT" }),
            (V311, &[0xB0, 0x03, 0x00, 0x01, 0x00], TrailingBytes { packet: "UNSUBACK" }),
            (V311, &[0x20, 0x03, 0x00, 0x00, 0x00], TrailingBytes { packet: "CONNACK" }),
            // Truncated fields and strings.
            (V311, &[0x30, 0x02, 0x00, 0x05], Truncated { what: "topic name" }),
            (V311, &[0x40, 0x01, 0x00], Truncated { what: "packet id" }),
            (V5, &[0x30, 0x05, 0x00, 0x01, b't', 0x05, 0x01], Truncated { what: "properties" }),
            (V5, &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x02, 0x00], Truncated { what: "message_expiry_interval" }),
            (V311, &[0x30, 0x04, 0x00, 0x02, 0xC3, 0x28], InvalidUtf8),
            (V311, &[0x30, 0x05, 0x00, 0x03, b'a', 0x00, b'b'], NullCharacter),
            // Properties (PUBLISH "t" QoS 0 unless noted).
            (V5, &[0x30, 0x05, 0x00, 0x01, b't', 0x01, 0x7F], UnknownProperty(0x7F)),
            (V5, &[0x30, 0x0A, 0x00, 0x01, b't', 0x06, 0x03, 0x00, 0x00, 0x03, 0x00, 0x00], DuplicateProperty("content_type")),
            (V5, &[0x30, 0x09, 0x00, 0x01, b't', 0x05, 0x11, 0x00, 0x00, 0x00, 0x01],
                not_allowed("session_expiry_interval", "PUBLISH")),
            (V5, &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x01, 0x02], value("payload_format_indicator")),
            (V5, &[0x30, 0x07, 0x00, 0x01, b't', 0x03, 0x23, 0x00, 0x00], value("topic_alias")),
            (V5, &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x0B, 0x00], value("subscription_identifier")),
            (V5, &[0x30, 0x07, 0x00, 0x01, b't', 0xFF, 0xFF, 0xFF, 0xFF], MalformedVariableInteger), // property length
            (V5, &[0x82, 0x09, 0x00, 0x01, 0x02, 0x0B, 0x00, 0x00, 0x01, b'a', 0x00], value("subscription_identifier")),
            (V5, &[0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0x00, 0x01, b'a', 0x00],
                DuplicateProperty("subscription_identifier")), // at most one in SUBSCRIBE
            (V5, &[0x82, 0x0D, 0x00, 0x01, 0x06, 0x0B, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 0x01, b'a', 0x00],
                MalformedVariableInteger), // subscription identifier > 268,435,455
            (V5, &[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00], value("receive_maximum")),
            (V5, &[0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02], value("maximum_qos")),
            (V5, &[0x20, 0x05, 0x00, 0x00, 0x02, 0x25, 0x02], value("retain_available")),
            (V5, &[0x20, 0x05, 0x00, 0x00, 0x02, 0x2A, 0x05], value("shared_subscription_available")),
            (V5, &[0x20, 0x05, 0x00, 0x00, 0x02, 0x17, 0x01], not_allowed("request_problem_information", "CONNACK")),
            (V5, &[0x10, 0x12, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00,
                   0x05, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], value("maximum_packet_size")),
            (V5, &[0x10, 0x0F, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00,
                   0x02, 0x17, 0x02, 0x00, 0x00], value("request_problem_information")),
            (V5, &[0x10, 0x0F, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00,
                   0x02, 0x19, 0x07, 0x00, 0x00], value("request_response_information")),
            (V5, &[0x10, 0x12, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00,
                   0x05, 0x18, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00], not_allowed("will_delay_interval", "CONNECT")),
            (V5, &[0x10, 0x18, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x06, 0x00, 0x00,
                   0x00, // property length 0
                   0x00, 0x00, // client id ""
                   0x05, 0x11, 0x00, 0x00, 0x00, 0x01, // will properties: session expiry interval
                   0x00, 0x01, b'w', 0x00, 0x00], not_allowed("session_expiry_interval", "will properties")),
            (V5, &[0xF0, 0x05, 0x18, 0x03, 0x16, 0x00, 0x00], Malformed("authentication data without authentication method")),
            // Reason codes.
            (V5, &[0x62, 0x03, 0x00, 0x01, 0x80], reason(0x80, "PUBREL")),
            (V5, &[0x40, 0x03, 0x00, 0x01, 0x92], reason(0x92, "PUBACK")),
            (V311, &[0x90, 0x03, 0x00, 0x01, 0x03], reason(0x03, "SUBACK")),
            (V5, &[0x90, 0x04, 0x00, 0x01, 0x00, 0x11], reason(0x11, "SUBACK")),
            (V5, &[0xB0, 0x04, 0x00, 0x01, 0x00, 0x01], reason(0x01, "UNSUBACK")),
            (V5, &[0xE0, 0x01, 0x84], reason(0x84, "DISCONNECT")),
            (V5, &[0xF0, 0x01, 0x80], reason(0x80, "AUTH")),
            (V5, &[0x90, 0x03, 0x00, 0x01, 0x00], Malformed("SUBACK without reason codes")),
            (V5, &[0xB0, 0x03, 0x00, 0x01, 0x00], Malformed("UNSUBACK without reason codes")),
        ];
        assert!(table.len() >= 30);
        for (version, bytes, expected) in table {
            assert_eq!(
                decode_err(bytes, version),
                expected,
                "decoding {bytes:02x?} as {version}"
            );
        }
    }

    #[test]
    fn first_byte_errors_need_no_more_bytes() {
        for (byte, version) in [
            (0x00, V5),
            (0xF0, V311),
            (0x36, V5),
            (0x38, V5),
            (0x61, V5),
            (0x81, V311),
        ] {
            let mut buf = BytesMut::from(&[byte][..]);
            assert!(
                decode(&mut buf, version, Limits::default()).is_err(),
                "{byte:#04x}"
            );
        }
    }

    #[test]
    fn packet_too_large_is_reported_from_the_fixed_header() {
        let limits = Limits {
            max_packet_size: 16,
        };
        // PUBLISH with remaining length 127: 129 bytes in all, only the header has arrived.
        let mut buf = BytesMut::from(&[0x30, 0x7F][..]);
        assert_eq!(
            decode(&mut buf, V5, limits),
            Err(Error::PacketTooLarge { size: 129, max: 16 })
        );
        // A 4-byte remaining length claiming 268,435,455 bytes.
        let mut buf = BytesMut::from(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F][..]);
        assert_eq!(
            decode(&mut buf, V311, Limits::default()),
            Ok(None),
            "within the protocol maximum: wait for the bytes"
        );
        assert_eq!(
            decode(
                &mut buf,
                V311,
                Limits {
                    max_packet_size: 1 << 20
                }
            ),
            Err(Error::PacketTooLarge {
                size: 268_435_460,
                max: 1 << 20
            })
        );
        // Exactly at the limit is fine; one byte over is not.
        let p = Packet::Publish(Publish {
            topic: "t".into(),
            payload: bytes::Bytes::from_static(&[0; 11]),
            ..Publish::default()
        });
        let bytes = encode_vec(&p, V311);
        assert_eq!(bytes.len(), 16);
        let mut buf = BytesMut::from(&bytes[..]);
        assert_eq!(decode(&mut buf, V311, limits), Ok(Some(p)));
        let mut buf = BytesMut::from(&bytes[..]);
        assert_eq!(
            decode(
                &mut buf,
                V311,
                Limits {
                    max_packet_size: 15
                }
            ),
            Err(Error::PacketTooLarge { size: 16, max: 15 })
        );
    }

    #[test]
    fn decodes_a_stream_of_packets() {
        let packets = [
            Packet::PingReq,
            Packet::PubAck(Ack::new(3)),
            Packet::Publish(Publish {
                topic: "a".into(),
                payload: bytes::Bytes::from_static(b"xyz"),
                ..Publish::default()
            }),
            Packet::PingResp,
            Packet::Disconnect(Disconnect::default()),
        ];
        for version in ALL_VERSIONS {
            let mut stream = BytesMut::new();
            for p in &packets {
                encode(p, version, &mut stream).unwrap();
            }
            // Feed it one byte at a time.
            let mut buf = BytesMut::new();
            let mut got = Vec::new();
            for &b in stream.iter() {
                buf.extend_from_slice(&[b]);
                while let Some(p) = decode(&mut buf, version, Limits::default()).unwrap() {
                    got.push(p);
                }
            }
            assert_eq!(got, packets);
            assert!(buf.is_empty());
        }
    }

    #[test]
    fn ping_vectors() {
        for version in ALL_VERSIONS {
            assert_vector(version, &[0xC0, 0x00], &Packet::PingReq); // PINGREQ, remaining length 0
            assert_vector(version, &[0xD0, 0x00], &Packet::PingResp); // PINGRESP, remaining length 0
        }
    }

    #[test]
    fn encode_rejects_oversized_packets_without_writing() {
        let p = Packet::Publish(Publish {
            topic: "t".into(),
            payload: bytes::Bytes::from(vec![0u8; wire::MAX_REMAINING_LENGTH]),
            ..Publish::default()
        });
        let mut out = BytesMut::from(&b"keep"[..]);
        assert_eq!(
            encode(&p, V311, &mut out),
            Err(Error::PacketTooLarge {
                size: 268_435_464,
                max: 268_435_460
            })
        );
        assert_eq!(&out[..], b"keep");
    }

    #[test]
    fn names_and_types() {
        let names = [
            "CONNECT",
            "CONNACK",
            "PUBLISH",
            "PUBACK",
            "PUBREC",
            "PUBREL",
            "PUBCOMP",
            "SUBSCRIBE",
            "SUBACK",
            "UNSUBSCRIBE",
            "UNSUBACK",
            "PINGREQ",
            "PINGRESP",
            "DISCONNECT",
            "AUTH",
        ];
        for (i, name) in names.iter().enumerate() {
            let t = PacketType::from_u8(i as u8 + 1).unwrap();
            assert_eq!(t as usize, i + 1);
            assert_eq!(t.name(), *name);
        }
        assert_eq!(PacketType::from_u8(0), None);
        assert_eq!(PacketType::from_u8(16), None);
        assert_eq!(
            Packet::PubRel(Ack::new(1)).packet_type(),
            PacketType::PubRel
        );
        assert_eq!(Packet::PingResp.packet_type().to_string(), "PINGRESP");
    }
}

/// The fuzz target's invariants (fuzz/fuzz_targets/decode.rs) on random mutations of valid
/// packets, so they run on stable Rust with every `cargo test`.
#[cfg(test)]
mod randomized {
    use super::test_support::*;
    use super::*;

    fn check(data: &[u8], version: Version, limits: Limits) -> usize {
        let mut decoded = 0;
        let mut buf = BytesMut::from(data);
        loop {
            let before = buf.clone();
            match decode(&mut buf, version, limits) {
                Ok(Some(packet)) => {
                    decoded += 1;
                    assert!(buf.len() < before.len());
                    let mut out = BytesMut::new();
                    let written = encode(&packet, version, &mut out).unwrap_or_else(|e| {
                        panic!("{packet:?} from {data:02x?} does not encode: {e}")
                    });
                    assert_eq!(written, out.len());
                    assert_eq!(written, packet.encoded_len(version));
                    assert_eq!(
                        decode(&mut out, version, Limits::default()),
                        Ok(Some(packet)),
                        "{data:02x?}"
                    );
                    assert!(out.is_empty());
                }
                Ok(None) => {
                    assert_eq!(buf, before);
                    return decoded;
                }
                Err(_) => return decoded,
            }
        }
    }

    fn seeds(version: Version) -> Vec<Vec<u8>> {
        let v5 = version.is_v5();
        let props = |t| {
            if v5 {
                full_properties(t, false)
            } else {
                Properties::default()
            }
        };
        let mut connect = Connect::new(version, "client", 30);
        connect.username = Some("u".into());
        connect.password = Some(bytes::Bytes::from_static(b"p"));
        connect.properties = props(PacketType::Connect);
        connect.will = Some(Will {
            topic: "w".into(),
            payload: bytes::Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: if v5 {
                full_properties(PacketType::Connect, true)
            } else {
                Properties::default()
            },
        });
        let ack = |t| Ack {
            packet_id: 7,
            reason: 0,
            properties: props(t),
        };
        let mut packets = vec![
            Packet::Connect(Box::new(connect)),
            Packet::ConnAck(ConnAck {
                session_present: true,
                reason: 0,
                properties: props(PacketType::ConnAck),
            }),
            Packet::Publish(Publish {
                qos: QoS::ExactlyOnce,
                topic: "a/b".into(),
                packet_id: 9,
                properties: props(PacketType::Publish),
                payload: bytes::Bytes::from_static(b"payload"),
                ..Publish::default()
            }),
            Packet::PubAck(ack(PacketType::PubAck)),
            Packet::PubRec(ack(PacketType::PubRec)),
            Packet::PubRel(ack(PacketType::PubRel)),
            Packet::PubComp(ack(PacketType::PubComp)),
            Packet::Subscribe(Subscribe {
                packet_id: 3,
                filters: vec![
                    ("a/+".into(), SubOptions::qos(QoS::AtLeastOnce)),
                    ("$share/g/#".into(), SubOptions::default()),
                ],
                properties: props(PacketType::Subscribe),
            }),
            Packet::SubAck(SubAck {
                packet_id: 3,
                reason_codes: vec![0, 1, 0x80],
                properties: props(PacketType::SubAck),
            }),
            Packet::Unsubscribe(Unsubscribe {
                packet_id: 4,
                filters: vec!["a/+".into()],
                properties: props(PacketType::Unsubscribe),
            }),
            Packet::UnsubAck(UnsubAck {
                packet_id: 4,
                reason_codes: if v5 { vec![0x00, 0x11] } else { Vec::new() },
                properties: props(PacketType::UnsubAck),
            }),
            Packet::PingReq,
            Packet::PingResp,
            Packet::Disconnect(Disconnect {
                reason: 0,
                properties: props(PacketType::Disconnect),
            }),
        ];
        if v5 {
            packets.push(Packet::Auth(Auth {
                reason: 0x18,
                properties: props(PacketType::Auth),
            }));
        }
        packets.iter().map(|p| encode_vec(p, version)).collect()
    }

    #[test]
    fn mutated_packets_keep_the_invariants() {
        let mut rng = fastrand::Rng::with_seed(0x6d71_7474);
        for version in ALL_VERSIONS {
            let seeds = seeds(version);
            for seed in &seeds {
                assert_eq!(check(seed, version, Limits::default()), 1);
            }
            let mut decoded = 0;
            for _ in 0..20_000 {
                let mut data = seeds[rng.usize(..seeds.len())].clone();
                for _ in 0..rng.usize(1..4) {
                    let len = data.len();
                    match rng.u8(..4) {
                        0 => data[rng.usize(..len)] = rng.u8(..),
                        1 => data[rng.usize(..len)] ^= 1 << rng.u8(..8),
                        2 => data.truncate(rng.usize(..=len)),
                        _ => data.insert(rng.usize(..=len), rng.u8(..)),
                    }
                    if data.is_empty() {
                        data.push(rng.u8(..));
                    }
                }
                for limits in [
                    Limits::default(),
                    Limits {
                        max_packet_size: 64,
                    },
                ] {
                    decoded += check(&data, version, limits);
                }
            }
            assert!(
                decoded > 1000,
                "the mutations should still decode sometimes ({decoded})"
            );
            for _ in 0..5_000 {
                let data: Vec<u8> = (0..rng.usize(..40)).map(|_| rng.u8(..)).collect();
                check(&data, version, Limits::default());
            }
        }
    }
}
