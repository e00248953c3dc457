//! Whether a run did what it was asked, and the exit code when it did not: a script must be
//! able to believe the exit code and the summary's `complete`.
//!
//! A run fails when connections could not be made (3, or 4 when the broker refused them all),
//! when the broker rejected something or disconnected clients with a reason (5), and when
//! clients were cut off, a peer broke the protocol, or QoS 1/2 messages went unacknowledged
//! or were lost (1). Messages in flight when Ctrl-C ended the run are not failures.
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::summary::Summary;
use crate::exit;

/// Error kinds (`errors` of the summary) that are the broker rejecting or refusing something.
const REJECTIONS: [&str; 3] = [
    "publish_rejected",
    "subscribe_refused",
    "disconnected_by_broker",
];

/// What went wrong, most telling first, with the exit code of the first.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Failures {
    pub code: u8,
    pub reasons: Vec<String>,
}

impl Failures {
    pub fn is_empty(&self) -> bool {
        self.reasons.is_empty()
    }

    fn add(&mut self, code: u8, reason: String) {
        if self.reasons.is_empty() {
            self.code = code;
        }
        self.reasons.push(reason);
    }

    /// The error that ends the program (None when nothing failed).
    pub fn error(&self) -> Option<anyhow::Error> {
        let message = match self.reasons.as_slice() {
            [] => return None,
            [one] => one.clone(),
            all => format!("the run failed: {}", all.join("; ")),
        };
        Some(match self.code {
            exit::CONNECT => exit::connect(message),
            exit::REFUSED => exit::refused(message),
            exit::REJECTED => exit::rejected(message),
            _ => exit::runtime(message),
        })
    }
}

fn kinds(counts: &BTreeMap<String, u64>) -> String {
    let mut s = String::new();
    for (k, v) in counts {
        let _ = write!(s, "{}{k} {v}", if s.is_empty() { "" } else { ", " });
    }
    s
}

/// The failures of a run from its summary. `interrupted`: Ctrl-C (or SIGTERM) ended it, so
/// that what was in flight then is not counted against it. `loss_counts`: `lost` is exact and
/// about QoS 1/2 deliveries (pubsub with both QoS at least 1).
pub fn judge(s: &Summary, interrupted: bool, loss_counts: bool) -> Failures {
    let mut f = Failures::default();
    if s.connect_failed > 0 {
        let refused = s.connect_failures.keys().all(|k| k.starts_with("refused_"));
        let what = if s.connected == 0 {
            "no connection could be made".to_string()
        } else {
            format!("{} of {} connections failed", s.connect_failed, s.clients)
        };
        f.add(
            if refused {
                exit::REFUSED
            } else {
                exit::CONNECT
            },
            format!("{what} ({})", kinds(&s.connect_failures)),
        );
    }
    let (rejections, others): (BTreeMap<_, _>, BTreeMap<_, _>) = s
        .errors
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .partition(|(k, _)| REJECTIONS.contains(&k.as_str()));
    if !rejections.is_empty() {
        f.add(
            exit::REJECTED,
            format!(
                "the broker rejected or disconnected clients ({})",
                kinds(&rejections)
            ),
        );
    }
    if !others.is_empty() {
        f.add(
            exit::RUNTIME,
            format!("clients were cut off or failed ({})", kinds(&others)),
        );
    }
    if !interrupted && s.unacked > 0 {
        f.add(
            exit::RUNTIME,
            format!(
                "{} of {} QoS {} messages were not acknowledged",
                s.unacked, s.sent, s.qos
            ),
        );
    }
    if !interrupted && loss_counts && s.lost > 0 {
        f.add(
            exit::RUNTIME,
            format!(
                "{} of {} QoS {} messages were lost (received {} distinct)",
                s.lost,
                s.expected,
                s.qos,
                s.expected - s.lost
            ),
        );
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> Summary {
        Summary {
            clients: 11,
            connected: 11,
            qos: 1,
            sent: 1000,
            acked: 1000,
            received: 1000,
            expected: 1000,
            ..Summary::default()
        }
    }

    #[test]
    fn a_run_that_did_everything_has_no_failures() {
        let f = judge(&clean(), false, true);
        assert!(f.is_empty(), "{f:?}");
        assert!(f.error().is_none());
    }

    #[test]
    fn connection_failures_exit_3_or_4_when_all_were_refused() {
        let mut s = clean();
        s.connected = 9;
        s.connect_failed = 2;
        s.connect_failures
            .insert("refused_not_authorized".into(), 2);
        let f = judge(&s, false, true);
        assert_eq!(f.code, exit::REFUSED);
        assert_eq!(
            f.reasons,
            ["2 of 11 connections failed (refused_not_authorized 2)"]
        );
        s.connect_failures.insert("connection_refused".into(), 1);
        assert_eq!(judge(&s, false, true).code, exit::CONNECT);
        s.connected = 0;
        let f = judge(&s, true, true);
        assert!(
            f.reasons[0].starts_with("no connection could be made"),
            "{f:?}"
        );
    }

    #[test]
    fn rejections_exit_5_and_clients_cut_off_exit_1() {
        let mut s = clean();
        s.errors.insert("connection_lost".into(), 3);
        let f = judge(&s, false, true);
        assert_eq!(f.code, exit::RUNTIME);
        assert_eq!(
            f.reasons,
            ["clients were cut off or failed (connection_lost 3)"]
        );
        s.errors.insert("disconnected_by_broker".into(), 2);
        let f = judge(&s, false, true);
        assert_eq!(f.code, exit::REJECTED, "the rejection comes first");
        assert_eq!(f.reasons.len(), 2);
        let e = f.error().expect("an error");
        assert_eq!(exit::code_for(&e), exit::REJECTED);
        assert!(e.to_string().starts_with("the run failed: "), "{e}");
    }

    #[test]
    fn qos_1_messages_unacknowledged_or_lost_fail_the_run_unless_interrupted() {
        let mut s = clean();
        s.unacked = 4;
        s.lost = 7;
        let f = judge(&s, false, true);
        assert_eq!(f.code, exit::RUNTIME);
        assert_eq!(
            f.reasons,
            [
                "4 of 1000 QoS 1 messages were not acknowledged",
                "7 of 1000 QoS 1 messages were lost (received 993 distinct)"
            ]
        );
        assert!(judge(&s, true, true).is_empty());
        // Loss that QoS 0 allows, or that is only estimated, is reported, not judged.
        s.unacked = 0;
        assert!(judge(&s, false, false).is_empty());
    }
}
