//! `bridged`: `mqtt bridge`'s record a second (and one at the end).
use serde::Serialize;

#[derive(Serialize)]
pub struct Bridged {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub time: String,
    pub elapsed_s: f64,
    /// Messages taken from --from.
    pub received: u64,
    /// Acknowledged by --to (QoS 0: written to it).
    pub forwarded: u64,
    /// Refused by --to, or beyond what it accepts.
    pub refused: u64,
    /// Not carried: marked by the bridge itself (a loop), or no topic left after --map.
    pub skipped: u64,
    /// Taken and not yet acknowledged by --to.
    pub in_flight: usize,
    /// In the second just ended.
    pub received_per_s: u64,
    pub forwarded_per_s: u64,
    /// Connections lost so far, by side.
    pub from_lost: u64,
    pub to_lost: u64,
    /// Set in the last record, written at the end.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub end: bool,
}
