//! Opening a connection: the transport, then CONNECT and its CONNACK, within the connect
//! timeout; a broker that refuses MQTT 5 (or closes the connection over it) is asked again
//! with 3.1.1 when no version was given.
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::options::ConnectOptions;
use super::state;
use super::transport::{self, Stream, Timings};
use crate::exit::{self, ConnectFailure};
use crate::protocol::{self, reason, ConnAck, Limits, Packet, Properties, Version};

/// The result of a handshake: the broker's answer, accepted or not.
pub struct Handshake {
    pub stream: Stream,
    pub connack: ConnAck,
    pub version: Version,
    pub timings: Timings,
    /// CONNECT written to CONNACK read.
    pub mqtt: Duration,
    pub total: Duration,
    /// Bytes that arrived after the CONNACK in the same read.
    pub leftover: BytesMut,
}

impl Handshake {
    pub fn accepted(&self) -> bool {
        self.connack.reason == 0
    }

    /// End an accepted connection that no session takes over: DISCONNECT, then close. A broker
    /// that hangs up first changes nothing.
    pub async fn disconnect(self) {
        let mut stream = self.stream;
        let mut buf = BytesMut::new();
        let packet = Packet::Disconnect(protocol::Disconnect::default());
        if protocol::encode(&packet, self.version, &mut buf).is_ok() {
            let _ = stream.write_all(&buf).await;
            let _ = stream.flush().await;
        }
        let _ = stream.shutdown().await;
    }

    /// The CONNACK's reason, named ("Not authorized"), with the reason string when there is one.
    pub fn refusal_text(&self) -> String {
        let name = reason::connack_name(self.version, self.connack.reason);
        let mut text = match &self.connack.properties.reason_string {
            Some(s) => format!("{name} ({s})"),
            None => name.to_string(),
        };
        if self.version == Version::V5
            && reason::connack_is_unsupported_version(self.connack.reason)
        {
            text.push_str(" (a broker without MQTT 5: try -V 3.1.1)");
        }
        text
    }
}

pub(super) fn decode_limits(opts: &ConnectOptions) -> Limits {
    match opts.connect.properties.maximum_packet_size {
        Some(max) => Limits {
            max_packet_size: max,
        },
        None => Limits::default(),
    }
}

/// Connect and read the CONNACK, within `opts.connect_timeout`. With `version_fallback`, a
/// broker that refuses MQTT 5 is asked again with 3.1.1. `clean_start` overrides the options'
/// (a reconnect of a clean session asks for a fresh one; a persistent one resumes).
pub async fn handshake(
    opts: &ConnectOptions,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<Handshake> {
    let timeout = opts.connect_timeout;
    let attempt = async {
        let first = handshake_once(opts, tls.clone(), opts.connect.version).await;
        match first {
            Ok(h)
                if opts.version_fallback
                    && h.version == Version::V5
                    && reason::connack_is_unsupported_version(h.connack.reason) =>
            {
                handshake_once(opts, tls, Version::V3_1_1).await
            }
            // A 3.1.1 CONNACK, or (rumqttd's v4 listener, RabbitMQ) a close or reset without
            // any CONNACK: ask once more with 3.1.1.
            Err(e)
                if opts.version_fallback
                    && opts.connect.version == Version::V5
                    && is_closed_early(&e) =>
            {
                handshake_once(opts, tls, Version::V3_1_1)
                    .await
                    .map_err(|again| {
                        let msg = format!("{e}; asked again with MQTT 3.1.1: {again:#}");
                        match exit::failure_of(&again) {
                            Some(failure) => exit::connect_failed(failure, msg),
                            None => exit::with_code(exit::code_for(&again), msg),
                        }
                    })
            }
            other => other,
        }
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(r) => r,
        Err(_) => Err(exit::connect_failed(
            ConnectFailure::Timeout,
            format!(
                "no CONNACK from {} within {} (--connect-timeout)",
                opts.address(),
                humantime::format_duration(timeout)
            ),
        )),
    }
}

/// Closed or reset by the broker before any CONNACK: a broker without MQTT 5 may do that.
fn is_closed_early(e: &anyhow::Error) -> bool {
    exit::failure_of(e) == Some(ConnectFailure::ClosedByBroker)
}

async fn handshake_once(
    opts: &ConnectOptions,
    tls: Option<Arc<rustls::ClientConfig>>,
    version: Version,
) -> Result<Handshake> {
    let start = Instant::now();
    let (mut stream, timings) = transport::open(opts, tls).await?;
    let mut out = BytesMut::new();
    protocol::encode(
        &Packet::Connect(Box::new(opts.connect_packet(version))),
        version,
        &mut out,
    )
    .map_err(|e| exit::usage(format!("cannot encode CONNECT: {e}")))?;
    let t = Instant::now();
    // A close or reset may be a broker without MQTT 5; anything else (a TLS alert) is not.
    let lost = |e: std::io::Error| {
        let msg = format!("connection to {} lost during CONNECT: {e}", opts.address());
        exit::connect_failed(ConnectFailure::of_io(&e), msg)
    };
    stream.write_all(&out).await.map_err(lost)?;
    stream.flush().await.map_err(lost)?;
    let mut buf = BytesMut::with_capacity(4096);
    loop {
        // A 3.1.1 broker answers a v5 CONNECT with the 4-byte CONNACK 20 02 00 01
        // ("unacceptable protocol version"): the MQTT 5 refusal it means, 0x84.
        if version == Version::V5 && buf.len() >= 4 && buf[..4] == [0x20, 0x02, 0x00, 0x01] {
            let connack = ConnAck {
                session_present: false,
                reason: reason::UNSUPPORTED_PROTOCOL_VERSION,
                properties: Properties::default(),
            };
            let _ = buf.split_to(4);
            let mqtt = t.elapsed();
            return Ok(Handshake {
                stream,
                connack,
                version,
                timings,
                mqtt,
                total: start.elapsed(),
                leftover: buf,
            });
        }
        match protocol::decode(&mut buf, version, decode_limits(opts)) {
            Ok(Some(Packet::ConnAck(connack))) => {
                if let Err(e) = state::check_connack(&connack, opts.connect.clean_start) {
                    return Err(exit::runtime(e));
                }
                let mqtt = t.elapsed();
                return Ok(Handshake { stream, connack, version, timings, mqtt, total: start.elapsed(), leftover: buf });
            }
            Ok(Some(Packet::Auth(_))) => {
                return Err(exit::connect("the broker asked for enhanced authentication (AUTH), which this client cannot continue"))
            }
            Ok(Some(other)) => {
                return Err(exit::connect(format!(
                    "protocol error: the broker sent {} before CONNACK",
                    other.packet_type().name()
                )))
            }
            Ok(None) => {}
            Err(e) => return Err(exit::connect(format!("malformed CONNACK from {}: {e}", opts.address()))),
        }
        let n = stream.read_buf(&mut buf).await.map_err(lost)?;
        if n == 0 {
            let msg = format!("{} closed the connection without a CONNACK", opts.address());
            return Err(exit::connect_failed(ConnectFailure::ClosedByBroker, msg));
        }
    }
}
