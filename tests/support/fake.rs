//! A scripted fake broker for malformed, slow or abrupt peer behaviour.
//!
//! Each accepted connection first has its CONNECT read completely (fixed header, remaining
//! length, body), then follows its script. The i-th connection follows the i-th script; once
//! every script has a connection, the listener closes (later connects are refused). A script
//! that runs out of steps closes the connection.

#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// One step of a connection's script.
#[derive(Clone, Debug)]
pub enum Step {
    /// Read exactly this many bytes (recorded as one chunk).
    ExpectBytes(usize),
    /// Read one complete MQTT packet (recorded).
    ExpectPacket,
    /// Write these bytes at once.
    Send(Vec<u8>),
    /// Write these bytes one at a time, flushing each (exercises partial reads).
    SendDripped(Vec<u8>),
    /// Do nothing for a while.
    Sleep(Duration),
    /// Close the connection.
    Close,
    /// Keep the connection open, answer nothing, record what arrives, until the client closes
    /// it or the fake broker is dropped.
    Hang,
}

/// What happened on one connection.
#[derive(Clone, Debug, Default)]
pub struct ConnRecord {
    /// The CONNECT packet, complete.
    pub connect: Vec<u8>,
    /// Packets (or byte chunks for `ExpectBytes`) read after the CONNECT.
    pub received: Vec<Vec<u8>>,
    /// The client closed the connection (EOF) while we were reading.
    pub client_closed: bool,
    /// The script ran to its end (or stopped at EOF).
    pub done: bool,
    /// Why the script stopped early, if it did.
    pub error: Option<String>,
}

#[derive(Default)]
struct Shared {
    conns: Mutex<Vec<ConnRecord>>,
    changed: Condvar,
}

impl Shared {
    fn update(&self, i: usize, f: impl FnOnce(&mut ConnRecord)) {
        let mut conns = self.conns.lock().unwrap();
        f(&mut conns[i]);
        self.changed.notify_all();
    }
}

