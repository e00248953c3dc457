//! The bench payload header and the PUBLISH encoder of the publishing hot path.
//!
//! Every bench payload starts with 28 bytes: an 8-byte magic (with a format version), the
//! publisher's global index (u32), the message sequence number (u64, from 0) and the
//! scheduled send time (u64 nanoseconds since the UNIX epoch, on the run's monotonic clock),
//! all big-endian. Subscribers use it for latency, loss, duplicates and reordering.
use bytes::{BufMut, BytesMut};

use crate::protocol::{wire, QoS, Version};

pub const MAGIC: [u8; 8] = *b"mqttb\x00\x01\x00";
pub const HEADER_LEN: usize = 28;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub publisher: u32,
    pub seq: u64,
    pub time_ns: u64,
}

impl Header {
    pub fn write(&self, out: &mut BytesMut) {
        out.put_slice(&MAGIC);
        out.put_u32(self.publisher);
        out.put_u64(self.seq);
        out.put_u64(self.time_ns);
    }

    /// The header at the start of `payload`, if it has one.
    pub fn read(payload: &[u8]) -> Option<Header> {
        let h = payload.get(..HEADER_LEN)?;
        if h[..8] != MAGIC {
            return None;
        }
        let u32_at = |i: usize| u32::from_be_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
        let u64_at = |i: usize| (u64::from(u32_at(i)) << 32) | u64::from(u32_at(i + 4));
        Some(Header {
            publisher: u32_at(8),
            seq: u64_at(12),
            time_ns: u64_at(20),
        })
    }
}

/// The size of the PUBLISH that `encode_publish` makes: fixed header and remaining length.
pub fn publish_len(version: Version, qos: QoS, topic_len: usize, body_len: usize) -> usize {
    let remaining = remaining_len(version, qos, topic_len, body_len);
    1 + wire::varint_len(remaining) + remaining
}

fn remaining_len(version: Version, qos: QoS, topic_len: usize, body_len: usize) -> usize {
    let id_len = if qos == QoS::AtMostOnce { 0 } else { 2 };
    let props_len = usize::from(version.is_v5());
    2 + topic_len + id_len + props_len + HEADER_LEN + body_len
}

/// Append a PUBLISH carrying `header` then `body` to `out`, without building a packet value.
/// The topic must be a valid topic name (checked when the run is planned), `packet_id`
/// non-zero for QoS 1/2. Equivalent to `protocol::encode` of the same PUBLISH with no
/// properties (a test checks it).
#[allow(clippy::too_many_arguments)]
pub fn encode_publish(
    out: &mut BytesMut,
    version: Version,
    qos: QoS,
    retain: bool,
    topic: &str,
    packet_id: u16,
    header: &Header,
    body: &[u8],
) {
    let remaining = remaining_len(version, qos, topic.len(), body.len());
    out.reserve(1 + wire::varint_len(remaining) + remaining);
    out.put_u8(0x30 | ((qos as u8) << 1) | u8::from(retain));
    wire::write_varint(out, remaining);
    wire::write_string(out, topic);
    if qos != QoS::AtMostOnce {
        out.put_u16(packet_id);
    }
    if version.is_v5() {
        out.put_u8(0);
    }
    header.write(out);
    out.put_slice(body);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{self, Limits, Packet, Publish};

    #[test]
    fn header_round_trip() {
        let h = Header {
            publisher: 7,
            seq: 1 << 40,
            time_ns: 1_700_000_000_123_456_789,
        };
        let mut b = BytesMut::new();
        h.write(&mut b);
        assert_eq!(b.len(), HEADER_LEN);
        assert_eq!(Header::read(&b), Some(h));
        assert_eq!(Header::read(&b[..27]), None);
        b[0] = b'x';
        assert_eq!(Header::read(&b), None);
    }

    #[test]
    fn publish_encoding_matches_the_codec() {
        let h = Header {
            publisher: 3,
            seq: 42,
            time_ns: 99,
        };
        for version in [Version::V3_1_1, Version::V5] {
            for (qos, id) in [
                (QoS::AtMostOnce, 0),
                (QoS::AtLeastOnce, 17),
                (QoS::ExactlyOnce, 65535),
            ] {
                for body_len in [0usize, 5, 300] {
                    let body = vec![b'x'; body_len];
                    let mut out = BytesMut::new();
                    encode_publish(&mut out, version, qos, true, "bench/1", id, &h, &body);
                    let mut payload = BytesMut::new();
                    h.write(&mut payload);
                    payload.extend_from_slice(&body);
                    let expected = Packet::Publish(Publish {
                        qos,
                        retain: true,
                        topic: "bench/1".into(),
                        packet_id: id,
                        payload: payload.freeze(),
                        ..Publish::default()
                    });
                    let mut reference = BytesMut::new();
                    protocol::encode(&expected, version, &mut reference).unwrap();
                    assert_eq!(out, reference, "{version} {qos:?} {body_len}");
                    assert_eq!(publish_len(version, qos, 7, body_len), out.len());
                    let decoded = protocol::decode(&mut out, version, Limits::default()).unwrap();
                    assert_eq!(decoded, Some(expected));
                }
            }
        }
    }
}
