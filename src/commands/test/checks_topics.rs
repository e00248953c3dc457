//! The core checks of topics: retained messages, wildcards, `$`-topics, overlapping
//! subscriptions, unsubscribing.

use bytes::Bytes;

use super::checks_core::verdict;
use super::probe::{show, Ctx, Outcome};
use crate::output::tests_records::Verdict::{Fail, Pass, Unsupported};
use crate::protocol::{reason, QoS};

pub(super) async fn retained(ctx: &Ctx) -> Result<Outcome, String> {
    let topic = ctx.topic("retained", "t");
    ctx.retained(&topic);
    let mut p = ctx.probe("retained", "p").await?;
    let mut steps = Vec::new();
    let mut ok = true;
    for (payload, want) in [("one", Some("one")), ("two", Some("two")), ("", None)] {
        p.publish(&topic, Bytes::from(payload), QoS::AtLeastOnce, true)
            .await?;
        let mut s = ctx.probe("retained", "s").await?;
        s.subscribe(&topic, QoS::AtLeastOnce, ctx.wait).await?;
        let got = match want {
            Some(_) => s.expect(ctx.wait).await,
            None => s.expect(ctx.quiet()).await,
        };
        s.close().await;
        let seen = got
            .as_ref()
            .map(|m| (String::from_utf8_lossy(&m.payload).into_owned(), m.retain));
        let good = match (want, &seen) {
            (Some(w), Some((g, true))) => g == w,
            (None, None) => true,
            _ => false,
        };
        ok &= good;
        steps.push(match (payload, seen) {
            ("", None) => "empty retained cleared it".to_string(),
            ("", Some((g, _))) => format!("empty retained did not clear it (got {g:?})"),
            (sent, None) => format!("retained {sent:?}: a new subscriber got nothing"),
            (sent, Some((g, r))) => format!("retained {sent:?}: got {g:?} (retain {r})"),
        });
        // The later steps build on this one.
        if !good {
            break;
        }
    }
    p.close().await;
    Ok((verdict(ok), steps.join("; ")))
}

pub(super) async fn wildcards(ctx: &Ctx) -> Result<Outcome, String> {
    let base = ctx.topic("wildcards", "w");
    let mut p = ctx.probe("wildcards", "a").await?;
    p.subscribe(&format!("{base}/+/x"), QoS::AtMostOnce, ctx.wait)
        .await?;
    p.subscribe(&format!("{base}/h/#"), QoS::AtMostOnce, ctx.wait)
        .await?;
    let topics = [
        ("a/x", true),
        ("a/b/x", false),
        ("h", true),
        ("h/1/2/3", true),
        ("x", false),
    ];
    for (t, _) in topics {
        p.publish(
            &format!("{base}/{t}"),
            Bytes::from(t),
            QoS::AtLeastOnce,
            false,
        )
        .await?;
    }
    let got: Vec<String> = p
        .collect(ctx.wait, ctx.quiet())
        .await
        .iter()
        .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
        .collect();
    p.close().await;
    let want: Vec<&str> = topics.iter().filter(|(_, w)| *w).map(|(t, _)| *t).collect();
    let mut sorted = got.clone();
    sorted.sort();
    let mut want_sorted: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want_sorted.sort();
    Ok((
        verdict(sorted == want_sorted),
        format!(
            "subscribed +/x and h/#; published to {:?}; received {got:?} (expected {want:?})",
            topics.iter().map(|t| t.0).collect::<Vec<_>>()
        ),
    ))
}

