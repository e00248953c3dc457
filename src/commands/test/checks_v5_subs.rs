//! The MQTT 5 checks of subscriptions and sessions: our Receive Maximum honoured,
//! subscription identifiers and options, shared subscriptions, response information, a
//! session taken over.
use std::time::Instant;

use bytes::Bytes;

use super::checks_core::verdict;
use super::checks_v5::{granted, millis, opts, payloads, publish_ok};
use super::probe::{Ctx, Outcome};
use crate::output::tests_records::Verdict::{Fail, Pass, Unsupported};
use crate::protocol::{reason, PacketType, Properties, Publish, QoS, RetainHandling, SubOptions};

pub(super) async fn receive_maximum(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "receive_maximum";
    let who = "v5rm";
    let topic = ctx.topic(name, "t");
    let mut publisher = ctx.probe(who, "p").await?;
    let theirs = match publisher.connack.properties.receive_maximum {
        Some(n) => format!("broker's Receive Maximum {n}"),
        None => "broker's Receive Maximum not given (65535)".to_string(),
    };
    let sub_id = ctx.client_id(who, "s");
    let sub_opts = ctx.options(&sub_id, false, |o| {
        o.connect.properties.receive_maximum = Some(2)
    });
    let mut sub = ctx.connect_with(&sub_opts, true).await?;
    granted(
        &sub.subscribe(&topic, QoS::AtLeastOnce, ctx.wait).await?,
        "at QoS 1",
    )?;
    const PAYLOADS: [&[u8]; 6] = [b"m1", b"m2", b"m3", b"m4", b"m5", b"m6"];
    for payload in PAYLOADS {
        publish_ok(&mut publisher, &topic, payload, QoS::AtLeastOnce, false).await?;
    }
    publisher.close().await;
    // Rounds: take what comes without acknowledging (at most 2 may be unacknowledged), until
    // it is quiet, then acknowledge the round.
    let n = PAYLOADS.len();
    let mut rounds: Vec<usize> = Vec::new();
    let mut total = 0;
    let mut ended = None;
    while total < n && ended.is_none() {
        let mut batch = Vec::new();
        let mut within = ctx.wait;
        while total + batch.len() < n {
            match sub.expect_or_end(within).await {
                Ok(Some(m)) => {
                    batch.push(m);
                    within = ctx.quiet();
                }
                Ok(None) => break,
                Err(e) => {
                    ended = Some((rounds.len() + 1, batch.len(), e));
                    break;
                }
            }
        }
        if batch.is_empty() {
            break;
        }
        for m in &batch {
            sub.ack(m).await;
        }
        total += batch.len();
        rounds.push(batch.len());
    }
    sub.close().await;
    let sent = format!(
        "{theirs}; subscriber with Receive Maximum 2 (acknowledging by hand), {n} QoS 1 \
         messages published"
    );
    let ok = ended.is_none() && total == n && rounds.iter().all(|&r| r <= 2);
    let mut detail =
        format!("{sent}: received between acknowledgements {rounds:?}, {total} in all");
    if rounds.iter().any(|&r| r > 2) {
        detail.push_str(", more than our Receive Maximum");
    }
    if let Some((round, had, e)) = ended {
        detail.push_str(&format!(
            "; in round {round}, after {had} unacknowledged, the session ended: {e}"
        ));
    } else if total < n {
        detail.push_str(&format!("; {} missing after {:?}", n - total, ctx.wait));
    }
    Ok((verdict(ok), detail))
}

pub(super) async fn subscription_identifiers(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "subscription_identifiers";
    let who = "v5sid";
    let topic = ctx.topic(name, "t");
    let mut p = ctx.probe(who, "a").await?;
    if p.connack.properties.subscription_identifier_available == Some(0) {
        p.close().await;
        return Ok((
            Unsupported,
            "the CONNACK says Subscription Identifiers Available 0".into(),
        ));
    }
    let props = Properties {
        subscription_identifiers: vec![7],
        ..Properties::default()
    };
    let ack = p
        .subscribe_with(
            &[(&topic, SubOptions::qos(QoS::AtLeastOnce))],
            props,
            ctx.wait,
        )
        .await?;
    granted(&ack, "with Subscription Identifier 7")?;
    publish_ok(&mut p, &topic, b"with id", QoS::AtLeastOnce, false).await?;
    let got = p.expect(ctx.wait).await;
    p.close().await;
    Ok(match got {
        Some(m) => (
            verdict(m.properties.subscription_identifiers == [7]),
            format!(
                "subscribed with Subscription Identifier 7: the message carried {:?}",
                m.properties.subscription_identifiers
            ),
        ),
        None => (
            Fail,
            format!(
                "subscribed with Subscription Identifier 7: no message within {:?}",
                ctx.wait
            ),
        ),
    })
}

