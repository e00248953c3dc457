//! MQTT 5 reason codes (section 2.4, table 2-6) with the names the specification gives them,
//! the 3.1/3.1.1 CONNACK return codes, and which codes each packet may carry.

use super::{Error, PacketType, Version};

pub const SUCCESS: u8 = 0x00;
pub const NORMAL_DISCONNECTION: u8 = 0x00;
pub const GRANTED_QOS_0: u8 = 0x00;
pub const GRANTED_QOS_1: u8 = 0x01;
pub const GRANTED_QOS_2: u8 = 0x02;
pub const DISCONNECT_WITH_WILL_MESSAGE: u8 = 0x04;
pub const NO_MATCHING_SUBSCRIBERS: u8 = 0x10;
pub const NO_SUBSCRIPTION_EXISTED: u8 = 0x11;
pub const CONTINUE_AUTHENTICATION: u8 = 0x18;
pub const RE_AUTHENTICATE: u8 = 0x19;
pub const UNSPECIFIED_ERROR: u8 = 0x80;
pub const MALFORMED_PACKET: u8 = 0x81;
pub const PROTOCOL_ERROR: u8 = 0x82;
pub const IMPLEMENTATION_SPECIFIC_ERROR: u8 = 0x83;
pub const UNSUPPORTED_PROTOCOL_VERSION: u8 = 0x84;
pub const CLIENT_IDENTIFIER_NOT_VALID: u8 = 0x85;
pub const BAD_USER_NAME_OR_PASSWORD: u8 = 0x86;
pub const NOT_AUTHORIZED: u8 = 0x87;
pub const SERVER_UNAVAILABLE: u8 = 0x88;
pub const SERVER_BUSY: u8 = 0x89;
pub const BANNED: u8 = 0x8A;
pub const SERVER_SHUTTING_DOWN: u8 = 0x8B;
pub const BAD_AUTHENTICATION_METHOD: u8 = 0x8C;
pub const KEEP_ALIVE_TIMEOUT: u8 = 0x8D;
pub const SESSION_TAKEN_OVER: u8 = 0x8E;
pub const TOPIC_FILTER_INVALID: u8 = 0x8F;
pub const TOPIC_NAME_INVALID: u8 = 0x90;
pub const PACKET_IDENTIFIER_IN_USE: u8 = 0x91;
pub const PACKET_IDENTIFIER_NOT_FOUND: u8 = 0x92;
pub const RECEIVE_MAXIMUM_EXCEEDED: u8 = 0x93;
pub const TOPIC_ALIAS_INVALID: u8 = 0x94;
pub const PACKET_TOO_LARGE: u8 = 0x95;
pub const MESSAGE_RATE_TOO_HIGH: u8 = 0x96;
pub const QUOTA_EXCEEDED: u8 = 0x97;
pub const ADMINISTRATIVE_ACTION: u8 = 0x98;
pub const PAYLOAD_FORMAT_INVALID: u8 = 0x99;
pub const RETAIN_NOT_SUPPORTED: u8 = 0x9A;
pub const QOS_NOT_SUPPORTED: u8 = 0x9B;
pub const USE_ANOTHER_SERVER: u8 = 0x9C;
pub const SERVER_MOVED: u8 = 0x9D;
pub const SHARED_SUBSCRIPTIONS_NOT_SUPPORTED: u8 = 0x9E;
pub const CONNECTION_RATE_EXCEEDED: u8 = 0x9F;
pub const MAXIMUM_CONNECT_TIME: u8 = 0xA0;
pub const SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED: u8 = 0xA1;
pub const WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED: u8 = 0xA2;

/// The 3.1/3.1.1 SUBACK failure return code.
pub const V3_SUBACK_FAILURE: u8 = 0x80;

const UNKNOWN: &str = "Unknown reason code";

