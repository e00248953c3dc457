//! Protobuf <-> JSON for a message type the user names, from `.proto` files compiled at run
//! time by protox (no `protoc` needed) or from a compiled descriptor set; the JSON is the
//! canonical Protobuf JSON mapping (lowerCamelCase names, 64-bit integers as strings, bytes as
//! base64, enums by name), by prost-reflect.
use std::path::{Path, PathBuf};

use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, SerializeOptions};
use serde_json::Value;

/// The message type payloads are read and written as.
#[derive(Clone, Debug)]
pub struct Schema {
    message: MessageDescriptor,
}

/// Where the schema comes from (`--proto`, `--proto-path`, `--descriptor-set`, `--message`).
#[derive(Clone, Debug, Default)]
pub struct Source {
    pub protos: Vec<PathBuf>,
    pub includes: Vec<PathBuf>,
    pub descriptor_set: Option<PathBuf>,
    pub message: Option<String>,
}

impl Source {
    pub fn is_empty(&self) -> bool {
        self.protos.is_empty() && self.descriptor_set.is_none()
    }
}

/// The largest descriptor set read.
const MAX_DESCRIPTOR_SET: u64 = 64 << 20;

impl Schema {
    /// Compile or read the schema and find the message type. Errors name the file, line and
    /// problem as protox reports them, or the message types there are.
    pub fn load(source: &Source) -> Result<Schema, String> {
        let (pool, own_files) = match &source.descriptor_set {
            Some(path) => (read_descriptor_set(path)?, None),
            None => compile(&source.protos, &source.includes)?,
        };
        let mut candidates: Vec<String> = pool
            .all_messages()
            .filter(|m| {
                own_files.as_ref().map_or(true, |own: &Vec<String>| {
                    own.iter().any(|f| f == m.parent_file().name())
                })
            })
            .filter(|m| m.parent_message().is_none() && !m.is_map_entry())
            .map(|m| m.full_name().to_string())
            .collect();
        candidates.sort();
        let name = match (&source.message, candidates.as_slice()) {
            (Some(name), _) => name.trim_start_matches('.').to_string(),
            (None, [only]) => only.clone(),
            (None, []) => return Err("the schema defines no message type".into()),
            (None, several) => {
                return Err(format!(
                    "the schema defines {} message types: name one with --proto-message ({})",
                    several.len(),
                    list(several)
                ))
            }
        };
        let message = pool.get_message_by_name(&name).ok_or_else(|| {
            format!(
                "--proto-message {name}: no such message type in the schema (it has {})",
                list(&candidates)
            )
        })?;
        Ok(Schema { message })
    }

    pub fn name(&self) -> &str {
        self.message.full_name()
    }

    pub fn decode(&self, bytes: &[u8]) -> Result<Value, String> {
        let m = DynamicMessage::decode(self.message.clone(), bytes)
            .map_err(|e| format!("not a {}: {e}", self.name()))?;
        m.serialize_with_options(serde_json::value::Serializer, &SerializeOptions::new())
            .map_err(|e| format!("{}: {e}", self.name()))
    }

    pub fn encode(&self, v: &Value) -> Result<Vec<u8>, String> {
        let m = DynamicMessage::deserialize(self.message.clone(), v)
            .map_err(|e| format!("not a {}: {e}", self.name()))?;
        Ok(m.encode_to_vec())
    }
}

fn list(names: &[String]) -> String {
    match names.len() {
        0 => "none".into(),
        n if n <= 8 => names.join(", "),
        n => format!("{}, and {} more", names[..8].join(", "), n - 8),
    }
}

fn read_descriptor_set(path: &Path) -> Result<DescriptorPool, String> {
    let shown = path.display();
    let len = std::fs::metadata(path)
        .map_err(|e| format!("--descriptor-set {shown}: {e}"))?
        .len();
    if len > MAX_DESCRIPTOR_SET {
        return Err(format!("--descriptor-set {shown}: larger than 64 MiB"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("--descriptor-set {shown}: {e}"))?;
    DescriptorPool::decode(bytes.as_slice())
        .map_err(|e| format!("--descriptor-set {shown}: not a FileDescriptorSet: {e}"))
}

/// Compile the files; each file's own directory is searched for imports after `includes`.
/// Returns the pool and the names of the files given (not their imports).
fn compile(
    protos: &[PathBuf],
    includes: &[PathBuf],
) -> Result<(DescriptorPool, Option<Vec<String>>), String> {
    let mut dirs: Vec<PathBuf> = includes.to_vec();
    for p in protos {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    let mut compiler = protox::Compiler::new(&dirs).map_err(|e| format!("--proto-path: {e}"))?;
    compiler.include_imports(true);
    for p in protos {
        compiler
            .open_file(p)
            .map_err(|e| format!("--proto {}: {e}", p.display()))?;
    }
    let own = compiler
        .files()
        .filter(|f| !f.is_import())
        .map(|f| f.name().to_string())
        .collect();
    Ok((compiler.descriptor_pool(), Some(own)))
}
