//! `mqtt pub`: publish from -m, a file, stdin, stdin lines, JSON lines or random bytes.
//! A reader task turns the source into messages; the main loop hands them to the session
//! (which keeps up to the receive maximum in flight, in order) and reports each outcome.
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use bytes::Bytes;
use serde_json::Value;
use tokio::sync::mpsc;

use super::{common, input};
use crate::cli::pubsub::{Encoding, MessageProperties};
use crate::cli::PubArgs;
use crate::exit;
use crate::output::diag;
use crate::output::progress::Progress;
use crate::output::{payload, record, Output};
use crate::protocol::{reason, topic, PacketType, Properties, Publish, QoS, Version};
use crate::runtime::Follower;
use crate::session::state::{Event, StateError};
use crate::session::{ConnectOptions, Notice, Request, Session};

/// One message to publish; `seq` counts from 1 (the line number for -l and --jsonl).
struct Message {
    seq: u64,
    publish: Box<Publish>,
}

/// A problem in the input, reported after what was already read is published.
struct InputError {
    seq: u64,
    message: String,
}

type Item = std::result::Result<Message, InputError>;

/// In-flight QoS 1/2 messages when --max-inflight is not given and the broker announces its
/// Receive Maximum (MQTT 5); without one (3.1/3.1.1) the window is `state::LEGACY_WINDOW`.
pub const DEFAULT_MAX_INFLIGHT: u16 = 256;

/// How long a first signal waits for the messages in flight before giving up on them.
const FINISH_ON_SIGNAL: Duration = Duration::from_secs(5);

/// What became of the messages handed to the session.
#[derive(Default)]
struct Tally {
    sent: u64,
    done: u64,
    rejected: u64,
    /// Not sent: they break a limit the broker announced.
    refused: u64,
    recovered: u64,
    topics: HashMap<u64, (String, QoS, bool)>,
}

impl Tally {
    /// A publish finished: its record (unless -N) and a warning for a rejection.
    fn done(
        &mut self,
        out: &mut Output,
        no_output: bool,
        more: bool,
        (token, packet_id, code, properties): (u64, u16, u8, Option<Box<Properties>>),
    ) -> Result<()> {
        self.done += 1;
        let (topic, qos, retain) = self.topics.remove(&token).unwrap_or_default();
        if reason::is_error(code) {
            self.rejected += 1;
            diag::warning(&format!(
                "message {token} to '{}' rejected: {}",
                common::shorten(&topic),
                common::reason_text(PacketType::PubAck, code, properties.as_deref())
            ));
        }
        if no_output {
            return Ok(());
        }
        let mut r = record::record("published");
        r.insert("seq".into(), token.into());
        r.insert("topic".into(), topic.into());
        r.insert("qos".into(), (qos as u8).into());
        if retain {
            r.insert("retain".into(), true.into());
        }
        r.insert(
            "packet_id".into(),
            if packet_id == 0 {
                Value::Null
            } else {
                packet_id.into()
            },
        );
        r.insert("reason_code".into(), code.into());
        r.insert(
            "reason_name".into(),
            reason::name(PacketType::PubAck, code).into(),
        );
        let props = properties
            .as_deref()
            .map(record::properties)
            .unwrap_or_default();
        if !props.is_empty() {
            r.insert("properties".into(), Value::Object(props));
        }
        out.line(&record::line(r))?;
        if !more {
            out.flush()?;
        }
        Ok(())
    }

    fn unacked(&self) -> u64 {
        self.sent.saturating_sub(self.done + self.refused)
    }
}

