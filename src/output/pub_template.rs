//! `pub --template`: placeholders in the topic and the payload, expanded afresh for each
//! message (`{seq}`, `{now}`, `{now_ms}`, `{uuid}`, `{rand:MIN-MAX}`, `{randf:MIN-MAX}`,
//! `{choice:a|b|c}`, `{client_id}`; other braces are text, `{{` a literal `{`). Parsed once, before
//! connecting; expanding is a plain function of the message's number, the time, the client id
//! and a random generator. Not `sub --format` (`output::template`), which prints messages.
use std::time::SystemTime;

use crate::protocol::topic;

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Lit(Vec<u8>),
    Seq,
    Now,
    NowMs,
    Uuid,
    ClientId,
    Rand(i64, i64),
    /// Bounds and the decimals to print.
    RandF(f64, f64, usize),
    Choice(Vec<String>),
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

/// What a message's expansion depends on besides chance.
pub struct Context<'a> {
    /// The message's number, from 1.
    pub seq: u64,
    pub now: SystemTime,
    pub client_id: &'a str,
}

const KNOWN: &str = "seq, now, now_ms, uuid, client_id, rand:MIN-MAX, randf:MIN-MAX, choice:a|b|c";

impl Template {
    /// Parse `text`; the error names the problem and where it is. A placeholder is `{name}` or
    /// `{name:args}` with a lowercase name; any other brace is text (JSON payloads need no
    /// escaping), and `{{` is a literal `{` (`{{seq}` is the text `{seq}`).
    pub fn parse(text: &[u8]) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = Vec::new();
        let mut i = 0;
        while i < text.len() {
            if text[i] != b'{' {
                lit.push(text[i]);
                i += 1;
                continue;
            }
            if text.get(i + 1) == Some(&b'{') {
                lit.push(b'{');
                i += 2;
                continue;
            }
            let name_len = text[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_lowercase() || **b == b'_')
                .count();
            let after = i + 1 + name_len;
            let end = match text.get(after) {
                Some(b'}') if name_len > 0 => after,
                Some(b':') if name_len > 0 => {
                    after
                        + text[after..]
                            .iter()
                            .position(|&b| b == b'}')
                            .ok_or_else(|| {
                                format!(
                                    "unclosed '{{' at byte {i} (write {{{{ for a literal brace)"
                                )
                            })?
                }
                _ => {
                    lit.push(b'{');
                    i += 1;
                    continue;
                }
            };
            let name = std::str::from_utf8(&text[i + 1..end])
                .map_err(|_| format!("placeholder at byte {i} is not UTF-8"))?;
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(&mut lit)));
            }
            parts.push(placeholder(name)?);
            i = end + 1;
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(Template { parts })
    }

    /// Whether there is nothing to expand (the text is the same for every message).
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Lit(_)))
    }

    /// Append this message's expansion to `out`.
    pub fn expand(&self, cx: &Context, rng: &mut fastrand::Rng, out: &mut Vec<u8>) {
        use std::io::Write as _;
        for part in &self.parts {
            // Writing into a Vec cannot fail.
            let _ = match part {
                Part::Lit(b) => {
                    out.extend_from_slice(b);
                    Ok(())
                }
                Part::Seq => write!(out, "{}", cx.seq),
                Part::Now => write!(out, "{}", super::record::timestamp(cx.now)),
                Part::NowMs => write!(
                    out,
                    "{}",
                    cx.now
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_millis())
                ),
                Part::Uuid => {
                    out.extend_from_slice(uuid_v4(rng).as_bytes());
                    Ok(())
                }
                Part::ClientId => {
                    out.extend_from_slice(cx.client_id.as_bytes());
                    Ok(())
                }
                Part::Rand(lo, hi) => write!(out, "{}", rng.i64(*lo..=*hi)),
                Part::RandF(lo, hi, decimals) => {
                    write!(out, "{:.*}", decimals, lo + rng.f64() * (hi - lo))
                }
                Part::Choice(options) => {
                    let o = &options[rng.usize(..options.len())];
                    out.extend_from_slice(o.as_bytes());
                    Ok(())
                }
            };
        }
    }

    /// Expand into a new string (for topics: a template parsed from a `str` expands to UTF-8
    /// when `client_id` is).
    pub fn expand_string(&self, cx: &Context, rng: &mut fastrand::Rng) -> String {
        let mut out = Vec::new();
        self.expand(cx, rng, &mut out);
        String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }

    /// Check a topic template before connecting: no literal part or choice may hold a wildcard
    /// or U+0000, and a sample expansion must be a valid topic name.
    pub fn check_topic(&self, client_id: &str) -> Result<(), String> {
        let bad = |s: &[u8]| s.iter().any(|b| matches!(b, b'+' | b'#' | 0));
        for part in &self.parts {
            match part {
                Part::Lit(b) if bad(b) => {
                    return Err("a topic name cannot hold the wildcards + or #, or U+0000".into())
                }
                Part::Choice(options) => {
                    if let Some(o) = options.iter().find(|o| bad(o.as_bytes())) {
                        return Err(format!(
                            "{{choice:...}} option '{o}' is not part of a valid topic name"
                        ));
                    }
                }
                Part::ClientId if bad(client_id.as_bytes()) => {
                    return Err(format!(
                    "{{client_id}}: the client id '{client_id}' is not part of a valid topic name"
                ))
                }
                _ => {}
            }
        }
        let cx = Context {
            seq: 1,
            now: SystemTime::now(),
            client_id,
        };
        topic::validate_name(&self.expand_string(&cx, &mut fastrand::Rng::with_seed(1)))
            .map_err(|e| e.to_string())
    }
}

