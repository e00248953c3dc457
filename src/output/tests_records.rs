//! The records of `mqtt test`: one `check` per check, then a `test_summary`.
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use super::record::{ms, now};

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    /// The broker does not offer the feature (it says so, or refuses it).
    Unsupported,
    /// Not run: `--skip`, not in `--only`, or not part of this MQTT version.
    Skipped,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Unsupported => "unsupported",
            Verdict::Skipped => "skipped",
        }
    }
}

/// `check`: one behaviour of the broker, what was sent and what came back.
#[derive(Serialize)]
pub struct Check<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    name: &'a str,
    protocol_version: &'a str,
    result: Verdict,
    /// A check the exit code depends on (`--require`).
    required: bool,
    detail: &'a str,
    duration_ms: Value,
}

impl<'a> Check<'a> {
    pub fn new(
        name: &'a str,
        protocol_version: &'a str,
        (result, required): (Verdict, bool),
        detail: &'a str,
        took: Duration,
    ) -> Check<'a> {
        Check {
            kind: "check",
            time: now(),
            name,
            protocol_version,
            result,
            required,
            detail,
            duration_ms: ms(took),
        }
    }
}

/// Counts of each result.
#[derive(Default, Serialize, Clone, Copy)]
pub struct Counts {
    pub pass: u64,
    pub fail: u64,
    pub unsupported: u64,
    pub skipped: u64,
}

impl Counts {
    pub fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Pass => self.pass += 1,
            Verdict::Fail => self.fail += 1,
            Verdict::Unsupported => self.unsupported += 1,
            Verdict::Skipped => self.skipped += 1,
        }
    }
}

/// `test_summary`: the counts, the required checks that did not pass, and who the broker is.
#[derive(Serialize)]
pub struct TestSummary<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    broker: &'a str,
    protocol_versions: &'a [String],
    #[serde(flatten)]
    counts: Counts,
    required_not_passed: &'a [String],
    /// The CONNACK properties of the version first tested (MQTT 5).
    #[serde(skip_serializing_if = "Map::is_empty")]
    connack_properties: Map<String, Value>,
    /// `$SYS/broker/version`, when the broker publishes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    sys_version: Option<&'a str>,
    duration_ms: Value,
}

impl<'a> TestSummary<'a> {
    pub fn new(
        broker: &'a str,
        protocol_versions: &'a [String],
        counts: Counts,
        required_not_passed: &'a [String],
        (connack_properties, sys_version): (Map<String, Value>, Option<&'a str>),
        took: Duration,
    ) -> TestSummary<'a> {
        TestSummary {
            kind: "test_summary",
            time: now(),
            broker,
            protocol_versions,
            counts,
            required_not_passed,
            connack_properties,
            sys_version,
            duration_ms: ms(took),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::records::line;

    #[test]
    fn a_check_record_names_the_check_its_result_and_what_happened() {
        let c = Check::new(
            "retained",
            "5",
            (Verdict::Fail, true),
            "sent x, got nothing",
            Duration::from_millis(12),
        );
        let v: Value = serde_json::from_str(&line(&c)).unwrap();
        assert_eq!(v["type"], "check");
        assert_eq!(v["name"], "retained");
        assert_eq!(v["result"], "fail");
        assert_eq!(v["required"], true);
        assert_eq!(v["duration_ms"], 12.0);
    }

    #[test]
    fn the_summary_counts_each_result_and_lists_the_required_failures() {
        let mut n = Counts::default();
        for v in [
            Verdict::Pass,
            Verdict::Pass,
            Verdict::Fail,
            Verdict::Skipped,
        ] {
            n.add(v);
        }
        let versions = vec!["5".to_string()];
        let failed = vec!["retained".to_string()];
        let s = TestSummary::new(
            "127.0.0.1:1883",
            &versions,
            n,
            &failed,
            (Map::new(), Some("mosquitto version 2.0.11")),
            Duration::from_secs(1),
        );
        let v: Value = serde_json::from_str(&line(&s)).unwrap();
        assert_eq!((v["pass"].as_u64(), v["fail"].as_u64()), (Some(2), Some(1)));
        assert_eq!(v["required_not_passed"][0], "retained");
        assert_eq!(v["sys_version"], "mosquitto version 2.0.11");
        assert!(v.get("connack_properties").is_none());
    }
}
