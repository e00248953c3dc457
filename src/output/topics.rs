//! The records of `mqtt ls`: `topic` (one per topic seen), `ls_summary` (the totals and what
//! went untracked beyond --max-topics) and `ls_tick` (`--watch` when stdout is not a terminal).
use serde::Serialize;
use serde_json::Value;

fn is_false(b: &bool) -> bool {
    !*b
}

/// `topic`: what was seen on one topic.
#[derive(Serialize)]
pub struct TopicRecord<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub topic: &'a str,
    pub messages: u64,
    pub bytes: u64,
    /// Messages a second over the whole listening time.
    pub rate: f64,
    pub first: String,
    pub last: String,
    pub retained: bool,
    pub qos: Vec<u8>,
    /// The last payload's size.
    pub payload_size: usize,
    /// The last payload (its first --payload-bytes bytes), encoded as `sub` does.
    pub payload: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "is_false")]
    pub truncated: bool,
}

/// `ls_summary`: the totals, after the `topic` records.
#[derive(Serialize)]
pub struct LsSummary {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub time: String,
    pub seconds: f64,
    pub topics: u64,
    pub messages: u64,
    pub bytes: u64,
    /// Messages a second over the listening time.
    pub rate: f64,
    /// Messages on topics beyond --max-topics: counted here, not listed.
    pub untracked_messages: u64,
    pub untracked_bytes: u64,
}

/// `ls_tick`: one a second under `--watch` when stdout is not a terminal.
#[derive(Serialize)]
pub struct LsTick<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub time: String,
    pub topics: u64,
    pub messages: u64,
    /// Messages in the second just ended.
    pub rate: u64,
    pub untracked_messages: u64,
    /// The topics with most messages in that second: `[topic, messages]`, most first.
    pub busiest: Vec<(&'a str, u64)>,
}

/// A rate rounded to two decimals.
pub fn rate(count: u64, seconds: f64) -> f64 {
    if seconds <= 0.0 {
        return 0.0;
    }
    (count as f64 / seconds * 100.0).round() / 100.0
}
