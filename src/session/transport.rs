//! Byte streams to the broker: TCP, TLS (rustls), WebSocket and secure WebSocket
//! (tokio-tungstenite) behind one `Stream` that is `AsyncRead + AsyncWrite`.
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use bytes::{Buf, Bytes};
use futures_util::{Sink, Stream as _};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpSocket, TcpStream};
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::tungstenite::protocol::Message;
use tokio_tungstenite::WebSocketStream;

use super::options::{ConnectOptions, Scheme, TlsOptions};
use crate::exit::{self, ConnectFailure};

/// How long each step of opening the stream took.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    pub dns: Duration,
    pub tcp: Duration,
    pub tls: Option<Duration>,
    pub ws: Option<Duration>,
}

/// TCP or TLS over TCP.
pub enum Plain {
    Tcp(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// The connection's byte stream, whatever the transport.
pub enum Stream {
    Plain(Plain),
    Ws(Box<WsBytes<Plain>>),
}

impl Plain {
    fn tcp(&self) -> &TcpStream {
        match self {
            Plain::Tcp(s) => s,
            Plain::Tls(t) => t.get_ref().0,
        }
    }
}

impl Stream {
    /// The TCP socket under every layer, for `quick_ack`; valid while the stream (or both
    /// halves of it split) lives.
    #[cfg(unix)]
    pub fn tcp_fd(&self) -> std::os::fd::RawFd {
        use std::os::fd::AsRawFd;
        match self {
            Stream::Plain(p) => p.tcp().as_raw_fd(),
            Stream::Ws(w) => w.ws.get_ref().tcp().as_raw_fd(),
        }
    }
}

/// Acknowledge what arrives at once for a while (Linux TCP_QUICKACK, which the kernel turns off
/// again by itself), instead of up to 40 ms later: with acknowledgements of ours still awaited,
/// a broker with Nagle's algorithm on (mosquitto by default) holds every small packet after the
/// first until the first is acknowledged, so `pub -q 1` of three messages took 45 ms. Call it
/// after a read while acknowledgements are awaited and nothing is about to be written (a write
/// carries the ACK anyway).
#[cfg(unix)]
pub fn quick_ack(fd: std::os::fd::RawFd) {
    #[cfg(target_os = "linux")]
    {
        let on: libc::c_int = 1;
        // SAFETY: setsockopt on a socket the caller keeps open, with a c_int option value.
        unsafe {
            libc::setsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_QUICKACK,
                (&on as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = fd;
}

/// Resolve `host:port`, connect (from `source` when given), TLS and WebSocket handshakes.
/// Errors carry exit code 3 and name the failing step.
pub async fn open(
    opts: &ConnectOptions,
    tls_config: Option<Arc<rustls::ClientConfig>>,
) -> Result<(Stream, Timings)> {
    let mut timings = Timings::default();
    let t0 = Instant::now();
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((opts.host.as_str(), opts.port))
        .await
        .map_err(|e| {
            let failure = match ConnectFailure::of_io(&e) {
                ConnectFailure::TooManyOpenFiles => ConnectFailure::TooManyOpenFiles,
                _ => ConnectFailure::Dns,
            };
            exit::connect_failed(failure, format!("cannot resolve {}: {e}", opts.host))
        })?
        .collect();
    timings.dns = t0.elapsed();
    let t1 = Instant::now();
    let tcp = connect_any(&addrs, opts).await?;
    timings.tcp = t1.elapsed();
    let plain = if opts.scheme.is_tls() {
        let t2 = Instant::now();
        let config = match tls_config {
            Some(c) => c,
            None => tls_client_config(&opts.tls)?,
        };
        let name = opts.tls.sni.clone().unwrap_or_else(|| opts.host.clone());
        let server_name = ServerName::try_from(name.clone())
            .map_err(|_| exit::usage(format!("invalid TLS server name '{name}'")))?;
        let tls = tokio_rustls::TlsConnector::from(config)
            .connect(server_name, tcp)
            .await
            .map_err(|e| {
                exit::connect_failed(
                    ConnectFailure::Tls,
                    format!(
                        "TLS handshake with {} failed: {}",
                        opts.address(),
                        tls_error_text(&e)
                    ),
                )
            })?;
        timings.tls = Some(t2.elapsed());
        Plain::Tls(Box::new(tls))
    } else {
        Plain::Tcp(tcp)
    };
    if !opts.scheme.is_ws() {
        return Ok((Stream::Plain(plain), timings));
    }
    let t3 = Instant::now();
    let ws = ws_handshake(plain, opts).await?;
    timings.ws = Some(t3.elapsed());
    Ok((Stream::Ws(Box::new(WsBytes::new(ws))), timings))
}

async fn connect_any(addrs: &[SocketAddr], opts: &ConnectOptions) -> Result<TcpStream> {
    let mut last = None;
    for addr in addrs {
        if let Some(src) = opts.source_ip {
            if src.is_ipv4() != addr.is_ipv4() {
                continue;
            }
        }
        match connect_one(*addr, opts).await {
            Ok(s) => return Ok(s),
            Err(e) => last = Some((addr, e)),
        }
    }
    Err(match last {
        Some((addr, e)) => exit::connect_failed(
            ConnectFailure::of_io(&e),
            format!("cannot connect to {addr}: {e}"),
        ),
        None => exit::connect_failed(
            ConnectFailure::Dns,
            format!("{} has no address to connect to", opts.host),
        ),
    })
}

async fn connect_one(addr: SocketAddr, opts: &ConnectOptions) -> io::Result<TcpStream> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(src) = opts.source_ip {
        socket.bind(SocketAddr::new(src, 0))?;
    }
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Every certificate of a PEM file (`--cafile`, or a file of `--capath`); one without any is an
/// error.
fn add_ca_file(roots: &mut rustls::RootCertStore, ca: &std::path::Path, flag: &str) -> Result<()> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(ca)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| exit::usage(format!("cannot read {flag} {}: {e}", ca.display())))?;
    if certs.is_empty() {
        return Err(exit::usage(format!(
            "{flag} {} holds no PEM certificate",
            ca.display()
        )));
    }
    for c in certs {
        roots
            .add(c)
            .map_err(|e| exit::usage(format!("{flag} {}: {e}", ca.display())))?;
    }
    Ok(())
}

/// `--capath DIR`, as mosquitto's clients read it: the certificates of every PEM file in the
/// folder (by any name: c_rehash's `<hash>.0` links, `*.pem`, `*.crt`); files holding no
/// certificate are passed over, a folder without any is an error.
fn add_ca_path(roots: &mut rustls::RootCertStore, dir: &std::path::Path) -> Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| exit::usage(format!("cannot read --capath {}: {e}", dir.display())))?;
    let before = roots.len();
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths.into_iter().filter(|p| p.is_file()) {
        let Ok(it) = CertificateDer::pem_file_iter(&path) else {
            continue;
        };
        let certs: Vec<CertificateDer<'static>> = it.filter_map(|c| c.ok()).collect();
        roots.add_parsable_certificates(certs);
    }
    if roots.len() == before {
        return Err(exit::usage(format!(
            "--capath {} holds no PEM certificate",
            dir.display()
        )));
    }
    Ok(())
}

fn tls_error_text(e: &io::Error) -> String {
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return match inner {
            rustls::Error::InvalidCertificate(c) => {
                format!("certificate verify failed: {}", certificate_problem(c))
            }
            other => other.to_string(),
        };
    }
    e.to_string()
}

