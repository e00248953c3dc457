//! `ls --watch` on a terminal, without I/O: the screen of one second, a top-like table of the
//! busiest topics (by their messages in that second, or by --sort).
use super::table::{Entry, Table};
use crate::cli::ls::LsSort;

/// Rows of topics on the screen.
pub const ROWS: usize = 30;

/// The whole screen: cursor home, clear, a summary line, the header and up to `rows` topics.
/// Call before `Table::tick` (which resets the per-second counts).
pub fn render(table: &Table, order: LsSort, seconds: f64, rows: usize) -> String {
    let mut v: Vec<(&str, &Entry)> = table.sorted(order);
    if order == LsSort::Rate {
        v.sort_by(|a, b| b.1.recent.cmp(&a.1.recent).then(a.0.cmp(b.0)));
    }
    let recent: u64 = v.iter().map(|(_, e)| e.recent).sum();
    let mut s = String::from("\x1b[H\x1b[2J");
    s.push_str(&format!(
        "mqtt ls: {} topics, {} messages in {:.0} s, {} msg/s now",
        table.len(),
        table.messages,
        seconds,
        recent
    ));
    if table.untracked_messages > 0 {
        s.push_str(&format!(", {} untracked", table.untracked_messages));
    }
    s.push_str(&format!(
        "\n\n{:>8} {:>10} {:>12} {:>3}  TOPIC\n",
        "MSG/S", "MESSAGES", "BYTES", "R"
    ));
    for (t, e) in v.into_iter().take(rows) {
        s.push_str(&format!(
            "{:>8} {:>10} {:>12} {:>3}  {}\n",
            e.recent,
            e.messages,
            e.bytes,
            if e.retained { "r" } else { "" },
            crate::output::shorten(t)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::QoS;
    use std::time::SystemTime;

    #[test]
    fn the_busiest_topics_of_the_second_come_first_within_the_rows() {
        let mut t = Table::new(10, 0);
        let now = SystemTime::UNIX_EPOCH;
        for topic in ["a", "b", "b", "c", "c", "c"] {
            t.add(topic, b"xy", QoS::AtMostOnce, topic == "a", now);
        }
        let screen = render(&t, LsSort::Rate, 1.0, 2);
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(
            lines[0],
            "\x1b[H\x1b[2Jmqtt ls: 3 topics, 6 messages in 1 s, 6 msg/s now"
        );
        assert_eq!(lines[2], "   MSG/S   MESSAGES        BYTES   R  TOPIC");
        assert_eq!(lines[3], "       3          3            6      c");
        assert_eq!(lines[4], "       2          2            4      b");
        assert_eq!(lines.len(), 5);
    }
}
