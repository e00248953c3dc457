//! Running a program on a pseudo-terminal (its stdin, stdout, stderr and controlling terminal),
//! as a person at a terminal would: for the password prompt and colour on a terminal.
//!
//! Nothing here waits without a deadline.

#![allow(dead_code)]

use std::ffi::CStr;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

pub struct Pty {
    master: File,
    child: Child,
    chunks: Receiver<Vec<u8>>,
    /// Everything the program wrote to the terminal so far.
    pub output: Vec<u8>,
}

fn check(ret: libc::c_int, what: &str) {
    assert!(ret >= 0, "{what}: {}", std::io::Error::last_os_error());
}

impl Pty {
    /// Start `cmd` in a new session whose controlling terminal is a fresh pseudo-terminal.
    pub fn spawn(cmd: &mut Command) -> Pty {
        // SAFETY: the posix_openpt family on a descriptor we own; ptsname_r into our buffer.
        let (master, slave_path) = unsafe {
            let fd = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            check(fd, "posix_openpt");
            check(libc::grantpt(fd), "grantpt");
            check(libc::unlockpt(fd), "unlockpt");
            let mut name = [0 as libc::c_char; 128];
            check(
                libc::ptsname_r(fd, name.as_mut_ptr(), name.len()),
                "ptsname_r",
            );
            let path = CStr::from_ptr(name.as_ptr()).to_string_lossy().into_owned();
            (File::from_raw_fd(fd), path)
        };
        let slave = File::options()
            .read(true)
            .write(true)
            .open(&slave_path)
            .expect("open the pty's slave side");
        let fd = |f: &File| Stdio::from(OwnedFd::from(f.try_clone().expect("dup the slave")));
        cmd.stdin(fd(&slave)).stdout(fd(&slave)).stderr(fd(&slave));
        // SAFETY: setsid and ioctl are async-signal-safe, as pre_exec requires.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
        drop(slave);
        let (tx, chunks) = mpsc::channel();
        let mut reader = master.try_clone().expect("dup the master");
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // EIO once the program and every copy of the slave side are gone.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Pty {
            master,
            child,
            chunks,
            output: Vec::new(),
        }
    }

    /// Wait until the terminal shows `needle`; false when `timeout` passes first.
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if String::from_utf8_lossy(&self.output).contains(needle) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.output.extend_from_slice(&chunk),
                Err(_) => return false,
            }
        }
    }

    /// Type `text` at the terminal.
    pub fn type_text(&mut self, text: &str) {
        self.master
            .write_all(text.as_bytes())
            .expect("write to the pty");
    }

    /// Whether the terminal echoes what is typed now.
    pub fn echoes(&self) -> bool {
        // SAFETY: tcgetattr on the master side we hold, into a zeroed termios.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        check(
            unsafe { libc::tcgetattr(self.master.as_raw_fd(), &mut t) },
            "tcgetattr",
        );
        t.c_lflag & libc::ECHO != 0
    }

    /// Wait for the program to exit (killed after `timeout`) and for all it wrote.
    pub fn finish(mut self, timeout: Duration) -> (ExitStatus, String) {
        let status = self.wait(timeout);
        (status, String::from_utf8_lossy(&self.output).into_owned())
    }

    /// Wait for the program to exit (killed, and the test failed, after `timeout`) and read all
    /// it wrote; the terminal stays open.
    pub fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                break s;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let status = self.child.wait().expect("wait");
                panic!(
                    "timed out after {timeout:?} ({status}); the terminal showed:\n{}",
                    String::from_utf8_lossy(&self.output)
                );
            }
            match self.chunks.recv_timeout(Duration::from_millis(20)) {
                Ok(chunk) => self.output.extend_from_slice(&chunk),
                Err(_) => continue,
            }
        };
        // What was written before the exit is in the pty already: read it to the end.
        while let Ok(chunk) = self.chunks.recv_timeout(Duration::from_secs(2)) {
            self.output.extend_from_slice(&chunk);
        }
        status
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