/// A fake broker listening on 127.0.0.1 (free port). Stops its threads on drop.
pub struct FakeBroker {
    port: u16,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakeBroker {
    /// One connection following `script`.
    pub fn start(script: Vec<Step>) -> FakeBroker {
        Self::start_multi(vec![script])
    }

    /// Connection i follows `scripts[i]`.
    pub fn start_multi(scripts: Vec<Vec<Step>>) -> FakeBroker {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind fake broker");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared::default());
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let shared = shared.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                let mut workers = Vec::new();
                for script in scripts {
                    let stream = loop {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        match listener.accept() {
                            Ok((s, _)) => break s,
                            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                                thread::sleep(Duration::from_millis(2))
                            }
                            Err(e) => panic!("fake broker accept: {e}"),
                        }
                    };
                    let index = {
                        let mut conns = shared.conns.lock().unwrap();
                        conns.push(ConnRecord::default());
                        shared.changed.notify_all();
                        conns.len() - 1
                    };
                    let shared = shared.clone();
                    let stop = stop.clone();
                    workers.push(thread::spawn(move || {
                        let mut conn = Conn {
                            stream,
                            stop,
                            shared: shared.clone(),
                            index,
                        };
                        let result = conn.run(&script);
                        shared.update(index, |r| {
                            r.done = true;
                            if let Err(e) = result {
                                r.error = Some(e);
                            }
                        });
                    }));
                }
                drop(listener);
                for w in workers {
                    let _ = w.join();
                }
            })
        };
        FakeBroker {
            port,
            shared,
            stop,
            acceptor: Some(acceptor),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `mqtt://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }

    /// A snapshot of every connection so far.
    pub fn connections(&self) -> Vec<ConnRecord> {
        self.shared.conns.lock().unwrap().clone()
    }

    /// Wait until `pred` holds for the connection records; false on timeout.
    pub fn wait_for(&self, timeout: Duration, mut pred: impl FnMut(&[ConnRecord]) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut conns = self.shared.conns.lock().unwrap();
        loop {
            if pred(&conns) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            conns = self.shared.changed.wait_timeout(conns, left).unwrap().0;
        }
    }

    /// Wait until `n` connections finished their scripts; panics on timeout.
    #[track_caller]
    pub fn wait_done(&self, n: usize, timeout: Duration) -> Vec<ConnRecord> {
        if !self.wait_for(timeout, |c| c.iter().filter(|r| r.done).count() >= n) {
            panic!(
                "fake broker: {n} script(s) not done within {timeout:?}: {:#?}",
                self.connections()
            );
        }
        self.connections()
    }
}

impl Drop for FakeBroker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.acceptor.take() {
            let _ = t.join();
        }
    }
}

struct Conn {
    stream: TcpStream,
    stop: Arc<AtomicBool>,
    shared: Arc<Shared>,
    index: usize,
}

/// Why reading stopped.
enum End {
    Eof,
    Stopped,
    Io(std::io::Error),
}

impl Conn {
    fn run(&mut self, script: &[Step]) -> Result<(), String> {
        self.stream
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        // A client that never reads must not block the fake broker's drop forever.
        self.stream
            .set_write_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let _ = self.stream.set_nodelay(true);
        match self.read_packet() {
            Ok(p) => self.shared.update(self.index, |r| r.connect = p),
            Err(e) => return self.ended(e, "reading CONNECT"),
        }
        for (n, step) in script.iter().enumerate() {
            let what = format!("step {n} {step:?}");
            match step {
                Step::ExpectBytes(len) => match self.read_exact(*len) {
                    Ok(b) => self.record(b),
                    Err(e) => return self.ended(e, &what),
                },
                Step::ExpectPacket => match self.read_packet() {
                    Ok(b) => self.record(b),
                    Err(e) => return self.ended(e, &what),
                },
                Step::Send(bytes) => {
                    if let Err(e) = self.stream.write_all(bytes) {
                        return Err(format!("{what}: write: {e}"));
                    }
                }
                Step::SendDripped(bytes) => {
                    for b in bytes {
                        if let Err(e) = self
                            .stream
                            .write_all(&[*b])
                            .and_then(|_| self.stream.flush())
                        {
                            return Err(format!("{what}: write: {e}"));
                        }
                        thread::sleep(Duration::from_millis(1));
                    }
                }
                Step::Sleep(d) => thread::sleep(*d),
                Step::Close => return Ok(()),
                Step::Hang => loop {
                    match self.read_packet() {
                        Ok(b) => self.record(b),
                        Err(End::Stopped) => return Ok(()),
                        Err(e) => return self.ended(e, &what),
                    }
                },
            }
        }
        Ok(())
    }

    fn record(&self, bytes: Vec<u8>) {
        self.shared.update(self.index, |r| r.received.push(bytes));
    }

    fn ended(&self, end: End, what: &str) -> Result<(), String> {
        match end {
            End::Eof => {
                self.shared.update(self.index, |r| r.client_closed = true);
                Ok(())
            }
            End::Stopped => Ok(()),
            End::Io(e) => Err(format!("{what}: {e}")),
        }
    }

    fn read_exact(&mut self, len: usize) -> Result<Vec<u8>, End> {
        let mut buf = vec![0u8; len];
        let mut got = 0;
        while got < len {
            if self.stop.load(Ordering::Relaxed) {
                return Err(End::Stopped);
            }
            match self.stream.read(&mut buf[got..]) {
                Ok(0) => return Err(End::Eof),
                Ok(n) => got += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::ConnectionReset => return Err(End::Eof),
                Err(e) => return Err(End::Io(e)),
            }
        }
        Ok(buf)
    }

    /// One packet: fixed header byte, remaining length varint, body.
    fn read_packet(&mut self) -> Result<Vec<u8>, End> {
        let mut packet = self.read_exact(1)?;
        let mut len = 0usize;
        for i in 0..4 {
            let b = self.read_exact(1)?[0];
            packet.push(b);
            len |= ((b & 0x7f) as usize) << (7 * i);
            if b & 0x80 == 0 {
                break;
            }
        }
        packet.extend(self.read_exact(len)?);
        Ok(packet)
    }
}

/// Byte builders for packets a fake broker commonly sends.
pub mod packets {
    /// MQTT variable byte integer.
    pub fn varint(mut n: usize) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let mut b = (n % 128) as u8;
            n /= 128;
            if n > 0 {
                b |= 0x80;
            }
            out.push(b);
            if n == 0 {
                return out;
            }
        }
    }

    /// A packet from its first byte and body.
    pub fn packet(first: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![first];
        out.extend(varint(body.len()));
        out.extend_from_slice(body);
        out
    }

    /// u16-length-prefixed string.
    pub fn string(s: &str) -> Vec<u8> {
        let mut out = (s.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(s.as_bytes());
        out
    }

    /// The packet type (high nibble of the first byte) of a packet's bytes.
    pub fn packet_type(bytes: &[u8]) -> u8 {
        bytes[0] >> 4
    }

    /// The protocol level byte of a CONNECT (3 = 3.1, 4 = 3.1.1, 5 = 5.0).
    pub fn connect_protocol_level(connect: &[u8]) -> u8 {
        let header = 1 + varint_len(&connect[1..]);
        let name_len = u16::from_be_bytes([connect[header], connect[header + 1]]) as usize;
        connect[header + 2 + name_len]
    }

    fn varint_len(bytes: &[u8]) -> usize {
        bytes.iter().position(|b| b & 0x80 == 0).unwrap() + 1
    }

    /// MQTT 3.1.1 CONNACK.
    pub fn connack_v3(session_present: bool, return_code: u8) -> Vec<u8> {
        vec![0x20, 2, session_present as u8, return_code]
    }

    /// MQTT 5 CONNACK with raw encoded `properties` (without their length).
    pub fn connack_v5(session_present: bool, reason: u8, properties: &[u8]) -> Vec<u8> {
        let mut body = vec![session_present as u8, reason];
        body.extend(varint(properties.len()));
        body.extend_from_slice(properties);
        packet(0x20, &body)
    }

    /// PINGRESP.
    pub fn pingresp() -> Vec<u8> {
        vec![0xd0, 0]
    }

    /// MQTT 5 DISCONNECT with a reason code and no properties.
    pub fn disconnect_v5(reason: u8) -> Vec<u8> {
        vec![0xe0, 2, reason, 0]
    }

    /// MQTT 3.1.1 SUBACK.
    pub fn suback_v3(packet_id: u16, codes: &[u8]) -> Vec<u8> {
        let mut body = packet_id.to_be_bytes().to_vec();
        body.extend_from_slice(codes);
        packet(0x90, &body)
    }

    /// MQTT 5 SUBACK without properties.
    pub fn suback_v5(packet_id: u16, codes: &[u8]) -> Vec<u8> {
        let mut body = packet_id.to_be_bytes().to_vec();
        body.push(0);
        body.extend_from_slice(codes);
        packet(0x90, &body)
    }

    /// PUBACK (3.1.1 shape; also valid in 5 as reason 0 without properties).
    pub fn puback(packet_id: u16) -> Vec<u8> {
        let mut out = vec![0x40, 2];
        out.extend(packet_id.to_be_bytes());
        out
    }

    /// MQTT 3.1.1 PUBLISH (`packet_id` is used when qos > 0).
    pub fn publish_v3(
        topic: &str,
        payload: &[u8],
        qos: u8,
        retain: bool,
        packet_id: u16,
    ) -> Vec<u8> {
        let mut body = string(topic);
        if qos > 0 {
            body.extend(packet_id.to_be_bytes());
        }
        body.extend_from_slice(payload);
        packet(0x30 | (qos << 1) | retain as u8, &body)
    }

    /// MQTT 5 PUBLISH without properties.
    pub fn publish_v5(
        topic: &str,
        payload: &[u8],
        qos: u8,
        retain: bool,
        packet_id: u16,
    ) -> Vec<u8> {
        let mut body = string(topic);
        if qos > 0 {
            body.extend(packet_id.to_be_bytes());
        }
        body.push(0);
        body.extend_from_slice(payload);
        packet(0x30 | (qos << 1) | retain as u8, &body)
    }
}
