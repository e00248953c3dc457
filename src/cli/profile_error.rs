//! Config file errors told without the file's contents: a TOML or type error may quote the
//! line that holds a password.
/// A TOML parse error by its position and message only: toml's own text quotes the offending
/// line, which may hold a password.
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = one_line(&e.message());
    match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

/// serde names the value it could not take ("invalid type: integer `12345`, expected a
/// string"), which may be a password given without quotes: keep the kind, drop the value.
pub fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find('`') {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let Some(end) = tail[1..].find('`') else {
            out.push_str(tail);
            return out;
        };
        let quoted = &tail[..end + 2];
        let word = head.trim_end().rsplit(' ').next().unwrap_or("");
        if matches!(
            word,
            "integer"
                | "string"
                | "float"
                | "boolean"
                | "datetime"
                | "character"
                | "sequence"
                | "map"
        ) {
            out.push_str("(value not shown)");
        } else {
            out.push_str(quoted);
        }
        rest = &tail[end + 2..];
    }
    out.push_str(rest);
    out
}

pub fn one_line(e: &impl std::fmt::Display) -> String {
    // toml's messages carry a source excerpt over several lines: keep them on one.
    e.to_string()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
