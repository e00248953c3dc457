//! What the broker's limits leave a publisher: its window of QoS 1/2 messages in flight.
use crate::protocol::Version;

/// The window with MQTT 5, when neither `--max-inflight` nor the broker's Receive Maximum is
/// smaller.
pub const WINDOW_V5: u16 = 32;

/// The window with MQTT 3.1/3.1.1, which has no Receive Maximum: mosquitto's default
/// `max_inflight_messages`. Beyond it mosquitto 2.0 acknowledges QoS 2 messages and then drops
/// them without a word (4,679 of 20,000 with a window of 32), or closes the connection.
pub const WINDOW_V3: u16 = 20;

/// QoS 1/2 messages a publisher keeps in flight: `--max-inflight` when given, else the default
/// of the protocol version; never more than the broker's Receive Maximum.
pub fn window(asked: Option<u16>, version: Version, receive_maximum: Option<u16>) -> u16 {
    let wanted = asked.unwrap_or(if version.is_v5() {
        WINDOW_V5
    } else {
        WINDOW_V3
    });
    wanted.min(receive_maximum.unwrap_or(u16::MAX)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_receive_maximum_the_window_is_20_unless_asked() {
        assert_eq!(window(None, Version::V3_1_1, None), 20);
        assert_eq!(window(None, Version::V3_1, None), 20);
        assert_eq!(window(Some(100), Version::V3_1_1, None), 100);
        assert_eq!(window(Some(5), Version::V3_1, None), 5);
    }

    #[test]
    fn the_brokers_receive_maximum_caps_the_window() {
        assert_eq!(window(None, Version::V5, None), 32);
        assert_eq!(window(None, Version::V5, Some(20)), 20);
        assert_eq!(window(Some(1000), Version::V5, Some(65_535)), 1000);
        assert_eq!(window(Some(1000), Version::V5, Some(2)), 2);
        assert_eq!(window(None, Version::V5, Some(0)), 1);
    }
}
