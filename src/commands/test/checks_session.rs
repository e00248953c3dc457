//! The core checks of sessions and connections: resuming a session, wills, keepalive, client
//! ids, `$SYS`, the versions accepted.
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::checks_core::verdict;
use super::probe::{show, Ctx, Outcome};
use crate::output::tests_records::Verdict::{Fail, Pass, Unsupported};
use crate::protocol::{reason, QoS, Will};

pub(super) async fn session_resume(ctx: &Ctx) -> Result<Outcome, String> {
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

pub(super) async fn will(ctx: &Ctx, abrupt: bool) -> Result<Outcome, String> {
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

pub(super) async fn keepalive(ctx: &Ctx) -> Result<Outcome, String> {
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

pub(super) async fn client_id_23(ctx: &Ctx) -> Result<Outcome, String> {
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

pub(super) async fn empty_client_id(ctx: &Ctx) -> Result<Outcome, String> {
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

pub(super) async fn sys_topics(ctx: &Ctx) -> Result<Outcome, String> {
    let mut p = ctx.probe("sys", "a").await?;
    // Some brokers refuse $SYS by closing the connection (rumqttd).
    let ack = match p
        .subscribe("$SYS/broker/version", QoS::AtMostOnce, ctx.wait)
        .await
    {
        Ok(ack) => ack,
        Err(e) => return Ok((Unsupported, format!("SUBSCRIBE $SYS/broker/version: {e}"))),
    };
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

pub(super) async fn versions_accepted(ctx: &Ctx) -> Result<Outcome, String> {
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
