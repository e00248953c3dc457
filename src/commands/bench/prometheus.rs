//! `bench --prometheus ADDR`: the live counters and latency histograms in the Prometheus text
//! format (version 0.0.4) at `http://ADDR/metrics` while a run lasts, for long runs watched by
//! a Prometheus server or `curl`. A tiny HTTP/1.1 responder: one GET per connection, answered
//! and closed; every read and write is bounded in size and time.
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use hdrhistogram::Histogram;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::counters::{lock, Counters};
use super::plan::Plan;
use crate::exit;

/// The longest request head read; anything longer is answered 431.
const MAX_HEAD: usize = 8 * 1024;
/// How long a scraper has to send its request and take the answer.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Scrapes answered at once; more wait in the kernel's accept queue.
const CONCURRENT: usize = 16;

/// Latency bucket bounds in seconds (Prometheus `le`), from 50 us to 10 s.
const BUCKETS: [f64; 17] = [
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0, 10.0,
];

/// The endpoint of a run: serving until dropped.
pub struct Endpoint {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Listen on `addr` (an error there is a usage error: the address is the user's) and serve
/// the run's metrics until the endpoint is dropped.
pub async fn serve(addr: SocketAddr, plan: Arc<Plan>, counters: Arc<Counters>) -> Result<Endpoint> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| exit::usage(format!("--prometheus {addr}: cannot listen: {e}")))?;
    let addr = listener.local_addr()?;
    let started = Instant::now();
    let slots = Arc::new(tokio::sync::Semaphore::new(CONCURRENT));
    let task = tokio::spawn(async move {
        loop {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return;
            };
            let Ok((stream, _)) = listener.accept().await else {
                // Out of file descriptors and the like: try again shortly.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let (plan, counters) = (plan.clone(), counters.clone());
            tokio::spawn(async move {
                let _ = tokio::time::timeout(
                    IO_TIMEOUT,
                    answer(stream, &plan, &counters, started.elapsed()),
                )
                .await;
                drop(permit);
            });
        }
    });
    Ok(Endpoint { addr, task })
}