/// The name of MQTT 5 reason code `code` as carried by `packet` (0x00 is "Success",
/// "Normal disconnection" or "Granted QoS 0" depending on the packet).
/// Unknown codes are "Unknown reason code".
pub fn name(packet: PacketType, code: u8) -> &'static str {
    match code {
        0x00 => match packet {
            PacketType::SubAck => "Granted QoS 0",
            PacketType::Disconnect => "Normal disconnection",
            _ => "Success",
        },
        0x01 => "Granted QoS 1",
        0x02 => "Granted QoS 2",
        0x04 => "Disconnect with Will Message",
        0x10 => "No matching subscribers",
        0x11 => "No subscription existed",
        0x18 => "Continue authentication",
        0x19 => "Re-authenticate",
        0x80 => "Unspecified error",
        0x81 => "Malformed Packet",
        0x82 => "Protocol Error",
        0x83 => "Implementation specific error",
        0x84 => "Unsupported Protocol Version",
        0x85 => "Client Identifier not valid",
        0x86 => "Bad User Name or Password",
        0x87 => "Not authorized",
        0x88 => "Server unavailable",
        0x89 => "Server busy",
        0x8A => "Banned",
        0x8B => "Server shutting down",
        0x8C => "Bad authentication method",
        0x8D => "Keep Alive timeout",
        0x8E => "Session taken over",
        0x8F => "Topic Filter invalid",
        0x90 => "Topic Name invalid",
        0x91 => "Packet Identifier in use",
        0x92 => "Packet Identifier not found",
        0x93 => "Receive Maximum exceeded",
        0x94 => "Topic Alias invalid",
        0x95 => "Packet too large",
        0x96 => "Message rate too high",
        0x97 => "Quota exceeded",
        0x98 => "Administrative action",
        0x99 => "Payload format invalid",
        0x9A => "Retain not supported",
        0x9B => "QoS not supported",
        0x9C => "Use another server",
        0x9D => "Server moved",
        0x9E => "Shared Subscriptions not supported",
        0x9F => "Connection rate exceeded",
        0xA0 => "Maximum connect time",
        0xA1 => "Subscription Identifiers not supported",
        0xA2 => "Wildcard Subscriptions not supported",
        _ => UNKNOWN,
    }
}

/// The name of a CONNACK code: the MQTT 5 reason code, or the 3.1/3.1.1 return code.
pub fn connack_name(version: Version, code: u8) -> &'static str {
    if version.is_v5() {
        return name(PacketType::ConnAck, code);
    }
    match code {
        0 => "Connection accepted",
        1 => "Unacceptable protocol version",
        2 => "Identifier rejected",
        3 => "Server unavailable",
        4 => "Bad user name or password",
        5 => "Not authorized",
        _ => UNKNOWN,
    }
}

/// Map a 3.1/3.1.1 CONNACK return code to the MQTT 5 reason code that means the same.
/// 0 stays 0; unknown codes become 0x80 (Unspecified error).
pub fn connack_v3_to_v5(code: u8) -> u8 {
    match code {
        0 => SUCCESS,
        1 => UNSUPPORTED_PROTOCOL_VERSION,
        2 => CLIENT_IDENTIFIER_NOT_VALID,
        3 => SERVER_UNAVAILABLE,
        4 => BAD_USER_NAME_OR_PASSWORD,
        5 => NOT_AUTHORIZED,
        _ => UNSPECIFIED_ERROR,
    }
}

/// A CONNACK refusal that no retry will change: the credentials, the authorization or the
/// authentication method (MQTT 5), or 3.1.1's return codes 4 and 5.
pub fn connack_is_final(code: u8) -> bool {
    matches!(
        code,
        BAD_USER_NAME_OR_PASSWORD | NOT_AUTHORIZED | BAD_AUTHENTICATION_METHOD | 0x04 | 0x05
    )
}

/// A CONNACK saying the broker does not speak the version asked for (3.1.1's return code 1,
/// MQTT 5's 0x84).
pub fn connack_is_unsupported_version(code: u8) -> bool {
    matches!(code, 0x01 | UNSUPPORTED_PROTOCOL_VERSION)
}

/// A server DISCONNECT worth reconnecting after: busy, shutting down, or pointing elsewhere.
/// Any other reason is final.
pub fn disconnect_is_retryable(code: u8) -> bool {
    matches!(
        code,
        SERVER_BUSY | SERVER_SHUTTING_DOWN | USE_ANOTHER_SERVER | SERVER_MOVED
    )
}

/// Codes of 0x80 and above report failure.
pub fn is_error(code: u8) -> bool {
    code >= 0x80
}

