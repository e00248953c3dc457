//! `mqtt test`: what a broker really does, check by check. Every check runs on its own topics
//! and client ids, all of them at once (a run against a local broker takes about as long as
//! its slowest check); each gives a `check` record; the run ends with a `test_summary`, and
//! removes every retained message and session it created, also when interrupted.
use std::future::Future;
use std::io::IsTerminal;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::Map;

mod checks_core;
mod checks_limits;
mod checks_session;
mod checks_topics;
mod checks_v5;
mod checks_v5_subs;
mod probe;
mod table;

use probe::{Ctx, Outcome};

use super::signals;
use crate::cli::test::TestArgs;
use crate::exit;
use crate::output::properties;
use crate::output::tests_records::{Check as CheckRecord, Counts, TestSummary, Verdict};
use crate::output::{records, Output};
use crate::protocol::Version;

type CheckFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// One check: its name, the versions it applies to, whether every broker of those versions
/// must pass it (the default `--require`), and what it does.
pub struct Check {
    pub name: &'static str,
    pub versions: &'static [Version],
    pub mandatory: bool,
    pub run: for<'a> fn(&'a Ctx) -> CheckFuture<'a>,
}

pub const ALL_VERSIONS: &[Version] = &[Version::V3_1, Version::V3_1_1, Version::V5];
pub const V311_AND_5: &[Version] = &[Version::V3_1_1, Version::V5];
pub const V5_ONLY: &[Version] = &[Version::V5];

/// Every check, in the order they are reported.
pub fn checks() -> Vec<Check> {
    let mut all = checks_core::checks();
    all.extend(checks_limits::checks());
    all.extend(checks_v5::checks());
    all
}

/// One check's result in a run.
struct Ran {
    name: &'static str,
    version: Version,
    verdict: Verdict,
    required: bool,
    detail: String,
    took: Duration,
}

