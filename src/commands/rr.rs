//! `mqtt rr`: send requests, wait for their replies. It subscribes to the response topic first,
//! then publishes each request with a Response Topic and fresh Correlation Data (MQTT 5), and
//! prints each reply whose correlation data matches a request in flight, as a `message` record
//! with the request it answers and the latency. Over MQTT 3.1/3.1.1 one request is in flight
//! at a time and the next message on the response topic is its reply.
use std::collections::{HashMap, VecDeque};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use tokio::sync::mpsc;

use super::publish::pace::Pace;
use super::publish::source::{self, InputError, Item};
use super::stdout::write_out;
use super::{connecting, input, signals};
use crate::cli::rr::RrArgs;
use crate::exit;
use crate::output::message::Answers;
use crate::output::printer::Printer;
use crate::output::requests::Unanswered;
use crate::output::{diag, record, records, ThreadedOutput};
use crate::protocol::{
    reason, topic, PacketType, Properties, Publish, SubOptions, Subscribe, Version,
};
use crate::session::{Request, SessionSettings, Update};

/// The response topic without -e and without the broker's Response Information:
/// `mqtt-rr/<client id>/reply`.
pub const DEFAULT_RESPONSE_PREFIX: &str = "mqtt-rr";

/// A request sent, waiting for its replies.
struct Pending {
    seq: u64,
    topic: String,
    sent: Instant,
    got: u32,
}

/// Messages on the response topic that answer no request in flight.
#[derive(Default)]
struct Ignored {
    retained: u64,
    uncorrelated: u64,
    unknown: u64,
}

impl Ignored {
    fn total(&self) -> u64 {
        self.retained + self.uncorrelated + self.unknown
    }

