//! `mqtt conn`: connect, print the CONNACK as a record, disconnect; exit by the outcome.
//! `--hold` keeps the connection (with keepalive) for a while.
use std::process::ExitCode;

use anyhow::Result;

use super::{connecting, signals};
use crate::cli::{ConnArgs, Hold};
use crate::exit;
use crate::output::color;
use crate::output::records::{self, Connack, Disconnected};
use crate::output::Output;
use crate::protocol::Disconnect;
use crate::session::{handshake, Request, Session, SessionSettings, Update};

pub async fn run(args: ConnArgs) -> Result<ExitCode> {
    let mut signals = signals::Signals::new();
    let opts = args.connect.options()?;
    let tls = connecting::tls_config(&opts)?;
    let hs = tokio::select! {
        hs = handshake(&opts, tls.clone()) => hs?,
        _ = signals.recv() => return Err(exit::interrupted("interrupted while connecting")),
    };
    let mut out = Output::new();
    out.line(&color::record(records::line(&Connack::new(&opts, &hs))))?;
    out.flush()?;
    if !hs.accepted() {
        return Err(exit::refused(format!(
            "{} refused the connection: {}",
            opts.address(),
            hs.refusal_text()
        )));
    }
    let Some(hold) = args.hold else {
        // The CONNACK is already reported.
        hs.disconnect().await;
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
    // A server DISCONNECT comes first as an update, then as the end of the session: one record.
    let mut server_disconnect = None;
    loop {
        tokio::select! {
            n = session.next() => match n {
                Some(Update::Closed(Ok(()))) | None => return Ok(ExitCode::SUCCESS),
                Some(Update::Closed(Err(e))) => {
                    let r = Disconnected::new(server_disconnect.as_deref(), e.message.clone());
                    out.line(&color::record(records::line(&r)))?;
                    out.flush()?;
                    return Err(e.into_error(""));
                }
                Some(Update::ServerDisconnect(d)) => server_disconnect = Some(d),
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
