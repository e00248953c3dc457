//! The one copy of the wire primitives: variable byte integers, big-endian integers,
//! u16-length-prefixed UTF-8 strings and binary data.
//!
//! Reads work on a [`Bytes`] holding exactly one packet's remaining bytes; every read is
//! guarded and returns [`Error::Truncated`] instead of panicking. Binary reads are zero-copy
//! slices of that buffer. Writes are infallible: callers validate lengths first with
//! [`check_string`] / [`check_binary`] so nothing is written when a value cannot be encoded.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::Error;

/// The largest value a variable byte integer can hold (4 bytes), and so the largest
/// remaining length.
pub const MAX_VARINT: u32 = 268_435_455;

/// The largest remaining length of a packet.
pub const MAX_REMAINING_LENGTH: usize = MAX_VARINT as usize;

/// The largest string or binary field (u16 length prefix).
pub const MAX_FIELD_LEN: usize = u16::MAX as usize;

/// Parse a variable byte integer from the front of `bytes` without consuming anything.
/// `Ok(None)` when `bytes` ends before the integer does; `Ok(Some((value, len)))` otherwise.
/// More than 4 bytes, or more bytes than the value needs (a last byte of 0 after others:
/// "the encoded value MUST use the minimum number of bytes necessary", MQTT-1.5.5-1), is
/// [`Error::MalformedVariableInteger`].
pub fn parse_varint(bytes: &[u8]) -> Result<Option<(u32, usize)>, Error> {
    let mut value: u32 = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if i >= 4 {
            return Err(Error::MalformedVariableInteger);
        }
        value |= u32::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            if b == 0 && i > 0 {
                return Err(Error::MalformedVariableInteger);
            }
            return Ok(Some((value, i + 1)));
        }
    }
    if bytes.len() >= 4 {
        // Four bytes, all with the continuation bit: a fifth would be needed.
        return Err(Error::MalformedVariableInteger);
    }
    Ok(None)
}

/// Read a variable byte integer, consuming it.
pub fn read_varint(buf: &mut Bytes, what: &'static str) -> Result<u32, Error> {
    match parse_varint(buf.chunk())? {
        Some((value, len)) => {
            buf.advance(len);
            Ok(value)
        }
        None => Err(Error::Truncated { what }),
    }
}

/// The number of bytes `value` takes as a variable byte integer (5 when it is too large to be
/// encoded at all, so sums stay meaningful for the size check).
pub fn varint_len(value: usize) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        2_097_152..=MAX_REMAINING_LENGTH => 4,
        _ => 5,
    }
}

/// Write `value` as a variable byte integer. Values above [`MAX_VARINT`] must be rejected by
/// the caller; they are clamped here rather than written wrongly.
pub fn write_varint(out: &mut BytesMut, value: usize) {
    let mut v = value.min(MAX_REMAINING_LENGTH);
    loop {
        let mut byte = (v % 128) as u8;
        v /= 128;
        if v > 0 {
            byte |= 0x80;
        }
        out.put_u8(byte);
        if v == 0 {
            break;
        }
    }
}

/// Read one byte.
pub fn read_u8(buf: &mut Bytes, what: &'static str) -> Result<u8, Error> {
    if buf.remaining() < 1 {
        return Err(Error::Truncated { what });
    }
    Ok(buf.get_u8())
}

/// Read a big-endian u16.
pub fn read_u16(buf: &mut Bytes, what: &'static str) -> Result<u16, Error> {
    if buf.remaining() < 2 {
        return Err(Error::Truncated { what });
    }
    Ok(buf.get_u16())
}

/// Read a big-endian u32.
pub fn read_u32(buf: &mut Bytes, what: &'static str) -> Result<u32, Error> {
    if buf.remaining() < 4 {
        return Err(Error::Truncated { what });
    }
    Ok(buf.get_u32())
}

/// Take the next `len` bytes as a zero-copy slice.
pub fn read_bytes(buf: &mut Bytes, len: usize, what: &'static str) -> Result<Bytes, Error> {
    if buf.remaining() < len {
        return Err(Error::Truncated { what });
    }
    Ok(buf.split_to(len))
}