    fn report(&self, topic: &str) {
        if self.total() == 0 {
            return;
        }
        let mut parts = Vec::new();
        for (n, what) in [
            (self.retained, "retained"),
            (self.uncorrelated, "without correlation data"),
            (
                self.unknown,
                "with correlation data of no request in flight",
            ),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        diag::warning(&format!(
            "ignored {} message(s) on '{}' that answer no request: {}",
            self.total(),
            crate::output::shorten(topic),
            parts.join(", ")
        ));
    }
}

/// What the run did: requests sent, answered, timed out, rejected.
#[derive(Default)]
struct Counts {
    sent: u64,
    answered: u64,
    unanswered: u64,
    rejected: u64,
}

pub async fn run(args: RrArgs) -> Result<ExitCode> {
    let mut signals = signals::Signals::new();
    let mut opts = args.connect.options()?;
    if args.source.template_file.is_some() {
        return Err(exit::usage(
            "--template-file is pub's: rr sends its requests as they are (use -f)",
        ));
    }
    if let Some(t) = &args.topic {
        topic::validate_name(t)
            .map_err(|e| exit::usage(format!("-t '{}': {e}", crate::output::shorten(t))))?;
    }
    if let Some(t) = &args.response_topic {
        topic::validate_name(t)
            .map_err(|e| exit::usage(format!("-e '{}': {e}", crate::output::shorten(t))))?;
    }
    if args.correlation_data.is_some() && args.max_inflight > 1 {
        return Err(exit::usage(
            "--correlation-data gives every request the same data: use --max-inflight 1",
        ));
    }
    let codecs = args.schema.codecs_for(
        args.source.encode == Some(crate::output::codec::Codec::Protobuf)
            || args.output.payload == crate::output::payload::PayloadFormat::Protobuf,
        "protobuf",
    )?;
    let mut printer = Printer::new(
        args.output.format.as_deref(),
        args.output.verbose,
        crate::output::codec::Decoder::new(args.output.payload, codecs.clone(), false),
    )
    .map_err(exit::usage)?;
    // MQTT 5: ask the broker for Response Information (a topic base it allows us to use).
    if opts.connect.version == Version::V5 {
        opts.connect.properties.request_response_information = Some(1);
    }
    let fixed = tokio::select! {
        r = source::fixed_payload(&args.source, args.source.encode, &codecs) => r?,
        _ = signals.recv() => return Err(exit::interrupted("interrupted while reading the request; nothing was sent")),
    };
    let wait = args.timeout;
    let deadline = tokio::time::Instant::now() + wait;
    let settings = SessionSettings {
        notice_capacity: 1024,
        ..SessionSettings::default()
    };
    let connecting = connecting::connect(&opts, &args.reconnect, settings);
    let mut session = tokio::select! {
        s = connecting => s?,
        _ = tokio::time::sleep_until(deadline) => return Err(exit::timeout(format!(
            "timed out: not connected within {}", humantime::format_duration(wait)
        ))),
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting; nothing was sent")),
    };
    let v5 = session.version == Version::V5;
    if !v5 {
        if args.response_topic.is_none() {
            session.disconnect(Duration::from_secs(1)).await;
            return Err(exit::usage(format!(
                "MQTT {} has no Response Topic property: give -e RESPONSE_TOPIC (the responder's reply topic)",
                session.version
            )));
        }
        if args.max_inflight > 1 || args.correlation_data.is_some() {
            session.disconnect(Duration::from_secs(1)).await;
            return Err(exit::usage(format!(
                "MQTT {} correlates replies by order: one request at a time (no --max-inflight, no --correlation-data)",
                session.version
            )));
        }
    }
    let response_topic = match &args.response_topic {
        Some(t) => t.clone(),
        None => {
            let client_id = session
                .connack
                .properties
                .assigned_client_identifier
                .clone()
                .unwrap_or_else(|| opts.connect.client_id.clone());
            let base = session
                .connack
                .properties
                .response_information
                .clone()
                .filter(|r| !r.is_empty())
                .map(|r| r.trim_end_matches('/').to_string())
                .unwrap_or_else(|| DEFAULT_RESPONSE_PREFIX.to_string());
            format!("{base}/{client_id}/reply")
        }
    };
    topic::validate_name(&response_topic).map_err(|e| {
        exit::usage(format!(
            "response topic '{}': {e}",
            crate::output::shorten(&response_topic)
        ))
    })?;

    // Subscribed before the first request, so that no reply can come before we listen.
    let sub = Subscribe {
        packet_id: 0,
        filters: vec![(response_topic.clone(), SubOptions::qos(args.qos))],
        properties: Properties::default(),
    };
    let subscribed = tokio::select! {
        r = session.subscribe(sub, connecting::report) => r,
        _ = tokio::time::sleep_until(deadline) => Err(exit::timeout(format!(
            "timed out: the response subscription was not acknowledged within {}", humantime::format_duration(wait)
        ))),
        _ = signals.recv() => {
            session.disconnect(STOP_GRACE).await;
            return Err(exit::interrupted("interrupted while subscribing; nothing was sent"));
        }
    };
    let ack = match subscribed {
        Ok(ack) => ack,
        Err(e) => {
            session.disconnect(STOP_GRACE).await;
            return Err(e);
        }
    };
    if let Some(&code) = ack.reason_codes.iter().find(|&&c| reason::is_error(c)) {
        session.disconnect(Duration::from_secs(1)).await;
        return Err(exit::rejected(format!(
            "the subscription to the response topic '{}' was refused: {}",
            crate::output::shorten(&response_topic),
            connecting::reason_text(PacketType::SubAck, code, Some(&ack.properties))
        )));
    }

    let template = Publish {
        topic: args.topic.clone().unwrap_or_default(),
        qos: args.qos,
        properties: request_properties(&args, v5)?,
        ..Publish::default()
    };
    let limit = input::Limit::default();
    limit.cap(session.connack.properties.maximum_packet_size);
    let (tx, mut rx) = mpsc::channel::<Item>(256);
    let reader = if let Some(payload) = fixed {
        tokio::spawn(source::repeat(
            tx,
            template,
            payload,
            args.repeat,
            Pace::new(args.interval, None, None),
            None,
        ))
    } else if args.source.lines {
        tokio::spawn(source::read_lines(
            tx,
            template,
            Pace::new(args.interval, None, None),
            limit,
            args.source.encode.map(|c| (c, codecs.clone())),
        ))
    } else {
        tokio::spawn(source::read_jsonl(
            tx,
            template,
            session.version,
            Pace::new(args.interval, None, None),
            limit,
            codecs.clone(),
        ))
    };

    let mut out = ThreadedOutput::new();
    // Records (not templates or -v lines) in colour on a terminal (`output::color`).
    out.colour_records(printer.prints_records());
    let mut counts = Counts::default();
    let mut ignored = Ignored::default();
    // In flight, by correlation data (MQTT 3.1/3.1.1: one, under empty data).
    let mut pending: HashMap<Bytes, Pending> = HashMap::new();
    // When each request times out, in the order sent (the same -W for all).
    let mut expiry: VecDeque<(tokio::time::Instant, Bytes)> = VecDeque::new();
    let mut input_error: Option<InputError> = None;
    let mut input_done = false;
    let mut refusal: Option<String> = None;
    let mut next: Option<(Bytes, Pending, Request)> = None;
    let requests = session.requests.clone();
    let interrupted = loop {
        if input_done && next.is_none() && pending.is_empty() {
            break false;
        }
        while let Some((_, key)) = expiry.front() {
            if pending.contains_key(key) {
                break;
            }
            expiry.pop_front();
        }
        let expires = expiry.front().map(|(t, _)| *t);
        let room = pending.len() < usize::from(args.max_inflight);
        tokio::select! {
            biased;
            _ = signals.recv() => break true,
            n = session.next(), if !out.is_full() || out.has_room() => match n {
                Some(Update::Message(p)) => {
                    let key = match (p.retain, v5, &p.properties.correlation_data) {
                        (true, _, _) => {
                            ignored.retained += 1;
                            continue;
                        }
                        (false, true, Some(c)) => c.clone(),
                        (false, true, None) => {
                            ignored.uncorrelated += 1;
                            continue;
                        }
                        (false, false, _) => Bytes::new(),
                    };
                    let Some(req) = pending.get_mut(&key) else {
                        ignored.unknown += 1;
                        continue;
                    };
                    req.got += 1;
                    let answers = Answers { request_seq: req.seq, latency: req.sent.elapsed() };
                    let time = record::now();
                    printer.print(out.buffer(), &p, &time, &args.output.fields, Some(answers));
                    if req.got >= args.replies {
                        pending.remove(&key);
                        counts.answered += 1;
                    }
                    if out.should_flush(session.is_quiet()) && out.has_room() {
                        out.flush(None).await?;
                    }
                }
                Some(Update::Published { token, reason: code, properties, .. }) if reason::is_error(code) => {
                    counts.rejected += 1;
                    pending.retain(|_, r| r.seq != token);
                    diag::warning(&format!(
                        "request {token} rejected: {}",
                        connecting::reason_text(PacketType::PubAck, code, properties.as_deref())
                    ));
                }
                Some(Update::Published { .. }) => {}
                Some(Update::NotSent { token, error }) => {
                    pending.retain(|_, r| r.seq != token);
                    reader.abort();
                    input_done = true;
                    refusal.get_or_insert(format!("request {token} not sent: {error}"));
                }
                Some(Update::Closed(result)) => {
                    write_out(&mut out, &mut signals, STOP_GRACE).await?;
                    return match result {
                        Err(e) => Err(e.into_error(&format!(" ({} of {} requests answered)", counts.answered, counts.sent))),
                        Ok(()) => Err(exit::runtime("the session ended unexpectedly")),
                    };
                }
                Some(other) => connecting::report(&other),
                None => break false,
            },
            _ = out.idle(), if !out.buffer().is_empty() => out.flush(None).await?,
            _ = sleep_until(expires), if expires.is_some() => {
                if let Some((_, key)) = expiry.pop_front() {
                    if let Some(req) = pending.remove(&key) {
                        counts.unanswered += 1;
                        let r = Unanswered::new(
                            req.seq,
                            &req.topic,
                            v5.then_some(&key[..]),
                            (req.got, args.replies),
                            req.sent.elapsed(),
                        );
                        records::write(out.buffer(), &r);
                    }
                }
            }
            permit = requests.reserve(), if next.is_some() => match permit {
                Ok(permit) => {
                    if let Some((key, mut req, request)) = next.take() {
                        req.sent = Instant::now();
                        expiry.push_back((tokio::time::Instant::now() + wait, key.clone()));
                        pending.insert(key, req);
                        counts.sent += 1;
                        permit.send(request);
                    }
                }
                Err(_) => next = None,
            },
            item = rx.recv(), if !input_done && next.is_none() && room => match item {
                Some(Ok(m)) => {
                    let mut publish = m.publish;
                    let key = if v5 {
                        let key = match &args.correlation_data {
                            Some(c) => Bytes::from(c.clone()),
                            None => fresh_correlation(),
                        };
                        publish.properties.response_topic = Some(response_topic.clone());
                        publish.properties.correlation_data = Some(key.clone());
                        key
                    } else {
                        Bytes::new()
                    };
                    publish.retain = false;
                    let req = Pending { seq: m.seq, topic: publish.topic.clone(), sent: Instant::now(), got: 0 };
                    next = Some((key, req, Request::Publish { publish, token: m.seq, auto_alias: false }));
                }
                Some(Err(e)) => {
                    input_error = Some(e);
                    input_done = true;
                }
                None => input_done = true,
            },
        }
    };
    reader.abort();
    session
        .disconnect(if interrupted {
            STOP_GRACE
        } else {
            Duration::from_secs(5)
        })
        .await;
    let written = write_out(
        &mut out,
        &mut signals,
        if interrupted {
            STOP_GRACE
        } else {
            Duration::MAX
        },
    )
    .await?;
    ignored.report(&response_topic);
    if interrupted || !written {
        return Err(exit::interrupted(format!(
            "interrupted after {} of {} requests answered",
            counts.answered, counts.sent
        )));
    }
    if let Some(e) = input_error {
        return Err(exit::usage(format!(
            "input line {}: {} ({} requests before it were sent)",
            e.seq, e.message, counts.sent
        )));
    }
    if let Some(r) = refusal {
        return Err(exit::rejected(r));
    }
    if counts.rejected > 0 {
        return Err(exit::rejected(format!(
            "the broker rejected {} of {} requests",
            counts.rejected, counts.sent
        )));
    }
    if counts.unanswered > 0 {
        return Err(exit::timeout(format!(
            "{} of {} requests not answered within {}",
            counts.unanswered,
            counts.sent,
            humantime::format_duration(wait)
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// How long a stop by a signal still writes out and disconnects.
const STOP_GRACE: Duration = Duration::from_millis(500);

/// 16 random hex digits: unique among the requests of a run, readable in records.
fn fresh_correlation() -> Bytes {
    Bytes::from(format!("{:016x}", fastrand::u64(..)))
}

/// The request's MQTT 5 properties from the flags.
fn request_properties(args: &RrArgs, v5: bool) -> Result<Properties> {
    let props = Properties {
        content_type: args.content_type.clone(),
        user_properties: args.user_property.clone(),
        ..Properties::default()
    };
    if !v5 && props != Properties::default() {
        return Err(exit::usage(
            "--content-type and --user-property need MQTT 5, not MQTT 3.1/3.1.1",
        ));
    }
    Ok(props)
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_correlation_data_is_sixteen_hex_digits_and_differs_between_requests() {
        let a = fresh_correlation();
        let b = fresh_correlation();
        assert_eq!(a.len(), 16);
        assert!(a.iter().all(u8::is_ascii_hexdigit));
        assert_ne!(a, b);
    }
}
