//! `mqtt reply`: serve requests. Each request on the subscribed filters is answered (with a
//! command's output, a fixed payload, or the request itself) on its Response Topic with its
//! Correlation Data, and acknowledged only once its reply is handed to the session: a request
//! is never acknowledged and then left unanswered. `--concurrency` bounds the commands running
//! at once; while all are busy no more requests are taken (the broker holds them).
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;
use tokio::task::JoinSet;

use super::exec::{self, Job};
use super::{connecting, signals};
use crate::cli::rr::ReplyArgs;
use crate::exit;
use crate::output::requests::{Answer, Outcome, Replied, Request as Served};
use crate::output::{diag, records, ThreadedOutput};
use crate::protocol::{
    reason, topic, PacketType, Properties, Publish, QoS, SubOptions, Subscribe, Version,
};
use crate::session::{Request, SessionSettings, Update};

/// How the requests are answered.
enum Mode {
    Exec(String),
    Fixed(Bytes),
    Echo,
}

/// A request taken, being answered.
struct Taken {
    seq: u64,
    arrived: Instant,
    request: Box<Publish>,
    response_topic: String,
}

/// A request answered: the reply's payload and how it went.
struct Done {
    taken: Taken,
    payload: Bytes,
    outcome: Outcome,
    exit_code: Option<i32>,
    error: Option<String>,
}

