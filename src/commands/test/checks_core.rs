//! The checks every MQTT version has (the list; topics in `checks_topics.rs`, sessions and
//! connections in `checks_session.rs`), and here the QoS round trips and the QoS granted.
use std::future::Future;

use bytes::Bytes;

use super::checks_session::*;
use super::checks_topics::*;
use super::probe::{show, Ctx, Outcome};
use super::{Check, CheckFuture, ALL_VERSIONS, V311_AND_5};
use crate::output::tests_records::Verdict::{self, Fail, Pass};
use crate::protocol::{reason, QoS};

/// A check body: `Err` is a failure with its reason.
pub fn boxed<'a>(f: impl Future<Output = Result<Outcome, String>> + 'a) -> CheckFuture<'a> {
    Box::pin(async move { f.await.unwrap_or_else(|e| (Fail, e)) })
}

pub fn verdict(ok: bool) -> Verdict {
    if ok {
        Pass
    } else {
        Fail
    }
}

pub fn checks() -> Vec<Check> {
    vec![
        Check {
            name: "versions_accepted",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(versions_accepted(c)),
        },
        Check {
            name: "qos0_round_trip",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(round_trip(c, QoS::AtMostOnce, "qos0_round_trip")),
        },
        Check {
            name: "qos1_round_trip",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(round_trip(c, QoS::AtLeastOnce, "qos1_round_trip")),
        },
        Check {
            name: "qos2_round_trip",
            versions: ALL_VERSIONS,
            mandatory: false,
            run: |c| boxed(round_trip(c, QoS::ExactlyOnce, "qos2_round_trip")),
        },
        Check {
            name: "granted_qos",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(granted_qos(c)),
        },
        Check {
            name: "qos2_exactly_once_across_reconnect",
            versions: ALL_VERSIONS,
            mandatory: false,
            run: |c| boxed(qos2_across_reconnect(c)),
        },
        Check {
            name: "retained",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(retained(c)),
        },
        Check {
            name: "wildcards",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(wildcards(c)),
        },
        Check {
            name: "dollar_topics_not_matched",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(dollar_topics(c)),
        },
        Check {
            name: "overlapping_subscriptions",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(overlapping(c)),
        },
        Check {
            name: "unsubscribe",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(unsubscribe(c)),
        },
        Check {
            name: "session_resume",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(session_resume(c)),
        },
        Check {
            name: "will_on_abrupt_close",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(will(c, true)),
        },
        Check {
            name: "no_will_on_disconnect",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(will(c, false)),
        },
        Check {
            name: "keepalive_enforced",
            versions: ALL_VERSIONS,
            mandatory: false,
            run: |c| boxed(keepalive(c)),
        },
        Check {
            name: "client_id_23_characters",
            versions: ALL_VERSIONS,
            mandatory: true,
            run: |c| boxed(client_id_23(c)),
        },
        Check {
            name: "empty_client_id",
            versions: V311_AND_5,
            mandatory: false,
            run: |c| boxed(empty_client_id(c)),
        },
        Check {
            name: "sys_topics",
            versions: ALL_VERSIONS,
            mandatory: false,
            run: |c| boxed(sys_topics(c)),
        },
    ]
}