async fn answer(
    mut stream: TcpStream,
    plan: &Plan,
    counters: &Counters,
    elapsed: Duration,
) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        if head.len() > MAX_HEAD {
            return respond(&mut stream, "431 Request Header Fields Too Large", "").await;
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    match (method, path) {
        ("GET", "/metrics" | "/") => {
            let body = render(plan, counters, elapsed);
            respond(&mut stream, "200 OK", &body).await
        }
        ("GET" | "HEAD", _) => {
            respond(&mut stream, "404 Not Found", "not found: try /metrics\n").await
        }
        _ => respond(&mut stream, "405 Method Not Allowed", "GET /metrics\n").await,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// The exposition of the counters and histograms now.
pub fn render(plan: &Plan, c: &Counters, elapsed: Duration) -> String {
    let mut s = String::with_capacity(8 * 1024);
    let _ = writeln!(s, "# HELP mqtt_bench_info The run: scenario and shard.");
    let _ = writeln!(s, "# TYPE mqtt_bench_info gauge");
    let _ = writeln!(
        s,
        "mqtt_bench_info{{scenario=\"{}\",shard=\"{}\"}} 1",
        plan.scenario.name(),
        plan.shard
    );
    let mut metric = |name: &str, kind: &str, help: &str, value: f64| {
        let _ = writeln!(s, "# HELP {name} {help}");
        let _ = writeln!(s, "# TYPE {name} {kind}");
        let _ = writeln!(s, "{name} {value}");
    };
    metric(
        "mqtt_bench_elapsed_seconds",
        "gauge",
        "Seconds since the run started.",
        (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
    );
    let gauges = [
        (
            "mqtt_bench_connected",
            "Connections that got their CONNACK.",
            c.connected.load(Relaxed) as f64,
        ),
        (
            "mqtt_bench_inflight",
            "QoS 1/2 messages awaiting acknowledgement.",
            c.inflight.load(Relaxed).max(0) as f64,
        ),
    ];
    for (name, help, v) in gauges {
        metric(name, "gauge", help, v);
    }
    let totals = [
        (
            "mqtt_bench_connect_failed_total",
            "Connections that failed.",
            c.connect_failed.load(Relaxed),
        ),
        (
            "mqtt_bench_sent_total",
            "Messages written to the broker.",
            c.sent.load(Relaxed),
        ),
        (
            "mqtt_bench_acked_total",
            "QoS 1/2 messages acknowledged.",
            c.acked.load(Relaxed),
        ),
        (
            "mqtt_bench_received_total",
            "Messages the subscribers received.",
            c.received.load(Relaxed),
        ),
        (
            "mqtt_bench_overruns_total",
            "Paced messages that left later than their slot.",
            c.overruns.load(Relaxed),
        ),
    ];
    for (name, help, v) in totals {
        metric(name, "counter", help, v as f64);
    }
    let _ = writeln!(
        s,
        "# HELP mqtt_bench_errors_total Errors by kind (connection failures as connect_<kind>)."
    );
    let _ = writeln!(s, "# TYPE mqtt_bench_errors_total counter");
    let mut errors = c.error_counts();
    for (k, v) in c.connect_failure_counts() {
        *errors.entry(format!("connect_{k}")).or_default() += v;
    }
    for (kind, n) in errors {
        let _ = writeln!(
            s,
            "mqtt_bench_errors_total{{kind=\"{}\"}} {n}",
            escape(&kind)
        );
    }
    let h = lock(&c.hists);
    histogram(
        &mut s,
        "mqtt_bench_connect_latency_seconds",
        "Connect to CONNACK.",
        &h.connect,
    );
    histogram(
        &mut s,
        "mqtt_bench_publish_to_ack_latency_seconds",
        "Publish to its acknowledgement (QoS 1/2).",
        &h.ack,
    );
    histogram(
        &mut s,
        "mqtt_bench_end_to_end_latency_seconds",
        "Publish to its arrival at a subscriber.",
        &h.e2e,
    );
    s
}

/// One histogram (microseconds inside) as cumulative buckets in seconds; the sum is the mean
/// times the count, as HDR histograms keep no exact sum.
fn histogram(s: &mut String, name: &str, help: &str, h: &Histogram<u64>) {
    let _ = writeln!(s, "# HELP {name} {help}");
    let _ = writeln!(s, "# TYPE {name} histogram");
    let count = h.len();
    for le in BUCKETS {
        let n = if count == 0 {
            0
        } else {
            h.count_between(0, (le * 1e6) as u64)
        };
        let _ = writeln!(s, "{name}_bucket{{le=\"{le}\"}} {n}");
    }
    let _ = writeln!(s, "{name}_bucket{{le=\"+Inf\"}} {count}");
    let sum = if count == 0 {
        0.0
    } else {
        h.mean() * count as f64 / 1e6
    };
    let _ = writeln!(s, "{name}_sum {sum}");
    let _ = writeln!(s, "{name}_count {count}");
}

/// A label value with `\`, `"` and newlines escaped.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_end_with_the_count() {
        let mut h = super::super::stats::histogram();
        for us in [40, 80, 900, 3_000, 20_000_000] {
            h.record(us).unwrap();
        }
        let mut s = String::new();
        histogram(&mut s, "x", "help", &h);
        assert!(s.contains("x_bucket{le=\"0.00005\"} 1\n"), "{s}");
        assert!(s.contains("x_bucket{le=\"0.0001\"} 2\n"), "{s}");
        assert!(s.contains("x_bucket{le=\"0.001\"} 3\n"), "{s}");
        assert!(s.contains("x_bucket{le=\"0.005\"} 4\n"), "{s}");
        assert!(s.contains("x_bucket{le=\"10\"} 4\n"), "{s}");
        assert!(s.contains("x_bucket{le=\"+Inf\"} 5\n"), "{s}");
        assert!(s.contains("x_count 5\n"), "{s}");
        assert!(s.contains("# TYPE x histogram\n"), "{s}");
        assert_eq!(escape("a\"b\\c"), "a\\\"b\\\\c");
    }
}
