//! `bridge --map`, without I/O: topic rewrites `src/#=dst/#` (a prefix) or `a/b=c/d` (one
//! topic), checked when parsed; the first that matches applies.
use crate::protocol::topic;

#[derive(Clone, Debug, PartialEq)]
enum Rule {
    /// `src/#=dst/#`: `src` and everything below it; `dst` empty for `#`.
    Prefix {
        src: String,
        dst: String,
    },
    Exact {
        src: String,
        dst: String,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    rules: Vec<Rule>,
}

impl Map {
    /// Parse every `--map`; the error names the rule and the problem.
    pub fn parse(specs: &[String]) -> Result<Map, String> {
        let mut rules = Vec::new();
        for spec in specs {
            let bad = |why: &str| format!("--map '{}': {why}", crate::output::shorten(spec));
            let (src, dst) = spec.split_once('=').ok_or_else(|| bad("give SRC=DST"))?;
            if src.contains('+') || dst.contains('+') {
                return Err(bad("'+' is not supported; use a prefix ending in '#'"));
            }
            let prefix = |s: &str| -> Option<Option<String>> {
                if s == "#" {
                    Some(Some(String::new()))
                } else if let Some(p) = s.strip_suffix("/#") {
                    (!p.contains('#')).then(|| Some(p.to_string()))
                } else if s.contains('#') {
                    None
                } else {
                    Some(None)
                }
            };
            match (prefix(src), prefix(dst)) {
                (Some(Some(src)), Some(Some(dst))) => rules.push(Rule::Prefix { src, dst }),
                (Some(None), Some(None)) => {
                    topic::validate_name(src).map_err(|e| bad(&e.to_string()))?;
                    topic::validate_name(dst).map_err(|e| bad(&e.to_string()))?;
                    rules.push(Rule::Exact {
                        src: src.to_string(),
                        dst: dst.to_string(),
                    })
                }
                (None, _) | (_, None) => return Err(bad("'#' only as the last level")),
                _ => return Err(bad("both sides end in '#', or neither")),
            }
        }
        Ok(Map { rules })
    }

    /// The topic to publish `t` to: None when the rule leaves no topic (`a/#=#` on `a`).
    pub fn apply(&self, t: &str) -> Option<String> {
        for r in &self.rules {
            match r {
                Rule::Exact { src, dst } if src == t => return Some(dst.clone()),
                Rule::Prefix { src, dst } => {
                    let rest = if src.is_empty() {
                        Some(t)
                    } else if t == src {
                        Some("")
                    } else {
                        t.strip_prefix(src.as_str())
                            .and_then(|r| r.strip_prefix('/'))
                    };
                    let Some(rest) = rest else { continue };
                    let out = match (dst.is_empty(), rest.is_empty()) {
                        (true, _) => rest.to_string(),
                        (false, true) => dst.clone(),
                        (false, false) => format!("{dst}/{rest}"),
                    };
                    return (!out.is_empty()).then_some(out);
                }
                Rule::Exact { .. } => {}
            }
        }
        Some(t.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(specs: &[&str]) -> Map {
        Map::parse(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn a_prefix_rule_moves_the_topic_and_everything_below_it() {
        let m = map(&["src/#=dst/x/#"]);
        assert_eq!(m.apply("src/a/b").as_deref(), Some("dst/x/a/b"));
        assert_eq!(m.apply("src").as_deref(), Some("dst/x"));
        assert_eq!(
            m.apply("srcx/a").as_deref(),
            Some("srcx/a"),
            "not a level boundary"
        );
        assert_eq!(m.apply("other").as_deref(), Some("other"));
    }

    #[test]
    fn hash_alone_adds_or_strips_a_prefix() {
        assert_eq!(map(&["#=up/#"]).apply("a/b").as_deref(), Some("up/a/b"));
        let strip = map(&["up/#=#"]);
        assert_eq!(strip.apply("up/a").as_deref(), Some("a"));
        assert_eq!(strip.apply("up"), None, "nothing left");
    }

    #[test]
    fn the_first_matching_rule_applies_and_exact_rules_match_one_topic() {
        let m = map(&["a/b=c/d", "a/#=z/#"]);
        assert_eq!(m.apply("a/b").as_deref(), Some("c/d"));
        assert_eq!(m.apply("a/b/c").as_deref(), Some("z/b/c"));
    }

    #[test]
    fn malformed_rules_are_refused_with_the_reason() {
        let err = |s: &str| Map::parse(&[s.to_string()]).unwrap_err();
        assert!(err("a/#").contains("SRC=DST"));
        assert!(err("a/+/b=c/#").contains("'+'"));
        assert!(err("a/#=c").contains("neither"));
        assert!(err("a/#/b=c/#").contains("last level"));
    }
}
