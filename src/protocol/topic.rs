//! Topic names and topic filters: validation and matching (MQTT 5 section 4.7 and 4.8.2,
//! the same rules as 3.1.1 section 4.7 plus shared subscriptions).

use super::Error;

const SHARE_PREFIX: &str = "$share/";

/// Check a topic name as used in PUBLISH (and will topics, response topics): non-empty, no
/// wildcards, at most 65,535 bytes, no U+0000.
pub fn validate_name(topic: &str) -> Result<(), Error> {
    if topic.is_empty() {
        return Err(Error::InvalidTopic("empty"));
    }
    if topic.len() > u16::MAX as usize {
        return Err(Error::InvalidTopic("longer than 65535 bytes"));
    }
    if topic.contains(['+', '#']) {
        return Err(Error::InvalidTopic(
            "wildcards are not allowed in topic names",
        ));
    }
    if topic.contains('\0') {
        return Err(Error::InvalidTopic("contains U+0000"));
    }
    Ok(())
}

/// Check a topic filter as used in SUBSCRIBE / UNSUBSCRIBE: non-empty, `#` only as the whole
/// last level, `+` only as a whole level, and for `$share/{group}/{filter}` a non-empty group
/// without wildcards followed by a valid filter.
pub fn validate_filter(filter: &str) -> Result<(), Error> {
    if filter.is_empty() {
        return Err(Error::InvalidTopicFilter("empty"));
    }
    if filter.len() > u16::MAX as usize {
        return Err(Error::InvalidTopicFilter("longer than 65535 bytes"));
    }
    if filter.contains('\0') {
        return Err(Error::InvalidTopicFilter("contains U+0000"));
    }
    let filter = match filter.strip_prefix(SHARE_PREFIX) {
        Some(rest) => {
            let Some((group, inner)) = rest.split_once('/') else {
                return Err(Error::InvalidTopicFilter(
                    "shared subscription without a filter",
                ));
            };
            if group.is_empty() {
                return Err(Error::InvalidTopicFilter("empty share name"));
            }
            if group.contains(['+', '#']) {
                return Err(Error::InvalidTopicFilter("wildcard in share name"));
            }
            if inner.is_empty() {
                return Err(Error::InvalidTopicFilter(
                    "shared subscription without a filter",
                ));
            }
            inner
        }
        None => filter,
    };
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        if level.contains('#') && (level != "#" || levels.peek().is_some()) {
            return Err(Error::InvalidTopicFilter(
                "'#' must be the whole last level",
            ));
        }
        if level.contains('+') && level != "+" {
            return Err(Error::InvalidTopicFilter("'+' must be a whole level"));
        }
    }
    Ok(())
}

/// Split a shared subscription `$share/{group}/{filter}` into `(group, filter)`; `None` for
/// filters that are not shared (or lack a `/` after the group).
pub fn shared_parts(filter: &str) -> Option<(&str, &str)> {
    filter.strip_prefix(SHARE_PREFIX)?.split_once('/')
}

