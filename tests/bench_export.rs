//! `bench --prometheus ADDR` (the live counters and histograms, scraped during a run) and
//! `bench --csv FILE` (the ticks as CSV rows).
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::broker::Broker;
use crate::support::cmd::{self, mqtt, Spawned};

fn bench(b: &Broker, args: &[&str]) -> std::process::Command {
    let mut c = mqtt();
    c.args([
        "bench",
        "pubsub",
        "-h",
        "127.0.0.1",
        "-p",
        &b.port().to_string(),
    ])
    .args(args);
    c
}

/// GET `path` from `addr`: the status line and the body.
fn get(addr: &str, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/plain\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response)
        .expect("the whole response, then the close");
    let (head, body) = response.split_once("\r\n\r\n").expect("a head and a body");
    let status = head.lines().next().unwrap_or_default().to_string();
    assert!(
        head.contains("Content-Type: text/plain; version=0.0.4"),
        "{head}"
    );
    (status, body.to_string())
}

/// The value of the sample `name` (with its labels, if any) in an exposition.
fn sample(body: &str, name: &str) -> f64 {
    body.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no sample {name} in:\n{body}"))
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_prometheus_endpoint_serves_live_counters_and_histograms_during_a_run() {
    let b = Broker::plain();
    let mut run = Spawned::spawn(&mut bench(
        &b,
        &[
            "-c",
            "2",
            "-q",
            "1",
            "--rate",
            "1000",
            "--duration",
            "30s",
            "--prometheus",
            "127.0.0.1:0",
        ],
    ));
    // The listener is up before the run starts; the first tick shows messages flowing.
    run.wait_for_json(
        |v| v["type"] == "tick" && v["received"].as_u64() > Some(0),
        Duration::from_secs(10),
    );
    let stderr = run.stderr();
    let addr = stderr
        .split("serving metrics at http://")
        .nth(1)
        .and_then(|rest| rest.split("/metrics").next())
        .unwrap_or_else(|| panic!("no address on stderr: {stderr}"))
        .to_string();
    let (status, first) = get(&addr, "/metrics");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(sample(&first, "mqtt_bench_connected"), 3.0, "{first}");
    assert!(
        first.contains("mqtt_bench_info{scenario=\"pubsub\",shard=\"0/1\"} 1"),
        "{first}"
    );
    assert!(sample(&first, "mqtt_bench_sent_total") > 0.0, "{first}");
    for h in ["connect", "publish_to_ack", "end_to_end"] {
        let name = format!("mqtt_bench_{h}_latency_seconds");
        assert!(
            first.contains(&format!("# TYPE {name} histogram\n")),
            "{first}"
        );
        let count = sample(&first, &format!("{name}_count"));
        assert_eq!(
            sample(&first, &format!("{name}_bucket{{le=\"+Inf\"}}")),
            count,
            "{name}"
        );
    }
    assert_eq!(
        sample(&first, "mqtt_bench_connect_latency_seconds_count"),
        3.0
    );
    // Live: a later scrape counts more.
    run.wait_for_record("tick", Duration::from_secs(5));
    let (_, second) = get(&addr, "/metrics");
    assert!(
        sample(&second, "mqtt_bench_received_total") > sample(&first, "mqtt_bench_received_total"),
        "{first}\n---\n{second}"
    );
    let (status, _) = get(&addr, "/other");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    run.signal(libc::SIGINT);
    let done = run.wait(Duration::from_secs(15));
    assert_eq!(done.code(), Some(130), "{}", done.stderr);
    // The run is over: nothing listens any more.
    assert!(TcpStream::connect(&addr).is_err(), "{addr} still listens");
}

#[test]
fn a_prometheus_address_that_cannot_be_listened_on_is_a_usage_error() {
    let b = Broker::plain();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = cmd::run_default(&mut bench(&b, &["--count", "1", "--prometheus", &addr]));
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains(&format!("--prometheus {addr}: cannot listen")),
        "{}",
        cmd::describe(&out)
    );
    let out = cmd::run_default(&mut bench(
        &b,
        &["--count", "1", "--prometheus", "localhost"],
    ));
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).starts_with("mqtt: error: invalid value 'localhost'"),
        "{}",
        cmd::describe(&out)
    );
}

#[test]
fn csv_has_a_header_and_a_row_per_tick_like_the_tick_records() {
    let b = Broker::plain();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticks.csv");
    let mut run = Spawned::spawn(
        bench(
            &b,
            &["-c", "2", "--rate", "200", "--duration", "30s", "--csv"],
        )
        .arg(&path),
    );
    run.wait_for_record("tick", Duration::from_secs(10));
    run.wait_for_record("tick", Duration::from_secs(5));
    run.signal(libc::SIGINT);
    let done = run.wait(Duration::from_secs(15));
    assert_eq!(done.code(), Some(130), "{}", done.stderr);
    let ticks: Vec<serde_json::Value> = cmd::json_lines(done.all_lines.join("\n").as_bytes())
        .into_iter()
        .filter(|v| v["type"] == "tick")
        .collect();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..3], ["time", "elapsed_s", "connected"]);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), ticks.len(), "{text}");
    for (row, tick) in rows.iter().zip(&ticks) {
        assert_eq!(row.len(), header.len(), "{row:?}");
        for (i, column) in header.iter().enumerate().skip(1) {
            if *column == "errors" {
                continue;
            }
            let v: f64 = row[i].parse().unwrap_or_else(|e| panic!("{column}: {e}"));
            let want = tick[column].as_f64().unwrap_or(f64::NAN);
            assert!((v - want).abs() < 0.0011, "{column} in {row:?} vs {tick}");
        }
    }
    let out = cmd::run_default(&mut bench(
        &b,
        &["--count", "1", "--csv", "/nonexistent/dir/t.csv"],
    ));
    cmd::assert_code(&out, 2);
    assert!(
        cmd::stderr(&out).contains("cannot create --csv"),
        "{}",
        cmd::describe(&out)
    );
}