/// A certificate problem as a sentence (rustls's Debug form is a data structure).
fn certificate_problem(c: &rustls::CertificateError) -> String {
    use rustls::pki_types::ServerName;
    use rustls::CertificateError as E;
    match c {
        E::NotValidForNameContext {
            expected,
            presented,
        } => {
            let expected = match expected {
                ServerName::DnsName(d) => d.as_ref().to_string(),
                ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
                other => format!("{other:?}"),
            };
            let names = if presented.is_empty() {
                "no names".to_string()
            } else {
                presented.join(", ")
            };
            format!(
                "the certificate is for {names}, not {expected} (connect to the broker by one of those names)"
            )
        }
        E::NotValidForName => "the certificate is not valid for this host name".into(),
        E::UnknownIssuer => {
            "the certificate is not signed by a trusted CA (give the CA with --cafile or --capath)"
                .into()
        }
        other => other.to_string(),
    }
}

/// Bytes written to broker connections by this process (for progress bars; a relaxed add per
/// write call, not per message).
pub static BYTES_WRITTEN: AtomicU64 = AtomicU64::new(0);

/// Count `n` bytes written to a broker.
#[inline]
pub fn count_written(n: usize) {
    BYTES_WRITTEN.fetch_add(n as u64, Ordering::Relaxed);
}

