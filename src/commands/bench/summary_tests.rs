use super::*;

pub(crate) fn part(shard: &str, values: &[u64], sent: u64) -> Summary {
    let mut h = stats::histogram();
    for &v in values {
        h.record(v).unwrap();
    }
    Summary {
        kind: "summary".into(),
        scenario: "pubsub".into(),
        shards: vec![shard.into()],
        complete: true,
        subscribers: 1,
        publishers: 2,
        sent,
        received: sent,
        expected: sent,
        loss_exact: true,
        throughput: Throughput {
            sent_per_s: 100.0,
            acked_per_s: 0.0,
            received_per_s: 100.0,
        },
        latency_us: Latencies {
            end_to_end: stats::percentiles(&h),
            ..Latencies::default()
        },
        histograms: Histograms {
            end_to_end: Some(stats::encode(&h).unwrap()),
            ..Histograms::default()
        },
        ..Summary::default()
    }
}

#[test]
fn merging_adds_counts_and_merges_histograms() {
    let a = part("0/2", &[100, 200, 300], 3);
    let b = part("1/2", &[1000], 1);
    let m = merge_summaries(&[a.clone(), b]).unwrap();
    assert_eq!(m.shards, vec!["0/2", "1/2"]);
    assert_eq!((m.sent, m.received, m.publishers), (4, 4, 4));
    assert_eq!(m.throughput.sent_per_s, 200.0);
    let e = m.latency_us.end_to_end.unwrap();
    assert_eq!((e.count, e.min, e.max), (4, 100, 1000));
    assert!(m.loss_exact);
    // With itself: counts double, percentiles stay.
    let twice = merge_summaries(&[a.clone(), a.clone()]).unwrap();
    let (p1, p2) = (
        a.latency_us.end_to_end.clone().unwrap(),
        twice.latency_us.end_to_end.unwrap(),
    );
    assert_eq!(p2.count, 2 * p1.count);
    assert_eq!((p2.p50, p2.p99, p2.max), (p1.p50, p1.p99, p1.max));
}

#[test]
fn summaries_round_trip_through_json_lines() {
    let a = part("0/1", &[5, 6], 2);
    let text = format!(
        "{{\"type\":\"tick\",\"sent\":1}}\n{}\n",
        serde_json::to_string(&a).unwrap()
    );
    let back = read_summaries(&text, "f").unwrap();
    assert_eq!(back, vec![a.clone()]);
    assert!(read_summaries("{\"type\":\"tick\"}", "f").is_err());
    let mut no_hist = a;
    no_hist.histograms = Histograms::default();
    assert!(merge_summaries(&[no_hist]).is_err());
}

#[test]
fn summary_starts_with_type_and_time() {
    let line = serde_json::to_string(&part("0/1", &[1], 1)).unwrap();
    assert!(
        line.starts_with("{\"type\":\"summary\",\"time\":"),
        "{line}"
    );
}
