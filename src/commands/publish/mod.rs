//! `mqtt pub`: publish from -m, a file, stdin, stdin lines, JSON lines or random bytes.
//! A reader task turns the source into messages; the main loop hands them to the session
//! (which keeps up to the receive maximum in flight, in order) and reports each outcome.
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use bytes::Bytes;
use tokio::sync::mpsc;

pub mod pace;
pub mod replay;
pub mod source;

use pace::Pace;
use source::{Expand, InputError, Item};

use super::{connecting, input, signals, stdout};
use crate::cli::pubsub::MessageProperties;
use crate::cli::PubArgs;
use crate::exit;
use crate::output::diag;
use crate::output::progress::Progress;
use crate::output::pub_template::Template;
use crate::output::records::{self, Published};
use crate::output::ThreadedOutput;
use crate::protocol::{reason, topic, PacketType, Properties, Publish, QoS, Version};
use crate::runtime::Follower;
use crate::session::state::StateError;
use crate::session::{Request, Session, SessionSettings, Update};

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
    /// A publish finished: its record (unless --no-output) into `out`'s buffer, and a warning
    /// for a rejection.
    fn done(
        &mut self,
        out: &mut ThreadedOutput,
        no_output: bool,
        (token, packet_id, code, properties): (u64, u16, u8, Option<Box<Properties>>),
    ) {
        self.done += 1;
        let (topic, qos, retain) = self.topics.remove(&token).unwrap_or_default();
        if reason::is_error(code) {
            self.rejected += 1;
            diag::warning(&format!(
                "message {token} to '{}' rejected: {}",
                crate::output::shorten(&topic),
                connecting::reason_text(PacketType::PubAck, code, properties.as_deref())
            ));
        }
        if no_output {
            return;
        }
        let r = Published::new(
            token,
            &topic,
            qos as u8,
            retain,
            packet_id,
            code,
            properties.as_deref(),
        );
        records::write(out.buffer(), &r);
    }

    fn unacked(&self) -> u64 {
        self.sent.saturating_sub(self.done + self.refused)
    }
}

