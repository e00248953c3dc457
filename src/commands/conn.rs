//! `mqtt conn`: connect, print the CONNACK as a record, disconnect; exit by the outcome.
//! `--hold` keeps the connection (with keepalive) for a while.
use std::process::ExitCode;

use anyhow::Result;
use bytes::BytesMut;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

use super::common;
use crate::cli::{ConnArgs, Hold};
use crate::exit;
use crate::output::{record, Output};
use crate::protocol::{self, reason, Disconnect, Packet, PacketType};
use crate::session::{
    handshake, ConnectOptions, Handshake, Request, Session, SessionSettings, Update,
};

pub async fn run(args: ConnArgs) -> Result<ExitCode> {
    let mut signals = common::Signals::new();
    let opts = args.connect.options()?;
    let tls = common::tls_config(&opts)?;
    let hs = tokio::select! {
        hs = handshake(&opts, tls.clone()) => hs?,
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting")),
    };
    let mut out = Output::new();
    out.line(&record::line(connack_record(&opts, &hs)))?;
    out.flush()?;
    if !hs.accepted() {
        return Err(exit::refused(format!(
            "{} refused the connection: {}",
            opts.address(),
            hs.refusal_text()
        )));
    }
    let Some(hold) = args.hold else {
        let mut stream = hs.stream;
        let mut buf = BytesMut::new();
        protocol::encode(
            &Packet::Disconnect(Disconnect::default()),
            hs.version,
            &mut buf,
        )?;
        // The CONNACK is already reported; a broker that hangs up first changes nothing.
        let _ = stream.write_all(&buf).await;
        let _ = stream.flush().await;
        let _ = stream.shutdown().await;
        return Ok(ExitCode::SUCCESS);
    };

    let mut session = Session::start(opts, tls, hs, SessionSettings::default());
    let deadline = async {
        match hold {
            Hold::For(d) => tokio::time::sleep(d).await,
            Hold::Forever => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    let mut stopping = false;
    // A server DISCONNECT comes first as an event, then as the end of the session: one record.
    let mut disconnected = record::record("disconnected");
    loop {
        tokio::select! {
            n = session.next() => match n {
                Some(Update::Closed(Ok(()))) | None => return Ok(ExitCode::SUCCESS),
                Some(Update::Closed(Err(e))) => {
                    let msg = e.message.clone();
                    disconnected.insert("reason".into(), Value::String(msg.clone()));
                    out.line(&record::line(disconnected))?;
                    out.flush()?;
                    return Err(e.into_error(""));
                }
                Some(Update::ServerDisconnect(d)) => {
                    let r = &mut disconnected;
                    r.insert("reason_code".into(), d.reason.into());
                    r.insert("reason_name".into(), reason::name(PacketType::Disconnect, d.reason).into());
                    let props = crate::output::properties::to_map(&d.properties);
                    if !props.is_empty() {
                        r.insert("properties".into(), Value::Object(props));
                    }
                }
                Some(_) => {}
            },
            _ = &mut deadline, if !stopping => {
                stopping = true;
                let _ = session.requests.send(Request::Disconnect(Disconnect::default())).await;
            }
            _ = signals.recv(), if !stopping => {
                stopping = true;
                let _ = session.requests.send(Request::Disconnect(Disconnect::default())).await;
            }
        }
    }
}

/// The `connack` record: reason, session present, version, every CONNACK property, timings.
pub fn connack_record(opts: &ConnectOptions, hs: &Handshake) -> serde_json::Map<String, Value> {
    let c = &hs.connack;
    let mut r = record::record("connack");
    r.insert("broker".into(), opts.address().into());
    r.insert("transport".into(), opts.scheme.as_str().into());
    r.insert("protocol_version".into(), hs.version.as_str().into());
    let client_id = c
        .properties
        .assigned_client_identifier
        .as_deref()
        .unwrap_or(&opts.client_id);
    r.insert("client_id".into(), client_id.into());
    r.insert("reason_code".into(), c.reason.into());
    r.insert(
        "reason_name".into(),
        reason::connack_name(hs.version, c.reason).into(),
    );
    r.insert("session_present".into(), c.session_present.into());
    r.insert(
        "properties".into(),
        Value::Object(crate::output::properties::to_map(&c.properties)),
    );
    let mut t = serde_json::Map::new();
    t.insert("dns_ms".into(), record::ms(hs.timings.dns));
    t.insert("tcp_ms".into(), record::ms(hs.timings.tcp));
    if let Some(tls) = hs.timings.tls {
        t.insert("tls_ms".into(), record::ms(tls));
    }
    if let Some(ws) = hs.timings.ws {
        t.insert("ws_ms".into(), record::ms(ws));
    }
    t.insert("mqtt_ms".into(), record::ms(hs.mqtt));
    t.insert("total_ms".into(), record::ms(hs.total));
    r.insert("timings".into(), Value::Object(t));
    r
}
