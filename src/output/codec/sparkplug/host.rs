//! What a Sparkplug host application keeps while it listens: per edge node, the metric names
//! and datatypes its births declared (to name the metrics a data message gives by alias only)
//! and, for `sub --sparkplug-check`, the sequence numbers (0-255, wrapping) and the bdSeq of
//! the last NBIRTH, with the warnings a gap or a stale death certificate earns. Sans-IO: fed
//! decoded payloads, returns warnings.
use std::collections::HashMap;

use super::json::Lookup;
use super::schema::{MetricValue, Payload};
use super::topic::Topic;

/// Bounds on what is learned, so that a flood of births cannot exhaust memory: past them,
/// new nodes and metrics are not learned (their data is still decoded, without names).
const MAX_NODES: usize = 100_000;
const MAX_ENTRIES: usize = 2_000_000;

#[derive(Default)]
struct Node {
    aliases: HashMap<u64, (String, Option<u32>)>,
    names: HashMap<String, u32>,
    devices: HashMap<String, HashMap<String, u32>>,
    seq: Option<u64>,
    bd_seq: Option<u64>,
    warned_unborn: bool,
}

#[derive(Default)]
pub struct Host {
    nodes: HashMap<String, Node>,
    entries: usize,
    check: bool,
}

fn bd_seq(p: &Payload) -> Option<u64> {
    let m = p
        .metrics
        .iter()
        .find(|m| m.name.as_deref() == Some("bdSeq"))?;
    match m.value {
        Some(MetricValue::LongValue(l)) => Some(l),
        Some(MetricValue::IntValue(u)) => Some(u.into()),
        _ => None,
    }
}

impl Host {
    pub fn new(check: bool) -> Host {
        Host {
            check,
            ..Host::default()
        }
    }

    /// Take in `p`, received on `topic`: learn from births, and (when checking) return what
    /// is wrong with its sequence.
    pub fn observe(&mut self, topic: &Topic, p: &Payload) -> Vec<String> {
        let mut warnings = Vec::new();
        let Topic::Node {
            group_id,
            message_type,
            edge_node_id,
            device_id,
        } = topic
        else {
            return warnings;
        };
        let key = format!("{group_id}/{edge_node_id}");
        if !self.nodes.contains_key(&key) && self.nodes.len() >= MAX_NODES {
            return warnings;
        }
        let node = self.nodes.entry(key.clone()).or_default();
        let mtype = *message_type;
        if mtype == "NBIRTH" {
            self.entries -= node.aliases.len() + node.names.len();
            self.entries -= node.devices.values().map(HashMap::len).sum::<usize>();
            *node = Node {
                seq: p.seq,
                bd_seq: bd_seq(p),
                ..Node::default()
            };
        }
        if matches!(mtype, "NBIRTH" | "DBIRTH") {
            for m in &p.metrics {
                if self.entries >= MAX_ENTRIES {
                    break;
                }
                if let (Some(alias), Some(name)) = (m.alias, &m.name) {
                    node.aliases.insert(alias, (name.clone(), m.datatype));
                    self.entries += 1;
                }
                if let (Some(name), Some(dt)) = (&m.name, m.datatype) {
                    let names = match device_id {
                        Some(d) => node.devices.entry((*d).to_string()).or_default(),
                        None => &mut node.names,
                    };
                    names.insert(name.clone(), dt);
                    self.entries += 1;
                }
            }
        }
        if !self.check {
            return warnings;
        }
        let where_ = || match device_id {
            Some(d) => format!("{group_id}/{edge_node_id}/{d}"),
            None => key.clone(),
        };
        match mtype {
            "NBIRTH" => {
                if p.seq.map_or(true, |s| s > 255) {
                    warnings.push(format!("{key}: NBIRTH has no seq from 0 to 255"));
                }
                if node.bd_seq.is_none() {
                    warnings.push(format!("{key}: NBIRTH has no bdSeq metric"));
                }
            }
            "NDEATH" => {
                match (node.bd_seq, bd_seq(p)) {
                    (Some(born), Some(died)) if born != died => warnings.push(format!(
                        "{key}: NDEATH bdSeq {died} does not match the NBIRTH's bdSeq {born} (a stale death certificate)"
                    )),
                    (Some(_), None) => {
                        warnings.push(format!("{key}: NDEATH has no bdSeq metric"))
                    }
                    _ => node.seq = None,
                }
            }
            "DBIRTH" | "NDATA" | "DDATA" | "DDEATH" => match (node.seq, p.seq) {
                (_, None) => warnings.push(format!("{}: {mtype} has no seq", where_())),
                (None, Some(s)) => {
                    if !node.warned_unborn {
                        node.warned_unborn = true;
                        warnings.push(format!(
                            "{}: {mtype} seq {s} before any NBIRTH of {key} (sequence checked from here)",
                            where_()
                        ));
                    }
                    node.seq = Some(s);
                }
                (Some(last), Some(s)) => {
                    let expected = (last + 1) % 256;
                    if s != expected {
                        let missing = (s + 256 - expected % 256) % 256;
                        warnings.push(format!(
                            "{}: {mtype} seq {s} where {expected} was expected ({missing} message{} missing or out of order)",
                            where_(),
                            if missing == 1 { "" } else { "s" }
                        ));
                    }
                    node.seq = Some(s);
                }
            },
            _ => {}
        }
        warnings
    }

    /// The births known for `topic`'s edge node and device.
    pub fn lookup(&self, topic: &Topic) -> Lookup<'_> {
        let Topic::Node {
            group_id,
            edge_node_id,
            device_id,
            ..
        } = topic
        else {
            return Lookup::default();
        };
        match self.nodes.get(&format!("{group_id}/{edge_node_id}")) {
            Some(node) => Lookup {
                aliases: Some(&node.aliases),
                names: match device_id {
                    Some(d) => node.devices.get(*d),
                    None => Some(&node.names),
                },
            },
            None => Lookup::default(),
        }
    }
}