pub async fn run(args: TestArgs) -> Result<ExitCode> {
    let mut signals = signals::Signals::new();
    let base = args.connect.options()?;
    let all = checks();
    for name in args.only.iter().chain(&args.skip).chain(&args.require) {
        if !all.iter().any(|c| c.name == name) {
            return Err(exit::usage(format!(
                "no check named '{name}' (the checks: {})",
                all.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let started = Instant::now();
    let prefix = match &args.topic_prefix {
        Some(p) if p.ends_with('/') => p.clone(),
        Some(p) => format!("{p}/"),
        None => format!(
            "mqtt-test/{}/",
            (0..10)
                .map(|_| fastrand::alphanumeric())
                .collect::<String>()
        ),
    };
    // The versions to test: the one asked for (or the one the broker accepts), or all it accepts.
    let accepted = tokio::select! {
        v = accepted_versions(&base, &args) => v?,
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting")),
    };
    let versions: Vec<Version> = if args.all_versions {
        accepted.iter().map(|(v, _)| *v).collect()
    } else {
        accepted.iter().take(1).map(|(v, _)| *v).collect()
    };
    let human = !args.json && std::io::stdout().is_terminal();
    let mut out = Output::new();
    let mut results: Vec<Ran> = Vec::new();
    let mut interrupted = false;
    for &version in &versions {
        let mut ctx = Ctx::new(
            base.clone(),
            version,
            version_prefix(&prefix, version, &versions),
            args.timeout,
        );
        ctx.max_payload = args.max_payload;
        let ctx = &ctx;
        let chosen: Vec<&Check> = all.iter().filter(|c| wanted(c, &args)).collect();
        let skip = &args.skip;
        let runs = chosen.iter().map(|c| async move {
            let t = Instant::now();
            let (verdict, detail) = if !c.versions.contains(&version) {
                (Verdict::Skipped, format!("not part of MQTT {version}"))
            } else if skip.iter().any(|s| s == c.name) {
                (Verdict::Skipped, "--skip".to_string())
            } else {
                // A check that hangs is a failure, not a hang of the run.
                match tokio::time::timeout(ctx.wait * 20, (c.run)(ctx)).await {
                    Ok(o) => o,
                    Err(_) => (
                        Verdict::Fail,
                        format!("did not finish within {:?}", ctx.wait * 20),
                    ),
                }
            };
            (c, verdict, detail, t.elapsed())
        });
        let all_runs = futures_util::future::join_all(runs);
        let done = tokio::select! {
            d = all_runs => Some(d),
            _ = signals.recv() => None,
        };
        let Some(done) = done else {
            interrupted = true;
            // Bounded: a second signal exits at once.
            let _ = tokio::time::timeout(Duration::from_secs(10), ctx.clean_up()).await;
            break;
        };
        for (c, verdict, detail, took) in done {
            let required = if args.require.is_empty() {
                c.mandatory
                    && c.versions.contains(&version)
                    && !args.skip.iter().any(|s| s == c.name)
            } else {
                args.require.iter().any(|r| r == c.name)
            };
            results.push(Ran {
                name: c.name,
                version,
                verdict,
                required,
                detail,
                took,
            });
        }
        tokio::select! {
            _ = ctx.clean_up() => {}
            _ = signals.recv() => { interrupted = true; }
        }
        if interrupted {
            break;
        }
    }
    let mut counts = Counts::default();
    let mut not_passed = Vec::new();
    for r in &results {
        counts.add(r.verdict);
        if r.required && r.verdict != Verdict::Pass {
            not_passed.push(format!("{} ({})", r.name, r.version));
        }
    }
    let version_names: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
    let connack = accepted
        .first()
        .map(|(_, c)| properties::to_map(&c.properties))
        .unwrap_or_else(Map::new);
    let sys_version = results
        .iter()
        .find(|r| r.name == "sys_topics" && r.verdict == Verdict::Pass)
        .and_then(|r| r.detail.strip_prefix("$SYS/broker/version: "))
        .map(str::to_string);
    let address = base.address();
    if human {
        table::print(
            &results_view(&results),
            &counts,
            &not_passed,
            sys_version.as_deref(),
        );
    } else {
        for r in &results {
            let v = r.version.to_string();
            let rec = CheckRecord::new(r.name, &v, (r.verdict, r.required), &r.detail, r.took);
            out.line(&records::line(&rec))?;
        }
        let summary = TestSummary::new(
            &address,
            &version_names,
            counts,
            &not_passed,
            (connack, sys_version.as_deref()),
            started.elapsed(),
        );
        out.line(&records::line(&summary))?;
        out.flush()?;
    }
    if interrupted {
        return Err(exit::interrupted(
            "interrupted: the checks' retained messages and sessions were removed",
        ));
    }
    if !not_passed.is_empty() {
        return Err(exit::rejected(format!(
            "required checks did not pass: {}",
            not_passed.join(", ")
        )));
    }
    Ok(ExitCode::SUCCESS)
}

fn results_view(results: &[Ran]) -> Vec<table::Row<'_>> {
    results
        .iter()
        .map(|r| table::Row {
            name: r.name,
            version: r.version,
            verdict: r.verdict,
            required: r.required,
            detail: &r.detail,
            took: r.took,
        })
        .collect()
}

/// With several versions, each gets its own topics.
fn version_prefix(prefix: &str, v: Version, all: &[Version]) -> String {
    if all.len() > 1 {
        format!("{prefix}v{}/", v.to_string().replace('.', ""))
    } else {
        prefix.to_string()
    }
}

fn wanted(c: &Check, args: &TestArgs) -> bool {
    args.only.is_empty() || args.only.iter().any(|o| o == c.name)
}

/// Which versions the broker accepts, with the CONNACK of each: the one asked for (`-V`, or
/// 5 falling back to 3.1.1 as every command does), or with --all-versions each of 5, 3.1.1, 3.1.
/// None accepted is the usual exit 3/4 of the first attempt.
async fn accepted_versions(
    base: &crate::session::ConnectOptions,
    args: &TestArgs,
) -> Result<Vec<(Version, crate::protocol::ConnAck)>> {
    let tls = super::connecting::tls_config(base)?;
    let tries: Vec<(Version, bool)> = if args.all_versions {
        vec![
            (Version::V5, false),
            (Version::V3_1_1, false),
            (Version::V3_1, false),
        ]
    } else {
        vec![(base.connect.version, base.version_fallback)]
    };
    let mut accepted = Vec::new();
    let mut first_error = None;
    for (v, fallback) in tries {
        let mut o = base.clone();
        o.connect.version = v;
        o.version_fallback = fallback;
        o.connect.client_id = crate::session::options::random_client_id("mt-probe-");
        o.connect.clean_start = true;
        o.connect.will = None;
        match crate::session::handshake(&o, tls.clone()).await {
            Ok(hs) if hs.accepted() => {
                accepted.push((hs.version, hs.connack.clone()));
                hs.disconnect().await;
            }
            Ok(hs) => {
                first_error.get_or_insert_with(|| {
                    exit::refused(format!(
                        "{} refused MQTT {v}: {}",
                        base.address(),
                        hs.refusal_text()
                    ))
                });
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if accepted.is_empty() {
        return Err(first_error.unwrap_or_else(|| exit::runtime("no version accepted")));
    }
    Ok(accepted)
}
