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
