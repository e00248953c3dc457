//! Colour for the JSON records a person reads on a terminal (`sub`, `conn`, `rr`), in the
//! manner of `jq -C`: keys, strings, numbers, booleans and null each in their colour.
//! `--color auto` (the default) colours only when stdout is a terminal and NO_COLOR is unset
//! or empty; a pipe or a file never sees an escape sequence unless `--color always`.
use std::sync::atomic::{AtomicBool, Ordering};

static ON: AtomicBool = AtomicBool::new(false);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is not set
    #[default]
    Auto,
    /// Always, also into a pipe or a file
    Always,
    /// Never
    Never,
}

/// Decide once, at start-up, from the choice, stdout and NO_COLOR.
pub fn set(choice: ColorChoice) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    ON.store(
        decide(choice, stdout_is_terminal(), no_color),
        Ordering::Relaxed,
    );
}

/// Whether records are coloured.
pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

fn decide(choice: ColorChoice, terminal: bool, no_color: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color,
    }
}

fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

const KEY: &str = "\x1b[34;1m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const LITERAL: &str = "\x1b[33m";
const NULL: &str = "\x1b[90m";
const PUNCT: &str = "\x1b[1;39m";
const RESET: &str = "\x1b[0m";

/// `line` (one JSON text, as the records are) with colour when colour is on.
pub fn record(line: String) -> String {
    if !enabled() {
        return line;
    }
    let mut out = Vec::with_capacity(line.len() * 2);
    paint(line.as_bytes(), &mut out);
    String::from_utf8(out).unwrap_or(line)
}

/// Colour what `buf` holds from `start` on (records appended to an output buffer), when colour
/// is on.
pub fn record_from(buf: &mut Vec<u8>, start: usize) {
    if !enabled() || start >= buf.len() {
        return;
    }
    let tail = buf.split_off(start);
    paint(&tail, buf);
}

/// Append `json` to `out` with colour escapes around each token. Bytes that are not JSON
/// tokens (the newline, anything unexpected) are copied as they are.
pub fn paint(json: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < json.len() {
        let b = json[i];
        match b {
            b'"' => {
                let end = string_end(json, i);
                let mut j = end;
                while j < json.len() && json[j].is_ascii_whitespace() {
                    j += 1;
                }
                let colour = if json.get(j) == Some(&b':') {
                    KEY
                } else {
                    STRING
                };
                token(out, colour, &json[i..end]);
                i = end;
            }
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                token(out, PUNCT, &json[i..i + 1]);
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let end = run_end(json, i, |c| {
                    c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')
                });
                token(out, NUMBER, &json[i..end]);
                i = end;
            }
            b't' | b'f' | b'n' => {
                let end = run_end(json, i, |c| c.is_ascii_alphabetic());
                let colour = if &json[i..end] == b"null" {
                    NULL
                } else {
                    LITERAL
                };
                token(out, colour, &json[i..end]);
                i = end;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
}

fn token(out: &mut Vec<u8>, colour: &str, text: &[u8]) {
    out.extend_from_slice(colour.as_bytes());
    out.extend_from_slice(text);
    out.extend_from_slice(RESET.as_bytes());
}

/// The index after the string starting at `start` (its closing quote included).
fn string_end(json: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < json.len() {
        match json[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    json.len()
}

fn run_end(json: &[u8], start: usize, keep: impl Fn(u8) -> bool) -> usize {
    let mut i = start;
    while i < json.len() && keep(json[i]) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn painted(json: &str) -> String {
        let mut out = Vec::new();
        paint(json.as_bytes(), &mut out);
        String::from_utf8(out).unwrap()
    }

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn keys_strings_numbers_and_literals_each_get_their_colour() {
        let s = painted(r#"{"type":"message","qos":1,"t":-2.5e3,"retain":false,"x":null}"#);
        assert!(s.contains("\x1b[34;1m\"type\"\x1b[0m"), "{s:?}");
        assert!(s.contains("\x1b[32m\"message\"\x1b[0m"), "{s:?}");
        assert!(s.contains("\x1b[36m1\x1b[0m"), "{s:?}");
        assert!(s.contains("\x1b[36m-2.5e3\x1b[0m"), "{s:?}");
        assert!(s.contains("\x1b[33mfalse\x1b[0m"), "{s:?}");
        assert!(s.contains("\x1b[90mnull\x1b[0m"), "{s:?}");
    }

    #[test]
    fn without_the_escapes_the_text_is_unchanged() {
        let json = "{\"payload\":\"a \\\"quoted\\\" : value, {x}\",\"list\":[1, true]}\n";
        assert_eq!(strip(&painted(json)), json);
        // A colon inside a string value does not make it a key.
        assert!(painted(json).contains("\x1b[32m\"a \\\"quoted"));
    }

    #[test]
    fn auto_colours_only_a_terminal_without_no_color() {
        assert!(decide(ColorChoice::Auto, true, false));
        assert!(!decide(ColorChoice::Auto, false, false));
        assert!(!decide(ColorChoice::Auto, true, true));
        assert!(decide(ColorChoice::Always, false, true));
        assert!(!decide(ColorChoice::Never, true, false));
    }
}