/// Read u16-length-prefixed binary data (zero-copy).
pub fn read_binary(buf: &mut Bytes, what: &'static str) -> Result<Bytes, Error> {
    let len = read_u16(buf, what)?;
    read_bytes(buf, usize::from(len), what)
}

/// Read a u16-length-prefixed UTF-8 string; invalid UTF-8 (which includes the surrogates
/// U+D800..U+DFFF) and U+0000 are errors.
pub fn read_string(buf: &mut Bytes, what: &'static str) -> Result<String, Error> {
    let raw = read_binary(buf, what)?;
    let s = std::str::from_utf8(&raw).map_err(|_| Error::InvalidUtf8)?;
    if s.contains('\0') {
        return Err(Error::NullCharacter);
    }
    Ok(s.to_owned())
}

/// Check that `s` can be written as an MQTT string: at most 65,535 bytes, no U+0000.
pub fn check_string(s: &str) -> Result<(), Error> {
    if s.len() > MAX_FIELD_LEN {
        return Err(Error::Malformed("string longer than 65535 bytes"));
    }
    if s.contains('\0') {
        return Err(Error::NullCharacter);
    }
    Ok(())
}

/// Check that `b` can be written as MQTT binary data: at most 65,535 bytes.
pub fn check_binary(b: &[u8]) -> Result<(), Error> {
    if b.len() > MAX_FIELD_LEN {
        return Err(Error::Malformed("binary data longer than 65535 bytes"));
    }
    Ok(())
}

/// Bytes a string or binary field takes on the wire (length prefix included).
pub fn field_len(len: usize) -> usize {
    2 + len
}

/// Write a u16-length-prefixed string (checked beforehand with [`check_string`]).
pub fn write_string(out: &mut BytesMut, s: &str) {
    write_binary(out, s.as_bytes());
}

