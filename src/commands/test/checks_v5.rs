//! The checks of MQTT 5 features (the list; subscriptions and sessions in
//! `checks_v5_subs.rs`), and here message expiry, will delay and topic aliases.
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::checks_core::{boxed, verdict};
use super::checks_v5_subs::*;
use super::probe::{show, Ctx, Outcome, Probe};
use super::{Check, V311_AND_5, V5_ONLY};
use crate::output::tests_records::Verdict::{Fail, Pass, Unsupported};
use crate::protocol::{reason, PacketType, Properties, Publish, QoS, SubOptions, Will};

pub fn checks() -> Vec<Check> {
    vec![
        Check {
            name: "message_expiry",
            versions: V5_ONLY,
            mandatory: true,
            run: |c| boxed(message_expiry(c)),
        },
        Check {
            name: "will_delay",
            versions: V5_ONLY,
            mandatory: true,
            run: |c| boxed(will_delay(c)),
        },
        Check {
            name: "topic_alias",
            versions: V5_ONLY,
            mandatory: false,
            run: |c| boxed(topic_alias(c)),
        },
        Check {
            name: "receive_maximum",
            versions: V5_ONLY,
            mandatory: true,
            run: |c| boxed(receive_maximum(c)),
        },
        Check {
            name: "subscription_identifiers",
            versions: V5_ONLY,
            mandatory: false,
            run: |c| boxed(subscription_identifiers(c)),
        },
        Check {
            name: "no_local",
            versions: V5_ONLY,
            mandatory: true,
            run: |c| boxed(no_local(c)),
        },
        Check {
            name: "retain_as_published",
            versions: V5_ONLY,
            mandatory: true,
            run: |c| boxed(retain_as_published(c)),
        },
        Check {
            name: "retain_handling",
            versions: V5_ONLY,
            mandatory: true,
            run: |c| boxed(retain_handling(c)),
        },
        Check {
            name: "shared_subscriptions",
            versions: V311_AND_5,
            mandatory: false,
            run: |c| boxed(shared_subscriptions(c)),
        },
        Check {
            name: "request_response_information",
            versions: V5_ONLY,
            mandatory: false,
            run: |c| boxed(request_response_information(c)),
        },
        Check {
            name: "session_taken_over",
            versions: V5_ONLY,
            // MQTT 5 requires closing the old connection; the DISCONNECT 0x8E it describes is
            // not a MUST (mosquitto 2.0 just closes).
            mandatory: false,
            run: |c| boxed(session_taken_over(c)),
        },
    ]
}

/// Subscription options at `qos` with `f` applied.
pub(super) fn opts(qos: QoS, f: impl FnOnce(&mut SubOptions)) -> SubOptions {
    let mut o = SubOptions::qos(qos);
    f(&mut o);
    o
}

/// The first reason code of a SUBACK, or an error naming the refusal.
pub(super) fn granted(ack: &crate::protocol::SubAck, what: &str) -> Result<u8, String> {
    let code = ack.reason_codes.first().copied().unwrap_or(0x80);
    if reason::is_error(code) {
        Err(format!(
            "SUBSCRIBE {what} refused: {code:#04x} ({})",
            reason::name(PacketType::SubAck, code)
        ))
    } else {
        Ok(code)
    }
}

/// Publish, failing on an error or a rejection.
pub(super) async fn publish_ok(
    p: &mut Probe,
    topic: &str,
    payload: &'static [u8],
    qos: QoS,
    retain: bool,
) -> Result<(), String> {
    let code = p
        .publish(topic, Bytes::from_static(payload), qos, retain)
        .await?;
    if reason::is_error(code) {
        return Err(format!(
            "PUBLISH {} rejected: {code:#04x} ({})",
            show(payload),
            reason::name(PacketType::PubAck, code)
        ));
    }
    Ok(())
}

pub(super) fn payloads(got: &[Box<Publish>]) -> String {
    let v: Vec<String> = got.iter().map(|m| show(&m.payload)).collect();
    format!("[{}]", v.join(", "))
}

pub(super) fn millis(d: Duration) -> u128 {
    d.as_millis()
}

async fn message_expiry(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "message_expiry";
    // Client ids of their own: a check name's first letters may be another's.
    let who = "v5exp";
    let topic = ctx.topic(name, "t");
    ctx.retained(&topic);
    // Both subscribers connect first, so that the first subscribes at once after the PUBLISH.
    let mut publisher = ctx.probe(who, "p").await?;
    let mut first = ctx.probe(who, "a").await?;
    let mut late = ctx.probe(who, "b").await?;
    let p = Publish {
        topic: topic.clone(),
        payload: Bytes::from_static(b"expires"),
        qos: QoS::AtLeastOnce,
        retain: true,
        properties: Properties {
            message_expiry_interval: Some(1),
            ..Properties::default()
        },
        ..Publish::default()
    };
    let code = publisher.send(p, false).await?;
    let published = Instant::now();
    publisher.close().await;
    if reason::is_error(code) {
        return Ok((
            Fail,
            format!("retained PUBLISH with Message Expiry Interval 1 rejected: {code:#04x}"),
        ));
    }
    granted(
        &first.subscribe(&topic, QoS::AtLeastOnce, ctx.wait).await?,
        "at once",
    )?;
    let at_once = first.expect(ctx.wait).await;
    first.close().await;
    let remaining = match at_once {
        None => {
            late.close().await;
            return Ok((
                Fail,
                format!(
                    "retained PUBLISH with Message Expiry Interval 1: a subscriber at once got \
                     nothing within {:?}",
                    ctx.wait
                ),
            ));
        }
        Some(m) => m.properties.message_expiry_interval,
    };
    let until = published + Duration::from_millis(1200);
    tokio::time::sleep_until(until.into()).await;
    granted(
        &late.subscribe(&topic, QoS::AtLeastOnce, ctx.wait).await?,
        "after 1.2 s",
    )?;
    let after = late.collect(ctx.quiet(), ctx.quiet()).await;
    late.close().await;
    let shown = match remaining {
        Some(r) => format!("remaining expiry {r}"),
        None => "no Message Expiry Interval".into(),
    };
    let ok = matches!(remaining, Some(r) if r <= 1) && after.is_empty();
    let later = if after.is_empty() {
        "after 1.2 s a new subscriber got nothing".to_string()
    } else {
        format!(
            "after 1.2 s a new subscriber still got {}",
            payloads(&after)
        )
    };
    Ok((
        verdict(ok),
        format!(
            "retained PUBLISH with Message Expiry Interval 1: a subscriber at once got it with \
             {shown}; {later}"
        ),
    ))
}

