//! `mqtt test` on a terminal: a table people read, instead of the records.
use std::time::Duration;

use crate::output::tests_records::{Counts, Verdict};
use crate::protocol::Version;

pub struct Row<'a> {
    pub name: &'static str,
    pub version: Version,
    pub verdict: Verdict,
    pub required: bool,
    pub detail: &'a str,
    pub took: Duration,
}

/// The table, the counts, and what the exit code depends on.
pub fn print(rows: &[Row], counts: &Counts, not_passed: &[String], sys_version: Option<&str>) {
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(5).max(5);
    println!(
        "{:width$}  {:5}  {:11}  {:>7}  detail",
        "check", "mqtt", "result", "ms"
    );
    for r in rows {
        let mark = if r.required { "*" } else { " " };
        println!(
            "{:width$}  {:5}  {:11}  {:>7.1}  {}",
            r.name,
            r.version.to_string(),
            format!("{}{mark}", r.verdict.as_str()),
            r.took.as_secs_f64() * 1000.0,
            r.detail
        );
    }
    println!();
    println!(
        "{} passed, {} failed, {} unsupported, {} skipped (* required){}",
        counts.pass,
        counts.fail,
        counts.unsupported,
        counts.skipped,
        sys_version
            .map(|v| format!("; broker: {v}"))
            .unwrap_or_default()
    );
    if !not_passed.is_empty() {
        println!("required and not passed: {}", not_passed.join(", "));
    }
}
