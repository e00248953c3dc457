//! `mqtt sub`: subscribe, print each message as a record (or a template), stop on count,
//! timeout, signal, or after subscribing; reconnect and resubscribe when the connection drops.
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;

use super::{connecting, signals};
use crate::cli::SubArgs;
use crate::exit;
use crate::output::codec::Decoder;
use crate::output::payload::PayloadFormat;
use crate::output::printer::Printer;
use crate::output::recorder::RecordFile;
use crate::output::{diag, message, record, ThreadedOutput};
use crate::protocol::{
    reason, topic, PacketType, Properties, Publish, QoS, RetainHandling, SubOptions, Subscribe,
    Unsubscribe, Version,
};
use crate::session::{Request, Session, SessionSettings, Update};

/// Why the main loop stopped.
enum Stop {
    Done,
    Timeout,
    Signal,
}

/// How payloads are decoded: `--payload`, the Protobuf schema, and `--sparkplug-check`
/// (which decodes Sparkplug B topics when `--payload` is left at text).
fn decoder(args: &SubArgs) -> Result<Decoder> {
    let mut format = args.print.payload;
    if args.sparkplug_check {
        match format {
            PayloadFormat::Text => format = PayloadFormat::Auto,
            PayloadFormat::Sparkplug | PayloadFormat::Auto => {}
            other => {
                return Err(exit::usage(format!(
                    "--sparkplug-check needs --payload sparkplug or auto, not {}",
                    clap::ValueEnum::to_possible_value(&other)
                        .map_or("?".into(), |v| v.get_name().to_string())
                )))
            }
        }
    }
    let codecs = args
        .schema
        .codecs_for(format == PayloadFormat::Protobuf, "--payload")?;
    Ok(Decoder::new(format, codecs, args.sparkplug_check))
}