pub(super) async fn dollar_topics(ctx: &Ctx) -> Result<Outcome, String> {
    let dollar = format!("${}", ctx.topic("dollar", "t"));
    let mut all = ctx.probe("dollar", "w").await?;
    // Some brokers refuse '#' by closing the connection (rumqttd): nothing to check then.
    let ack = match all.subscribe("#", QoS::AtMostOnce, ctx.wait).await {
        Ok(ack) => ack,
        Err(e) => return Ok((Unsupported, format!("SUBSCRIBE '#': {e}"))),
    };
    if let Some(&code) = ack.reason_codes.first().filter(|&&c| reason::is_error(c)) {
        all.close().await;
        return Ok((
            Unsupported,
            format!("SUBSCRIBE '#' refused ({code:#04x}): nothing to check"),
        ));
    }
    // A broker that does not let clients use $-topics (it refuses or closes over them) leaves
    // nothing to check.
    let mut exact = ctx.probe("dollar", "e").await?;
    if let Err(e) = exact.subscribe(&dollar, QoS::AtMostOnce, ctx.wait).await {
        all.close().await;
        return Ok((Unsupported, format!("SUBSCRIBE '{dollar}': {e}")));
    }
    let mut p = ctx.probe("dollar", "p").await?;
    let sent = p
        .publish(
            &dollar,
            Bytes::from_static(b"dollar"),
            QoS::AtLeastOnce,
            false,
        )
        .await;
    if let Err(e) = sent {
        all.close().await;
        exact.close().await;
        return Ok((Unsupported, format!("PUBLISH to '{dollar}': {e}")));
    }
    p.close().await;
    let control = exact.expect(ctx.wait).await.is_some();
    let leaked: Vec<String> = all
        .collect(ctx.quiet(), ctx.quiet())
        .await
        .into_iter()
        .map(|m| m.topic.clone())
        .filter(|t| t.starts_with('$'))
        .collect();
    exact.close().await;
    all.close().await;
    Ok(match (control, leaked.is_empty()) {
        (_, false) => (Fail, format!("'#' matched $-topics: {leaked:?}")),
        (true, true) => (
            Pass,
            format!("a message to '{dollar}' reached its exact subscriber, not '#'"),
        ),
        (false, true) => (
            Unsupported,
            format!(
                "the broker did not route a client's message to '{dollar}' (no $-topic to match)"
            ),
        ),
    })
}

pub(super) async fn overlapping(ctx: &Ctx) -> Result<Outcome, String> {
    let topic = ctx.topic("overlapping", "a/b");
    let mut p = ctx.probe("overlapping", "a").await?;
    p.subscribe(&ctx.topic("overlapping", "#"), QoS::AtMostOnce, ctx.wait)
        .await?;
    p.subscribe(&ctx.topic("overlapping", "a/+"), QoS::AtLeastOnce, ctx.wait)
        .await?;
    p.publish(&topic, Bytes::from_static(b"once"), QoS::AtLeastOnce, false)
        .await?;
    let got = p.collect(ctx.wait, ctx.quiet()).await;
    p.close().await;
    let qos: Vec<u8> = got.iter().map(|m| m.qos as u8).collect();
    // One copy at the highest QoS of the matching subscriptions, or one per subscription.
    let ok = match qos.as_slice() {
        [1] => true,
        [a, b] => (*a).max(*b) == 1,
        _ => false,
    };
    Ok((
        verdict(ok),
        format!(
            "subscribed #/QoS 0 and a/+/QoS 1, published once at QoS 1: {} cop(ies) at QoS {qos:?}",
            qos.len()
        ),
    ))
}

pub(super) async fn unsubscribe(ctx: &Ctx) -> Result<Outcome, String> {
    let topic = ctx.topic("unsubscribe", "t");
    let mut p = ctx.probe("unsubscribe", "a").await?;
    p.subscribe(&topic, QoS::AtLeastOnce, ctx.wait).await?;
    p.publish(
        &topic,
        Bytes::from_static(b"before"),
        QoS::AtLeastOnce,
        false,
    )
    .await?;
    let before = p.expect(ctx.wait).await.is_some();
    p.unsubscribe(&topic, ctx.wait).await?;
    p.publish(
        &topic,
        Bytes::from_static(b"after"),
        QoS::AtLeastOnce,
        false,
    )
    .await?;
    let after = p.expect(ctx.quiet()).await;
    p.close().await;
    Ok(match (before, after) {
        (true, None) => (
            Pass,
            "delivered while subscribed, not after UNSUBSCRIBE".into(),
        ),
        (false, _) => (Fail, "nothing delivered while subscribed".into()),
        (true, Some(m)) => (
            Fail,
            format!("still delivered after UNSUBSCRIBE: {}", show(&m.payload)),
        ),
    })
}
