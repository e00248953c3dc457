//! `mqtt bench conn|pub|sub|pubsub|merge`: the load generator.
//!
//! The command line becomes a [`plan::Plan`] (everything checked before any connection). The
//! [`collector`] launches one lean task per connection ([`connection`]) at the connect rate, moves
//! them through the run's phases over a watch channel (connect, run from a common start
//! time, stop publishing, close); `run` prints a `tick` record every second from the
//! [`counters`], and ends with a `summary` record ([`summary`]) built from the counters, the
//! latency histograms and what each client reports.
//!
//! The modules, by concern:
//! - [`plan`]: scenario, roles, the plan and its templates; [`hosts`]: brokers, TLS, DNS;
//!   [`system`]: the open-file limit and ephemeral ports; [`clock`]: the run's clock.
//! - [`collector`]: the phases and the waits between them; [`counters`]: what every
//!   connection adds to.
//! - [`connection`]: one connection's socket loop; [`connect`]: its handshake and the names of
//!   its failures; [`publisher`], [`subscriber`]: its steps, without I/O; [`header`],
//!   [`written`], [`limits`], [`rate`], [`pacer`], [`coalesce`]: what they rely on.
//! - [`report`]: ticks and the progress bar; [`summary`]: the summary record and `merge`;
//!   [`human`]: the table on stderr; [`stats`]: histograms; [`verdict`]: the exit code;
//!   [`prometheus`]: the live metrics endpoint (`--prometheus`); [`csv`]: the ticks as CSV
//!   (`--csv`).
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::sync::watch;

use super::{signals, stdout};
use crate::cli::bench::BenchCommand;
use crate::exit;
use crate::output::{diag, records, ThreadedOutput};
use crate::protocol::QoS;

pub mod clock;
pub mod coalesce;
pub mod collector;
pub mod connect;
pub mod connection;
pub mod counters;
pub mod csv;
pub mod header;
pub mod hosts;
pub mod human;
pub mod limits;
pub mod pacer;
pub mod plan;
pub mod prometheus;
pub mod publisher;
pub mod rate;
pub mod report;
pub mod stats;
pub mod subscriber;
pub mod summary;
pub mod system;
pub mod verdict;
pub mod written;

use collector::{Collector, Phase};
use counters::Counters;
use plan::{Plan, Scenario};

/// How long the summary is still waited for on a stdout slow to take it, after a signal.
const SUMMARY_GRACE: Duration = Duration::from_millis(500);

