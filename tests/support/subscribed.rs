//! Waiting for a subscription to be in place: mosquitto logs each one as
//! `<client id> <qos> <filter>`, so a test publishes only once it is there (no fixed sleeps).
#![allow(dead_code)]

use std::thread;
use std::time::{Duration, Instant};

use super::broker::Broker;
use super::cmd::{mqtt, Spawned};

const T: Duration = Duration::from_secs(10);

/// How many subscriptions the broker has logged for client `id`.
pub fn subscriptions(log: &str, id: &str) -> usize {
    log.lines()
        .filter(|l| {
            let Some((_, rest)) = l.split_once(": ") else {
                return false;
            };
            let mut it = rest.splitn(3, ' ');
            it.next() == Some(id)
                && it
                    .next()
                    .is_some_and(|q| q.len() == 1 && q.as_bytes()[0].is_ascii_digit())
                && it.next().is_some()
        })
        .count()
}

/// Wait until the broker has logged `n` subscriptions of client `id` in total.
#[track_caller]
pub fn wait_subscribed(b: &Broker, id: &str, n: usize) {
    let deadline = Instant::now() + T;
    while subscriptions(&b.log(), id) < n {
        assert!(
            Instant::now() < deadline,
            "client {id} did not subscribe within {T:?}\n{}",
            b.log()
        );
        thread::sleep(Duration::from_millis(5));
    }
}

/// `mqtt sub -L <broker> -i <id> <args>`, returned once every `-t` filter is subscribed.
pub fn spawn_sub(b: &Broker, id: &str, args: &[&str]) -> Spawned {
    let before = subscriptions(&b.log(), id);
    let filters = args.iter().filter(|a| **a == "-t").count();
    let s = Spawned::spawn(
        mqtt()
            .args(["sub", "-L", &b.url("mqtt"), "-i", id])
            .args(args),
    );
    wait_subscribed(b, id, before + filters);
    s
}
