//! A real mosquitto broker on free loopback ports, configured per test.
//!
//! Everything lives in a temporary directory that the `mosquitto` user can read: mosquitto started
//! as root drops its privileges before it opens certificates and password files.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tempfile::TempDir;

/// How long a broker may take to start or stop before the test fails.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);
/// How many times startup is retried with fresh ports when one was taken meanwhile.
const START_ATTEMPTS: usize = 8;

/// What to configure. Built with chained calls: `BrokerConfig::new().tls().users(&[("u", "p")])`.
/// A plain TCP listener is always present (mosquitto refuses to start with only websockets).
#[derive(Clone, Debug)]
pub struct BrokerConfig {
    tls: bool,
    mtls: bool,
    ws: bool,
    wss: bool,
    users: Vec<(String, String)>,
    allow_anonymous: bool,
    persistence: bool,
    max_queued_messages: u64,
    max_packet_size: Option<u32>,
    message_size_limit: Option<u32>,
    debug_log: bool,
    extra: Vec<String>,
    /// Lines for every listener (with `per_listener_settings true`, security settings such as
    /// `acl_file` and `allow_zero_length_clientid` belong there).
    listener_extra: Vec<String>,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            tls: false,
            mtls: false,
            ws: false,
            wss: false,
            users: Vec::new(),
            allow_anonymous: true,
            persistence: false,
            max_queued_messages: 0,
            max_packet_size: None,
            message_size_limit: None,
            debug_log: false,
            extra: Vec::new(),
            listener_extra: Vec::new(),
        }
    }
}

impl BrokerConfig {
    /// A plain TCP listener, anonymous access, no persistence, unlimited queues.
    pub fn new() -> Self {
        Self::default()
    }
    /// Every listener kind at once.
    pub fn all_listeners() -> Self {
        Self::new().tls().mtls().ws().wss()
    }
    /// A TLS listener with a server certificate (SAN `localhost`, `127.0.0.1`) signed by the test CA.
    pub fn tls(mut self) -> Self {
        self.tls = true;
        self
    }
    /// A TLS listener that requires a client certificate signed by the test CA.
    pub fn mtls(mut self) -> Self {
        self.mtls = true;
        self
    }
    /// A WebSocket listener (`ws://`).
    pub fn ws(mut self) -> Self {
        self.ws = true;
        self
    }
    /// A WebSocket over TLS listener (`wss://`).
    pub fn wss(mut self) -> Self {
        self.wss = true;
        self
    }
    /// A password file with these users, applied to every listener.
    pub fn users(mut self, users: &[(&str, &str)]) -> Self {
        self.users = users
            .iter()
            .map(|(u, p)| (u.to_string(), p.to_string()))
            .collect();
        self
    }
    /// Whether clients without a username may connect (default: true), on every listener.
    pub fn allow_anonymous(mut self, allow: bool) -> Self {
        self.allow_anonymous = allow;
        self
    }
    /// Keep state in a persistence directory, so `restart()` keeps retained messages and sessions.
    pub fn persistence(mut self) -> Self {
        self.persistence = true;
        self
    }
    /// `max_queued_messages` (default 0: unlimited, so counting tests never lose messages).
    pub fn max_queued_messages(mut self, n: u64) -> Self {
        self.max_queued_messages = n;
        self
    }
    /// `max_packet_size` in bytes.
    pub fn max_packet_size(mut self, n: u32) -> Self {
        self.max_packet_size = Some(n);
        self
    }
    /// `message_size_limit` in bytes (largest payload accepted).
    pub fn message_size_limit(mut self, n: u32) -> Self {
        self.message_size_limit = Some(n);
        self
    }
    /// Log every packet (`log_type all`).
    pub fn debug_log(mut self) -> Self {
        self.debug_log = true;
        self
    }
    /// An arbitrary global configuration line, written before the listeners.
    /// A line in every listener's section (`acl_file ...`, `allow_zero_length_clientid false`).
    pub fn listener_extra(mut self, line: impl Into<String>) -> Self {
        self.listener_extra.push(line.into());
        self
    }

    pub fn extra(mut self, line: impl Into<String>) -> Self {
        self.extra.push(line.into());
        self
    }
}

/// The ports of a running broker; 0 means the listener is not configured.
#[derive(Clone, Copy, Debug, Default)]
struct Ports {
    plain: u16,
    tls: u16,
    mtls: u16,
    ws: u16,
    wss: u16,
}

