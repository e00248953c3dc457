//! How long idle worker threads wait before sleeping on their sockets while publishers run as
//! fast as the broker takes messages (see `crate::runtime` for why and how long).
//!
//! Each publisher keeps at least `floor` messages unconfirmed (half its QoS 1/2 window, which
//! it refills in batches; at QoS 0 its window less one ping interval): `Counters::queued_floor`
//! adds them up. Measured (`mqtt bench pub -c 10 -q 1`, mosquitto at a full core): without
//! waiting `mqtt` used 80% of the broker's CPU for 106k msg/s; waiting 300 µs, 30% for 118k.
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::collector::Phase;
use super::counters::Counters;
use crate::protocol::QoS;
use crate::runtime::{set_wait, Follower};

/// Follow the rate while the run publishes; no wait outside the run phase.
pub async fn control(
    counters: Arc<Counters>,
    qos: QoS,
    max: Duration,
    mut ctl: watch::Receiver<Phase>,
) {
    let count = |s: &Counters| {
        if qos == QoS::AtMostOnce {
            s.sent.load(Relaxed)
        } else {
            s.acked.load(Relaxed)
        }
    };
    let mut tick = tokio::time::interval(Follower::EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut follower = Follower::new(max, count(&counters));
    loop {
        let open = tokio::select! {
            _ = tick.tick() => true,
            r = ctl.changed() => r.is_ok(),
        };
        let phase = *ctl.borrow_and_update();
        if matches!(phase, Phase::Run { .. }) {
            follower.update(count(&counters), counters.queued_floor.load(Relaxed));
        } else {
            set_wait(Duration::ZERO);
        }
        if !open || phase == Phase::Close {
            break;
        }
    }
    set_wait(Duration::ZERO);
}
