//! Diagnostics on stderr: one line each, human text by default (`mqtt: warning: ...`) or, with
//! `--log json`, one JSON object a line (`{"type":"log","time":...,"level":...,"message":...}`)
//! for tools that read stderr too.
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static JSON: AtomicBool = AtomicBool::new(false);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `mqtt: warning: ...` lines
    #[default]
    Human,
    /// One JSON object a line: type "log", time, level, kind, message
    Json,
}

pub fn set_format(f: LogFormat) {
    JSON.store(f == LogFormat::Json, Ordering::Relaxed);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// The line for `message` (no newline). `kind` names the event for JSON readers
/// (e.g. "disconnected"); human lines show it only as the message says it.
pub fn format(level: Level, kind: Option<&str>, message: &str, json: bool) -> String {
    if json {
        return super::records::line(&super::records::Log::new(level.as_str(), kind, message));
    }
    match level {
        Level::Info => format!("mqtt: {message}"),
        _ => format!("mqtt: {}: {message}", level.as_str()),
    }
}

pub fn emit(level: Level, kind: Option<&str>, message: &str) {
    let line = format(level, kind, message, JSON.load(Ordering::Relaxed));
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

pub fn error(message: &str) {
    emit(Level::Error, None, message)
}

pub fn warning(message: &str) {
    emit(Level::Warning, None, message)
}

pub fn info(kind: &str, message: &str) {
    emit(Level::Info, Some(kind), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_and_json_lines() {
        assert_eq!(
            format(Level::Warning, None, "careful", false),
            "mqtt: warning: careful"
        );
        assert_eq!(
            format(Level::Info, Some("reconnected"), "reconnected", false),
            "mqtt: reconnected"
        );
        let v: serde_json::Value =
            serde_json::from_str(&format(Level::Error, Some("x"), "boom \"q\"", true)).unwrap();
        assert_eq!(v["type"], "log");
        assert_eq!(v["level"], "error");
        assert_eq!(v["kind"], "x");
        assert_eq!(v["message"], "boom \"q\"");
    }
}