/// The rustls client configuration for `tls`: roots from `--cafile` and `--capath`, or the
/// system's (with the webpki roots as a fallback), an optional client certificate, ALPN, or no
/// verification. (`--insecure` is the caller's to warn about: this layer prints nothing.)
pub fn tls_client_config(tls: &TlsOptions) -> Result<Arc<rustls::ClientConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("TLS setup")?;
    let builder = if tls.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerification(provider)))
    } else {
        let mut roots = rustls::RootCertStore::empty();
        if let Some(ca) = &tls.cafile {
            add_ca_file(&mut roots, ca, "--cafile")?;
        }
        if let Some(dir) = &tls.capath {
            add_ca_path(&mut roots, dir)?;
        }
        if tls.cafile.is_none() && tls.capath.is_none() {
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
            if roots.is_empty() {
                roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            }
        }
        builder.with_root_certificates(roots)
    };
    let mut config = match (&tls.cert, &tls.key) {
        (Some(cert), Some(key)) => {
            let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
                .and_then(|it| it.collect::<Result<_, _>>())
                .map_err(|e| exit::usage(format!("cannot read --cert {}: {e}", cert.display())))?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| exit::usage(format!("cannot read --key {}: {e}", key.display())))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| exit::usage(format!("client certificate: {e}")))?
        }
        _ => builder.with_no_client_auth(),
    };
    config.alpn_protocols = tls.alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
    Ok(Arc::new(config))
}

#[derive(Debug)]
struct NoVerification(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

async fn ws_handshake(plain: Plain, opts: &ConnectOptions) -> Result<WebSocketStream<Plain>> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
    let scheme = if opts.scheme == Scheme::Wss {
        "wss"
    } else {
        "ws"
    };
    let path = if opts.ws_path.starts_with('/') {
        opts.ws_path.clone()
    } else {
        format!("/{}", opts.ws_path)
    };
    let url = format!("{scheme}://{}{path}", opts.address());
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|e| exit::usage(format!("invalid WebSocket URL {url}: {e}")))?;
    let headers = request.headers_mut();
    headers.insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
    for (k, v) in &opts.ws_headers {
        let name = HeaderName::from_bytes(k.as_bytes())
            .map_err(|_| exit::usage(format!("invalid header name '{k}'")))?;
        let value = HeaderValue::from_str(v)
            .map_err(|_| exit::usage(format!("invalid value for header '{k}'")))?;
        headers.insert(name, value);
    }
    let (ws, _response) = tokio_tungstenite::client_async_with_config(request, plain, None)
        .await
        .map_err(|e| {
            exit::connect_failed(
                ConnectFailure::WebSocket,
                format!("WebSocket handshake with {url} failed: {e}"),
            )
        })?;
    Ok(ws)
}

