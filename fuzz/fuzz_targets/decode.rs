//! Decode arbitrary bytes as every protocol version, with the protocol maximum and a small
//! maximum packet size. Decoding must never panic; `Ok(None)` must consume nothing; every
//! packet that decodes must re-encode (to exactly `encoded_len` bytes) and decode again to
//! an equal packet.
//!
//! Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run decode` from the repository root (cargo-fuzz passes
//! -Z flags; RUSTC_BOOTSTRAP lets a stable toolchain accept them).
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use mqtt::protocol::{decode, encode, Limits, Version};

const VERSIONS: [Version; 3] = [Version::V3_1, Version::V3_1_1, Version::V5];
const LIMITS: [Limits; 2] = [
    Limits {
        max_packet_size: 268_435_460,
    },
    Limits {
        max_packet_size: 64,
    },
];

fuzz_target!(|data: &[u8]| {
    for version in VERSIONS {
        for limits in LIMITS {
            let mut buf = BytesMut::from(data);
            loop {
                let before = buf.clone();
                match decode(&mut buf, version, limits) {
                    Ok(Some(packet)) => {
                        assert!(buf.len() < before.len(), "a decoded packet consumes bytes");
                        let mut out = BytesMut::new();
                        let written = encode(&packet, version, &mut out).unwrap_or_else(|e| {
                            panic!("{packet:?} decoded but does not encode: {e}")
                        });
                        assert_eq!(written, out.len());
                        assert_eq!(written, packet.encoded_len(version));
                        let again = decode(&mut out, version, Limits::default());
                        assert_eq!(
                            again,
                            Ok(Some(packet)),
                            "re-encoded packet decodes the same"
                        );
                        assert!(out.is_empty(), "re-encoding holds exactly one packet");
                    }
                    Ok(None) => {
                        assert_eq!(buf, before, "an incomplete packet consumes nothing");
                        break;
                    }
                    Err(_) => break,
                }
            }
        }
    }
});