pub(super) async fn no_local(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "no_local";
    let who = "v5nl";
    let topic = ctx.topic(name, "t");
    let mut a = ctx.probe(who, "a").await?;
    let mut b = ctx.probe(who, "b").await?;
    let ack = a
        .subscribe_with(
            &[(&topic, opts(QoS::AtLeastOnce, |o| o.no_local = true))],
            Properties::default(),
            ctx.wait,
        )
        .await?;
    granted(&ack, "with No Local")?;
    publish_ok(&mut a, &topic, b"own", QoS::AtLeastOnce, false).await?;
    publish_ok(&mut b, &topic, b"other", QoS::AtLeastOnce, false).await?;
    b.close().await;
    let got = a.collect(ctx.wait, ctx.quiet()).await;
    a.close().await;
    let ok = got.len() == 1 && &got[0].payload[..] == b"other";
    Ok((
        verdict(ok),
        format!(
            "subscribed with No Local, published \"own\" from the subscriber and \"other\" from \
             a second client: the subscriber got {}",
            payloads(&got)
        ),
    ))
}

pub(super) async fn retain_as_published(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "retain_as_published";
    let who = "v5rap";
    let topic = ctx.topic(name, "t");
    ctx.retained(&topic);
    let mut rap = ctx.probe(who, "a").await?;
    let mut plain = ctx.probe(who, "b").await?;
    let ack = rap
        .subscribe_with(
            &[(
                &topic,
                opts(QoS::AtLeastOnce, |o| o.retain_as_published = true),
            )],
            Properties::default(),
            ctx.wait,
        )
        .await?;
    granted(&ack, "with Retain As Published")?;
    granted(
        &plain.subscribe(&topic, QoS::AtLeastOnce, ctx.wait).await?,
        "without Retain As Published",
    )?;
    publish_ok(&mut rap, &topic, b"kept", QoS::AtLeastOnce, true).await?;
    let (with, without) =
        futures_util::future::join(rap.expect(ctx.wait), plain.expect(ctx.wait)).await;
    rap.close().await;
    plain.close().await;
    let flag = |m: &Option<Box<Publish>>| match m {
        Some(m) => format!("retain {}", u8::from(m.retain)),
        None => format!("nothing within {:?}", ctx.wait),
    };
    let ok = matches!(&with, Some(m) if m.retain) && matches!(&without, Some(m) if !m.retain);
    Ok((
        verdict(ok),
        format!(
            "retained PUBLISH while subscribed: with Retain As Published {}, without {}",
            flag(&with),
            flag(&without)
        ),
    ))
}

pub(super) async fn retain_handling(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "retain_handling";
    let who = "v5rh";
    let topic = ctx.topic(name, "t");
    ctx.retained(&topic);
    let mut publisher = ctx.probe(who, "p").await?;
    publish_ok(&mut publisher, &topic, b"kept", QoS::AtLeastOnce, true).await?;
    publisher.close().await;
    let mut s = ctx.probe(who, "s").await?;
    let mut steps: Vec<String> = Vec::new();
    let mut ok = true;
    // (retain handling, its number, whether each of two identical SUBSCRIBEs gets the message)
    let plan = [
        (RetainHandling::DoNotSend, 2, [false, false]),
        (RetainHandling::SendIfNew, 1, [true, false]),
        (RetainHandling::SendAtSubscribe, 0, [true, true]),
    ];
    for (i, (rh, n, want)) in plan.into_iter().enumerate() {
        if i > 0 {
            s.unsubscribe(&topic, ctx.wait).await?;
        }
        let mut seen = Vec::new();
        // RH=2 is asked for once only; the others twice.
        let times = if n == 2 { 1 } else { 2 };
        for &expected in &want[..times] {
            let ack = s
                .subscribe_with(
                    &[(&topic, opts(QoS::AtLeastOnce, |o| o.retain_handling = rh))],
                    Properties::default(),
                    ctx.wait,
                )
                .await?;
            granted(&ack, &format!("with Retain Handling {n}"))?;
            let got = if expected {
                s.expect(ctx.wait).await.into_iter().collect::<Vec<_>>()
            } else {
                s.collect(ctx.quiet(), ctx.quiet()).await
            };
            let sent = got.len() == 1 && got[0].retain;
            ok &= if expected { sent } else { got.is_empty() };
            seen.push(match got.len() {
                0 => "nothing".to_string(),
                1 => "sent".to_string(),
                k => format!("sent {k} times"),
            });
        }
        steps.push(format!(
            "RH={n}: {}",
            seen.join(", then on the same SUBSCRIBE ")
        ));
    }
    s.close().await;
    Ok((
        verdict(ok),
        format!("a retained message exists; {}", steps.join("; ")),
    ))
}

