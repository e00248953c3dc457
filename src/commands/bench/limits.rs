//! What the broker's limits leave a publisher: its window of QoS 1/2 messages in flight, and
//! whether its messages fit into the broker's Maximum Packet Size.
use super::header::{publish_len, HEADER_LEN};
use super::plan::{render, Plan, Role};
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

/// The largest PUBLISH of this process over `version`, and its topic: the payload on the
/// longest topic (of the first or the last publisher, whose index has the most digits; with
/// %s, of the last message of --count/--limit, or the longest sequence number there is).
pub fn largest_publish(plan: &Plan, version: Version) -> Option<(usize, String)> {
    let last = plan
        .pubs
        .end
        .checked_sub(1)
        .filter(|&l| l >= plan.pubs.start)?;
    let seq = plan.topic.contains("%s").then(|| {
        plan.count_for(plan.pubs.start)
            .map_or(u64::MAX, |n| n.saturating_sub(1))
    });
    let topic = [plan.pubs.start, last]
        .into_iter()
        .map(|i| render(&plan.topic, i, &plan.client_id(Role::Pub, i), seq))
        .max_by_key(String::len)?;
    let size = publish_len(version, plan.qos, topic.len(), plan.body.len());
    Some((size, topic))
}

/// Why this run's messages cannot be sent to a broker whose CONNACK says Maximum Packet Size
/// `max`, if they cannot (a usage error: the payload or the topic must be shorter).
pub fn too_large(plan: &Plan, version: Version, max: u32) -> Option<String> {
    let (size, topic) = largest_publish(plan, version)?;
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    if size <= limit {
        return None;
    }
    let payload = HEADER_LEN + plan.body.len();
    let over = size - limit;
    let hint = if payload >= HEADER_LEN + over {
        format!("use -s {} or less", payload - over)
    } else {
        "use a shorter topic".to_string()
    };
    Some(format!(
        "the broker's Maximum Packet Size is {limit} bytes (in its CONNACK), and this run's \
         PUBLISH packets are up to {size} bytes ({payload}-byte payloads, topics like '{topic}'): {hint}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::QoS;

    fn plan(args: &[&str]) -> Plan {
        let args: Vec<&str> = ["pub"].iter().chain(args).copied().collect();
        super::super::plan::test_plan(&args)
    }

    #[test]
    fn a_payload_that_cannot_fit_names_the_limit_and_the_size_that_fits() {
        // bench/0 at QoS 1 over MQTT 5: 1 + 2 (remaining length) + 2 + 7 + 2 + 1 + 256.
        let p = plan(&["-c", "1", "-q", "1"]);
        assert_eq!(p.qos, QoS::AtLeastOnce);
        assert_eq!(
            largest_publish(&p, Version::V5),
            Some((271, "bench/0".to_string()))
        );
        assert_eq!(largest_publish(&p, Version::V3_1_1).map(|l| l.0), Some(270));
        let why = too_large(&p, Version::V5, 256).expect("too large");
        assert!(why.contains("Maximum Packet Size is 256 bytes"), "{why}");
        assert!(why.contains("up to 271 bytes"), "{why}");
        assert!(why.contains("use -s 241 or less"), "{why}");
        assert_eq!(too_large(&p, Version::V5, 271), None);
        // Nothing can help but a shorter topic.
        let long = plan(&["-c", "1", "-s", "28", "-t", &"t".repeat(100)]);
        let why = too_large(&long, Version::V5, 100).expect("too large");
        assert!(why.ends_with("use a shorter topic"), "{why}");
    }

    #[test]
    fn the_longest_topic_decides() {
        let p = plan(&["-c", "1000", "-t", "a/%i/%c"]);
        let (_, topic) = largest_publish(&p, Version::V5).expect("publishers");
        assert!(topic.starts_with("a/999/"), "{topic}");
        // %s: the last sequence number of --count, or the longest one there is.
        let counted = plan(&["-c", "1", "-t", "s/%s", "--count", "1000"]);
        assert_eq!(largest_publish(&counted, Version::V5).unwrap().1, "s/999");
        let endless = plan(&["-c", "1", "-t", "s/%s"]);
        assert_eq!(
            largest_publish(&endless, Version::V5).unwrap().1,
            format!("s/{}", u64::MAX)
        );
    }

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