pub async fn run(args: ReplyArgs) -> Result<ExitCode> {
    let mut signals = signals::Signals::new();
    let opts = args.connect.options()?;
    for f in &args.topics {
        topic::validate_filter(f)
            .map_err(|e| exit::usage(format!("-t '{}': {e}", crate::output::shorten(f))))?;
    }
    if let Some(t) = &args.response_topic {
        topic::validate_name(t).map_err(|e| exit::usage(format!("--response-topic: {e}")))?;
    }
    let mode = match (&args.exec, &args.message) {
        (Some(cmd), _) => Mode::Exec(cmd.clone()),
        (None, Some(m)) => Mode::Fixed(Bytes::from(m.clone())),
        (None, None) => Mode::Echo,
    };
    let deadline = args.timeout.map(|t| tokio::time::Instant::now() + t);
    let settings = SessionSettings {
        manual_ack: true,
        ..SessionSettings::default()
    };
    let connecting = connecting::connect(&opts, &args.reconnect, settings);
    let mut session = tokio::select! {
        s = connecting => s?,
        _ = sleep_until(deadline) => return Err(exit::timeout("timed out: not connected within -W")),
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting")),
    };
    let v5 = session.version == Version::V5;
    if !v5 && args.response_topic.is_none() {
        session.disconnect(Duration::from_secs(1)).await;
        return Err(exit::usage(format!(
            "MQTT {} has no Response Topic property: give --response-topic TOPIC for the replies",
            session.version
        )));
    }
    let client_id = session
        .connack
        .properties
        .assigned_client_identifier
        .clone()
        .unwrap_or_else(|| opts.connect.client_id.clone());
    let sub = Subscribe {
        packet_id: 0,
        filters: args
            .topics
            .iter()
            .map(|t| (t.clone(), SubOptions::qos(args.qos)))
            .collect(),
        properties: Properties::default(),
    };
    let subscribed = tokio::select! {
        r = session.subscribe(sub, connecting::report) => r.map(Some),
        _ = sleep_until(deadline) => Err(exit::timeout("timed out: the subscription was not acknowledged within -W")),
        _ = signals.recv() => Ok(None),
    };
    let ack = match subscribed {
        Ok(Some(ack)) => ack,
        Ok(None) => {
            session.disconnect(STOP_GRACE).await;
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => {
            session.disconnect(STOP_GRACE).await;
            return Err(e);
        }
    };
    if let Err(e) = connecting::check_suback(&ack, "") {
        session.disconnect(Duration::from_secs(1)).await;
        return Err(e);
    }

    let mut out = ThreadedOutput::new();
    let mut jobs: JoinSet<Done> = JoinSet::new();
    let concurrency = usize::from(args.concurrency);
    let mut taken: u64 = 0;
    let mut served: u64 = 0;
    let mut failed: u64 = 0;
    let limit = args.count;
    let stop = loop {
        if limit.is_some_and(|n| served >= n) {
            break Stop::Done;
        }
        let room = jobs.len() < concurrency && limit.is_none_or(|n| taken < n);
        tokio::select! {
            biased;
            _ = signals.recv() => break Stop::Signal,
            _ = sleep_until(deadline), if deadline.is_some() => break Stop::Timeout,
            Some(done) = jobs.join_next(), if !jobs.is_empty() => {
                let done = match done {
                    Ok(d) => d,
                    // A job cannot panic on its inputs; one that did is a bug worth reporting.
                    Err(e) => return Err(exit::runtime(format!("a reply job failed: {e}"))),
                };
                if done.outcome == Outcome::Error {
                    failed += 1;
                }
                served += 1;
                let mut to = To { requests: &session.requests, signals: &mut signals, deadline };
                if !answer(&mut to, done, (args.qos, v5), &mut out, args.no_output).await? {
                    break Stop::Signal;
                }
                if out.should_flush(session.is_quiet()) && out.has_room() {
                    out.flush(None).await?;
                }
            }
            n = session.next(), if room && (!out.is_full() || out.has_room()) => match n {
                Some(Update::Message(p)) => {
                    if p.retain {
                        // A retained request is a stale one, kept by the broker.
                        diag::info("skipped", &format!("retained message on '{}' is not a request: skipped", crate::output::shorten(&p.topic)));
                        let mut to = To { requests: &session.requests, signals: &mut signals, deadline };
                        if !ack_request(&mut to, &p).await {
                            break Stop::Signal;
                        }
                        continue;
                    }
                    let Some(response_topic) = p.properties.response_topic.clone().or_else(|| args.response_topic.clone()) else {
                        taken += 1;
                        served += 1;
                        diag::info("skipped", &format!("request {taken} on '{}' has no Response Topic: skipped", crate::output::shorten(&p.topic)));
                        if !args.no_output {
                            let req = served_request(taken, &p, None);
                            let ans = Answer { outcome: Outcome::Skipped, exit_code: None, error: None, payload_size: 0, took: Duration::ZERO };
                            records::write(out.buffer(), &Replied::new(&req, &ans));
                        }
                        let mut to = To { requests: &session.requests, signals: &mut signals, deadline };
                        if !ack_request(&mut to, &p).await {
                            break Stop::Signal;
                        }
                        continue;
                    };
                    taken += 1;
                    let t = Taken { seq: taken, arrived: Instant::now(), request: p, response_topic };
                    // A fixed answer or an echo is made at once; a command runs as a job.
                    let done = match &mode {
                        Mode::Exec(cmd) => {
                            let cmd = cmd.clone();
                            let job = Job { client_id: client_id.clone(), timeout: args.exec_timeout, keep_newline: args.keep_newline };
                            jobs.spawn(async move { serve(t, &cmd, job).await });
                            continue;
                        }
                        Mode::Fixed(payload) => ok(t, payload.clone()),
                        Mode::Echo => {
                            let payload = t.request.payload.clone();
                            ok(t, payload)
                        }
                    };
                    served += 1;
                    let mut to = To { requests: &session.requests, signals: &mut signals, deadline };
                    if !answer(&mut to, done, (args.qos, v5), &mut out, args.no_output).await? {
                        break Stop::Signal;
                    }
                    if out.should_flush(session.is_quiet()) && out.has_room() {
                        out.flush(None).await?;
                    }
                }
                Some(Update::Published { reason: code, properties, token, .. }) if reason::is_error(code) => {
                    diag::warning(&format!("reply to request {token} rejected: {}", connecting::reason_text(PacketType::PubAck, code, properties.as_deref())));
                }
                Some(Update::Closed(result)) => {
                    let _ = super::stdout::write_out(&mut out, &mut signals, STOP_GRACE).await;
                    return match result {
                        Ok(()) => Ok(ExitCode::SUCCESS),
                        Err(e) => Err(e.into_error(&format!(" ({served} requests served)"))),
                    };
                }
                Some(other) => connecting::report(&other),
                None => return Err(exit::runtime("the session ended unexpectedly")),
            },
            _ = out.idle(), if !out.buffer().is_empty() => out.flush(None).await?,
        }
    };
    // Commands still running are killed (their requests stay unacknowledged with the broker).
    jobs.abort_all();
    session
        .disconnect(match stop {
            Stop::Done => Duration::from_secs(5),
            _ => STOP_GRACE,
        })
        .await;
    let bound = match stop {
        Stop::Done => Duration::MAX,
        _ => STOP_GRACE,
    };
    super::stdout::write_out(&mut out, &mut signals, bound).await?;
    if failed > 0 {
        diag::warning(&format!(
            "{failed} of {served} requests were answered with an error"
        ));
    }
    match stop {
        Stop::Done | Stop::Signal => Ok(ExitCode::SUCCESS),
        Stop::Timeout => Err(exit::timeout(format!(
            "timed out after {served} requests served"
        ))),
    }
}

enum Stop {
    Done,
    Timeout,
    Signal,
}

/// How long a stop by -W or a signal still writes out and disconnects.
const STOP_GRACE: Duration = Duration::from_millis(500);

/// Answer one request with the command's output.
async fn serve(t: Taken, cmd: &str, job: Job) -> Done {
    let run = exec::run(cmd, &t.request, &t.response_topic, &job).await;
    Done {
        taken: t,
        payload: run.stdout,
        outcome: if run.error.is_none() {
            Outcome::Ok
        } else {
            Outcome::Error
        },
        exit_code: run.exit_code,
        error: run.error,
    }
}

fn ok(taken: Taken, payload: Bytes) -> Done {
    Done {
        taken,
        payload,
        outcome: Outcome::Ok,
        exit_code: None,
        error: None,
    }
}

/// Where replies and acknowledgements go: the session's queue, waited for only until a signal
/// or -W (a broker that takes nothing cannot hold `reply`).
struct To<'a> {
    requests: &'a tokio::sync::mpsc::Sender<Request>,
    signals: &'a mut signals::Signals,
    deadline: Option<tokio::time::Instant>,
}