impl Ports {
    fn all(&self) -> impl Iterator<Item = (&'static str, u16)> {
        [
            ("plain", self.plain),
            ("tls", self.tls),
            ("mtls", self.mtls),
            ("ws", self.ws),
            ("wss", self.wss),
        ]
        .into_iter()
        .filter(|(_, p)| *p != 0)
    }
}

/// The test PKI: a CA, a server certificate, a client certificate, and an unrelated CA.
struct Pki {
    ca_cert: Certificate,
    ca_key: KeyPair,
    ca_file: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
    wrong_ca_file: PathBuf,
    wrong_client_cert: PathBuf,
    wrong_client_key: PathBuf,
}

/// A running mosquitto. Killed on drop.
pub struct Broker {
    dir: TempDir,
    config: BrokerConfig,
    ports: Ports,
    pki: Pki,
    conf_path: PathBuf,
    log_path: PathBuf,
    child: Option<Child>,
    paused: bool,
}

enum StartError {
    /// A port was taken between picking and binding: retry with other ports.
    AddrInUse(String),
    Failed(String),
}

impl Broker {
    /// Start mosquitto with `config` on free loopback ports and wait until every listener accepts.
    pub fn start(config: BrokerConfig) -> Broker {
        let dir = tempfile::Builder::new()
            .prefix("mqtt-broker-")
            .tempdir()
            .expect("create broker temp dir");
        set_mode(dir.path(), 0o755);
        let pki = Pki::generate(dir.path());
        let log_path = dir.path().join("mosquitto.log");
        let conf_path = dir.path().join("mosquitto.conf");
        if !config.users.is_empty() {
            write_password_file(&dir.path().join("passwd"), &config.users);
        }
        if config.persistence {
            let p = dir.path().join("persistence");
            fs::create_dir(&p).expect("create persistence dir");
            // Written by mosquitto after it dropped privileges.
            set_mode(&p, 0o777);
        }
        let mut broker = Broker {
            dir,
            config,
            ports: Ports::default(),
            pki,
            conf_path,
            log_path,
            child: None,
            paused: false,
        };
        let mut last = String::new();
        for _ in 0..START_ATTEMPTS {
            broker.ports = broker.pick_ports();
            broker.write_config();
            match broker.launch() {
                Ok(()) => return broker,
                Err(StartError::AddrInUse(log)) => last = log,
                Err(StartError::Failed(log)) => broker.fail("mosquitto failed to start", &log),
            }
        }
        broker.fail(
            &format!("mosquitto could not bind free ports in {START_ATTEMPTS} attempts"),
            &last,
        )
    }

    /// A broker with only the plain listener and default settings.
    pub fn plain() -> Broker {
        Broker::start(BrokerConfig::new())
    }

    fn fail(&self, what: &str, log: &str) -> ! {
        let conf = fs::read_to_string(&self.conf_path).unwrap_or_default();
        panic!(
            "{what}\n--- config {} ---\n{conf}\n--- log ---\n{log}",
            self.conf_path.display()
        )
    }