pub(super) async fn shared_subscriptions(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "shared_subscriptions";
    let who = "v5sh";
    let topic = ctx.topic(name, "t");
    let group: String = (0..8).map(|_| fastrand::alphanumeric()).collect();
    let filter = format!("$share/g{group}/{topic}");
    let mut m1 = ctx.probe(who, "a").await?;
    if m1.connack.properties.shared_subscription_available == Some(0) {
        m1.close().await;
        return Ok((
            Unsupported,
            "the CONNACK says Shared Subscription Available 0".into(),
        ));
    }
    let mut m2 = ctx.probe(who, "b").await?;
    let mut codes = Vec::new();
    for m in [&mut m1, &mut m2] {
        let ack = m.subscribe(&filter, QoS::AtLeastOnce, ctx.wait).await?;
        codes.push(ack.reason_codes.first().copied().unwrap_or(0x80));
    }
    if let Some(&code) = codes.iter().find(|&&c| reason::is_error(c)) {
        {
            m1.close().await;
            m2.close().await;
            return Ok((
                Unsupported,
                format!(
                    "SUBSCRIBE {filter:?} refused: {code:#04x} ({})",
                    reason::name(PacketType::SubAck, code)
                ),
            ));
        }
    }
    let mut publisher = ctx.probe(who, "p").await?;
    const N: usize = 10;
    for i in 0..N {
        let code = publisher
            .publish(&topic, Bytes::from(i.to_string()), QoS::AtLeastOnce, false)
            .await?;
        if reason::is_error(code) {
            publisher.close().await;
            m1.close().await;
            m2.close().await;
            return Ok((Fail, format!("PUBLISH {i} rejected: {code:#04x}")));
        }
    }
    publisher.close().await;
    let (g1, g2) = futures_util::future::join(
        m1.collect(ctx.wait, ctx.quiet()),
        m2.collect(ctx.wait, ctx.quiet()),
    )
    .await;
    m1.close().await;
    m2.close().await;
    let mut count = [0usize; N];
    let mut stray = 0;
    for m in g1.iter().chain(&g2) {
        match std::str::from_utf8(&m.payload)
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|&i| i < N)
        {
            Some(i) => count[i] += 1,
            None => stray += 1,
        }
    }
    let missing: Vec<usize> = (0..N).filter(|&i| count[i] == 0).collect();
    let twice: Vec<usize> = (0..N).filter(|&i| count[i] > 1).collect();
    let sent = format!(
        "two members of {filter:?}, {N} QoS 1 messages published: member 1 got {}, member 2 \
         got {}",
        g1.len(),
        g2.len()
    );
    if g1.is_empty() && g2.is_empty() && !ctx.v5() {
        return Ok((
            Unsupported,
            format!("{sent} (the broker seems to take {filter:?} as an ordinary filter)"),
        ));
    }
    let ok = missing.is_empty() && twice.is_empty() && stray == 0;
    let mut detail = sent;
    if !missing.is_empty() {
        detail.push_str(&format!("; missing {missing:?}"));
    }
    if !twice.is_empty() {
        detail.push_str(&format!("; more than once {twice:?}"));
    }
    if stray > 0 {
        detail.push_str(&format!("; {stray} unexpected"));
    }
    if ok {
        detail.push_str("; each exactly once");
    }
    Ok((verdict(ok), detail))
}

pub(super) async fn request_response_information(ctx: &Ctx) -> Result<Outcome, String> {
    let who = "v5rri";
    let id = ctx.client_id(who, "a");
    let o = ctx.options(&id, false, |o| {
        o.connect.properties.request_response_information = Some(1)
    });
    let p = ctx.connect(&o).await?;
    let info = p.connack.properties.response_information.clone();
    p.close().await;
    Ok(match info {
        Some(s) => (
            Pass,
            format!("CONNECT with Request Response Information 1: Response Information {s:?}"),
        ),
        None => (
            Unsupported,
            "CONNECT with Request Response Information 1: the CONNACK has no Response \
             Information"
                .into(),
        ),
    })
}

pub(super) async fn session_taken_over(ctx: &Ctx) -> Result<Outcome, String> {
    let who = "v5sto";
    let id = ctx.client_id(who, "x");
    let o = ctx.options(&id, false, |_| {});
    let mut first = ctx.connect(&o).await?;
    let second = ctx.connect(&o).await?;
    let started = Instant::now();
    let got = first.server_disconnect(ctx.wait).await;
    let took = started.elapsed();
    first.abort();
    second.close().await;
    let what = "connected the same client id from a second client";
    Ok(match got {
        Ok(Some(d)) => {
            let named = format!(
                "{:#04x} ({})",
                d.reason,
                reason::name(PacketType::Disconnect, d.reason)
            );
            (
                verdict(d.reason == reason::SESSION_TAKEN_OVER),
                format!(
                    "{what}: the first got a DISCONNECT {named} after {} ms",
                    millis(took)
                ),
            )
        }
        Ok(None) => (
            Fail,
            format!(
                "{what}: the first got nothing within {:?} (still connected)",
                ctx.wait
            ),
        ),
        Err(e) => (
            Fail,
            format!(
                "{what}: the first saw {e} (MQTT 5: a DISCONNECT 0x8E, Session taken over, \
                 comes first)"
            ),
        ),
    })
}
