//! The `summary` record: built from the counters, the histograms and what each client
//! reported (with the histograms serialized, so that `bench merge` can combine shards
//! exactly), and `bench merge`.
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use anyhow::Result;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::collector::Outcome;
use super::counters::{lock, Counters};
use super::human::human;
use super::plan::{Plan, Scenario};
use super::report::{round1, round3};
use super::stats::{self, Percentiles};
use crate::cli::bench::MergeArgs;
use crate::exit;
use crate::output::{record, Output};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Throughput {
    pub sent_per_s: f64,
    pub acked_per_s: f64,
    pub received_per_s: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Latencies {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect: Option<Percentiles>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_to_ack: Option<Percentiles>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_to_end: Option<Percentiles>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Histograms {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_to_ack: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_to_end: Option<String>,
}

impl Histograms {
    fn is_empty(&self) -> bool {
        self.connect.is_none() && self.publish_to_ack.is_none() && self.end_to_end.is_none()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cpu {
    pub user_s: f64,
    pub system_s: f64,
    /// CPU time over wall time, in percent of one core.
    pub percent: f64,
    /// CPU microseconds per message sent or received.
    pub us_per_message: f64,
}

/// The `summary` record. Counts add up over shards; rates over the measured window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    #[serde(rename = "type")]
    pub kind: String,
    pub time: String,
    pub scenario: String,
    pub shards: Vec<String>,
    /// True when the run did all it was asked: not interrupted, every connection made and kept
    /// to the end, no errors, no QoS 1/2 message unacknowledged or lost (see `verdict`).
    pub complete: bool,
    pub protocol_version: String,
    pub qos: u8,
    pub payload_size: u64,
    /// Wall time of the whole run, connecting included.
    pub elapsed_s: f64,
    /// The measured window: from the end of the warmup to the end of publishing.
    pub measured_s: f64,
    pub clients: u64,
    pub publishers: u64,
    pub subscribers: u64,
    pub connected: u64,
    pub connect_failed: u64,
    pub connect_failures: BTreeMap<String, u64>,
    pub sent: u64,
    pub acked: u64,
    pub unacked: u64,
    pub received: u64,
    /// Messages the subscribers should have received.
    pub expected: u64,
    pub lost: u64,
    pub duplicated: u64,
    pub reordered: u64,
    /// Messages sent later than their slot allowed (open-loop schedule).
    pub overruns: u64,
    /// True when `expected` is known exactly (pubsub); otherwise it is counted from the
    /// highest sequence number seen of each publisher, and loss after it is not seen.
    pub loss_exact: bool,
    pub errors: BTreeMap<String, u64>,
    pub throughput: Throughput,
    pub latency_us: Latencies,
    pub cpu: Cpu,
    pub peak_rss_bytes: u64,
    #[serde(skip_serializing_if = "Histograms::is_empty")]
    pub histograms: Histograms,
}

fn encode_opt(h: &Histogram<u64>, with: bool) -> Result<Option<String>> {
    if !with || h.is_empty() {
        return Ok(None);
    }
    stats::encode(h).map(Some)
}

pub fn summarize(
    plan: &Plan,
    counters: &Counters,
    o: &Outcome,
    elapsed: Duration,
) -> Result<Summary> {
    let sent = counters.sent.load(Relaxed);
    let acked = counters.acked.load(Relaxed);
    let received = counters.received.load(Relaxed);
    let (mut unique, mut duplicated, mut reordered, mut seen) = (0u64, 0u64, 0u64, 0u64);
    let mut connected = 0;
    for r in &o.reports {
        connected += u64::from(r.connected);
        unique += r.sub.unique;
        duplicated += r.sub.duplicated;
        reordered += r.sub.reordered;
        seen += r.sub.expected_seen;
    }
    let has_subs = !plan.subs.is_empty();
    let (expected, loss_exact) = match o.expected_exact {
        Some(e) => (e.max(unique.min(e)), true),
        None => (seen, false),
    };
    let lost = if has_subs {
        expected.saturating_sub(unique)
    } else {
        0
    };

    // The measured window.
    let from = o.measure_from.unwrap_or_else(Instant::now);
    let end = o.ended.unwrap_or_else(Instant::now).max(from);
    let measured = end.duration_since(from).as_secs_f64();
    let per_s = |n: u64, secs: f64| {
        if secs > 0.0 {
            round1(n as f64 / secs)
        } else {
            0.0
        }
    };
    let a = o.at_measure;
    let mut rx_from = from;
    if plan.scenario == Scenario::Sub {
        let first = counters.first_rx_ns.load(Relaxed);
        if first != u64::MAX {
            rx_from = rx_from.max(counters.epoch.instant_at(first));
        }
    }
    let last_rx = counters.last_rx_ns.load(Relaxed);
    let rx_end = if last_rx > 0 {
        counters.epoch.instant_at(last_rx).max(end)
    } else {
        end
    };
    let rx_secs = rx_end.saturating_duration_since(rx_from).as_secs_f64();
    let throughput = Throughput {
        sent_per_s: per_s(sent.saturating_sub(a.sent), measured),
        acked_per_s: per_s(acked.saturating_sub(a.acked), measured),
        received_per_s: per_s(
            received.saturating_sub(a.received),
            if plan.scenario == Scenario::Sub {
                rx_secs
            } else {
                rx_secs.max(measured)
            },
        ),
    };

    let usage = stats::usage();
    let cpu_s = usage.user_s + usage.system_s;
    let cpu = Cpu {
        user_s: round3(usage.user_s),
        system_s: round3(usage.system_s),
        percent: round1(cpu_s / elapsed.as_secs_f64().max(1e-9) * 100.0),
        us_per_message: if sent + received > 0 {
            round3(cpu_s * 1e6 / (sent + received) as f64)
        } else {
            0.0
        },
    };
    let h = lock(&counters.hists);
    let latency_us = Latencies {
        connect: stats::percentiles(&h.connect),
        publish_to_ack: stats::percentiles(&h.ack),
        end_to_end: stats::percentiles(&h.e2e),
    };
    let histograms = Histograms {
        connect: encode_opt(&h.connect, plan.histograms)?,
        publish_to_ack: encode_opt(&h.ack, plan.histograms)?,
        end_to_end: encode_opt(&h.e2e, plan.histograms)?,
    };
    drop(h);
    let has_pubs = !plan.pubs.is_empty();
    Ok(Summary {
        kind: "summary".into(),
        time: record::now(),
        scenario: plan.scenario.name().into(),
        shards: vec![plan.shard.to_string()],
        complete: o.complete,
        protocol_version: plan.hosts[0].connect.version.as_str().into(),
        qos: if has_pubs {
            plan.qos as u8
        } else {
            plan.sub_qos as u8
        },
        payload_size: if has_pubs {
            (super::header::HEADER_LEN + plan.body.len()) as u64
        } else {
            0
        },
        elapsed_s: round3(elapsed.as_secs_f64()),
        measured_s: round3(measured),
        clients: plan.connections(),
        publishers: plan.pubs.end - plan.pubs.start,
        subscribers: plan.subs.end - plan.subs.start,
        connected,
        connect_failed: counters.connect_failed.load(Relaxed),
        connect_failures: counters.connect_failure_counts(),
        sent,
        acked,
        unacked: if has_pubs && plan.qos as u8 > 0 {
            sent.saturating_sub(
                acked
                    + counters
                        .error_counts()
                        .get("publish_rejected")
                        .copied()
                        .unwrap_or(0),
            )
        } else {
            0
        },
        received,
        expected: if has_subs { expected } else { 0 },
        lost,
        duplicated,
        reordered,
        overruns: counters.overruns.load(Relaxed),
        loss_exact: has_subs && loss_exact,
        errors: counters.error_counts(),
        throughput,
        latency_us,
        cpu,
        peak_rss_bytes: usage.peak_rss_bytes,
        histograms,
    })
}

/// Combine the summaries of shards: counts and rates add up, histograms merge, percentiles
/// are computed again from the merged histograms.
pub fn merge_summaries(parts: &[Summary]) -> Result<Summary> {
    let first = parts
        .first()
        .ok_or_else(|| exit::usage("nothing to merge"))?;
    let mut m = Summary {
        kind: "summary".into(),
        time: record::now(),
        scenario: first.scenario.clone(),
        protocol_version: first.protocol_version.clone(),
        qos: first.qos,
        payload_size: first.payload_size,
        complete: true,
        loss_exact: true,
        ..Summary::default()
    };
    let mut hists: [Option<Histogram<u64>>; 3] = [None, None, None];
    let mut cpu_s = 0.0;
    for (i, s) in parts.iter().enumerate() {
        if s.scenario != m.scenario {
            m.scenario = "mixed".into();
        }
        m.shards.extend(s.shards.iter().cloned());
        m.complete &= s.complete;
        m.elapsed_s = m.elapsed_s.max(s.elapsed_s);
        m.measured_s = m.measured_s.max(s.measured_s);
        m.clients += s.clients;
        m.publishers += s.publishers;
        m.subscribers += s.subscribers;
        m.connected += s.connected;
        m.connect_failed += s.connect_failed;
        for (k, v) in &s.connect_failures {
            *m.connect_failures.entry(k.clone()).or_default() += v;
        }
        m.sent += s.sent;
        m.acked += s.acked;
        m.unacked += s.unacked;
        m.received += s.received;
        m.expected += s.expected;
        m.lost += s.lost;
        m.duplicated += s.duplicated;
        m.reordered += s.reordered;
        m.overruns += s.overruns;
        if s.subscribers > 0 {
            m.loss_exact &= s.loss_exact;
        }
        for (k, v) in &s.errors {
            *m.errors.entry(k.clone()).or_default() += v;
        }
        m.throughput.sent_per_s = round1(m.throughput.sent_per_s + s.throughput.sent_per_s);
        m.throughput.acked_per_s = round1(m.throughput.acked_per_s + s.throughput.acked_per_s);
        m.throughput.received_per_s =
            round1(m.throughput.received_per_s + s.throughput.received_per_s);
        m.cpu.user_s += s.cpu.user_s;
        m.cpu.system_s += s.cpu.system_s;
        m.cpu.percent = round1(m.cpu.percent + s.cpu.percent);
        cpu_s += s.cpu.user_s + s.cpu.system_s;
        m.peak_rss_bytes += s.peak_rss_bytes;
        let pairs = [
            (&s.histograms.connect, &s.latency_us.connect, "connect"),
            (
                &s.histograms.publish_to_ack,
                &s.latency_us.publish_to_ack,
                "publish_to_ack",
            ),
            (
                &s.histograms.end_to_end,
                &s.latency_us.end_to_end,
                "end_to_end",
            ),
        ];
        for (slot, (encoded, figures, name)) in hists.iter_mut().zip(pairs) {
            match encoded {
                Some(text) => {
                    let h = stats::decode(text).map_err(|e| exit::usage(format!("summary {}: {name}: {e}", i + 1)))?;
                    match slot {
                        Some(acc) => stats::add(acc, &h),
                        None => *slot = Some(h),
                    }
                }
                None if figures.is_some() => {
                    return Err(exit::usage(format!(
                        "summary {} has {name} latency figures but no histogram (was it run with --no-histograms?)",
                        i + 1
                    )))
                }
                None => {}
            }
        }
    }
    m.cpu.user_s = round3(m.cpu.user_s);
    m.cpu.system_s = round3(m.cpu.system_s);
    let messages = m.sent + m.received;
    m.cpu.us_per_message = if messages > 0 {
        round3(cpu_s * 1e6 / messages as f64)
    } else {
        0.0
    };
    if m.subscribers == 0 {
        m.loss_exact = false;
    }
    let [c, a, e] = hists;
    m.latency_us = Latencies {
        connect: c.as_ref().and_then(stats::percentiles),
        publish_to_ack: a.as_ref().and_then(stats::percentiles),
        end_to_end: e.as_ref().and_then(stats::percentiles),
    };
    m.histograms = Histograms {
        connect: c.as_ref().map(stats::encode).transpose()?,
        publish_to_ack: a.as_ref().map(stats::encode).transpose()?,
        end_to_end: e.as_ref().map(stats::encode).transpose()?,
    };
    Ok(m)
}

/// The summaries in a file: every JSON line whose type is `summary`.
pub fn read_summaries(text: &str, name: &str) -> Result<Vec<Summary>> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| exit::usage(format!("{name}:{}: not a JSON line: {e}", n + 1)))?;
        if v.get("type").and_then(Value::as_str) == Some("summary") {
            found.push(
                serde_json::from_value(v)
                    .map_err(|e| exit::usage(format!("{name}:{}: {e}", n + 1)))?,
            );
        }
    }
    if found.is_empty() {
        return Err(exit::usage(format!("{name} holds no summary record")));
    }
    Ok(found)
}

pub fn merge(args: &MergeArgs) -> Result<ExitCode> {
    let mut parts = Vec::new();
    for f in &args.files {
        let name = f.display().to_string();
        let text = std::fs::read_to_string(f)
            .map_err(|e| exit::usage(format!("cannot read {name}: {e}")))?;
        parts.extend(read_summaries(&text, &name)?);
    }
    let merged = merge_summaries(&parts)?;
    let line = serde_json::to_string(&merged)?;
    if let Some(path) = &args.json {
        std::fs::write(path, format!("{line}\n"))
            .map_err(|e| exit::runtime(format!("cannot write --json {}: {e}", path.display())))?;
    }
    if !args.no_progress && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprint!("{}", human(&merged));
    }
    let mut out = Output::new();
    out.line(&line)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
#[path = "summary_tests.rs"]
pub(crate) mod tests;