impl To<'_> {
    /// Hand `req` to the session: false when a signal or -W came first (or it has ended: its
    /// `Closed` update says why).
    async fn send(&mut self, req: Request) -> bool {
        tokio::select! {
            biased;
            _ = self.signals.recv() => false,
            _ = sleep_until(self.deadline) => false,
            r = self.requests.send(req) => r.is_ok(),
        }
    }
}

/// Publish the reply, write its record, then acknowledge the request; false when stopped.
async fn answer(
    to: &mut To<'_>,
    done: Done,
    (qos, v5): (QoS, bool),
    out: &mut ThreadedOutput,
    no_output: bool,
) -> Result<bool> {
    let t = &done.taken;
    if let Some(why) = &done.error {
        diag::warning(&format!(
            "request {} on '{}': {why}",
            t.seq,
            crate::output::shorten(&t.request.topic)
        ));
    }
    let mut properties = Properties::default();
    if v5 {
        properties.correlation_data = t.request.properties.correlation_data.clone();
        if let Some(why) = &done.error {
            properties
                .user_properties
                .push(("error".to_string(), why.clone()));
        }
    }
    let reply = Publish {
        topic: t.response_topic.clone(),
        qos,
        payload: done.payload.clone(),
        properties,
        ..Publish::default()
    };
    let publish = Request::Publish {
        publish: Box::new(reply),
        token: t.seq,
        auto_alias: false,
    };
    if !to.send(publish).await {
        return Ok(false);
    }
    if !no_output {
        let req = served_request(t.seq, &t.request, Some(&t.response_topic));
        let ans = Answer {
            outcome: done.outcome,
            exit_code: done.exit_code,
            error: done.error.as_deref(),
            payload_size: done.payload.len(),
            took: t.arrived.elapsed(),
        };
        records::write(out.buffer(), &Replied::new(&req, &ans));
    }
    Ok(ack_request(to, &t.request).await)
}

fn served_request<'a>(seq: u64, p: &'a Publish, response_topic: Option<&'a str>) -> Served<'a> {
    Served {
        seq,
        topic: &p.topic,
        response_topic,
        correlation_data: p.properties.correlation_data.as_deref(),
    }
}

/// The request is dealt with: acknowledge it (QoS 1/2); false when stopped first.
async fn ack_request(to: &mut To<'_>, p: &Publish) -> bool {
    p.qos == QoS::AtMostOnce || to.send(Request::Ack(vec![(p.packet_id, p.qos)])).await
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