pub async fn run(args: SubArgs) -> Result<ExitCode> {
    let mut signals = signals::Signals::new();
    let opts = args.connect.options()?;
    let subscribe = build_subscribe(&args, opts.connect.version)?;
    let filters: Vec<String> = subscribe.filters.iter().map(|(f, _)| f.clone()).collect();
    for f in args.filter_out.iter().chain(&args.unsubscribe) {
        topic::validate_filter(f)
            .map_err(|e| exit::usage(format!("'{}': {e}", crate::output::shorten(f))))?;
    }
    let mut printer = Printer::new(
        args.print.format.as_deref(),
        args.print.verbose,
        decoder(&args)?,
    )
    .map_err(exit::usage)?;
    // Opened before connecting: a file that cannot be written is found at once.
    let record_file = match &args.record {
        Some(path) => Some(
            RecordFile::open(path, args.record_max_size)
                .map_err(|e| exit::usage(format!("--record {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let started = Instant::now();
    let deadline = args
        .timeout
        .map(|t| tokio::time::Instant::from_std(started + t));
    // Connecting and subscribing are waits like any other: -W and the signals end them (a
    // broker that never answers SUBSCRIBE, or closes the connection over it, cannot hold sub).
    // Messages are acknowledged once printed and flushed, so one that is not printed (after
    // -C, on a signal) stays with the broker for the next session.
    let settings = SessionSettings {
        notice_capacity: args.queue.max(16),
        manual_ack: true,
        ..SessionSettings::default()
    };
    let connecting = connecting::connect(&opts, &args.reconnect, settings);
    let mut session = tokio::select! {
        s = connecting => s?,
        _ = sleep_until(deadline) => return Err(exit::timeout(format!(
            "timed out after 0 messages: not connected within {}",
            humantime::format_duration(args.timeout.unwrap_or_default())
        ))),
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting")),
    };
    // Messages that arrive before the SUBACK (a resumed session's queue is sent right after
    // the CONNACK) are kept by the session and come first.
    let subscribing = async {
        if !args.unsubscribe.is_empty() {
            let unsub = Unsubscribe {
                filters: args.unsubscribe.clone(),
                ..Unsubscribe::default()
            };
            session.unsubscribe(unsub, connecting::report).await?;
        }
        session
            .subscribe(subscribe, connecting::report)
            .await
            .map(Some)
    };
    let subscribed: Result<Option<Box<crate::protocol::SubAck>>> = tokio::select! {
        r = subscribing => r,
        _ = sleep_until(deadline) => Err(exit::timeout(format!(
            "timed out after 0 messages: the subscription was not acknowledged within {}",
            humantime::format_duration(args.timeout.unwrap_or_default())
        ))),
        _ = signals.recv() => Ok(None),
    };
    let ack = match subscribed {
        Ok(Some(ack)) => ack,
        // A signal: stopped as at any other time, with a DISCONNECT.
        Ok(None) => {
            session.disconnect(STOP_GRACE).await;
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) if exit::code_for(&e) == exit::TIMEOUT => {
            session.disconnect(STOP_GRACE).await;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let mut acks: Vec<(u16, QoS)> = Vec::new();
    let mut out = ThreadedOutput::new();
    // Records (not templates or -v lines) in colour on a terminal (`output::color`).
    out.colour_records(printer.prints_records());
    let recording = record_file.is_some();
    if let Some(f) = record_file {
        out.record_to(f);
    }
    let mut refused = 0;
    for (i, code) in ack.reason_codes.iter().enumerate() {
        if reason::is_error(*code) {
            refused += 1;
            let f = filters.get(i).map(String::as_str).unwrap_or("?");
            crate::output::diag::warning(&format!(
                "subscription to '{}' refused: {}",
                crate::output::shorten(f),
                connecting::reason_text(PacketType::SubAck, *code, Some(&ack.properties))
            ));
        }
    }
    if refused > 0 && refused == ack.reason_codes.len() {
        session.disconnect(Duration::from_secs(1)).await;
        return Err(exit::rejected("every subscription was refused"));
    }
    // Granted QoS 0 everywhere: the broker sends without a window, so waking up less often
    // costs it nothing (see `crate::runtime`).
    if ack
        .reason_codes
        .iter()
        .all(|&c| c == 0 || reason::is_error(c))
    {
        crate::runtime::set_stream_wait(args.coalesce);
    }

    let mut quiet_until = args
        .retained_only
        .then(|| tokio::time::Instant::now() + args.quiet);
    let mut received: u64 = 0;
    // --idle: when the quiet time runs out (from the subscription with --idle-from-start).
    let mut idle_at = args
        .idle
        .filter(|_| args.idle_from_start)
        .map(|d| tokio::time::Instant::now() + d);

    let stop = loop {
        // -E: done once subscribed; what a resumed session had queued stays queued.
        if args.exit_after_subscribe {
            break Stop::Done;
        }
        // While the writer thread is behind with a full block waiting, take nothing more: the
        // session stops reading and the broker holds the messages (backpressure), and the
        // deadline and the signals are still watched.
        let take = !out.is_full() || out.has_room();
        tokio::select! {
            biased;
            _ = signals.recv() => break Stop::Signal,
            _ = sleep_until(deadline), if deadline.is_some() => break Stop::Timeout,
            n = session.next(), if take => match n {
                Some(Update::Message(p)) => {
                    if let Some(d) = args.idle {
                        idle_at = Some(tokio::time::Instant::now() + d);
                    }
                    if args.filter_out.iter().any(|f| topic::matches(f, &p.topic))
                        || (args.no_retained && p.retain)
                    {
                        acks.push((p.packet_id, p.qos));
                        continue;
                    }
                    if args.retained_only {
                        if !p.retain {
                            break Stop::Done;
                        }
                        quiet_until = Some(tokio::time::Instant::now() + args.quiet);
                    }
                    if args.remove_retained && p.retain && !p.payload.is_empty() {
                        let clear = Publish {
                            topic: p.topic.clone(),
                            retain: true,
                            qos: QoS::AtLeastOnce,
                            payload: Bytes::new(),
                            properties: Properties::default(),
                            ..Publish::default()
                        };
                        session.send(Request::Publish { publish: Box::new(clear), token: 0, auto_alias: false }).await?;
                    }
                    let time = record::now();
                    if recording {
                        message::write(out.record_buffer(), &p, &time, PayloadFormat::Text, &[]);
                    }
                    if !args.no_stdout {
                        for warning in printer.print(out.buffer(), &p, &time, &args.print.fields, None) {
                            diag::warning(&warning);
                        }
                    }
                    received += 1;
                    acks.push((p.packet_id, p.qos));
                    if args.count.is_some_and(|c| received >= c) {
                        break Stop::Done;
                    }
                    if args.until.as_ref().is_some_and(|c| c.matches(&p.payload)) {
                        break Stop::Done;
                    }
                    // Flush when nothing else is ready: a pipe sees each message at once,
                    // a firehose goes out in large writes.
                    if out.should_flush(session.is_quiet()) && out.has_room() {
                        flush(&mut out, &session, &mut acks).await?;
                    }
                }
                Some(Update::Published { reason: code, properties, .. }) if reason::is_error(code) => {
                    crate::output::diag::warning(&format!("clearing a retained message failed: {}", connecting::reason_text(PacketType::PubAck, code, properties.as_deref())));
                }
                Some(Update::Closed(result)) => {
                    drain(&mut out, &session, &mut acks, deadline, &mut signals).await?;
                    return match result {
                        Ok(()) => Ok(ExitCode::SUCCESS),
                        Err(e) => Err(e.into_error("")),
                    };
                }
                Some(other) => connecting::report(&other),
                None => return Err(exit::runtime("the session ended unexpectedly")),
            },
            // What gathered while the writer was busy goes out once it is idle.
            _ = out.idle(), if out.has_pending() || !acks.is_empty() => {
                flush(&mut out, &session, &mut acks).await?;
            }
            _ = sleep_until(quiet_until), if quiet_until.is_some() => break Stop::Done,
            _ = sleep_until(idle_at), if idle_at.is_some() => break Stop::Done,
        }
    };
    // Done: everything printed is written out, however long stdout takes (within -W and the
    // signals). Stopped: a moment for what is buffered; what stdout does not take by then is
    // not acknowledged, so the broker keeps it for a resumed session.
    let written = match stop {
        Stop::Done => drain(&mut out, &session, &mut acks, deadline, &mut signals).await?,
        Stop::Timeout | Stop::Signal => {
            let moment = Some(tokio::time::Instant::now() + STOP_GRACE);
            drain(&mut out, &session, &mut acks, moment, &mut signals).await?
        }
    };
    session
        .disconnect(match stop {
            Stop::Done => Duration::from_secs(5),
            _ => STOP_GRACE,
        })
        .await;
    let unwritten = if written {
        String::new()
    } else {
        " (some of them were not written: standard output was not being read; they were not acknowledged)".to_string()
    };
    match stop {
        Stop::Done if written => Ok(ExitCode::SUCCESS),
        Stop::Done => Err(exit::timeout(format!(
            "timed out after {received} messages{unwritten}"
        ))),
        Stop::Signal if written => Ok(ExitCode::SUCCESS),
        Stop::Signal => Err(exit::interrupted(format!(
            "interrupted after {received} messages{unwritten}"
        ))),
        Stop::Timeout => Err(exit::timeout(match (args.count, &args.until) {
            (Some(c), _) => format!("timed out after {received} of {c} messages{unwritten}"),
            (None, Some(_)) => {
                format!("timed out after {received} messages, none meeting --until{unwritten}")
            }
            (None, None) => format!("timed out after {received} messages{unwritten}"),
        })),
    }
}

/// How long a stop by -W or a signal still writes out and disconnects.
const STOP_GRACE: Duration = Duration::from_millis(500);

/// Hand everything buffered to the writer and wait until it is written, until `until` or a
/// signal: whether it all was written.
async fn drain(
    out: &mut ThreadedOutput,
    session: &Session,
    acks: &mut Vec<(u16, QoS)>,
    until: Option<tokio::time::Instant>,
    signals: &mut signals::Signals,
) -> Result<bool> {
    let all = async {
        flush(out, session, acks).await?;
        out.idle().await;
        out.close().await?;
        Ok::<(), anyhow::Error>(())
    };
    tokio::select! {
        r = all => r.map(|()| true),
        _ = sleep_until(until) => Ok(false),
        _ = signals.recv() => Ok(false),
    }
}

/// One SUBSCRIBE with every filter; QoS given once for all or once per filter.
fn build_subscribe(args: &SubArgs, version: Version) -> Result<Subscribe> {
    if args.qos.len() > 1 && args.qos.len() != args.topics.len() {
        return Err(exit::usage(format!(
            "-q given {} times for {} topics: give it once, or once per -t",
            args.qos.len(),
            args.topics.len()
        )));
    }
    let v5 = version == Version::V5;
    if !v5
        && (args.no_local
            || args.retain_as_published
            || args.retain_handling.is_some()
            || args.subscription_identifier.is_some()
            || !args.user_property.is_empty())
    {
        return Err(exit::usage(format!(
            "--no-local, --retain-as-published, --retain-handling, --subscription-identifier and --user-property need MQTT 5, not -V {version}"
        )));
    }
    let retain_handling = match args.retain_handling {
        Some(1) => RetainHandling::SendIfNew,
        Some(2) => RetainHandling::DoNotSend,
        _ => RetainHandling::SendAtSubscribe,
    };
    let mut filters = Vec::with_capacity(args.topics.len());
    for (i, t) in args.topics.iter().enumerate() {
        topic::validate_filter(t)
            .map_err(|e| exit::usage(format!("-t '{}': {e}", crate::output::shorten(t))))?;
        let qos = args
            .qos
            .get(i)
            .or(args.qos.first())
            .copied()
            .unwrap_or(QoS::AtMostOnce);
        filters.push((
            t.clone(),
            SubOptions {
                qos,
                no_local: args.no_local,
                retain_as_published: args.retain_as_published,
                retain_handling,
            },
        ));
    }
    Ok(Subscribe {
        packet_id: 0,
        filters,
        properties: Properties {
            subscription_identifiers: args.subscription_identifier.into_iter().collect(),
            user_properties: args.user_property.clone(),
            ..Properties::default()
        },
    })
}

/// Hand what is buffered to the writer; once it is written, acknowledge the messages it held.
async fn flush(
    out: &mut ThreadedOutput,
    session: &Session,
    acks: &mut Vec<(u16, QoS)>,
) -> Result<()> {
    acks.retain(|(_, qos)| *qos != QoS::AtMostOnce);
    let then: Option<Box<dyn FnOnce() + Send>> = if acks.is_empty() {
        None
    } else {
        let acks = std::mem::take(acks);
        let requests = session.requests.clone();
        // From the writer thread. If the session has ended or its queue is full, the broker
        // delivers these again to a resumed session: at least once, never lost.
        Some(Box::new(move || {
            let _ = requests.try_send(Request::Ack(acks));
        }))
    };
    out.flush(then).await?;
    Ok(())
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
