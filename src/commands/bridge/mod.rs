//! `mqtt bridge`: one session to --from (subscribed with manual acknowledgement), one to --to;
//! each message is published downstream with its properties and retain flag, its topic mapped
//! (`map.rs`), and acknowledged upstream only when the downstream acknowledgement comes
//! (`flights.rs` holds which upstream id each downstream publish answers for). Both sessions
//! reconnect by themselves; a `bridged` record a second.
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::{connecting, signals};
use crate::cli::bridge::BridgeArgs;
use crate::cli::{profile, ConnectArgs};
use crate::exit;
use crate::output::bridged::Bridged;
use crate::output::payload::PayloadFormat;
use crate::output::{diag, message, record, records, ThreadedOutput};
use crate::protocol::{
    reason, topic, PacketType, Properties, Publish, QoS, SubOptions, Subscribe, Version,
};
use crate::session::{ConnectOptions, Request, Session, SessionSettings, Update};

pub mod flights;
pub mod map;

use flights::Flights;
use map::Map;

/// The user property a bridge marks what it forwarded with, on one broker.
pub const MARKER: &str = "mqtt-bridge";

/// How long in-flight messages get to be acknowledged downstream after a signal.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The connection options of one side: `spec` is a URL or a profile name.
fn side(shared: &ConnectArgs, spec: &str, suffix: &str) -> Result<ConnectOptions> {
    let mut a = shared.clone();
    if spec.contains("://") {
        a.url = Some(spec.to_string());
    } else {
        a.url = None;
        a.profile = Some(spec.to_string());
        let Some(selected) = profile::load(&a)? else {
            return Err(exit::usage(format!(
                "--{suffix} {spec}: no such profile (and not a URL)"
            )));
        };
        profile::apply_profile(&mut a, &selected, |_| None)?;
    }
    if let Some(id) = &shared.client_id {
        a.client_id = Some(format!("{id}-{suffix}"));
    }
    a.options()
}