async fn round_trip(ctx: &Ctx, qos: QoS, name: &str) -> Result<Outcome, String> {
    let topic = ctx.topic(name, "t");
    let mut p = ctx.probe(name, "a").await?;
    let ack = p.subscribe(&topic, qos, ctx.wait).await?;
    let granted = ack.reason_codes.first().copied().unwrap_or(0x80);
    if reason::is_error(granted) {
        return Ok((
            Fail,
            format!("SUBSCRIBE at QoS {} refused: {granted:#04x}", qos as u8),
        ));
    }
    let code = p
        .publish(&topic, Bytes::from_static(b"round trip"), qos, false)
        .await?;
    if reason::is_error(code) {
        return Ok((
            Fail,
            format!("PUBLISH at QoS {} rejected: {code:#04x}", qos as u8),
        ));
    }
    let got = p.expect(ctx.wait).await;
    // One message sent, one delivered: a second copy at QoS 0 or 2 is a broker's fault (at
    // QoS 1 MQTT allows it, and the detail says so).
    let extra = if got.is_some() {
        p.collect(ctx.quiet(), ctx.quiet()).await.len()
    } else {
        0
    };
    p.close().await;
    let want = (qos as u8).min(granted);
    if extra > 0 && want != 1 {
        return Ok((
            Fail,
            format!(
                "sent once at QoS {}, delivered {} times",
                qos as u8,
                extra + 1
            ),
        ));
    }
    Ok(match got {
        Some(m) if &m.payload[..] == b"round trip" && m.qos as u8 == want => (
            Pass,
            format!(
                "sent QoS {}, subscribed (granted {granted}), received at QoS {want}",
                qos as u8
            ),
        ),
        Some(m) => (
            Fail,
            format!(
                "received {} at QoS {}, expected \"round trip\" at QoS {want}",
                show(&m.payload),
                m.qos as u8
            ),
        ),
        None => (
            Fail,
            format!(
                "sent at QoS {}, nothing received within {:?}",
                qos as u8, ctx.wait
            ),
        ),
    })
}

async fn granted_qos(ctx: &Ctx) -> Result<Outcome, String> {
    let mut p = ctx.probe("granted_qos", "a").await?;
    let max = p.connack.properties.maximum_qos.unwrap_or(2);
    let mut granted = Vec::new();
    for q in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        let ack = p
            .subscribe(
                &ctx.topic("granted_qos", &format!("q{}", q as u8)),
                q,
                ctx.wait,
            )
            .await?;
        granted.push(ack.reason_codes.first().copied().unwrap_or(0x80));
    }
    p.close().await;
    let ok = granted
        .iter()
        .enumerate()
        .all(|(asked, &g)| reason::is_error(g) || (g as usize <= asked && g <= max));
    Ok((
        verdict(ok),
        format!("asked QoS 0, 1, 2: granted {granted:?} (maximum QoS announced: {max})"),
    ))
}

async fn qos2_across_reconnect(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "qos2_exactly_once_across_reconnect";
    let topic = ctx.topic(name, "t");
    let id = ctx.client_id(name, "s");
    let opts = ctx.options(&id, true, |_| {});
    // Acknowledged only once taken: what is not taken stays with the broker's session.
    let mut sub = ctx.connect_with(&opts, true).await?;
    sub.subscribe(&topic, QoS::ExactlyOnce, ctx.wait).await?;
    let mut publisher = ctx.probe(name, "p").await?;
    let n = 20u32;
    for i in 0..n {
        publisher
            .publish(&topic, Bytes::from(i.to_string()), QoS::ExactlyOnce, false)
            .await?;
    }
    // Take a few, then drop the connection as a crash would, mid-stream.
    let mut got: Vec<Bytes> = Vec::new();
    for _ in 0..5 {
        if let Some(m) = sub.expect(ctx.wait).await {
            sub.ack(&m).await;
            got.push(m.payload.clone());
        }
    }
    // The acknowledgements go out before the connection drops.
    tokio::time::sleep(ctx.quiet() / 4).await;
    sub.abort();
    let mut again = ctx.connect(&opts).await?;
    let present = again.connack.session_present;
    got.extend(
        again
            .collect(ctx.wait, ctx.quiet())
            .await
            .into_iter()
            .map(|m| m.payload.clone()),
    );
    again.close().await;
    publisher.close().await;
    let mut seen: Vec<u32> = got
        .iter()
        .filter_map(|b| std::str::from_utf8(b).ok()?.parse().ok())
        .collect();
    seen.sort_unstable();
    let dups = seen.windows(2).filter(|w| w[0] == w[1]).count();
    seen.dedup();
    let missing = n as usize - seen.len();
    // MQTT 3.1's CONNACK has no session present flag.
    let present = present || ctx.version == crate::protocol::Version::V3_1;
    Ok((
        verdict(present && dups == 0 && missing == 0),
        format!("{n} QoS 2 messages, connection dropped after 5: session present {present}, {missing} missing, {dups} duplicated"),
    ))
}
