//! `ls --tree`, without I/O: the topics as a tree of their levels, each node with the totals
//! beneath it, a chain of levels with one child each folded into one line (`a/b/c`).
use std::collections::BTreeMap;

/// One line of the tree.
#[derive(Debug, PartialEq)]
pub struct Line {
    pub depth: usize,
    /// The level, or levels folded with `/`.
    pub label: String,
    /// Topics at or below this node.
    pub topics: u64,
    pub messages: u64,
    pub bytes: u64,
}

#[derive(Default)]
struct Node {
    children: BTreeMap<String, Node>,
    /// This node is a topic itself.
    own: bool,
    topics: u64,
    messages: u64,
    bytes: u64,
}

/// The tree's lines, depth first, levels in name order.
pub fn fold<'a>(topics: impl IntoIterator<Item = (&'a str, u64, u64)>) -> Vec<Line> {
    let mut root = Node::default();
    for (topic, messages, bytes) in topics {
        let mut n = &mut root;
        for level in topic.split('/') {
            n.topics += 1;
            n.messages += messages;
            n.bytes += bytes;
            n = n.children.entry(level.to_string()).or_default();
        }
        n.own = true;
        n.topics += 1;
        n.messages += messages;
        n.bytes += bytes;
    }
    let mut lines = Vec::new();
    for (level, child) in &root.children {
        walk(level.clone(), child, 0, &mut lines);
    }
    lines
}

fn walk(mut label: String, mut n: &Node, depth: usize, lines: &mut Vec<Line>) {
    // Fold a level that is not a topic and has a single child into that child.
    while !n.own && n.children.len() == 1 {
        let Some((level, child)) = n.children.iter().next() else {
            break;
        };
        label.push('/');
        label.push_str(level);
        n = child;
    }
    lines.push(Line {
        depth,
        label,
        topics: n.topics,
        messages: n.messages,
        bytes: n.bytes,
    });
    for (level, child) in &n.children {
        walk(level.clone(), child, depth + 1, lines);
    }
}

/// The tree as text: two spaces a level, then the counts.
pub fn render(lines: &[Line]) -> String {
    let width = lines
        .iter()
        .map(|l| 2 * l.depth + l.label.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for l in lines {
        let name = format!("{}{}", "  ".repeat(l.depth), l.label);
        let pad = width - (2 * l.depth + l.label.chars().count());
        let topics = if l.topics > 1 {
            format!("  ({} topics)", l.topics)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "{name}{}  {:>8} msgs {:>10} B{topics}\n",
            " ".repeat(pad),
            l.messages,
            l.bytes
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(depth: usize, label: &str, topics: u64, messages: u64, bytes: u64) -> Line {
        Line {
            depth,
            label: label.into(),
            topics,
            messages,
            bytes,
        }
    }

    #[test]
    fn levels_with_one_child_fold_and_totals_add_up() {
        let lines = fold([
            ("site/a/temp", 2, 20),
            ("site/a/hum", 1, 5),
            ("site/b/x/y", 4, 4),
            ("solo", 1, 1),
        ]);
        assert_eq!(
            lines,
            vec![
                line(0, "site", 3, 7, 29),
                line(1, "a", 2, 3, 25),
                line(2, "hum", 1, 1, 5),
                line(2, "temp", 1, 2, 20),
                line(1, "b/x/y", 1, 4, 4),
                line(0, "solo", 1, 1, 1),
            ]
        );
    }

    #[test]
    fn a_topic_that_is_also_a_parent_is_not_folded() {
        let lines = fold([("a", 1, 1), ("a/b", 2, 2)]);
        assert_eq!(lines, vec![line(0, "a", 2, 3, 3), line(1, "b", 1, 2, 2)]);
    }

    #[test]
    fn empty_levels_are_levels_too() {
        let lines = fold([("/x", 1, 1), ("/y", 1, 1)]);
        assert_eq!(
            lines,
            vec![
                line(0, "", 2, 2, 2),
                line(1, "x", 1, 1, 1),
                line(1, "y", 1, 1, 1)
            ]
        );
    }

    #[test]
    fn rendered_with_indentation_and_aligned_counts() {
        let text = render(&fold([("a/b", 1, 2), ("a/c", 3, 4)]));
        assert_eq!(
            text,
            "a           4 msgs          6 B  (2 topics)\n  b         1 msgs          2 B\n  c         3 msgs          4 B\n"
        );
    }
}