    fn pick_ports(&self) -> Ports {
        let c = &self.config;
        // Hold every socket until all are picked, so the ports differ.
        let wanted = [true, c.tls, c.mtls, c.ws, c.wss];
        let held: Vec<Option<TcpListener>> = wanted
            .iter()
            .map(|w| w.then(|| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind :0")))
            .collect();
        let port = |i: usize| {
            held[i]
                .as_ref()
                .map_or(0, |l| l.local_addr().unwrap().port())
        };
        Ports {
            plain: port(0),
            tls: port(1),
            mtls: port(2),
            ws: port(3),
            wss: port(4),
        }
    }

    fn write_config(&self) {
        let c = &self.config;
        let d = self.dir.path();
        let mut s = String::from("# generated by tests/support/broker.rs\n");
        s.push_str("per_listener_settings true\n");
        s.push_str("log_dest stderr\n");
        if c.debug_log {
            s.push_str("log_type all\n");
        } else {
            for t in [
                "error",
                "warning",
                "notice",
                "information",
                "subscribe",
                "unsubscribe",
            ] {
                writeln!(s, "log_type {t}").unwrap();
            }
        }
        s.push_str("connection_messages true\nlog_timestamp true\nset_tcp_nodelay true\n");
        if c.persistence {
            writeln!(s, "persistence true").unwrap();
            writeln!(
                s,
                "persistence_location {}/",
                d.join("persistence").display()
            )
            .unwrap();
        } else {
            s.push_str("persistence false\n");
        }
        writeln!(s, "max_queued_messages {}", c.max_queued_messages).unwrap();
        if let Some(n) = c.max_packet_size {
            writeln!(s, "max_packet_size {n}").unwrap();
        }
        if let Some(n) = c.message_size_limit {
            writeln!(s, "message_size_limit {n}").unwrap();
        }
        for line in &c.extra {
            writeln!(s, "{line}").unwrap();
        }
        let auth = |s: &mut String| {
            writeln!(s, "allow_anonymous {}", c.allow_anonymous).unwrap();
            for line in &c.listener_extra {
                writeln!(s, "{line}").unwrap();
            }
            if !c.users.is_empty() {
                writeln!(s, "password_file {}", d.join("passwd").display()).unwrap();
            }
        };
        let tls = |s: &mut String, require_cert: bool| {
            writeln!(s, "cafile {}", self.pki.ca_file.display()).unwrap();
            writeln!(s, "certfile {}", self.pki.server_cert.display()).unwrap();
            writeln!(s, "keyfile {}", self.pki.server_key.display()).unwrap();
            if require_cert {
                s.push_str("require_certificate true\n");
            }
        };
        let p = self.ports;
        writeln!(s, "\nlistener {} 127.0.0.1", p.plain).unwrap();
        auth(&mut s);
        if c.tls {
            writeln!(s, "\nlistener {} 127.0.0.1", p.tls).unwrap();
            tls(&mut s, false);
            auth(&mut s);
        }
        if c.mtls {
            writeln!(s, "\nlistener {} 127.0.0.1", p.mtls).unwrap();
            tls(&mut s, true);
            auth(&mut s);
        }
        if c.ws {
            writeln!(s, "\nlistener {} 127.0.0.1", p.ws).unwrap();
            s.push_str("socket_domain ipv4\nprotocol websockets\n");
            auth(&mut s);
        }
        if c.wss {
            writeln!(s, "\nlistener {} 127.0.0.1", p.wss).unwrap();
            s.push_str("socket_domain ipv4\nprotocol websockets\n");
            tls(&mut s, false);
            auth(&mut s);
        }
        write_file(&self.conf_path, s.as_bytes());
    }

    /// Spawn mosquitto on `self.ports` and wait until it runs and every listener accepts.
    fn launch(&mut self) -> Result<(), StartError> {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .expect("open broker log");
        let offset = log.metadata().map(|m| m.len()).unwrap_or(0) as usize;
        let child = Command::new(find_program("mosquitto"))
            .arg("-c")
            .arg(&self.conf_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run mosquitto (is it installed?): {e}"));
        self.child = Some(child);
        self.paused = false;
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let log = self.log_since(offset);
            if let Some(status) = self.child.as_mut().unwrap().try_wait().expect("try_wait") {
                self.child = None;
                let log = format!("{log}\n(mosquitto exited: {status})");
                let in_use = log.contains("Address already in use")
                    || log.contains("Unable to create websockets listener");
                return Err(if in_use {
                    StartError::AddrInUse(log)
                } else {
                    StartError::Failed(log)
                });
            }
            // "running" is logged once every listener is bound; the connects prove they accept.
            if log.contains(" running") && self.ports.all().all(|(_, p)| accepts(p)) {
                return Ok(());
            }
            if Instant::now() > deadline {
                self.kill();
                return Err(StartError::Failed(format!(
                    "{log}\n(not ready after {STARTUP_TIMEOUT:?})"
                )));
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    fn log_since(&self, offset: usize) -> String {
        let mut buf = Vec::new();
        if let Ok(mut f) = fs::File::open(&self.log_path) {
            let _ = f.read_to_end(&mut buf);
        }
        String::from_utf8_lossy(buf.get(offset..).unwrap_or_default()).into_owned()
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.paused = false;
    }

    /// Port of the plain TCP listener.
    pub fn port(&self) -> u16 {
        self.ports.plain
    }
    /// Port of the TLS listener (panics when not configured).
    pub fn tls_port(&self) -> u16 {
        self.require(self.ports.tls, "tls")
    }
    /// Port of the TLS listener that requires client certificates.
    pub fn mtls_port(&self) -> u16 {
        self.require(self.ports.mtls, "mtls")
    }
    /// Port of the WebSocket listener.
    pub fn ws_port(&self) -> u16 {
        self.require(self.ports.ws, "ws")
    }
    /// Port of the WebSocket over TLS listener.
    pub fn wss_port(&self) -> u16 {
        self.require(self.ports.wss, "wss")
    }
    fn require(&self, port: u16, name: &str) -> u16 {
        assert!(
            port != 0,
            "the {name} listener was not configured (BrokerConfig::{name}())"
        );
        port
    }

    /// `host:port` style address of the plain listener.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port()))
    }

    /// A URL for the listener of `scheme`: `mqtt` (or `tcp`), `mqtts` (or `ssl`, `tls`),
    /// `mtls` (gives an `mqtts://` URL to the client-certificate listener), `ws`, `wss`.
    /// The host is `127.0.0.1` (the server certificate names it, as well as `localhost`);
    /// WebSocket URLs carry the path `/mqtt`.
    pub fn url(&self, scheme: &str) -> String {
        match scheme {
            "mqtt" | "tcp" => format!("mqtt://127.0.0.1:{}", self.port()),
            "mqtts" | "ssl" | "tls" => format!("mqtts://127.0.0.1:{}", self.tls_port()),
            "mtls" => format!("mqtts://127.0.0.1:{}", self.mtls_port()),
            "ws" => format!("ws://127.0.0.1:{}/mqtt", self.ws_port()),
            "wss" => format!("wss://127.0.0.1:{}/mqtt", self.wss_port()),
            other => panic!("unknown scheme {other:?}"),
        }
    }

    /// PEM file of the CA that signed the server and client certificates.
    pub fn ca_file(&self) -> &Path {
        &self.pki.ca_file
    }
    /// PEM file of an unrelated CA: verification against it must fail.
    pub fn wrong_ca_file(&self) -> &Path {
        &self.pki.wrong_ca_file
    }
    /// Client certificate signed by the test CA (accepted by the mTLS listener).
    pub fn client_cert(&self) -> &Path {
        &self.pki.client_cert
    }
    /// Key of `client_cert()`.
    pub fn client_key(&self) -> &Path {
        &self.pki.client_key
    }
    /// Client certificate signed by the wrong CA (refused by the mTLS listener).
    pub fn wrong_client_cert(&self) -> &Path {
        &self.pki.wrong_client_cert
    }
    /// Key of `wrong_client_cert()`.
    pub fn wrong_client_key(&self) -> &Path {
        &self.pki.wrong_client_key
    }
    /// Issue another client certificate (common name `cn`) signed by the test CA, written to
    /// files; returns (certificate, key) paths.
    pub fn make_client_cert(&self, cn: &str) -> (PathBuf, PathBuf) {
        let name = format!("client-{cn}");
        issue_client(
            self.dir.path(),
            &name,
            cn,
            &self.pki.ca_cert,
            &self.pki.ca_key,
        )
    }
    /// The broker's temporary directory (readable by the mosquitto user).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Process id of the running mosquitto (panics when stopped).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("broker is not running").id()
    }

    /// Everything mosquitto logged so far (across restarts).
    pub fn log(&self) -> String {
        self.log_since(0)
    }

    /// Stop gracefully (SIGTERM, so persistent state is saved) and wait for the process to exit.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let pid = child.id() as libc::pid_t;
        // SAFETY: plain signals to our own child process.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
            if self.paused {
                libc::kill(pid, libc::SIGCONT);
            }
        }
        self.paused = false;
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while child.try_wait().expect("try_wait").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("mosquitto did not stop on SIGTERM\n{}", self.log());
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Stop and start again on the SAME ports with the same configuration and state directory.
    pub fn restart(&mut self) {
        self.stop();
        self.relaunch();
    }

    /// Kill -9 (nothing saved beyond the last autosave) and start again on the same ports.
    pub fn crash_and_restart(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.paused = false;
        self.relaunch();
    }

    fn relaunch(&mut self) {
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(&self.log_path)
            .expect("open log");
        let _ = writeln!(f, "=== restart (tests/support/broker.rs) ===");
        // The ports were ours a moment ago; if another process grabbed one, keep trying a while.
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            match self.launch() {
                Ok(()) => return,
                Err(StartError::AddrInUse(_)) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(50));
                }
                Err(StartError::AddrInUse(log) | StartError::Failed(log)) => {
                    self.fail("mosquitto failed to restart", &log)
                }
            }
        }
    }

    /// Freeze the broker (SIGSTOP): connections stay open but nothing is answered.
    pub fn pause(&mut self) {
        self.signal(libc::SIGSTOP);
        self.paused = true;
    }

    /// Thaw a paused broker (SIGCONT).
    pub fn resume(&mut self) {
        self.signal(libc::SIGCONT);
        self.paused = false;
    }

    fn signal(&self, sig: libc::c_int) {
        let pid = self.pid() as libc::pid_t;
        // SAFETY: plain signal to our own child process.
        let rc = unsafe { libc::kill(pid, sig) };
        assert_eq!(rc, 0, "kill({pid}, {sig}) failed");
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// True when a TCP connection to 127.0.0.1:`port` succeeds.
pub fn accepts(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

impl Pki {
    fn generate(dir: &Path) -> Pki {
        let (ca_cert, ca_key) = make_ca("mqtt test CA");
        let ca_file = dir.join("ca.crt");
        write_file(&ca_file, ca_cert.pem().as_bytes());

        let mut params = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
            .expect("server params");
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let key = KeyPair::generate().expect("server key");
        let cert = params
            .signed_by(&key, &ca_cert, &ca_key)
            .expect("sign server cert");
        let server_cert = dir.join("server.crt");
        let server_key = dir.join("server.key");
        write_file(&server_cert, cert.pem().as_bytes());
        write_file(&server_key, key.serialize_pem().as_bytes());

        let (wrong_ca_cert, wrong_ca_key) = make_ca("mqtt wrong CA");
        let wrong_ca_file = dir.join("wrong-ca.crt");
        write_file(&wrong_ca_file, wrong_ca_cert.pem().as_bytes());

        let (wrong_client_cert, wrong_client_key) = issue_client(
            dir,
            "wrong-client",
            "wrong-client",
            &wrong_ca_cert,
            &wrong_ca_key,
        );
        let (client_cert, client_key) =
            issue_client(dir, "client", "test-client", &ca_cert, &ca_key);
        Pki {
            ca_cert,
            ca_key,
            ca_file,
            server_cert,
            server_key,
            client_cert,
            client_key,
            wrong_ca_file,
            wrong_client_cert,
            wrong_client_key,
        }
    }
}

fn issue_client(
    dir: &Path,
    name: &str,
    cn: &str,
    ca_cert: &Certificate,
    ca_key: &KeyPair,
) -> (PathBuf, PathBuf) {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("client params");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let key = KeyPair::generate().expect("client key");
    let cert = params
        .signed_by(&key, ca_cert, ca_key)
        .expect("sign client cert");
    let cert_path = dir.join(format!("{name}.crt"));
    let key_path = dir.join(format!("{name}.key"));
    write_file(&cert_path, cert.pem().as_bytes());
    write_file(&key_path, key.serialize_pem().as_bytes());
    (cert_path, key_path)
}
fn make_ca(cn: &str) -> (Certificate, KeyPair) {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let key = KeyPair::generate().expect("CA key");
    let cert = params.self_signed(&key).expect("self-sign CA");
    (cert, key)
}

fn write_password_file(path: &Path, users: &[(String, String)]) {
    let passwd = find_program("mosquitto_passwd");
    for (i, (user, pass)) in users.iter().enumerate() {
        let mut cmd = Command::new(&passwd);
        if i == 0 {
            cmd.arg("-c");
        }
        let out = cmd
            .arg("-b")
            .arg(path)
            .arg(user)
            .arg(pass)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run mosquitto_passwd: {e}"));
        assert!(
            out.status.success(),
            "mosquitto_passwd failed for {user:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    set_mode(path, 0o644);
}

/// Write a file readable by everyone (the broker runs as the `mosquitto` user).
pub fn write_file(path: &Path, contents: &[u8]) {
    fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    set_mode(path, 0o644);
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}

/// A program from PATH, or from /usr/sbin and /usr/bin (mosquitto lives in sbin, which a
/// non-root PATH may lack).
pub fn find_program(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([
            "/usr/sbin".into(),
            "/usr/bin".into(),
            "/usr/local/sbin".into(),
        ])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}