/// Write u16-length-prefixed binary data (checked beforehand with [`check_binary`]).
/// Data over 65,535 bytes is truncated rather than written with a wrong prefix.
pub fn write_binary(out: &mut BytesMut, b: &[u8]) {
    let len = b.len().min(MAX_FIELD_LEN);
    out.put_u16(len as u16);
    out.put_slice(b.get(..len).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_boundaries_from_the_specification() {
        // Table 1.1 (3.1.1) / 1.5.5 (5.0): the ranges of 1 to 4 byte encodings.
        let cases: &[(usize, &[u8])] = &[
            (0, &[0x00]),
            (127, &[0x7F]),
            (128, &[0x80, 0x01]),
            (16_383, &[0xFF, 0x7F]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xFF, 0xFF, 0x7F]),
            (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
            (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]),
        ];
        for &(value, bytes) in cases {
            let mut out = BytesMut::new();
            write_varint(&mut out, value);
            assert_eq!(&out[..], bytes, "encoding {value}");
            assert_eq!(varint_len(value), bytes.len());
            assert_eq!(parse_varint(bytes), Ok(Some((value as u32, bytes.len()))));
            let mut b = Bytes::copy_from_slice(bytes);
            assert_eq!(read_varint(&mut b, "x"), Ok(value as u32));
            assert!(b.is_empty());
        }
        assert_eq!(varint_len(268_435_456), 5);
    }

    #[test]
    fn varint_with_more_bytes_than_needed_is_malformed() {
        for bytes in [
            &[0x80, 0x00][..],
            &[0xFF, 0x00],
            &[0x80, 0x80, 0x00],
            &[0x81, 0x80, 0x80, 0x00],
        ] {
            assert_eq!(
                parse_varint(bytes),
                Err(Error::MalformedVariableInteger),
                "{bytes:02x?}"
            );
        }
        // A zero in the middle is fine: 16,384 is 0x80 0x80 0x01.
        assert_eq!(parse_varint(&[0x80, 0x80, 0x01]), Ok(Some((16_384, 3))));
    }

    #[test]
    fn varint_incomplete_and_too_long() {
        assert_eq!(parse_varint(&[]), Ok(None));
        assert_eq!(parse_varint(&[0x80]), Ok(None));
        assert_eq!(parse_varint(&[0xFF, 0xFF, 0xFF]), Ok(None));
        assert_eq!(
            parse_varint(&[0xFF, 0xFF, 0xFF, 0xFF]),
            Err(Error::MalformedVariableInteger)
        );
        assert_eq!(
            parse_varint(&[0x80, 0x80, 0x80, 0x80, 0x01]),
            Err(Error::MalformedVariableInteger)
        );
        let mut b = Bytes::from_static(&[0x80, 0x80]);
        assert_eq!(
            read_varint(&mut b, "len"),
            Err(Error::Truncated { what: "len" })
        );
    }

    #[test]
    fn integers_and_guarded_reads() {
        let mut b = Bytes::from_static(&[0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC]);
        assert_eq!(read_u8(&mut b, "a"), Ok(0x12));
        assert_eq!(read_u16(&mut b, "b"), Ok(0x3456));
        assert_eq!(read_u32(&mut b, "c"), Err(Error::Truncated { what: "c" }));
        assert_eq!(read_u16(&mut b, "d"), Ok(0x789A));
        assert_eq!(read_u16(&mut b, "e"), Err(Error::Truncated { what: "e" }));
        assert_eq!(read_u8(&mut b, "f"), Ok(0xBC));
        assert_eq!(read_u8(&mut b, "g"), Err(Error::Truncated { what: "g" }));
        let mut b = Bytes::from_static(&[0, 0, 0, 7]);
        assert_eq!(read_u32(&mut b, "g"), Ok(7));
    }

    #[test]
    fn strings() {
        // 3.1.1 figure 1.3: "A𪛔" = 0x41 0xF0 0xAA 0x9B 0x94 with length 5.
        let mut b = Bytes::from_static(&[0x00, 0x05, 0x41, 0xF0, 0xAA, 0x9B, 0x94]);
        assert_eq!(read_string(&mut b, "s").as_deref(), Ok("A\u{2A6D4}"));
        let mut out = BytesMut::new();
        write_string(&mut out, "A\u{2A6D4}");
        assert_eq!(&out[..], &[0x00, 0x05, 0x41, 0xF0, 0xAA, 0x9B, 0x94]);

        let mut b = Bytes::from_static(&[0x00, 0x02, 0xC3, 0x28]);
        assert_eq!(read_string(&mut b, "s"), Err(Error::InvalidUtf8));
        // An encoded surrogate (U+D800) is not UTF-8.
        let mut b = Bytes::from_static(&[0x00, 0x03, 0xED, 0xA0, 0x80]);
        assert_eq!(read_string(&mut b, "s"), Err(Error::InvalidUtf8));
        let mut b = Bytes::from_static(&[0x00, 0x03, b'a', 0x00, b'b']);
        assert_eq!(read_string(&mut b, "s"), Err(Error::NullCharacter));
        let mut b = Bytes::from_static(&[0x00, 0x04, b'a', b'b']);
        assert_eq!(
            read_string(&mut b, "topic"),
            Err(Error::Truncated { what: "topic" })
        );
        let mut b = Bytes::from_static(&[0x00]);
        assert_eq!(
            read_string(&mut b, "topic"),
            Err(Error::Truncated { what: "topic" })
        );

        assert_eq!(check_string(&"x".repeat(65_535)), Ok(()));
        assert_eq!(
            check_string(&"x".repeat(65_536)),
            Err(Error::Malformed("string longer than 65535 bytes"))
        );
        assert_eq!(check_string("a\0"), Err(Error::NullCharacter));
        assert!(check_binary(&[0u8; 65_536]).is_err());
    }

    #[test]
    fn binary_is_zero_copy() {
        let whole = Bytes::from_static(&[0x00, 0x03, 1, 2, 3, 9]);
        let mut b = whole.clone();
        let data = read_binary(&mut b, "data").unwrap();
        assert_eq!(&data[..], &[1, 2, 3]);
        assert_eq!(data.as_ptr(), whole[2..].as_ptr());
        assert_eq!(&b[..], &[9]);
    }
}
