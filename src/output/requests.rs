//! The records of request/response: `unanswered` (`mqtt rr`: a request whose replies did not all
//! come within -W) and `replied` (`mqtt reply`: one per request served). A reply itself is a
//! `message` record with `request_seq` and `latency_ms` (`message::write_answer`).
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::payload::binary_value;
use super::record::{ms, now};

/// `unanswered`: what was outstanding when a request's -W passed.
#[derive(Serialize)]
pub struct Unanswered<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    request_seq: u64,
    topic: &'a str,
    /// None over MQTT 3.1/3.1.1 (no properties: correlation by order).
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation_data: Option<Value>,
    replies: u32,
    expected: u32,
    waited_ms: Value,
}

impl<'a> Unanswered<'a> {
    pub fn new(
        request_seq: u64,
        topic: &'a str,
        correlation_data: Option<&[u8]>,
        (replies, expected): (u32, u32),
        waited: Duration,
    ) -> Unanswered<'a> {
        Unanswered {
            kind: "unanswered",
            time: now(),
            request_seq,
            topic,
            correlation_data: correlation_data.map(binary_value),
            replies,
            expected,
            waited_ms: ms(waited),
        }
    }
}

/// How a request was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Answered (the command exited 0, or -m / --echo).
    Ok,
    /// The command failed or timed out: answered with the user property `error`.
    Error,
    /// Not answered: no Response Topic.
    Skipped,
}

/// `replied`: one request served by `mqtt reply`.
#[derive(Serialize)]
pub struct Replied<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    time: String,
    /// Requests taken so far, counting from 1.
    request_seq: u64,
    topic: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_topic: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation_data: Option<Value>,
    outcome: Outcome,
    /// The command's exit status (--exec; None when it was killed or timed out).
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_code: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    payload_size: usize,
    /// From the request's arrival to the reply handed to the session.
    duration_ms: Value,
}

/// What a `replied` record says of the request.
pub struct Request<'a> {
    pub seq: u64,
    pub topic: &'a str,
    pub response_topic: Option<&'a str>,
    pub correlation_data: Option<&'a [u8]>,
}

/// What a `replied` record says of the answer.
pub struct Answer<'a> {
    pub outcome: Outcome,
    pub exit_code: Option<i32>,
    pub error: Option<&'a str>,
    pub payload_size: usize,
    pub took: Duration,
}

impl<'a> Replied<'a> {
    pub fn new(request: &Request<'a>, answer: &Answer<'a>) -> Replied<'a> {
        Replied {
            kind: "replied",
            time: now(),
            request_seq: request.seq,
            topic: request.topic,
            response_topic: request.response_topic,
            correlation_data: request.correlation_data.map(binary_value),
            outcome: answer.outcome,
            exit_code: answer.exit_code,
            error: answer.error,
            payload_size: answer.payload_size,
            duration_ms: ms(answer.took),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::records::line;

    #[test]
    fn an_unanswered_record_names_the_request_and_what_came() {
        let r = Unanswered::new(
            3,
            "svc/req",
            Some(b"ab12"),
            (1, 2),
            Duration::from_millis(1500),
        );
        let v: Value = serde_json::from_str(&line(&r)).unwrap();
        assert_eq!(v["type"], "unanswered");
        assert_eq!(v["request_seq"], 3);
        assert_eq!(v["topic"], "svc/req");
        assert_eq!(v["correlation_data"], "ab12");
        assert_eq!(
            (v["replies"].as_u64(), v["expected"].as_u64()),
            (Some(1), Some(2))
        );
        assert_eq!(v["waited_ms"], 1500.0);
        let v3 = Unanswered::new(1, "t", None, (0, 1), Duration::ZERO);
        assert!(!line(&v3).contains("correlation_data"));
    }

    #[test]
    fn a_replied_record_gives_binary_correlation_data_as_base64_and_leaves_out_what_is_absent() {
        let req = Request {
            seq: 7,
            topic: "svc/a/req",
            response_topic: Some("me/reply"),
            correlation_data: Some(&[0xff, 0x00]),
        };
        let ans = Answer {
            outcome: Outcome::Error,
            exit_code: Some(3),
            error: Some("exit status 3"),
            payload_size: 5,
            took: Duration::from_micros(2500),
        };
        let v: Value = serde_json::from_str(&line(&Replied::new(&req, &ans))).unwrap();
        assert_eq!(v["type"], "replied");
        assert_eq!(v["outcome"], "error");
        assert_eq!(v["exit_code"], 3);
        assert_eq!(v["correlation_data"]["base64"], "/wA=");
        assert_eq!(v["duration_ms"], 2.5);
        let ok = Answer {
            outcome: Outcome::Ok,
            exit_code: None,
            error: None,
            payload_size: 0,
            took: Duration::ZERO,
        };
        let s = line(&Replied::new(&req, &ok));
        assert!(!s.contains("exit_code") && !s.contains("\"error\""), "{s}");
    }
}
