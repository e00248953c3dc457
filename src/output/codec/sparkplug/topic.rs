//! The Sparkplug topic namespace: `spBv1.0/<group_id>/<message_type>/<edge_node_id>[/<device_id>]`
//! and the host state topic `spBv1.0/STATE/<host_id>`.
use serde_json::{Map, Value};

pub const NAMESPACE: &str = "spBv1.0/";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic<'a> {
    Node {
        group_id: &'a str,
        message_type: &'a str,
        edge_node_id: &'a str,
        device_id: Option<&'a str>,
    },
    State {
        host_id: &'a str,
    },
}

const NODE_TYPES: [&str; 4] = ["NBIRTH", "NDEATH", "NDATA", "NCMD"];
const DEVICE_TYPES: [&str; 4] = ["DBIRTH", "DDEATH", "DDATA", "DCMD"];

impl<'a> Topic<'a> {
    /// None when `topic` is not a Sparkplug B topic.
    pub fn parse(topic: &'a str) -> Option<Topic<'a>> {
        let rest = topic.strip_prefix(NAMESPACE)?;
        let parts: Vec<&str> = rest.split('/').collect();
        match parts.as_slice() {
            ["STATE", host_id] if !host_id.is_empty() => Some(Topic::State { host_id }),
            [group_id, message_type, edge_node_id]
                if NODE_TYPES.contains(message_type)
                    && ![*group_id, *edge_node_id].contains(&"") =>
            {
                Some(Topic::Node {
                    group_id,
                    message_type,
                    edge_node_id,
                    device_id: None,
                })
            }
            [group_id, message_type, edge_node_id, device_id]
                if DEVICE_TYPES.contains(message_type)
                    && ![*group_id, *edge_node_id, *device_id].contains(&"") =>
            {
                Some(Topic::Node {
                    group_id,
                    message_type,
                    edge_node_id,
                    device_id: Some(device_id),
                })
            }
            _ => None,
        }
    }

    /// The record's fields for this topic.
    pub fn fields(&self, out: &mut Map<String, Value>) {
        match self {
            Topic::Node {
                group_id,
                message_type,
                edge_node_id,
                device_id,
            } => {
                out.insert("group_id".into(), (*group_id).into());
                out.insert("message_type".into(), (*message_type).into());
                out.insert("edge_node_id".into(), (*edge_node_id).into());
                if let Some(d) = device_id {
                    out.insert("device_id".into(), (*d).into());
                }
            }
            Topic::State { host_id } => {
                out.insert("message_type".into(), "STATE".into());
                out.insert("host_id".into(), (*host_id).into());
            }
        }
    }
}
