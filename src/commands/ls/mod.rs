//! `mqtt ls`: subscribe (default `#`), count what arrives per topic in a bounded table
//! (`table.rs`), and at the end print one `topic` record per topic (or the folded tree of
//! `tree.rs`); `--watch` redraws a table a second (`watch.rs`) or writes `ls_tick` records.
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;

use super::{connecting, signals};
use crate::cli::ls::{LsArgs, LsSort};
use crate::exit;
use crate::output::payload::{self, PayloadFormat};
use crate::output::topics::{rate, LsSummary, LsTick, TopicRecord};
use crate::output::{diag, record, records, ThreadedOutput};
use crate::protocol::{reason, topic, Properties, SubOptions, Subscribe, Version};
use crate::session::{SessionSettings, Update};

pub mod table;
pub mod tree;
pub mod watch;

use table::Table;

/// How long a stop by a signal still disconnects.
const STOP_GRACE: Duration = Duration::from_millis(500);

/// How the run ended.
enum End {
    /// --for, --retained's quiet time, or a signal: print what was seen.
    Done,
    /// The session ended for good: print what was seen, then exit with its error.
    Closed(anyhow::Error),
}

pub async fn run(args: LsArgs) -> Result<ExitCode> {
    let mut signals = signals::Signals::new();
    let opts = args.connect.options()?;
    if !matches!(
        args.payload,
        PayloadFormat::Text | PayloadFormat::Json | PayloadFormat::Base64 | PayloadFormat::Hex
    ) {
        return Err(exit::usage(
            "ls --payload takes text, json, base64 or hex (a truncated payload cannot be decoded)",
        ));
    }
    let mut filters: Vec<String> = if args.topics.is_empty() {
        vec!["#".to_string()]
    } else {
        args.topics.clone()
    };
    if args.sys {
        filters.push("$SYS/#".to_string());
    }
    for f in &filters {
        topic::validate_filter(f)
            .map_err(|e| exit::usage(format!("-t '{}': {e}", crate::output::shorten(f))))?;
    }
    let max_topics = usize::try_from(args.max_topics).unwrap_or(usize::MAX);
    let deadline = args.duration.map(|d| tokio::time::Instant::now() + d);
    let settings = SessionSettings {
        notice_capacity: 1024,
        ..SessionSettings::default()
    };
    let connecting = connecting::connect(&opts, &args.reconnect, settings);
    let mut session = tokio::select! {
        s = connecting => s?,
        _ = sleep_until(deadline) => return Err(exit::timeout("timed out: not connected within --for")),
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting")),
    };
    // Retain as published: a live retained message keeps its flag, so `retained` is true of
    // every topic whose last message the broker keeps.
    let v5 = session.version == Version::V5;
    let sub = Subscribe {
        packet_id: 0,
        filters: filters
            .iter()
            .map(|f| {
                let mut o = SubOptions::qos(args.qos);
                o.retain_as_published = v5;
                (f.clone(), o)
            })
            .collect(),
        properties: Properties::default(),
    };
    let subscribed = tokio::select! {
        r = session.subscribe(sub, connecting::report) => r.map(Some),
        _ = sleep_until(deadline) => Ok(None),
        _ = signals.recv() => Ok(None),
    };
    let ack = match subscribed {
        Ok(Some(ack)) => Some(ack),
        Ok(None) => None,
        Err(e) => {
            session.disconnect(STOP_GRACE).await;
            return Err(e);
        }
    };
    let started = Instant::now();
    let mut table = Table::new(max_topics, args.payload_bytes);
    let mut out = ThreadedOutput::new();
    let terminal = std::io::stdout().is_terminal();
    let mut end = End::Done;
    if let Some(ack) = ack {
        if let Err(e) = connecting::check_suback(&ack, "") {
            session.disconnect(Duration::from_secs(1)).await;
            return Err(e);
        }
        if ack
            .reason_codes
            .iter()
            .all(|&c| c == 0 || reason::is_error(c))
        {
            crate::runtime::set_stream_wait(Duration::from_micros(300));
        }
        let mut quiet_until = args
            .retained
            .then(|| tokio::time::Instant::now() + args.quiet);
        let mut ticks = args.watch.then(|| {
            let mut i = tokio::time::interval_at(
                tokio::time::Instant::now() + Duration::from_secs(1),
                Duration::from_secs(1),
            );
            i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            i
        });
        let order = args.sort.unwrap_or(LsSort::Rate);
        loop {
            tokio::select! {
                biased;
                _ = signals.recv() => break,
                _ = sleep_until(deadline), if deadline.is_some() => break,
                _ = sleep_until(quiet_until), if quiet_until.is_some() => break,
                _ = tick(&mut ticks), if ticks.is_some() => {
                    let seconds = started.elapsed().as_secs_f64();
                    if terminal {
                        let screen = watch::render(&table, order, seconds, watch::ROWS);
                        table.tick(0);
                        out.buffer().extend_from_slice(screen.as_bytes());
                    } else {
                        let (topics, messages, untracked) = (table.len() as u64, table.messages, table.untracked_messages);
                        let t = table.tick(10);
                        records::write(out.buffer(), &LsTick {
                            kind: "ls_tick",
                            time: record::now(),
                            topics,
                            messages,
                            rate: t.messages,
                            untracked_messages: untracked,
                            busiest: t.busiest,
                        });
                    }
                    if out.has_room() {
                        out.flush(None).await?;
                    }
                }
                n = session.next() => match n {
                    Some(Update::Message(p)) => {
                        if args.retained {
                            if !p.retain {
                                continue;
                            }
                            quiet_until = Some(tokio::time::Instant::now() + args.quiet);
                        }
                        table.add(&p.topic, &p.payload, p.qos, p.retain, SystemTime::now());
                    }
                    Some(Update::Closed(Ok(()))) | None => {
                        end = End::Closed(exit::runtime("the session ended unexpectedly"));
                        break;
                    }
                    Some(Update::Closed(Err(e))) => {
                        end = End::Closed(e.into_error(""));
                        break;
                    }
                    Some(other) => connecting::report(&other),
                },
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if matches!(end, End::Done) {
        session.disconnect(STOP_GRACE).await;
    }
    if args.watch && terminal {
        // The last screen stays, as top leaves it.
        let _ = super::stdout::write_out(&mut out, &mut signals, Duration::from_secs(5)).await;
        return finish(end);
    }
    if args.tree {
        let lines = tree::fold(
            table
                .sorted(LsSort::Topic)
                .into_iter()
                .map(|(t, e)| (t, e.messages, e.bytes)),
        );
        out.buffer()
            .extend_from_slice(tree::render(&lines).as_bytes());
    } else {
        for (t, e) in table.sorted(args.sort.unwrap_or(LsSort::Topic)) {
            let (payload, encoding) = payload::encode(&e.payload, args.payload);
            records::write(
                out.buffer(),
                &TopicRecord {
                    kind: "topic",
                    topic: t,
                    messages: e.messages,
                    bytes: e.bytes,
                    rate: rate(e.messages, seconds),
                    first: record::timestamp(e.first),
                    last: record::timestamp(e.last),
                    retained: e.retained,
                    qos: e.qos(),
                    payload_size: e.payload_size,
                    payload,
                    encoding,
                    truncated: e.truncated(),
                },
            );
            if out.buffer().len() > 1 << 20 {
                out.flush(None).await?;
            }
        }
    }
    records::write(
        out.buffer(),
        &LsSummary {
            kind: "ls_summary",
            time: record::now(),
            seconds: (seconds * 1000.0).round() / 1000.0,
            topics: table.len() as u64,
            messages: table.messages,
            bytes: table.bytes,
            rate: rate(table.messages, seconds),
            untracked_messages: table.untracked_messages,
            untracked_bytes: table.untracked_bytes,
        },
    );
    if table.untracked_messages > 0 {
        diag::warning(&format!(
            "more than --max-topics {} topics: {} messages on further topics were counted, not listed",
            args.max_topics, table.untracked_messages
        ));
    }
    super::stdout::write_out(&mut out, &mut signals, Duration::MAX).await?;
    finish(end)
}

fn finish(end: End) -> Result<ExitCode> {
    match end {
        End::Done => Ok(ExitCode::SUCCESS),
        End::Closed(e) => Err(e),
    }
}

async fn tick(ticks: &mut Option<tokio::time::Interval>) {
    match ticks {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