/// Whether `packet` may carry MQTT 5 reason code `code` (table 2-6).
pub fn is_valid(packet: PacketType, code: u8) -> bool {
    match packet {
        PacketType::ConnAck => matches!(
            code,
            0x00 | 0x80..=0x8A | 0x8C | 0x90 | 0x95 | 0x97 | 0x99..=0x9D | 0x9F
        ),
        // Also the refusals of a message that MQTT 5 lists for DISCONNECT only: mosquitto
        // answers a payload over its message_size_limit with PUBACK 0x95 ("Packet too large").
        PacketType::PubAck | PacketType::PubRec => {
            matches!(
                code,
                0x00 | 0x10 | 0x80 | 0x83 | 0x87 | 0x90 | 0x91 | 0x97 | 0x99
            ) || matches!(code, 0x93 | 0x95 | 0x96 | 0x9A | 0x9B)
        }
        PacketType::PubRel | PacketType::PubComp => matches!(code, 0x00 | 0x92),
        PacketType::SubAck => matches!(
            code,
            0x00 | 0x01 | 0x02 | 0x80 | 0x83 | 0x87 | 0x8F | 0x91 | 0x97 | 0x9E | 0xA1 | 0xA2
        ),
        PacketType::UnsubAck => matches!(code, 0x00 | 0x11 | 0x80 | 0x83 | 0x87 | 0x8F | 0x91),
        PacketType::Disconnect => matches!(
            code,
            0x00 | 0x04 | 0x80..=0x83 | 0x87 | 0x89 | 0x8B..=0x90 | 0x93..=0xA2
        ),
        PacketType::Auth => matches!(code, 0x00 | 0x18 | 0x19),
        _ => false,
    }
}