pub async fn run(args: PubArgs) -> Result<ExitCode> {
    let mut signals = signals::Signals::new();
    let opts = args.connect.options()?;
    let templating = args.template || args.source.template_file.is_some();
    // A topic template is checked as a template: its placeholders are not wildcards, and a
    // sample expansion is a valid name.
    let topic_template = match (&args.topic, templating) {
        (Some(t), true) => Some(
            Template::parse(t.as_bytes())
                .and_then(|tt| tt.check_topic(&opts.connect.client_id).map(|()| tt))
                .map_err(|e| exit::usage(format!("-t '{}': {e}", crate::output::shorten(t))))?,
        ),
        _ => None,
    };
    if let (Some(t), None) = (&args.topic, &topic_template) {
        topic::validate_name(t)
            .map_err(|e| exit::usage(format!("-t '{}': {e}", crate::output::shorten(t))))?;
    }
    if args.jitter.is_some() && args.interval.is_none() && args.rate.is_none() {
        return Err(exit::usage("--jitter needs --interval or --rate"));
    }
    let pace = Pace::new(args.interval, args.rate, args.jitter);
    let properties = message_properties(&args.properties, opts.connect.version)?;
    let template = Publish {
        topic: args.topic.clone().unwrap_or_default(),
        qos: args.qos,
        retain: args.retain,
        properties,
        ..Publish::default()
    };
    let auto_alias = args.properties.topic_alias.is_some();
    if auto_alias && opts.connect.version != Version::V5 {
        return Err(exit::usage("--topic-alias needs MQTT 5 (-V 5)"));
    }
    // Everything that can be checked is checked before connecting; reading waits for no
    // more than a signal.
    let codecs = args.schema.codecs_for(
        args.source.encode == Some(crate::output::codec::Codec::Protobuf),
        "--encode",
    )?;
    let fixed = tokio::select! {
        r = source::fixed_payload(&args.source, args.source.encode.filter(|_| !templating), &codecs) => r?,
        _ = signals.recv() => return Err(exit::interrupted("interrupted while reading the message; nothing was published")),
    };
    let payload_template = match (&fixed, templating) {
        (Some(p), true) => Some(Template::parse(p).map_err(|e| {
            let what = match &args.source.template_file {
                Some(f) => format!("--template-file {}", f.display()),
                None if args.source.message.is_some() => "-m".into(),
                None if args.source.file.is_some() => "-f".into(),
                None => "-s".into(),
            };
            exit::usage(format!("{what}: {e}"))
        })?),
        _ => None,
    };

    // A very large window makes some brokers slower, not faster (mosquitto searches its in-flight
    // list per acknowledgement): without --max-inflight, at most 256 of the broker's allowance.
    let settings = SessionSettings {
        max_inflight: args.max_inflight,
        default_inflight: Some(DEFAULT_MAX_INFLIGHT),
        notice_capacity: 1024,
        release_on_resume: true,
        ..SessionSettings::default()
    };
    let connecting = connecting::connect(&opts, &args.reconnect, settings);
    let mut session = tokio::select! {
        s = connecting => s?,
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting; nothing was published")),
    };
    // Input is read once the broker's limits are known: a line longer than it accepts is
    // refused as soon as that much has arrived.
    let limit = input::Limit::default();
    limit.cap(session.connack.properties.maximum_packet_size);
    let (tx, mut rx) = mpsc::channel::<Item>(1024);
    let opts_version = opts.connect.version;
    let schedule = Arc::new(std::sync::Mutex::new(replay::Schedule::new(
        args.speed,
        args.start_at,
    )));
    let mut lateness = replay::Lateness::default();
    // A replayed message's time, while it waits for room in the session's queue.
    let mut next_due: Option<tokio::time::Instant> = None;
    let reader = if let Some(payload) = fixed {
        let expand = (topic_template.is_some() || payload_template.is_some()).then(|| Expand {
            topic: topic_template,
            payload: payload_template,
            client_id: session
                .connack
                .properties
                .assigned_client_identifier
                .clone()
                .unwrap_or_else(|| opts.connect.client_id.clone()),
            encode: args.source.encode.map(|c| (c, codecs.clone())),
        });
        tokio::spawn(source::repeat(
            tx,
            template.clone(),
            payload,
            args.repeat,
            pace,
            expand,
        ))
    } else if args.source.lines {
        tokio::spawn(source::read_lines(
            tx,
            template.clone(),
            pace,
            limit.clone(),
            args.source.encode.map(|c| (c, codecs.clone())),
        ))
    } else if args.replay {
        let opts = replay::Options {
            speed: args.speed,
            start_at: args.start_at,
            loops: args.loops,
        };
        tokio::spawn(replay::run(
            tx,
            template.clone(),
            opts_version,
            limit.clone(),
            codecs.clone(),
            opts,
            schedule.clone(),
        ))
    } else {
        tokio::spawn(source::read_jsonl(
            tx,
            template.clone(),
            opts.connect.version,
            pace,
            limit.clone(),
            codecs.clone(),
        ))
    };

    // On a terminal, a bar for a large -f or a file on stdin; cleared when dropped.
    let _progress = Progress::for_publish(
        args.source.file.as_deref(),
        args.repeat,
        args.source.lines || args.source.jsonl,
        !args.no_output,
    );
    // Records go to stdout through a writer thread: a stdout nobody reads holds back the
    // records (and, through backpressure, the session), never the signals.
    let mut out = ThreadedOutput::new();
    let mut tally = Tally::default();
    let mut input_error: Option<InputError> = None;
    let mut refusal: Option<String> = None;
    let mut input_done = false;
    // A request taken from the input, waiting for room in the session's queue.
    let mut next: Option<Request> = None;
    let mut disconnect_queued = false;
    // Coalescing (see `crate::runtime`): at least half the window stays with the broker. At
    // QoS 2 half of that half waits on our PUBREL while we sleep, so a quarter: with
    // mosquitto's 20 that is no wait at all (waiting halved QoS 2 throughput, measured).
    let queued = u64::from(session.window) / if args.qos == QoS::ExactlyOnce { 4 } else { 2 };
    let mut follower = Follower::new(args.coalesce, 0);
    let mut tick = tokio::time::interval(Follower::EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let requests = session.requests.clone();
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
            n = session.next(), if !out.is_full() || out.has_room() => match n {
                Some(Update::Published { token, packet_id, reason: code, properties }) => {
                    tally.done(&mut out, args.no_output, (token, packet_id, code, properties));
                    // Flush when nothing else is ready: a pipe sees each record at once.
                    if out.should_flush(session.is_quiet()) && out.has_room() {
                        out.flush(None).await?;
                    }
                }
                Some(Update::NotSent { token, error }) => {
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
                Some(Update::Recovery(r)) => {
                    tally.recovered += 1;
                    diag::warning(&r.to_string());
                }
                Some(Update::Closed(result)) => {
                    if let Err(e) = result {
                        stdout::write_out(&mut out, &mut signals, STOP_GRACE).await?;
                        return Err(e.into_error(&format!(" ({} of {} messages unacknowledged)", tally.unacked(), tally.sent)));
                    }
                    break false;
                }
                Some(other) => connecting::report(&other),
                None => break false,
            },
            // What gathered while the writer was busy goes out once it is idle.
            _ = out.idle(), if !out.buffer().is_empty() => out.flush(None).await?,
            permit = requests.reserve(), if next.is_some() => match permit {
                Ok(permit) => {
                    if let Some(req) = next.take() {
                        permit.send(req);
                    }
                    if let Some(due) = next_due.take() {
                        lateness.add(tokio::time::Instant::now().saturating_duration_since(due));
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
                    next_due = m.due;
                }
                Some(Err(e)) => {
                    input_error = Some(e);
                    input_done = true;
                }
                None => input_done = true,
            },
        }
    };
    // --replay's last record: at the end, or once a signal stopped it (--loop forever).
    let summary = |out: &mut ThreadedOutput, sent: u64| {
        if !args.replay {
            return;
        }
        let timed = args.speed != crate::cli::pubsub::Speed::Max;
        if let Ok(s) = schedule.lock() {
            records::write(out.buffer(), &lateness.record(sent, &s, timed));
        }
        if let Some(w) = lateness.warning(sent).filter(|_| timed) {
            diag::warning(&w);
        }
    };
    if interrupted {
        reader.abort();
        return finish_on_signal(
            &mut session,
            &mut out,
            &mut tally,
            args.no_output,
            &mut signals,
            summary,
        )
        .await;
    }
    summary(&mut out, tally.sent);
    // Every record is written before the exit, however long stdout takes, but a signal stops
    // the wait.
    if !stdout::write_out(&mut out, &mut signals, Duration::MAX).await? {
        return Err(exit::interrupted(format!(
            "interrupted after {} of {} messages, writing their records",
            tally.done, tally.sent
        )));
    }
    if let Some(e) = input_error {
        let what = if args.source.lines || args.source.jsonl {
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
    out: &mut ThreadedOutput,
    tally: &mut Tally,
    no_output: bool,
    signals: &mut signals::Signals,
    summary: impl FnOnce(&mut ThreadedOutput, u64),
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
        while let Some(u) = session.next().await {
            match u {
                Update::Published {
                    token,
                    packet_id,
                    reason,
                    properties,
                } => tally.done(out, no_output, (token, packet_id, reason, properties)),
                Update::Closed(..) => break,
                _ => {}
            }
        }
    };
    let _ = tokio::time::timeout(FINISH_ON_SIGNAL, rest).await;
    summary(out, tally.sent);
    stdout::write_out(out, signals, STOP_GRACE).await?;
    Err(exit::interrupted(format!(
        "interrupted after {} of {} messages",
        tally.done, tally.sent
    )))
}

/// How long a stop still writes out records to a stdout that is slow to take them.
const STOP_GRACE: Duration = Duration::from_millis(500);

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