pub async fn run(cmd: BenchCommand) -> Result<ExitCode> {
    if let BenchCommand::Merge(args) = &cmd {
        return summary::merge(args);
    }
    let mut plan = Plan::from_command(&cmd)?;
    let run_args = cmd.run_args();
    let mut csv = match run_args.and_then(|r| r.csv.as_deref()) {
        Some(path) => Some(csv::Csv::create(path)?),
        None => None,
    };
    hosts::resolve(&mut plan.hosts).await?;
    system::warn_about_limits(&plan);
    let plan = Arc::new(plan);
    let paced = !plan.pubs.is_empty() && (plan.rate.is_some() || plan.interval.is_some());
    let counters = Arc::new(
        Counters::new(
            (plan.pubs.end - plan.pubs.start) as usize,
            (plan.subs.end - plan.subs.start) as usize,
            paced,
        )
        .map_err(|e| exit::runtime(format!("cannot start the pacer thread: {e}")))?,
    );
    // Served until the summary is written (dropping it stops the listener).
    let _metrics = match run_args.and_then(|r| r.prometheus) {
        Some(addr) => {
            let endpoint = prometheus::serve(addr, plan.clone(), counters.clone()).await?;
            diag::info(
                "prometheus",
                &format!("serving metrics at http://{}/metrics", endpoint.addr),
            );
            Some(endpoint)
        }
        None => None,
    };
    let (ctl, _keep) = watch::channel(Phase::Connect);
    let ctl = Arc::new(ctl);
    let collector = Collector::new(plan.clone(), counters.clone(), ctl.clone());
    let t0 = Instant::now();
    let mut progress = report::Progress::new(&plan);
    // Ticks and the summary go to stdout through a writer thread: a stdout nobody reads holds
    // back neither the run nor the signals. A tick that finds the writer still busy with two
    // earlier ones is skipped.
    let mut out = ThreadedOutput::new();
    let mut ticks = report::Ticks::default();
    let mut skipped_ticks = 0u64;
    let mut stdout_ok = true;
    if !paced && !plan.pubs.is_empty() && !plan.coalesce.is_zero() {
        tokio::spawn(coalesce::control(
            counters.clone(),
            plan.qos,
            plan.coalesce,
            ctl.subscribe(),
        ));
    }
    let collect = tokio::spawn(collector.run());
    tokio::pin!(collect);
    let mut ticker = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(1),
        Duration::from_secs(1),
    );
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = signals::Signals::new();
    let mut interrupted = false;
    let outcome = loop {
        tokio::select! {
            r = &mut collect => break r.map_err(|e| anyhow::anyhow!("the collector failed: {e}"))?,
            _ = ticker.tick() => {
                let tick = ticks.next(&counters, t0.elapsed());
                if let Some(csv) = &mut csv {
                    csv.tick(&crate::output::record::now(), &tick);
                }
                if stdout_ok && !out.has_room() {
                    skipped_ticks += 1;
                } else if stdout_ok {
                    records::write(out.buffer(), &records::Tick::new(&tick));
                    // What stdout takes at once is written in a pause of the progress bar; the
                    // rest goes to the writer thread (`has_room`: no wait for it).
                    let mut written = progress.suspend(|| out.write_ready());
                    if written.is_ok() {
                        written = out.flush(None).await;
                    }
                    if let Err(e) = written {
                        stdout_ok = false;
                        if !exit::is_broken_pipe(&e.into()) {
                            diag::warning("cannot write to stdout");
                        }
                    }
                }
                progress.update(&plan, &tick);
            }
            _ = signals.recv(), if !interrupted => {
                interrupted = true;
                progress.println("mqtt: interrupted: closing the connections, then the summary");
                ctl.send_replace(Phase::Close);
            }
        }
    };
    progress.finish();
    if let Some(why) = counters.too_large.get() {
        return Err(exit::usage(why));
    }
    let elapsed = t0.elapsed();
    let mut summary = summary::summarize(&plan, &counters, &outcome, elapsed)?;
    let loss_counts =
        plan.scenario == Scenario::PubSub && plan.qos.min(plan.sub_qos) != QoS::AtMostOnce;
    let failures = verdict::judge(&summary, interrupted, loss_counts);
    summary.complete &= failures.is_empty();
    let line = serde_json::to_string(&summary)?;
    if let Some((path, file)) = &plan.json {
        let mut file = file;
        file.write_all(format!("{line}\n").as_bytes())
            .map_err(|e| exit::runtime(format!("cannot write --json {}: {e}", path.display())))?;
    }
    if plan.progress {
        eprint!("{}", human::human(&summary));
    }
    report::stderr_notes(&counters);
    if skipped_ticks > 0 {
        diag::warning(&format!(
            "{skipped_ticks} tick record(s) skipped: stdout did not take them"
        ));
    }
    if stdout_ok {
        out.buffer().extend_from_slice(line.as_bytes());
        out.buffer().push(b'\n');
        // The summary is written however long stdout takes, but a signal stops the wait, and
        // after one that stopped the run it is waited for briefly only.
        let bound = if interrupted {
            SUMMARY_GRACE
        } else {
            Duration::MAX
        };
        if !stdout::write_out(&mut out, &mut signals, bound).await? {
            diag::warning("the summary was not written: stdout did not take it");
            if !interrupted {
                return Err(exit::interrupted("interrupted while writing the summary"));
            }
        }
    }
    if interrupted && plan.bounded() && !outcome.complete {
        return Err(exit::interrupted("interrupted before the run was complete"));
    }
    match failures.error() {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}
