//! The checks of a broker's limits: the largest payload it takes (found by doubling, then
//! bisecting), how long a topic and how many levels, how long a client id.
use bytes::Bytes;

use super::checks_core::boxed;
use super::probe::{Ctx, Outcome};
use super::{Check, ALL_VERSIONS};
use crate::output::tests_records::Verdict::{Fail, Pass};
use crate::protocol::{reason, QoS};

pub fn checks() -> Vec<Check> {
    vec![
        Check {
            name: "maximum_payload",
            versions: ALL_VERSIONS,
            mandatory: false,
            run: |c| boxed(maximum_payload(c)),
        },
        Check {
            name: "topic_limits",
            versions: ALL_VERSIONS,
            mandatory: false,
            run: |c| boxed(topic_limits(c)),
        },
        Check {
            name: "client_id_length",
            versions: ALL_VERSIONS,
            mandatory: false,
            run: |c| boxed(client_id_length(c)),
        },
    ]
}

/// Whether a message of `size` bytes on `topic` goes through the broker and back, on a
/// connection of its own (a broker may close one over a message it will not take).
async fn goes_through(ctx: &Ctx, check: &str, topic: &str, size: usize) -> Result<bool, String> {
    let mut p = match ctx.probe(check, "m").await {
        Ok(p) => p,
        Err(e) => return Err(e),
    };
    // A SUBSCRIBE refused, or a connection closed over it, is a limit too.
    let subscribed = match p.subscribe(topic, QoS::AtLeastOnce, ctx.wait).await {
        Ok(ack) => ack
            .reason_codes
            .first()
            .is_some_and(|&c| !reason::is_error(c)),
        Err(_) => false,
    };
    if !subscribed {
        p.close().await;
        return Ok(false);
    }
    let payload = Bytes::from(vec![b'x'; size]);
    let ok = match p.publish(topic, payload, QoS::AtLeastOnce, false).await {
        Ok(code) if !reason::is_error(code) => p
            .expect(ctx.wait)
            .await
            .is_some_and(|m| m.payload.len() == size),
        _ => false,
    };
    p.close().await;
    Ok(ok)
}

async fn maximum_payload(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "maximum_payload";
    let topic = ctx.topic(name, "t");
    let announced = ctx.probe(name, "a").await.map(|p| {
        let m = p.connack.properties.maximum_packet_size;
        tokio::spawn(p.close());
        m
    })?;
    // The packet around a payload: fixed header, topic, packet id, properties.
    let overhead = topic.len() + 16;
    let top = ctx.max_payload as usize;
    let top = match announced {
        Some(max) => top.min((max as usize).saturating_sub(overhead)),
        None => top,
    };
    let (mut good, mut bad) = (0usize, None);
    let mut size = 1024.min(top);
    loop {
        if goes_through(ctx, name, &topic, size).await? {
            good = size;
            if size >= top {
                break;
            }
            size = (size * 2).min(top);
        } else {
            bad = Some(size);
            break;
        }
    }
    if let Some(mut hi) = bad {
        // Between the last size that went through and the first that did not, to 1%.
        let mut lo = good;
        while hi - lo > (hi / 100).max(64) {
            let mid = lo + (hi - lo) / 2;
            if goes_through(ctx, name, &topic, mid).await? {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        good = lo;
    }
    let said = announced.map_or("no Maximum Packet Size announced".to_string(), |m| {
        format!("Maximum Packet Size {m} announced")
    });
    Ok(match (bad, announced) {
        (None, _) => (
            Pass,
            format!("{said}; payloads up to {good} bytes went through (tried up to {top})"),
        ),
        (Some(_), Some(m)) if good + overhead + 1024 < m as usize => (
            Fail,
            format!("{said}, but payloads above about {good} bytes did not go through"),
        ),
        (Some(_), _) => (
            Pass,
            format!("{said}; the largest payload that went through: about {good} bytes"),
        ),
    })
}

async fn topic_limits(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "topic_limits";
    let base = ctx.topic(name, "");
    let mut notes = Vec::new();
    // Length: one long level (65,535 bytes is MQTT's own limit).
    let mut longest = 0;
    for len in [1024usize, 8192, 65_535] {
        let topic = format!("{base}{}", "l".repeat(len.saturating_sub(base.len())));
        if topic.len() > 65_535 {
            break;
        }
        if goes_through(ctx, name, &topic, 4).await? {
            longest = topic.len();
        } else {
            break;
        }
    }
    notes.push(format!(
        "topics of {longest} bytes went through (of 1,024, 8,192, 65,535)"
    ));
    let mut deepest = 0;
    for levels in [16usize, 64, 128, 200, 256, 1024] {
        let topic = format!("{base}{}", vec!["a"; levels].join("/"));
        if goes_through(ctx, name, &topic, 4).await? {
            deepest = levels;
        } else {
            notes.push(format!("{levels} levels did not"));
            break;
        }
    }
    notes.push(format!("{deepest} levels below the prefix went through"));
    Ok((
        if longest >= 1024 && deepest >= 16 {
            Pass
        } else {
            Fail
        },
        notes.join("; "),
    ))
}

async fn client_id_length(ctx: &Ctx) -> Result<Outcome, String> {
    let mut longest = 0;
    let mut refused = None;
    for len in [23usize, 64, 256, 1024, 65_535] {
        let id: String = format!("{}{}", ctx.client_id("idlen", ""), "i".repeat(len))
            .chars()
            .take(len)
            .collect();
        match ctx.connect(&ctx.options(&id, false, |_| {})).await {
            Ok(p) => {
                longest = len;
                p.close().await;
            }
            Err(e) => {
                refused = Some(format!("{len} characters refused: {e}"));
                break;
            }
        }
    }
    let detail = match refused {
        Some(r) => format!("client ids of {longest} characters accepted; {r}"),
        None => format!("client ids of {longest} characters accepted"),
    };
    Ok((if longest >= 23 { Pass } else { Fail }, detail))
}