/// Check a code carried by `packet` in `version`: the MQTT 5 table, or in 3.1/3.1.1 the
/// CONNACK return codes 0-5 and the SUBACK codes 0, 1, 2, 0x80 (other packets carry none,
/// so only 0 passes).
pub fn check(packet: PacketType, version: Version, code: u8) -> Result<(), Error> {
    let ok = if version.is_v5() {
        is_valid(packet, code)
    } else {
        match packet {
            PacketType::ConnAck => code <= 5,
            PacketType::SubAck => matches!(code, 0 | 1 | 2 | V3_SUBACK_FAILURE),
            _ => code == 0,
        }
    };
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidReasonCode {
            code,
            packet: packet.name(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_context() {
        assert_eq!(name(PacketType::ConnAck, 0), "Success");
        assert_eq!(name(PacketType::PubAck, 0), "Success");
        assert_eq!(name(PacketType::Auth, 0), "Success");
        assert_eq!(name(PacketType::Disconnect, 0), "Normal disconnection");
        assert_eq!(name(PacketType::SubAck, 0), "Granted QoS 0");
        assert_eq!(name(PacketType::SubAck, 1), "Granted QoS 1");
        assert_eq!(name(PacketType::SubAck, 2), "Granted QoS 2");
        assert_eq!(
            name(PacketType::Disconnect, 4),
            "Disconnect with Will Message"
        );
        assert_eq!(name(PacketType::PubAck, 0x10), "No matching subscribers");
        assert_eq!(name(PacketType::UnsubAck, 0x11), "No subscription existed");
        assert_eq!(name(PacketType::Auth, 0x18), "Continue authentication");
        assert_eq!(name(PacketType::Auth, 0x19), "Re-authenticate");
        assert_eq!(name(PacketType::ConnAck, 0x80), "Unspecified error");
        assert_eq!(name(PacketType::ConnAck, 0x81), "Malformed Packet");
        assert_eq!(
            name(PacketType::ConnAck, 0x84),
            "Unsupported Protocol Version"
        );
        assert_eq!(name(PacketType::ConnAck, 0x86), "Bad User Name or Password");
        assert_eq!(name(PacketType::ConnAck, 0x87), "Not authorized");
        assert_eq!(name(PacketType::Disconnect, 0x8E), "Session taken over");
        assert_eq!(name(PacketType::PubAck, 0x97), "Quota exceeded");
        assert_eq!(
            name(PacketType::SubAck, 0xA2),
            "Wildcard Subscriptions not supported"
        );
        assert_eq!(name(PacketType::ConnAck, 0x03), "Unknown reason code");
        assert_eq!(name(PacketType::ConnAck, 0xA3), "Unknown reason code");
        assert_eq!(name(PacketType::ConnAck, 0xFF), "Unknown reason code");
        // Every code from 0x80 to 0xA2 has a name.
        for code in 0x80..=0xA2 {
            assert_ne!(name(PacketType::Disconnect, code), UNKNOWN, "{code:#x}");
        }
    }

    #[test]
    fn connack_codes() {
        let v3 = [
            (0, "Connection accepted", 0x00),
            (1, "Unacceptable protocol version", 0x84),
            (2, "Identifier rejected", 0x85),
            (3, "Server unavailable", 0x88),
            (4, "Bad user name or password", 0x86),
            (5, "Not authorized", 0x87),
        ];
        for (code, text, v5) in v3 {
            assert_eq!(connack_name(Version::V3_1_1, code), text);
            assert_eq!(connack_name(Version::V3_1, code), text);
            assert_eq!(connack_v3_to_v5(code), v5);
            assert!(is_valid(PacketType::ConnAck, v5));
        }
        assert_eq!(connack_name(Version::V3_1_1, 6), "Unknown reason code");
        assert_eq!(connack_v3_to_v5(6), 0x80);
        assert_eq!(connack_name(Version::V5, 0), "Success");
        assert_eq!(connack_name(Version::V5, 0x86), "Bad User Name or Password");
        assert_eq!(connack_name(Version::V5, 5), "Unknown reason code");
    }

    #[test]
    fn reason_policy_names_final_refusals_versions_and_retryable_disconnects() {
        for final_code in [0x86, 0x87, 0x8C, 0x04, 0x05] {
            assert!(connack_is_final(final_code), "{final_code:#x}");
        }
        for other in [0x00, 0x88, 0x89, 0x9F, 0x01, 0x03] {
            assert!(!connack_is_final(other), "{other:#x}");
        }
        assert!(connack_is_unsupported_version(0x01) && connack_is_unsupported_version(0x84));
        assert!(!connack_is_unsupported_version(0x02));
        for retry in [0x89, 0x8B, 0x9C, 0x9D] {
            assert!(disconnect_is_retryable(retry), "{retry:#x}");
        }
        for final_code in [0x00, 0x04, 0x8E, 0x98, 0x82] {
            assert!(!disconnect_is_retryable(final_code), "{final_code:#x}");
        }
    }

    #[test]
    fn validity_per_packet() {
        use PacketType::*;
        let table: &[(PacketType, u8, bool)] = &[
            (ConnAck, 0x00, true),
            (ConnAck, 0x8A, true),
            (ConnAck, 0x8B, false),
            (ConnAck, 0x9F, true),
            (ConnAck, 0x9E, false),
            (ConnAck, 0x01, false),
            (PubAck, 0x10, true),
            (PubAck, 0x92, false),
            (PubAck, 0x95, true),
            (PubRec, 0x9B, true),
            (PubAck, 0x8E, false),
            (PubRec, 0x99, true),
            (PubRel, 0x92, true),
            (PubRel, 0x80, false),
            (PubComp, 0x00, true),
            (SubAck, 0x02, true),
            (SubAck, 0x03, false),
            (SubAck, 0xA1, true),
            (SubAck, 0x11, false),
            (UnsubAck, 0x11, true),
            (UnsubAck, 0x01, false),
            (Disconnect, 0x04, true),
            (Disconnect, 0x8B, true),
            (Disconnect, 0x84, false),
            (Disconnect, 0x91, false),
            (Disconnect, 0xA2, true),
            (Auth, 0x18, true),
            (Auth, 0x80, false),
            (Publish, 0x00, false),
        ];
        for &(packet, code, ok) in table {
            assert_eq!(is_valid(packet, code), ok, "{packet:?} {code:#04x}");
        }
        assert_eq!(check(SubAck, Version::V3_1_1, 0x80), Ok(()));
        assert_eq!(
            check(SubAck, Version::V3_1_1, 0x87),
            Err(Error::InvalidReasonCode {
                code: 0x87,
                packet: "SUBACK"
            })
        );
        assert_eq!(check(ConnAck, Version::V3_1, 5), Ok(()));
        assert_eq!(
            check(ConnAck, Version::V3_1_1, 6),
            Err(Error::InvalidReasonCode {
                code: 6,
                packet: "CONNACK"
            })
        );
        assert!(is_error(0x80));
        assert!(!is_error(0x7F));
        assert!(!is_error(0x10));
    }
}
