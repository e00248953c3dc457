//! The summary as a table for people, on stderr.
use std::fmt::Write as _;

use super::summary::Summary;

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The summary as a table for people.
pub fn human(s: &Summary) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "\nmqtt bench {} (shard {}){}: {:.1} s measured, {:.1} s in all",
        s.scenario,
        s.shards.join(", "),
        if s.complete { "" } else { ", interrupted" },
        s.measured_s,
        s.elapsed_s
    );
    let _ = writeln!(
        o,
        "  connections   {} of {} connected, {} failed{}",
        thousands(s.connected),
        thousands(s.clients),
        thousands(s.connect_failed),
        if s.connect_failures.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                s.connect_failures
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    if s.publishers > 0 || s.subscribers > 0 {
        let _ = writeln!(
            o,
            "  clients       {} publishers, {} subscribers, QoS {}, MQTT {}{}",
            s.publishers,
            s.subscribers,
            s.qos,
            s.protocol_version,
            if s.payload_size > 0 {
                format!(", {}-byte payloads", s.payload_size)
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            o,
            "  messages      sent {}  acked {}  received {}",
            thousands(s.sent),
            thousands(s.acked),
            thousands(s.received)
        );
        let _ = writeln!(
            o,
            "  per second    sent {:.1}  acked {:.1}  received {:.1}",
            s.throughput.sent_per_s, s.throughput.acked_per_s, s.throughput.received_per_s
        );
        let _ = writeln!(
            o,
            "  delivery      lost {}{}  duplicated {}  reordered {}  overruns {}  unacked {}",
            thousands(s.lost),
            if s.loss_exact || s.subscribers == 0 {
                ""
            } else {
                " (from sequence gaps)"
            },
            thousands(s.duplicated),
            thousands(s.reordered),
            thousands(s.overruns),
            thousands(s.unacked)
        );
    }
    let rows = [
        ("connect", &s.latency_us.connect),
        ("publish->ack", &s.latency_us.publish_to_ack),
        ("end-to-end", &s.latency_us.end_to_end),
    ];
    if rows.iter().any(|r| r.1.is_some()) {
        let _ = writeln!(
            o,
            "  latency (µs)  {:>14} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "count", "p50", "p90", "p99", "p99.9", "max"
        );
        for (name, p) in rows {
            if let Some(p) = p {
                let _ = writeln!(
                    o,
                    "    {:<12}{:>14} {:>9} {:>9} {:>9} {:>9} {:>9}",
                    name,
                    thousands(p.count),
                    thousands(p.p50),
                    thousands(p.p90),
                    thousands(p.p99),
                    thousands(p.p99_9),
                    thousands(p.max)
                );
            }
        }
    }
    if !s.errors.is_empty() {
        let list: Vec<String> = s.errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(o, "  errors        {}", list.join(", "));
    }
    let _ = writeln!(
        o,
        "  client        CPU {:.1}% of a core ({:.2} s user, {:.2} s system, {:.2} µs/message), peak RSS {:.1} MiB",
        s.cpu.percent,
        s.cpu.user_s,
        s.cpu.system_s,
        s.cpu.us_per_message,
        s.peak_rss_bytes as f64 / 1048576.0
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::bench::summary::tests::part;

    #[test]
    fn the_table_shows_end_to_end_latency_and_separates_thousands() {
        assert!(human(&part("0/1", &[1], 1)).contains("end-to-end"));
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
