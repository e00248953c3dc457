//! Precise wake-ups for scheduled messages.
//!
//! tokio's timers tick in milliseconds, so a message due at a given microsecond would leave up
//! to a millisecond late, and latency measured from the scheduled time would mostly measure
//! the timer. Publishers sleep on tokio timers until shortly before a slot, then register the
//! slot here: one thread with a minimal timer slack wakes them at the slot's time.
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::clock::Epoch;

/// Slots closer than this are left to the pacer thread.
pub const PRECISE_NS: u64 = 2_000_000;

struct Entry {
    at_ns: u64,
    waker: Waker,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.at_ns == other.at_ns
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.at_ns.cmp(&other.at_ns)
    }
}

pub struct Pacer {
    epoch: Arc<Epoch>,
    heap: Mutex<BinaryHeap<Reverse<Entry>>>,
    cv: Condvar,
}

impl Pacer {
    /// Start the pacer thread (it lives as long as the process).
    pub fn start(epoch: Arc<Epoch>) -> std::io::Result<Arc<Pacer>> {
        let pacer = Arc::new(Pacer {
            epoch,
            heap: Mutex::new(BinaryHeap::new()),
            cv: Condvar::new(),
        });
        let p = pacer.clone();
        std::thread::Builder::new()
            .name("mqtt-bench-pacer".into())
            .spawn(move || p.run())?;
        Ok(pacer)
    }

    fn run(&self) {
        #[cfg(target_os = "linux")]
        // SAFETY: PR_SET_TIMERSLACK takes a plain integer (nanoseconds) for this thread.
        unsafe {
            libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong);
        }
        let mut heap = self.heap.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = self.epoch.now_ns();
            while heap.peek().is_some_and(|e| e.0.at_ns <= now) {
                if let Some(Reverse(e)) = heap.pop() {
                    e.waker.wake();
                }
            }
            heap = match heap.peek() {
                Some(e) => {
                    let wait = Duration::from_nanos(e.0.at_ns.saturating_sub(now));
                    self.cv
                        .wait_timeout(heap, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => self.cv.wait(heap).unwrap_or_else(|e| e.into_inner()),
            };
        }
    }

    fn register(&self, at_ns: u64, waker: Waker) {
        let mut heap = self.heap.lock().unwrap_or_else(|e| e.into_inner());
        let earliest = heap.peek().is_none_or(|e| at_ns < e.0.at_ns);
        heap.push(Reverse(Entry { at_ns, waker }));
        drop(heap);
        if earliest {
            self.cv.notify_one();
        }
    }

    /// A future that is ready at `at_ns`. `registered` remembers the last time registered by
    /// this task, so that a task polled again for the same slot does not register it twice.
    pub fn until<'a>(&'a self, at_ns: u64, registered: &'a mut u64) -> Until<'a> {
        Until {
            pacer: self,
            at_ns,
            registered,
        }
    }
}

pub struct Until<'a> {
    pacer: &'a Pacer,
    at_ns: u64,
    registered: &'a mut u64,
}

impl Future for Until<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.pacer.epoch.now_ns() >= this.at_ns {
            return Poll::Ready(());
        }
        if *this.registered != this.at_ns {
            *this.registered = this.at_ns;
            this.pacer.register(this.at_ns, cx.waker().clone());
        }
        Poll::Pending
    }
}
