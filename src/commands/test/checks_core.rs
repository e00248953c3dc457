//! The checks every MQTT version has: QoS round trips, retained messages, wildcards, sessions,
//! wills, keepalive, client ids, `$SYS`.
use std::future::Future;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::probe::{show, Ctx, Outcome};
use super::{Check, CheckFuture, ALL_VERSIONS, V311_AND_5};
use crate::output::tests_records::Verdict::{self, Fail, Pass, Unsupported};
use crate::protocol::{reason, QoS, Will};

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

async fn retained(ctx: &Ctx) -> Result<Outcome, String> {
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

async fn wildcards(ctx: &Ctx) -> Result<Outcome, String> {
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

async fn dollar_topics(ctx: &Ctx) -> Result<Outcome, String> {
    let dollar = format!("${}", ctx.topic("dollar", "t"));
    let mut all = ctx.probe("dollar", "w").await?;
    let ack = all.subscribe("#", QoS::AtMostOnce, ctx.wait).await?;
    if let Some(&code) = ack.reason_codes.first().filter(|&&c| reason::is_error(c)) {
        all.close().await;
        return Ok((
            Unsupported,
            format!("SUBSCRIBE '#' refused ({code:#04x}): nothing to check"),
        ));
    }
    let mut exact = ctx.probe("dollar", "e").await?;
    exact.subscribe(&dollar, QoS::AtMostOnce, ctx.wait).await?;
    let mut p = ctx.probe("dollar", "p").await?;
    p.publish(
        &dollar,
        Bytes::from_static(b"dollar"),
        QoS::AtLeastOnce,
        false,
    )
    .await?;
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

async fn overlapping(ctx: &Ctx) -> Result<Outcome, String> {
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

async fn unsubscribe(ctx: &Ctx) -> Result<Outcome, String> {
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

async fn session_resume(ctx: &Ctx) -> Result<Outcome, String> {
    let name = "session_resume";
    let topic = ctx.topic(name, "t");
    let id = ctx.client_id(name, "s");
    let opts = ctx.options(&id, true, |_| {});
    let mut s = ctx.connect(&opts).await?;
    s.subscribe(&topic, QoS::AtLeastOnce, ctx.wait).await?;
    s.close().await;
    let mut p = ctx.probe(name, "p").await?;
    p.publish(&topic, Bytes::from_static(b"q1"), QoS::AtLeastOnce, false)
        .await?;
    p.publish(&topic, Bytes::from_static(b"q0"), QoS::AtMostOnce, false)
        .await?;
    p.close().await;
    let mut again = ctx.connect(&opts).await?;
    let present = again.connack.session_present;
    let got: Vec<String> = again
        .collect(ctx.wait, ctx.quiet())
        .await
        .iter()
        .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
        .collect();
    again.close().await;
    let q1 = got.iter().any(|g| g == "q1");
    let q0 = if got.iter().any(|g| g == "q0") {
        "queued"
    } else {
        "dropped"
    };
    // MQTT 3.1's CONNACK has no session present flag: the queued message tells.
    let v31 = ctx.version == crate::protocol::Version::V3_1;
    Ok((
        verdict((present || v31) && q1),
        format!(
            "reconnected: session present {present}; QoS 1 sent while away {}; QoS 0 {q0}",
            if q1 { "delivered" } else { "missing" }
        ),
    ))
}

async fn will(ctx: &Ctx, abrupt: bool) -> Result<Outcome, String> {
    let name = if abrupt {
        "will_on_abrupt_close"
    } else {
        "no_will_on_disconnect"
    };
    let topic = ctx.topic(name, "will");
    let mut watcher = ctx.probe(name, "w").await?;
    watcher
        .subscribe(&topic, QoS::AtLeastOnce, ctx.wait)
        .await?;
    let id = ctx.client_id(name, "c");
    let opts = ctx.options(&id, false, |o| {
        o.connect.will = Some(Will {
            topic: topic.clone(),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            ..Will::default()
        });
    });
    let client = ctx.connect(&opts).await?;
    if abrupt {
        client.abort();
    } else {
        client.close().await;
    }
    let got = watcher
        .expect(if abrupt { ctx.wait } else { ctx.quiet() })
        .await;
    watcher.close().await;
    Ok(match (abrupt, got) {
        (true, Some(m)) => (
            Pass,
            format!("connection dropped: will {} delivered", show(&m.payload)),
        ),
        (true, None) => (
            Fail,
            format!("connection dropped: no will within {:?}", ctx.wait),
        ),
        (false, None) => (Pass, "clean DISCONNECT: no will".into()),
        (false, Some(m)) => (
            Fail,
            format!(
                "clean DISCONNECT, and the will {} was still sent",
                show(&m.payload)
            ),
        ),
    })
}

async fn keepalive(ctx: &Ctx) -> Result<Outcome, String> {
    // A client that says 1 s and then says nothing: the broker must close it after 1.5 s.
    let mut o = ctx.options(&ctx.client_id("keepalive", "k"), false, |_| {});
    o.connect.keep_alive = 1;
    let tls = crate::commands::connecting::tls_config(&o).map_err(|e| format!("{e:#}"))?;
    let hs = crate::session::handshake(&o, tls)
        .await
        .map_err(|e| format!("{e:#}"))?;
    if !hs.accepted() {
        return Ok((Fail, format!("refused: {}", hs.refusal_text())));
    }
    if hs
        .connack
        .properties
        .server_keep_alive
        .is_some_and(|k| k != 1)
    {
        hs.disconnect().await;
        return Ok((
            Unsupported,
            "the broker overrides the keep alive (Server Keep Alive)".into(),
        ));
    }
    let t = Instant::now();
    let mut stream = hs.stream;
    let mut buf = [0u8; 64];
    // MQTT: closed once 1.5 keep alives pass without a packet; a little slack for scheduling.
    let limit = Duration::from_millis(1500) + ctx.wait / 2;
    let closed = tokio::time::timeout(limit, async {
        use tokio::io::AsyncReadExt;
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok();
    let after = t.elapsed();
    Ok(match closed {
        true if after >= Duration::from_millis(900) => (Pass, format!("keep alive 1 s, silent client: closed after {:.2} s", after.as_secs_f64())),
        true => (Fail, format!("keep alive 1 s: closed too early, after {:.2} s", after.as_secs_f64())),
        false => (Fail, format!("keep alive 1 s, silent client: still open after {:.2} s (MQTT: closed after 1.5 s)", after.as_secs_f64())),
    })
}

async fn client_id_23(ctx: &Ctx) -> Result<Outcome, String> {
    let id: String = format!("{}xxxxxxxxxxxxxxxxxxxxxxx", ctx.client_id("cid", ""))
        .chars()
        .take(23)
        .collect();
    let p = ctx.connect(&ctx.options(&id, false, |_| {})).await;
    Ok(match p {
        Ok(p) => {
            p.close().await;
            (Pass, "a 23-character client id is accepted".into())
        }
        Err(e) => (Fail, format!("a 23-character client id was refused: {e}")),
    })
}

async fn empty_client_id(ctx: &Ctx) -> Result<Outcome, String> {
    let p = ctx.connect(&ctx.options("", false, |_| {})).await;
    Ok(match p {
        Ok(p) => {
            let assigned = p.connack.properties.assigned_client_identifier.clone();
            p.close().await;
            match (ctx.v5(), assigned) {
                (true, Some(a)) => (
                    Pass,
                    format!("accepted with a clean start; assigned client id {a:?}"),
                ),
                (true, None) => (
                    Fail,
                    "accepted without an Assigned Client Identifier".into(),
                ),
                (false, _) => (Pass, "accepted with a clean session".into()),
            }
        }
        Err(e) => (Unsupported, format!("refused (the broker may): {e}")),
    })
}

async fn sys_topics(ctx: &Ctx) -> Result<Outcome, String> {
    let mut p = ctx.probe("sys", "a").await?;
    let ack = p
        .subscribe("$SYS/broker/version", QoS::AtMostOnce, ctx.wait)
        .await?;
    if let Some(&code) = ack.reason_codes.first().filter(|&&c| reason::is_error(c)) {
        p.close().await;
        return Ok((
            Unsupported,
            format!("SUBSCRIBE $SYS/broker/version refused ({code:#04x})"),
        ));
    }
    let got = p.expect(ctx.wait).await;
    p.close().await;
    Ok(match got {
        Some(m) => (
            Pass,
            format!(
                "$SYS/broker/version: {}",
                String::from_utf8_lossy(&m.payload)
            ),
        ),
        None => (Unsupported, "nothing on $SYS/broker/version".into()),
    })
}

async fn versions_accepted(ctx: &Ctx) -> Result<Outcome, String> {
    use crate::protocol::Version;
    let tls = crate::commands::connecting::tls_config(&ctx.base).map_err(|e| format!("{e:#}"))?;
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for v in [Version::V3_1, Version::V3_1_1, Version::V5] {
        let mut o = ctx.options(
            &ctx.client_id("versions", &format!("{}", v as u8)),
            false,
            |_| {},
        );
        o.connect.version = v;
        o.connect.properties = Default::default();
        match crate::session::handshake(&o, tls.clone()).await {
            Ok(hs) if hs.accepted() && hs.version == v => {
                accepted.push(v.to_string());
                hs.disconnect().await;
            }
            Ok(hs) => refused.push(format!("{v} ({})", hs.refusal_text())),
            Err(e) => refused.push(format!(
                "{v} ({})",
                format!("{e:#}").lines().next().unwrap_or("")
            )),
        }
    }
    let ok = accepted.contains(&ctx.version.to_string());
    let mut detail = format!("accepted: {}", accepted.join(", "));
    if !refused.is_empty() {
        detail.push_str(&format!("; refused: {}", refused.join("; ")));
    }
    Ok((verdict(ok), detail))
}