pub async fn run(args: BridgeArgs) -> Result<ExitCode> {
    let mut signals = signals::Signals::new();
    if args.connect.no_clean && args.connect.client_id.is_none() {
        return Err(exit::usage(
            "--no-clean needs -i ID: the sessions to resume are ID-from and ID-to",
        ));
    }
    let from = side(&args.connect, &args.from, "from")?;
    let to = side(&args.connect, &args.to, "to")?;
    let map = Map::parse(&args.map).map_err(exit::usage)?;
    for f in &args.topics {
        topic::validate_filter(f)
            .map_err(|e| exit::usage(format!("-t '{}': {e}", crate::output::shorten(f))))?;
    }
    let one_broker = from.scheme == to.scheme && from.address() == to.address();
    let marker = (one_broker || args.loop_marker).then(|| from.connect.client_id.clone());
    let mut tee = match &args.tee {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| exit::usage(format!("--tee {}: {e}", p.display())))?,
        )),
        None => None,
    };
    let window = args.max_inflight;
    let up_settings = SessionSettings {
        notice_capacity: usize::from(window).max(16),
        manual_ack: true,
        ..SessionSettings::default()
    };
    let down_settings = SessionSettings {
        notice_capacity: usize::from(window).max(16),
        release_on_resume: false,
        ..SessionSettings::default()
    };
    let connecting = async {
        let down = connecting::connect(&to, &args.reconnect, down_settings).await?;
        let up = connecting::connect(&from, &args.reconnect, up_settings).await?;
        Ok::<_, anyhow::Error>((up, down))
    };
    let (mut up, mut down) = tokio::select! {
        r = connecting => r?,
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting")),
    };
    let v5 = up.version == Version::V5;
    if marker.is_some() && (!v5 || down.version != Version::V5) {
        diag::warning("one broker without MQTT 5: messages cannot be marked, a filter that takes what the bridge publishes loops");
    }
    let sub = Subscribe {
        packet_id: 0,
        filters: args
            .topics
            .iter()
            .map(|f| {
                let mut o = SubOptions::qos(args.qos);
                // Live retained messages keep their flag.
                o.retain_as_published = v5;
                (f.clone(), o)
            })
            .collect(),
        properties: Properties::default(),
    };
    let subscribed = tokio::select! {
        r = up.subscribe(sub, connecting::report) => r.map(Some),
        _ = signals.recv() => Ok(None),
    };
    let ack = match subscribed {
        Ok(Some(ack)) => ack,
        Ok(None) => {
            close(&mut up, &mut down).await;
            return Ok(ExitCode::SUCCESS);
        }
        Err(e) => {
            close(&mut up, &mut down).await;
            return Err(e);
        }
    };
    if let Err(e) = connecting::check_suback(&ack, " by --from") {
        close(&mut up, &mut down).await;
        return Err(e);
    }

    let started = Instant::now();
    let mut out = ThreadedOutput::new();
    let mut flights = Flights::new();
    let mut skipped: u64 = 0;
    let (mut from_lost, mut to_lost) = (0u64, 0u64);
    let mut last = (0u64, 0u64);
    // A message taken from upstream waiting for room in the downstream queue; acknowledgements
    // waiting for room in the upstream one.
    let mut held: Option<(u64, Box<Publish>)> = None;
    let mut acks: Vec<(u16, QoS)> = Vec::new();
    let mut ticks = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(1),
        Duration::from_secs(1),
    );
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut stopping: Option<tokio::time::Instant> = None;
    let (up_tx, down_tx) = (up.requests.clone(), down.requests.clone());
    let end: Result<()> = loop {
        let take =
            stopping.is_none() && held.is_none() && flights.in_flight() < usize::from(window);
        if stopping.is_some() && held.is_none() && flights.in_flight() == 0 && acks.is_empty() {
            break Ok(());
        }
        tokio::select! {
            biased;
            _ = signals.recv(), if stopping.is_none() => {
                stopping = Some(tokio::time::Instant::now() + STOP_GRACE);
            }
            _ = sleep_until(stopping), if stopping.is_some() => {
                diag::warning(&format!(
                    "stopped with {} messages not acknowledged by --to: --from keeps them for a resumed session",
                    flights.in_flight()
                ));
                break Ok(());
            }
            permit = up_tx.reserve(), if !acks.is_empty() => match permit {
                Ok(p) => p.send(Request::Ack(std::mem::take(&mut acks))),
                Err(_) => acks.clear(),
            },
            permit = down_tx.reserve(), if held.is_some() => {
                if let (Ok(p), Some((token, publish))) = (permit, held.take()) {
                    p.send(Request::Publish { publish, token, auto_alias: false });
                }
            }
            u = down.next() => match u {
                Some(Update::Published { token, reason: code, properties, .. }) => {
                    let ok = !reason::is_error(code);
                    if !ok {
                        diag::warning(&format!("--to refused a message: {}", connecting::reason_text(PacketType::PubAck, code, properties.as_deref())));
                    }
                    acks.extend(flights.done(token, ok));
                }
                Some(Update::NotSent { token, error }) => {
                    diag::warning(&format!("a message could not be sent to --to: {error}"));
                    acks.extend(flights.done(token, false));
                }
                Some(Update::Closed(Ok(()))) | None => break Err(exit::runtime("the --to session ended unexpectedly")),
                Some(Update::Closed(Err(e))) => break Err(e.into_error(" (--to)")),
                Some(Update::Lost(why)) => {
                    to_lost += 1;
                    diag::info("disconnected", &format!("--to disconnected: {why}; reconnecting"));
                }
                Some(Update::Reconnected { session_present }) => diag::info("reconnected", &format!("--to reconnected (session present: {session_present})")),
                Some(other) => connecting::report(&other),
            },
            u = up.next(), if take => match u {
                Some(Update::Message(p)) => {
                    let mut p = p;
                    let marked = p.properties.user_properties.iter().any(|(k, _)| k == MARKER);
                    let topic = if marked && marker.is_some() { None } else { map.apply(&p.topic) };
                    let Some(topic) = topic else {
                        skipped += 1;
                        acks.extend(flights.skip(p.packet_id, p.qos));
                        continue;
                    };
                    if let Some(t) = tee.as_mut() {
                        let mut line = Vec::new();
                        message::write(&mut line, &p, &record::now(), PayloadFormat::Text, &[]);
                        if let Err(e) = t.write_all(&line) {
                            break Err(exit::runtime(format!("--tee: {e}")));
                        }
                    }
                    let token = flights.take(p.packet_id, p.qos);
                    p.topic = topic;
                    p.qos = p.qos.min(args.qos);
                    p.packet_id = 0;
                    p.dup = false;
                    // What only the hop from --from means: not for --to.
                    p.properties.subscription_identifiers.clear();
                    p.properties.topic_alias = None;
                    if let Some(id) = &marker {
                        if down.version == Version::V5 {
                            p.properties.user_properties.push((MARKER.to_string(), id.clone()));
                        }
                    }
                    held = Some((token, p));
                }
                Some(Update::Closed(Ok(()))) | None => break Err(exit::runtime("the --from session ended unexpectedly")),
                Some(Update::Closed(Err(e))) => break Err(e.into_error(" (--from)")),
                Some(Update::Lost(why)) => {
                    from_lost += 1;
                    diag::info("disconnected", &format!("--from disconnected: {why}; reconnecting"));
                }
                Some(Update::Reconnected { session_present }) => {
                    if !session_present {
                        flights.upstream_session_lost();
                        acks.clear();
                    }
                    diag::info("reconnected", &format!("--from reconnected (session present: {session_present})"));
                }
                Some(other) => connecting::report(&other),
            },
            _ = ticks.tick() => {
                if let Some(t) = tee.as_mut() {
                    if let Err(e) = t.flush() {
                        break Err(exit::runtime(format!("--tee: {e}")));
                    }
                }
                if !args.quiet && out.has_room() {
                    let now = (flights.received, flights.forwarded);
                    records::write(out.buffer(), &tick(&flights, started, last, skipped, (from_lost, to_lost), false));
                    last = now;
                    out.flush(None).await?;
                }
            }
        }
    };
    if let Some(t) = tee.as_mut() {
        let _ = t.flush();
    }
    if !args.quiet {
        records::write(
            out.buffer(),
            &tick(&flights, started, last, skipped, (from_lost, to_lost), true),
        );
    }
    // Acknowledgements still owed upstream go first, then both sessions end.
    if !acks.is_empty() {
        let _ = up
            .requests
            .try_send(Request::Ack(std::mem::take(&mut acks)));
    }
    close(&mut up, &mut down).await;
    super::stdout::write_out(&mut out, &mut signals, Duration::from_millis(500)).await?;
    end.map(|()| ExitCode::SUCCESS)
}

fn tick(
    f: &Flights,
    started: Instant,
    last: (u64, u64),
    skipped: u64,
    lost: (u64, u64),
    end: bool,
) -> Bridged {
    Bridged {
        kind: "bridged",
        time: record::now(),
        elapsed_s: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        received: f.received,
        forwarded: f.forwarded,
        refused: f.refused,
        skipped,
        in_flight: f.in_flight(),
        received_per_s: f.received - last.0,
        forwarded_per_s: f.forwarded - last.1,
        from_lost: lost.0,
        to_lost: lost.1,
        end,
    }
}

/// DISCONNECT both, upstream first (so that it sends nothing more).
async fn close(up: &mut Session, down: &mut Session) {
    up.disconnect(Duration::from_secs(1)).await;
    down.disconnect(Duration::from_secs(2)).await;
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