/// `AsyncRead + AsyncWrite` for an enum of two streams, forwarding to the one it holds.
macro_rules! forward_io {
    ($ty:ident: $a:ident | $b:ident) => {
        impl AsyncRead for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $ty::$a(s) => Pin::new(s).poll_read(cx, buf),
                    $ty::$b(s) => Pin::new(s).poll_read(cx, buf),
                }
            }
        }

        impl AsyncWrite for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                match self.get_mut() {
                    $ty::$a(s) => Pin::new(s).poll_write(cx, buf),
                    $ty::$b(s) => Pin::new(s).poll_write(cx, buf),
                }
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $ty::$a(s) => Pin::new(s).poll_flush(cx),
                    $ty::$b(s) => Pin::new(s).poll_flush(cx),
                }
            }

            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $ty::$a(s) => Pin::new(s).poll_shutdown(cx),
                    $ty::$b(s) => Pin::new(s).poll_shutdown(cx),
                }
            }
        }
    };
}

forward_io!(Plain: Tcp | Tls);
forward_io!(Stream: Plain | Ws);

/// MQTT over WebSocket as a byte stream: binary messages in, one binary message per write out.
/// MQTT packets may span messages, so message boundaries carry no meaning.
pub struct WsBytes<S> {
    ws: WebSocketStream<S>,
    pending: Bytes,
}

impl<S> WsBytes<S> {
    fn new(ws: WebSocketStream<S>) -> Self {
        WsBytes {
            ws,
            pending: Bytes::new(),
        }
    }
}

fn ws_io(e: tokio_tungstenite::tungstenite::Error) -> io::Error {
    match e {
        tokio_tungstenite::tungstenite::Error::Io(io) => io,
        other => io::Error::other(other),
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for WsBytes<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.pending.is_empty() {
                let n = this.pending.len().min(buf.remaining());
                buf.put_slice(&this.pending[..n]);
                this.pending.advance(n);
                return Poll::Ready(Ok(()));
            }
            match ready!(Pin::new(&mut this.ws).poll_next(cx)) {
                Some(Ok(Message::Binary(data))) => this.pending = data,
                Some(Ok(Message::Close(_))) | None => return Poll::Ready(Ok(())),
                Some(Ok(Message::Text(_))) => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the broker sent a WebSocket text message (MQTT needs binary messages)",
                    )))
                }
                Some(Ok(_)) => {} // ping, pong, raw frames: tungstenite answers pings itself
                Some(Err(e)) => return Poll::Ready(Err(ws_io(e))),
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for WsBytes<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let ws = &mut self.get_mut().ws;
        ready!(Pin::new(&mut *ws).poll_ready(cx)).map_err(ws_io)?;
        Pin::new(&mut *ws)
            .start_send(Message::Binary(Bytes::copy_from_slice(buf)))
            .map_err(ws_io)?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().ws)
            .poll_flush(cx)
            .map_err(ws_io)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().ws)
            .poll_close(cx)
            .map_err(ws_io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::ServerName;
    use rustls::CertificateError;

    #[test]
    fn certificate_problems_are_sentences_naming_what_the_certificate_is_for() {
        let e = CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("broker.example").unwrap().to_owned(),
            presented: vec![
                "DnsName(\"localhost\")".into(),
                "IpAddress(127.0.0.1)".into(),
            ],
        };
        let text = certificate_problem(&e);
        assert!(
            text.starts_with("the certificate is for DnsName(\"localhost\"), IpAddress(127.0.0.1), not broker.example"),
            "{text}"
        );
        let ip = CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("127.0.0.2").unwrap().to_owned(),
            presented: vec![],
        };
        assert!(certificate_problem(&ip).contains("for no names, not 127.0.0.2"));
        assert!(certificate_problem(&CertificateError::UnknownIssuer).contains("--cafile"));
        assert!(!certificate_problem(&CertificateError::Expired).contains('{'));
    }
}