/// Whether `topic` matches `filter`. A shared subscription matches as its inner filter.
/// Wildcards in the first level do not match topics starting with `$`; `a/#` matches `a`.
pub fn matches(filter: &str, topic: &str) -> bool {
    let filter = shared_parts(filter).map_or(filter, |(_, inner)| inner);
    if topic.starts_with('$') && filter.starts_with(['+', '#']) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(fl), Some(tl)) if fl == tl => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let ok = [
            "a",
            "/",
            "a/b",
            "/a",
            "a/",
            "sport/tennis/player1",
            "$SYS/x",
            " ",
            "a//b",
            "ü/€",
        ];
        for name in ok {
            assert_eq!(validate_name(name), Ok(()), "{name:?}");
        }
        let long = "a".repeat(65_536);
        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("a/+", "wildcards are not allowed in topic names"),
            ("#", "wildcards are not allowed in topic names"),
            ("a/b#", "wildcards are not allowed in topic names"),
            ("a\0b", "contains U+0000"),
            (&long, "longer than 65535 bytes"),
        ];
        for &(name, why) in bad {
            assert_eq!(
                validate_name(name),
                Err(Error::InvalidTopic(why)),
                "{name:.20?}"
            );
        }
        assert_eq!(validate_name(&"a".repeat(65_535)), Ok(()));
    }

    #[test]
    fn filters() {
        let ok = [
            "#",
            "+",
            "a",
            "a/#",
            "a/+/b",
            "+/+",
            "/+",
            "+/",
            "sport/tennis/#",
            "sport/+/player1",
            "$SYS/#",
            "$share/g/a/#",
            "$share/g/#",
            "$share/g//",
            "$share",
            "$sharex/+",
            "a//b",
        ];
        for filter in ok {
            assert_eq!(validate_filter(filter), Ok(()), "{filter:?}");
        }
        let long = "a".repeat(65_536);
        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("a#", "'#' must be the whole last level"),
            ("a/#/b", "'#' must be the whole last level"),
            ("sport/tennis#", "'#' must be the whole last level"),
            ("#/", "'#' must be the whole last level"),
            ("a+", "'+' must be a whole level"),
            ("sport+", "'+' must be a whole level"),
            ("a/b+/c", "'+' must be a whole level"),
            ("a\0", "contains U+0000"),
            ("$share/", "shared subscription without a filter"),
            ("$share/g", "shared subscription without a filter"),
            ("$share/g/", "shared subscription without a filter"),
            ("$share//a", "empty share name"),
            ("$share/+/a", "wildcard in share name"),
            ("$share/g#/a", "wildcard in share name"),
            ("$share/g/a#", "'#' must be the whole last level"),
            (&long, "longer than 65535 bytes"),
        ];
        for &(filter, why) in bad {
            assert_eq!(
                validate_filter(filter),
                Err(Error::InvalidTopicFilter(why)),
                "{filter:.20?}"
            );
        }
    }

    #[test]
    fn shared() {
        assert_eq!(shared_parts("$share/g/a/b"), Some(("g", "a/b")));
        assert_eq!(shared_parts("$share/g/#"), Some(("g", "#")));
        assert_eq!(shared_parts("$share/g"), None);
        assert_eq!(shared_parts("a/b"), None);
        assert_eq!(shared_parts("$SHARE/g/a"), None);
    }

    #[test]
    fn matching() {
        let table: &[(&str, &str, bool)] = &[
            // Examples from the specification (4.7.1.2, 4.7.1.3, 4.7.2).
            ("sport/tennis/player1/#", "sport/tennis/player1", true),
            (
                "sport/tennis/player1/#",
                "sport/tennis/player1/ranking",
                true,
            ),
            (
                "sport/tennis/player1/#",
                "sport/tennis/player1/score/wimbledon",
                true,
            ),
            ("sport/#", "sport", true),
            ("sport/tennis/+", "sport/tennis/player1", true),
            ("sport/tennis/+", "sport/tennis/player2", true),
            ("sport/tennis/+", "sport/tennis/player1/ranking", false),
            ("sport/+", "sport", false),
            ("sport/+", "sport/", true),
            ("+/+", "/finance", true),
            ("/+", "/finance", true),
            ("+", "/finance", false),
            ("#", "$SYS/x", false),
            ("+/monitor/Clients", "$SYS/monitor/Clients", false),
            ("$SYS/#", "$SYS/monitor/Clients", true),
            ("$SYS/monitor/+", "$SYS/monitor/Clients", true),
            // More.
            ("#", "a", true),
            ("#", "/", true),
            ("#", "a/b/c", true),
            ("a/#", "a", true),
            ("a/#", "a/", true),
            ("a/#", "ab", false),
            ("a/b", "a/b", true),
            ("a/b", "a/b/", false),
            ("a/b", "a", false),
            ("a/b", "A/b", false),
            ("+", "a", true),
            ("+", "", true),
            ("+", "a/b", false),
            ("a/+/c", "a//c", true),
            ("a/+/c", "a/b/d", false),
            ("+/b", "$a/b", false),
            ("$a/b", "$a/b", true),
            ("$share/g/a/+", "a/b", true),
            ("$share/g/#", "$SYS/x", false),
            ("$share/g/a", "b", false),
        ];
        for &(filter, topic, expected) in table {
            assert_eq!(matches(filter, topic), expected, "{filter:?} vs {topic:?}");
        }
    }
}
