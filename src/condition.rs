//! `sub --until EXPR`: a condition on a message's payload, parsed once and tested on each message.
//!
//! The grammar (README "Waiting for a message"):
//! - `/REGEX/`: the payload (as UTF-8, invalid bytes replaced) matches the regular expression;
//! - `.path OP VALUE`: the payload is JSON and the value at `.path` (`.a.b`, `.items[0].id`,
//!   `.` for the whole document; keys with other characters as `.["a key"]`) compares to
//!   `VALUE`, a JSON literal (`"online"`, `30`, `true`, `null`), with `==`, `!=`, `<`, `<=`,
//!   `>`, `>=` (order only between two numbers or two strings);
//! - `.path` alone: the value exists and is neither `false` nor `null`;
//! - anything else: the payload contains this text.
use serde_json::Value;

/// One step of a JSON path.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A parsed `--until` condition.
#[derive(Clone, Debug)]
pub struct Condition(Test);

#[derive(Clone, Debug)]
enum Test {
    Contains(String),
    Regex(regex_lite::Regex),
    Json {
        path: Vec<Step>,
        test: Option<(Op, Value)>,
    },
}

impl Condition {
    /// Parse an `--until` expression; the error names what is wrong.
    pub fn parse(expr: &str) -> Result<Condition, String> {
        let t = expr.trim();
        if t.is_empty() {
            return Err("the condition is empty".into());
        }
        if t.len() >= 2 && t.starts_with('/') && t.ends_with('/') {
            let re = &t[1..t.len() - 1];
            return regex_lite::Regex::new(re)
                .map(|r| Condition(Test::Regex(r)))
                .map_err(|e| format!("invalid regular expression /{re}/: {e}"));
        }
        if t.starts_with('.') {
            let (path, rest) = parse_path(t)?;
            let rest = rest.trim_start();
            if rest.is_empty() {
                return Ok(Condition(Test::Json { path, test: None }));
            }
            let (op, value) = parse_test(rest)?;
            return Ok(Condition(Test::Json {
                path,
                test: Some((op, value)),
            }));
        }
        Ok(Condition(Test::Contains(expr.to_string())))
    }

    /// Whether a message with this payload meets the condition.
    pub fn matches(&self, payload: &[u8]) -> bool {
        match &self.0 {
            Test::Contains(s) => {
                let needle = s.as_bytes();
                needle.is_empty() || payload.windows(needle.len()).any(|w| w == needle)
            }
            Test::Regex(re) => re.is_match(&String::from_utf8_lossy(payload)),
            Test::Json { path, test } => {
                let Ok(doc) = serde_json::from_slice::<Value>(payload) else {
                    return false;
                };
                let Some(v) = lookup(&doc, path) else {
                    return false;
                };
                match test {
                    None => !matches!(v, Value::Null | Value::Bool(false)),
                    Some((op, want)) => compare(v, *op, want),
                }
            }
        }
    }
}

fn lookup<'a>(doc: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let mut v = doc;
    for step in path {
        v = match step {
            Step::Key(k) => v.get(k.as_str())?,
            Step::Index(i) => v.get(*i)?,
        };
    }
    Some(v)
}

fn compare(v: &Value, op: Op, want: &Value) -> bool {
    let order = match (v, want) {
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b),
            _ => None,
        },
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    };
    use std::cmp::Ordering::*;
    match op {
        // Numbers compare by value (1 == 1.0); everything else structurally.
        Op::Eq => order.map_or(v == want, |o| o == Equal),
        Op::Ne => order.map_or(v != want, |o| o != Equal),
        Op::Lt => order == Some(Less),
        Op::Le => matches!(order, Some(Less | Equal)),
        Op::Gt => order == Some(Greater),
        Op::Ge => matches!(order, Some(Greater | Equal)),
    }
}

/// `.a.b[0]["c d"]` up to the first character that cannot continue it.
fn parse_path(t: &str) -> Result<(Vec<Step>, &str), String> {
    let mut path = Vec::new();
    let mut rest = t;
    loop {
        if let Some(r) = rest.strip_prefix(".[").or_else(|| rest.strip_prefix('[')) {
            let (step, after) = parse_bracket(r)?;
            path.push(step);
            rest = after;
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(r.len());
            if end == 0 {
                // `.` alone is the whole document; `.` before an operator too.
                if path.is_empty() && !r.starts_with('.') {
                    return Ok((path, r));
                }
                return Err(format!("a key is missing after '.' in '{t}'"));
            }
            path.push(Step::Key(r[..end].to_string()));
            rest = &r[end..];
        } else {
            return Ok((path, rest));
        }
    }
}