pub async fn run(args: PubArgs) -> Result<ExitCode> {
    let mut signals = common::Signals::new();
    let opts = ConnectOptions::from_args(&args.connect)?;
    if let Some(t) = &args.topic {
        topic::validate_name(t)
            .map_err(|e| exit::usage(format!("-t '{}': {e}", common::shorten(t))))?;
    }
    let properties = message_properties(&args.properties, opts.version)?;
    let template = Publish {
        topic: args.topic.clone().unwrap_or_default(),
        qos: args.qos,
        retain: args.retain,
        properties,
        ..Publish::default()
    };
    let auto_alias = args.properties.topic_alias.is_some();
    if auto_alias && opts.version != Version::V5 {
        return Err(exit::usage("--topic-alias needs MQTT 5 (-V 5)"));
    }
    // Everything that can be checked is checked before connecting; reading waits for no
    // more than a signal.
    let fixed = tokio::select! {
        r = fixed_payload(&args) => r?,
        _ = signals.recv() => return Err(exit::interrupted("interrupted while reading the message; nothing was published")),
    };

    // A very large window makes some brokers slower, not faster (mosquitto searches its in-flight
    // list per acknowledgement): without --max-inflight, at most 256 of the broker's allowance.
    let connecting = common::connect(
        &opts,
        &args.reconnect,
        args.max_inflight,
        Some(DEFAULT_MAX_INFLIGHT),
        1024,
        false,
    );
    let mut session = tokio::select! {
        s = connecting => s?,
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting; nothing was published")),
    };
    // Input is read once the broker's limits are known: a line longer than it accepts is
    // refused as soon as that much has arrived.
    let limit = input::Limit::default();
    limit.cap(session.connack.properties.maximum_packet_size);
    let (tx, mut rx) = mpsc::channel::<Item>(1024);
    let interval = args.interval;
    let reader = if let Some(payload) = fixed {
        tokio::spawn(repeat(tx, template.clone(), payload, args.repeat, interval))
    } else if args.lines {
        tokio::spawn(read_lines(tx, template.clone(), interval, limit.clone()))
    } else {
        tokio::spawn(read_jsonl(
            tx,
            template.clone(),
            opts.version,
            interval,
            limit.clone(),
        ))
    };

    // On a terminal, a bar for a large -f or a file on stdin; cleared when dropped.
    let _progress = Progress::for_publish(&args);
    let mut out = Output::new();
    let mut tally = Tally::default();
    let mut input_error: Option<InputError> = None;
    let mut refusal: Option<String> = None;
    let mut input_done = false;
    // A request taken from the input, waiting for room in the session's queue.
    let mut next: Option<Request> = None;
    let mut disconnect_queued = false;
    // Coalescing (see `crate::runtime`): at least half the window stays with the broker.
    let queued = u64::from(session.window) / 2;
    let mut follower = Follower::new(args.coalesce, 0);
    let mut tick = tokio::time::interval(Follower::EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let interrupted = loop {
        if input_done && next.is_none() && !disconnect_queued {
            disconnect_queued = true;
            // Sent after every publish before it has been written (QoS 0) or acknowledged.
            next = Some(Request::Disconnect(Default::default()));
        }
        tokio::select! {
            biased;
            // First, so that no stream of acknowledgements or input can hold it back.
            _ = signals.recv() => break true,
            // It is ready only every 100 ms, and the others may always be.
            _ = tick.tick(), if !args.coalesce.is_zero() => {
                follower.update(tally.done, queued);
            }
            n = session.notices.recv() => match n {
                Some(Notice::Event(Event::PublishDone { token, packet_id, reason: code, properties })) => {
                    let more = !session.notices.is_empty();
                    tally.done(&mut out, args.no_output, more, (token, packet_id, code, properties))?;
                }
                Some(Notice::Event(Event::PublishRefused { token, error })) => {
                    // Not sent: nothing after it is read. Too large is the input's fault (2),
                    // a QoS or retain the broker does not offer is its refusal (5).
                    tally.refused += 1;
                    tally.topics.remove(&token);
                    reader.abort();
                    input_done = true;
                    if matches!(error, StateError::PacketTooLarge { .. }) {
                        input_error.get_or_insert(InputError { seq: token, message: error.to_string() });
                    } else {
                        refusal.get_or_insert(format!("message {token} not sent: {error}"));
                    }
                }
                Some(Notice::Event(Event::Recovery(r))) => {
                    tally.recovered += 1;
                    diag::warning(&r.to_string());
                }
                Some(Notice::Closed(result, code)) => {
                    out.flush()?;
                    if let Err(msg) = result {
                        return Err(common::exit_with(code, format!("{msg} ({} of {} messages unacknowledged)", tally.unacked(), tally.sent)));
                    }
                    break false;
                }
                Some(other) => common::report_notice(&other),
                None => break false,
            },
            permit = session.requests.reserve(), if next.is_some() => match permit {
                Ok(permit) => {
                    if let Some(req) = next.take() {
                        permit.send(req);
                    }
                }
                // The driver stopped: its Closed notice says why.
                Err(_) => next = None,
            },
            item = rx.recv(), if !input_done && next.is_none() => match item {
                Some(Ok(m)) => {
                    tally.sent += 1;
                    tally.topics.insert(m.seq, (m.publish.topic.clone(), m.publish.qos, m.publish.retain));
                    next = Some(Request::Publish { publish: m.publish, token: m.seq, auto_alias });
                }
                Some(Err(e)) => {
                    input_error = Some(e);
                    input_done = true;
                }
                None => input_done = true,
            },
        }
    };
    if interrupted {
        reader.abort();
        return finish_on_signal(&mut session, &mut out, &mut tally, args.no_output).await;
    }
    out.flush()?;
    if let Some(e) = input_error {
        let what = if args.lines || args.jsonl {
            "input line"
        } else {
            "message"
        };
        return Err(exit::usage(format!(
            "{what} {}: {} ({} messages before it were published)",
            e.seq, e.message, tally.done
        )));
    }
    if let Some(r) = refusal {
        return Err(exit::rejected(r));
    }
    if tally.rejected > 0 {
        return Err(exit::rejected(format!(
            "the broker rejected {} of {} messages",
            tally.rejected, tally.sent
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// After a first signal: stop reading, let what is in flight finish (reporting it) for at most
/// [`FINISH_ON_SIGNAL`], then exit 130. A second signal ends the program at once.
async fn finish_on_signal(
    session: &mut Session,
    out: &mut Output,
    tally: &mut Tally,
    no_output: bool,
) -> Result<ExitCode> {
    diag::info(
        "interrupted",
        &format!(
            "interrupted: finishing the {} messages in flight (for at most {}; again to stop now)",
            tally.unacked(),
            humantime::format_duration(FINISH_ON_SIGNAL)
        ),
    );
    // A full queue (a broker that is down or slow) is not waited for: the timeout bounds it.
    let _ = session
        .requests
        .try_send(Request::Disconnect(Default::default()));
    let rest = async {
        while let Some(n) = session.notices.recv().await {
            match n {
                Notice::Event(Event::PublishDone {
                    token,
                    packet_id,
                    reason,
                    properties,
                }) => {
                    let more = !session.notices.is_empty();
                    tally.done(out, no_output, more, (token, packet_id, reason, properties))?;
                }
                Notice::Closed(..) => break,
                _ => {}
            }
        }
        Ok::<(), anyhow::Error>(())
    };
    let _ = tokio::time::timeout(FINISH_ON_SIGNAL, rest).await;
    out.flush()?;
    Err(exit::interrupted(format!(
        "interrupted after {} of {} messages",
        tally.done, tally.sent
    )))
}

/// The PUBLISH properties from the flags; MQTT 5 only.
fn message_properties(p: &MessageProperties, version: Version) -> Result<Properties> {
    let props = Properties {
        message_expiry_interval: p.message_expiry,
        content_type: p.content_type.clone(),
        payload_format_indicator: p.payload_format,
        response_topic: p.response_topic.clone(),
        correlation_data: p.correlation_data.clone().map(Bytes::from),
        user_properties: p.user_property.clone(),
        ..Properties::default()
    };
    if let Some(rt) = &props.response_topic {
        topic::validate_name(rt).map_err(|e| exit::usage(format!("--response-topic: {e}")))?;
    }
    if version != Version::V5 && props != Properties::default() {
        return Err(exit::usage(format!(
            "message properties need MQTT 5 (-V 5), not -V {version}"
        )));
    }
    Ok(props)
}

/// The payload of -m, -f, -s, -n or --payload-size; None for the streaming sources. Files
/// and standard input are read only up to the largest payload MQTT can carry.
async fn fixed_payload(args: &PubArgs) -> Result<Option<Bytes>> {
    if let Some(m) = &args.message {
        let bytes = match args.encoding {
            None => m.clone().into_bytes(),
            Some(Encoding::Base64) => {
                payload::unbase64(m).map_err(|e| exit::usage(format!("-m: {e}")))?
            }
            Some(Encoding::Hex) => {
                payload::unhex(m).map_err(|e| exit::usage(format!("-m: {e}")))?
            }
        };
        return Ok(Some(Bytes::from(bytes)));
    }
    if let Some(f) = &args.file {
        let bytes = input::read_file(f, input::MQTT_MAX_PAYLOAD)
            .await
            .map_err(|e| exit::usage(format!("-f {}: {e}", f.display())))?;
        return Ok(Some(Bytes::from(bytes)));
    }
    if args.stdin {
        let bytes = input::Stdin::open()
            .all(input::MQTT_MAX_PAYLOAD)
            .await
            .map_err(|e| exit::usage(format!("-s: {e}")))?;
        return Ok(Some(Bytes::from(bytes)));
    }
    if args.null {
        return Ok(Some(Bytes::new()));
    }
    if let Some(size) = args.payload_size {
        if size > input::MQTT_MAX_PAYLOAD as u64 {
            return Err(exit::usage(
                "--payload-size is larger than an MQTT packet can carry (256MiB)",
            ));
        }
        let mut bytes = vec![0u8; size as usize];
        fastrand::fill(&mut bytes);
        return Ok(Some(Bytes::from(bytes)));
    }
    Ok(None)
}

async fn pause(interval: Option<Duration>, seq: u64) {
    if let (Some(d), true) = (interval, seq > 1) {
        tokio::time::sleep(d).await;
    }
}

async fn repeat(
    tx: mpsc::Sender<Item>,
    template: Publish,
    payload: Bytes,
    n: u64,
    interval: Option<Duration>,
) {
    for seq in 1..=n {
        pause(interval, seq).await;
        let publish = Box::new(Publish {
            payload: payload.clone(),
            ..template.clone()
        });
        if tx.send(Ok(Message { seq, publish })).await.is_err() {
            return;
        }
    }
}

/// Each line of stdin as it arrives (only `\n` ends a line, and it is not part of the line),
/// turned into an item by `make` (None skips the line); stops after the first error. A line
/// longer than the largest payload the broker accepts is an error once that much has arrived.
async fn read_stdin_lines(
    tx: mpsc::Sender<Item>,
    interval: Option<Duration>,
    limit: input::Limit,
    encoded: bool,
    mut make: impl FnMut(u64, Vec<u8>) -> Option<Item>,
) {
    let mut stdin = input::Stdin::open();
    let mut seq = 0;
    loop {
        // A record holds its payload encoded (hex takes twice the bytes) beside its fields.
        let max = || match encoded {
            true => limit.get().saturating_mul(2).saturating_add(1 << 20),
            false => limit.get(),
        };
        let item = match stdin.line(max).await {
            Ok(None) => return,
            Ok(Some(line)) => {
                seq += 1;
                match make(seq, line) {
                    Some(item) => item,
                    None => continue,
                }
            }
            Err(message) => Err(InputError {
                seq: seq + 1,
                message,
            }),
        };
        let stop = item.is_err();
        pause(interval, seq).await;
        if tx.send(item).await.is_err() || stop {
            return;
        }
    }
}

/// `-l`: every line is a payload, an empty one too.
async fn read_lines(
    tx: mpsc::Sender<Item>,
    template: Publish,
    interval: Option<Duration>,
    limit: input::Limit,
) {
    read_stdin_lines(tx, interval, limit, false, |seq, line| {
        let publish = Box::new(Publish {
            payload: Bytes::from(line),
            ..template.clone()
        });
        Some(Ok(Message { seq, publish }))
    })
    .await
}

/// `--jsonl`: every non-blank line is a message record.
async fn read_jsonl(
    tx: mpsc::Sender<Item>,
    template: Publish,
    version: Version,
    interval: Option<Duration>,
    limit: input::Limit,
) {
    read_stdin_lines(tx, interval, limit, true, |seq, line| {
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            return None;
        }
        Some(match message_from_record(&line, &template, version) {
            Ok(publish) => Ok(Message {
                seq,
                publish: Box::new(publish),
            }),
            Err(message) => Err(InputError { seq, message }),
        })
    })
    .await
}

/// A PUBLISH from a message record (what `sub` prints); the record's fields override the
/// template made from the flags.
fn message_from_record(
    line: &[u8],
    template: &Publish,
    version: Version,
) -> std::result::Result<Publish, String> {
    let v: Value = serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(m) = v else {
        return Err("expected a JSON object".into());
    };
    if let Some(t) = m.get("type") {
        if t != "message" {
            return Err(format!("record type {t} is not a message"));
        }
    }
    let mut p = template.clone();
    if let Some(t) = m.get("topic") {
        p.topic = t.as_str().ok_or("\"topic\" must be a string")?.to_string();
    }
    if p.topic.is_empty() {
        return Err("no topic (give -t or a \"topic\" field)".into());
    }
    topic::validate_name(&p.topic)
        .map_err(|e| format!("topic '{}': {e}", common::shorten(&p.topic)))?;
    if let Some(q) = m.get("qos") {
        p.qos = q
            .as_u64()
            .and_then(|q| u8::try_from(q).ok())
            .and_then(QoS::from_u8)
            .ok_or("\"qos\" must be 0, 1 or 2")?;
    }
    if let Some(r) = m.get("retain") {
        p.retain = r.as_bool().ok_or("\"retain\" must be true or false")?;
    }
    let encoding = match m.get("encoding") {
        Some(Value::String(e)) => Some(e.as_str()),
        Some(Value::Null) | None => None,
        Some(_) => return Err("\"encoding\" must be a string".into()),
    };
    p.payload = match encoding {
        // The payload's JSON text exactly as it stands in the record: no number is rounded
        // and no duplicate key merged on the way through.
        Some("json") => {
            let raw: RawPayload =
                serde_json::from_slice(line).map_err(|e| format!("invalid JSON: {e}"))?;
            Bytes::from(raw.payload.map_or("null", |r| r.get()).as_bytes().to_vec())
        }
        _ => {
            let body = m.get("payload").unwrap_or(&Value::Null);
            Bytes::from(payload::decode(body, encoding).map_err(|e| format!("payload: {e}"))?)
        }
    };
    if let Some(props) = m.get("properties") {
        let Value::Object(props) = props else {
            return Err("\"properties\" must be an object".into());
        };
        if version != Version::V5 && !props.is_empty() {
            return Err("message properties need MQTT 5".into());
        }
        p.properties = properties_from_record(props)?;
    }
    Ok(p)
}

#[derive(serde::Deserialize)]
struct RawPayload<'a> {
    #[serde(borrow)]
    payload: Option<&'a serde_json::value::RawValue>,
}

fn properties_from_record(
    m: &serde_json::Map<String, Value>,
) -> std::result::Result<Properties, String> {
    let mut p = Properties::default();
    let u32_of = |k: &str, v: &Value| {
        v.as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or(format!("property {k} must be a whole number"))
    };
    let str_of = |k: &str, v: &Value| {
        v.as_str()
            .map(str::to_string)
            .ok_or(format!("property {k} must be a string"))
    };
    for (k, v) in m {
        match k.as_str() {
            "payload_format_indicator" => {
                p.payload_format_indicator = Some(
                    v.as_u64()
                        .filter(|n| *n <= 1)
                        .ok_or("payload_format_indicator must be 0 or 1")?
                        as u8,
                )
            }
            "message_expiry_interval" => p.message_expiry_interval = Some(u32_of(k, v)?),
            "content_type" => p.content_type = Some(str_of(k, v)?),
            "response_topic" => {
                let t = str_of(k, v)?;
                topic::validate_name(&t).map_err(|e| format!("response_topic: {e}"))?;
                p.response_topic = Some(t)
            }
            "correlation_data" => {
                p.correlation_data = Some(Bytes::from(
                    payload::binary_from_value(v).map_err(|e| format!("correlation_data: {e}"))?,
                ))
            }
            "user_properties" => {
                let pairs = v
                    .as_array()
                    .ok_or("user_properties must be a list of [key, value] pairs")?;
                for pair in pairs {
                    match pair.as_array().map(Vec::as_slice) {
                        Some([Value::String(a), Value::String(b)]) => {
                            p.user_properties.push((a.clone(), b.clone()))
                        }
                        _ => {
                            return Err(
                                "user_properties must be a list of [key, value] pairs".into()
                            )
                        }
                    }
                }
            }
            // Properties of the subscription side, not of the message: not sent on.
            "subscription_identifiers" | "topic_alias" => {}
            other => return Err(format!("property {other} cannot be published")),
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(s: &str) -> std::result::Result<Publish, String> {
        message_from_record(
            s.as_bytes(),
            &Publish {
                qos: QoS::AtLeastOnce,
                ..Publish::default()
            },
            Version::V5,
        )
    }

    #[test]
    fn records_override_the_template() {
        let p = rec(
            r#"{"type":"message","time":"x","topic":"a/b","qos":2,"retain":true,"payload":"hi"}"#,
        )
        .unwrap();
        assert_eq!(
            (p.topic.as_str(), p.qos, p.retain, &p.payload[..]),
            ("a/b", QoS::ExactlyOnce, true, &b"hi"[..])
        );
        let p = rec(r#"{"topic":"a","payload":"/wA=","encoding":"base64"}"#).unwrap();
        assert_eq!(
            (p.qos, &p.payload[..]),
            (QoS::AtLeastOnce, &[0xff, 0x00][..])
        );
        let p = rec(r#"{"topic":"a","payload":{"x":[1,2]},"encoding":"json"}"#).unwrap();
        assert_eq!(&p.payload[..], br#"{"x":[1,2]}"#);
    }

    #[test]
    fn record_properties_come_back() {
        let p = rec(r#"{"topic":"a","payload":"","properties":{"content_type":"t","correlation_data":{"base64":"/w=="},"user_properties":[["k","v"]],"message_expiry_interval":5,"subscription_identifiers":[3]}}"#).unwrap();
        assert_eq!(p.properties.content_type.as_deref(), Some("t"));
        assert_eq!(p.properties.correlation_data.as_deref(), Some(&[0xff][..]));
        assert_eq!(
            p.properties.user_properties,
            vec![("k".to_string(), "v".to_string())]
        );
        assert_eq!(p.properties.message_expiry_interval, Some(5));
        assert!(p.properties.subscription_identifiers.is_empty());
    }

    #[test]
    fn bad_records_name_the_problem() {
        assert!(rec("{").unwrap_err().starts_with("invalid JSON"));
        assert!(rec("[1]").unwrap_err().contains("object"));
        assert!(rec(r#"{"payload":"x"}"#).unwrap_err().contains("no topic"));
        assert!(rec(r#"{"topic":"a/#"}"#)
            .unwrap_err()
            .contains("topic 'a/#'"));
        assert!(rec(r#"{"topic":"a","qos":3}"#).unwrap_err().contains("qos"));
        assert!(rec(r#"{"type":"published","topic":"a"}"#)
            .unwrap_err()
            .contains("not a message"));
        assert!(rec(r#"{"topic":"a","properties":{"maximum_qos":1}}"#)
            .unwrap_err()
            .contains("cannot be published"));
        assert!(rec(r#"{"topic":"a","payload":"zz","encoding":"hex"}"#)
            .unwrap_err()
            .starts_with("payload"));
    }
}