fn placeholder(name: &str) -> Result<Part, String> {
    let (kind, arg) = match name.split_once(':') {
        Some((k, a)) => (k, Some(a)),
        None => (name, None),
    };
    Ok(match (kind, arg) {
        ("seq", None) => Part::Seq,
        ("now", None) => Part::Now,
        ("now_ms", None) => Part::NowMs,
        ("uuid", None) => Part::Uuid,
        ("client_id", None) => Part::ClientId,
        ("rand", Some(a)) => {
            let (lo, hi) = range(a, |s| s.parse::<i64>().ok()).ok_or_else(|| {
                format!("{{rand:{a}}}: expected integers MIN-MAX, e.g. {{rand:1-100}}")
            })?;
            if lo > hi {
                return Err(format!("{{rand:{a}}}: MIN is above MAX"));
            }
            Part::Rand(lo, hi)
        }
        ("randf", Some(a)) => {
            let (lo, hi) = range(a, |s| s.parse::<f64>().ok().filter(|v| v.is_finite()))
                .ok_or_else(|| {
                    format!("{{randf:{a}}}: expected numbers MIN-MAX, e.g. {{randf:20.0-25.5}}")
                })?;
            if lo > hi {
                return Err(format!("{{randf:{a}}}: MIN is above MAX"));
            }
            let decimals = a
                .split(['-', '+'])
                .filter_map(|s| s.split_once('.').map(|(_, d)| d.len()))
                .max()
                .unwrap_or(3);
            Part::RandF(lo, hi, decimals)
        }
        ("choice", Some(a)) => Part::Choice(a.split('|').map(str::to_string).collect()),
        _ => {
            return Err(format!(
                "unknown placeholder {{{name}}} (known: {KNOWN}; write {{{{ for a literal brace)"
            ))
        }
    })
}

/// `MIN-MAX` where either may be negative: the first `-` after which both sides parse.
fn range<T>(a: &str, parse: impl Fn(&str) -> Option<T>) -> Option<(T, T)> {
    a.char_indices()
        .filter(|&(i, c)| c == '-' && i > 0)
        .find_map(|(i, _)| Some((parse(&a[..i])?, parse(&a[i + 1..])?)))
}

/// A random (version 4) UUID, lowercase.
pub fn uuid_v4(rng: &mut fastrand::Rng) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(t: &str, seq: u64) -> String {
        let cx = Context {
            seq,
            now: std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_123),
            client_id: "me",
        };
        Template::parse(t.as_bytes())
            .unwrap()
            .expand_string(&cx, &mut fastrand::Rng::with_seed(7))
    }

    #[test]
    fn plain_placeholders_expand_to_the_message_number_time_and_client_id() {
        assert_eq!(expand("s/{seq}/{client_id}", 42), "s/42/me");
        assert_eq!(expand("{now_ms}", 1), "1700000000123");
        assert_eq!(expand("{now}", 1), "2023-11-14T22:13:20.123000Z");
        assert_eq!(expand("{{seq} }}{{", 1), "{seq} }}{");
        assert_eq!(
            expand(r#"{"a":{"b":[{seq}]},"c":"{ x }"}"#, 3),
            r#"{"a":{"b":[3]},"c":"{ x }"}"#
        );
        assert_eq!(expand("a/{seq", 3), "a/{seq");
        assert!(Template::parse(b"just text").unwrap().is_literal());
        assert!(!Template::parse(b"{seq}").unwrap().is_literal());
    }

    #[test]
    fn random_placeholders_stay_within_their_bounds_and_choices() {
        let t =
            Template::parse(b"{rand:-5-5} {randf:20.0-25.50} {choice:a|b|c} {rand:3-3}").unwrap();
        let mut rng = fastrand::Rng::with_seed(1);
        for seq in 1..500 {
            let cx = Context {
                seq,
                now: SystemTime::now(),
                client_id: "",
            };
            let s = t.expand_string(&cx, &mut rng);
            let f: Vec<&str> = s.split(' ').collect();
            let r: i64 = f[0].parse().unwrap();
            assert!((-5..=5).contains(&r), "{s}");
            let x: f64 = f[1].parse().unwrap();
            assert!((20.0..=25.5).contains(&x), "{s}");
            assert_eq!(f[1].split_once('.').unwrap().1.len(), 2, "{s}");
            assert!(["a", "b", "c"].contains(&f[2]), "{s}");
            assert_eq!(f[3], "3");
        }
        let u = uuid_v4(&mut rng);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]), "{u}");
    }

    #[test]
    fn bad_templates_are_refused_with_the_problem_named() {
        let err = |t: &str| Template::parse(t.as_bytes()).unwrap_err();
        assert!(err("a{rand:1-").contains("unclosed '{' at byte 1"));
        assert!(err("{nope}").contains("unknown placeholder {nope}"));
        assert!(err("{rand:5-1}").contains("MIN is above MAX"));
        assert!(err("{rand:a-b}").contains("expected integers"));
        assert!(err("{randf:1}").contains("expected numbers"));
    }

    #[test]
    fn topic_templates_are_checked_for_wildcards_before_connecting() {
        let check = |t: &str, id: &str| Template::parse(t.as_bytes()).unwrap().check_topic(id);
        assert!(check("a/{seq}/{choice:x|y/z}", "c").is_ok());
        assert!(check("a/+/{seq}", "c").is_err());
        assert!(check("a/{choice:x|#}", "c").unwrap_err().contains("'#'"));
        assert!(check("a/{client_id}", "c+").is_err());
        assert!(check("{choice:|}", "c").is_err());
    }
}