async fn will_delay(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "will_delay";
    let who = "v5wd";
    let topic = ctx.topic(name, "will");
    let mut watcher = ctx.probe(who, "w").await?;
    granted(
        &watcher
            .subscribe(&topic, QoS::AtLeastOnce, ctx.wait)
            .await?,
        "of the will topic",
    )?;
    let id = ctx.client_id(who, "c");
    let opts = ctx.options(&id, true, |o| {
        o.connect.properties.session_expiry_interval = Some(10);
        o.connect.will = Some(Will {
            topic: topic.clone(),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            properties: Properties {
                will_delay_interval: Some(1),
                ..Properties::default()
            },
            ..Will::default()
        });
    });
    let client = ctx.connect(&opts).await?;
    client.abort();
    let dropped = Instant::now();
    let early = Duration::from_millis(800);
    // A broker that counts in whole seconds (mosquitto 2.0) sends it 1 to 2 s after the drop:
    // the delay, the usual wait and a little more.
    let deadline = Duration::from_secs(1) + ctx.wait + ctx.quiet();
    let got = watcher.expect(deadline).await;
    let took = dropped.elapsed();
    watcher.close().await;
    let what = "will with Will Delay Interval 1 (Session Expiry Interval 10), connection dropped";
    Ok(match got {
        Some(m) if took < early => (
            Fail,
            format!(
                "{what}: the will {} came after {} ms, before the delay",
                show(&m.payload),
                millis(took)
            ),
        ),
        Some(m) => (
            Pass,
            format!(
                "{what}: the will {} came after {} ms",
                show(&m.payload),
                millis(took)
            ),
        ),
        None => (
            Fail,
            format!("{what}: no will within {} ms", millis(deadline)),
        ),
    })
}

async fn topic_alias(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "topic_alias";
    let who = "v5ta";
    let topic = ctx.topic(name, "t");
    let mut publisher = ctx.probe(who, "p").await?;
    let max = publisher
        .connack
        .properties
        .topic_alias_maximum
        .unwrap_or(0);
    if max == 0 {
        publisher.close().await;
        return Ok((
            Unsupported,
            "the CONNACK has no Topic Alias Maximum (0): the broker takes no topic aliases".into(),
        ));
    }
    let sub_id = ctx.client_id(who, "s");
    let sub_opts = ctx.options(&sub_id, false, |o| {
        o.connect.properties.topic_alias_maximum = Some(10)
    });
    let mut sub = ctx.connect(&sub_opts).await?;
    granted(
        &sub.subscribe(&topic, QoS::AtLeastOnce, ctx.wait).await?,
        "",
    )?;
    for payload in [&b"alias 1"[..], &b"alias 2"[..]] {
        let p = Publish {
            topic: topic.clone(),
            payload: Bytes::from_static(payload),
            qos: QoS::AtLeastOnce,
            ..Publish::default()
        };
        let code = publisher.send(p, true).await?;
        if reason::is_error(code) {
            publisher.close().await;
            sub.close().await;
            return Ok((
                Fail,
                format!(
                    "PUBLISH {} with a topic alias rejected: {code:#04x} ({})",
                    show(payload),
                    reason::name(PacketType::PubAck, code)
                ),
            ));
        }
    }
    publisher.close().await;
    let mut got = Vec::new();
    while got.len() < 2 {
        match sub.expect(ctx.wait).await {
            Some(m) => got.push(m),
            None => break,
        }
    }
    sub.close().await;
    let right = got.len() == 2
        && got.iter().all(|m| m.topic == topic)
        && &got[0].payload[..] == b"alias 1"
        && &got[1].payload[..] == b"alias 2";
    let sent = format!(
        "broker's Topic Alias Maximum {max}; sent 2 PUBLISH, the first with topic and alias 1, \
         the second with alias 1 alone"
    );
    // The session resolves incoming aliases before the check sees the message.
    let towards = "we allowed the broker 10 aliases towards us; whether it used them is not \
                   visible here (the session resolves them)";
    Ok(if right {
        (
            Pass,
            format!("{sent}: the subscriber got both on the right topic; {towards}"),
        )
    } else {
        let seen: Vec<String> = got
            .iter()
            .map(|m| format!("{} on {:?}", show(&m.payload), m.topic))
            .collect();
        (
            Fail,
            format!(
                "{sent}: the subscriber got [{}] within {:?}",
                seen.join(", "),
                ctx.wait
            ),
        )
    })
}