fn parse_bracket(r: &str) -> Result<(Step, &str), String> {
    let close = r
        .find(']')
        .ok_or_else(|| format!("unclosed '[' in '[{r}'"))?;
    let inner = r[..close].trim();
    let step = if inner.starts_with('"') {
        match serde_json::from_str::<Value>(inner) {
            Ok(Value::String(k)) => Step::Key(k),
            _ => return Err(format!("invalid key {inner} (a JSON string)")),
        }
    } else {
        Step::Index(
            inner
                .parse()
                .map_err(|_| format!("invalid index [{inner}] (a number, or a \"key\")"))?,
        )
    };
    Ok((step, &r[close + 1..]))
}

fn parse_test(rest: &str) -> Result<(Op, Value), String> {
    let ops = [
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];
    let Some((sym, op)) = ops.iter().find(|(s, _)| rest.starts_with(s)) else {
        return Err(format!(
            "expected ==, !=, <, <=, > or >= after the path, not '{rest}'"
        ));
    };
    let literal = rest[sym.len()..].trim();
    if literal.is_empty() {
        return Err(format!("a value is missing after '{sym}'"));
    }
    let value = serde_json::from_str::<Value>(literal).map_err(|_| {
        format!("'{literal}' is not a JSON value (strings in double quotes: \"online\")")
    })?;
    Ok((*op, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(expr: &str, payload: &str) -> bool {
        Condition::parse(expr).unwrap().matches(payload.as_bytes())
    }

    #[test]
    fn plain_text_matches_as_a_substring() {
        assert!(m("ready", "service ready now"));
        assert!(!m("ready", "starting"));
    }

    #[test]
    fn slashes_make_a_regular_expression() {
        assert!(m("/^temp=[0-9]{2}$/", "temp=42"));
        assert!(!m("/^temp=[0-9]{2}$/", "temp=4"));
        assert!(Condition::parse("/(/").is_err());
    }

    #[test]
    fn a_json_field_compares_to_a_literal() {
        assert!(m(r#".status == "online""#, r#"{"status":"online"}"#));
        assert!(!m(r#".status == "online""#, r#"{"status":"offline"}"#));
        assert!(m(".temp > 30", r#"{"temp":30.5}"#));
        assert!(!m(".temp > 30", r#"{"temp":30}"#));
        assert!(m(".temp >= 30", r#"{"temp":30}"#));
        assert!(m(".n == 1", r#"{"n":1.0}"#));
        assert!(m(".a.b[1].c != null", r#"{"a":{"b":[0,{"c":2}]}}"#));
        assert!(m(r#".["a key"] < "b""#, r#"{"a key":"a"}"#));
        assert!(m(". == 5", "5"));
    }

    #[test]
    fn a_path_alone_asks_for_a_value_that_is_not_false_or_null() {
        assert!(m(".done", r#"{"done":true}"#));
        assert!(m(".done", r#"{"done":0}"#));
        assert!(!m(".done", r#"{"done":false}"#));
        assert!(!m(".done", r#"{"other":1}"#));
    }

    #[test]
    fn a_payload_that_is_not_json_or_lacks_the_field_does_not_match() {
        assert!(!m(".temp > 30", "hot"));
        assert!(
            !m(".temp > 30", r#"{"temp":"31"}"#),
            "a string is not a number"
        );
    }

    #[test]
    fn malformed_conditions_are_refused_with_the_reason() {
        for (expr, why) in [
            ("", "empty"),
            (".temp >", "missing"),
            (".temp ~ 3", "expected =="),
            (".status == online", "not a JSON value"),
            (".a[x]", "invalid index"),
            (".a[1", "unclosed"),
            (".a..b", "key is missing"),
        ] {
            let err = Condition::parse(expr).unwrap_err();
            assert!(err.contains(why), "{expr}: {err}");
        }
    }
}
