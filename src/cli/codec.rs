//! Options of the payload codecs: the Protobuf schema (`pub`, `sub`, `rr`).
use std::path::PathBuf;

use clap::Args;

use crate::exit;
use crate::output::codec::{protobuf, Codecs};

/// Where the Protobuf schema comes from, for `--payload protobuf`, `--encode protobuf` and
/// records with `"encoding":"protobuf"`.
#[derive(Debug, Args, Clone, Default)]
pub struct SchemaArgs {
    /// A .proto file to compile at start-up, no protoc needed (repeatable); imports are looked
    /// up in the --proto-path directories, then in the file's own directory
    #[arg(long = "proto", value_name = "FILE", help_heading = "Payload codecs")]
    pub protos: Vec<PathBuf>,

    /// A directory to look up .proto imports in (repeatable)
    #[arg(
        long = "proto-path",
        value_name = "DIR",
        requires = "protos",
        help_heading = "Payload codecs"
    )]
    pub proto_paths: Vec<PathBuf>,

    /// A compiled schema (a FileDescriptorSet, from protoc --descriptor_set_out or buf build)
    /// instead of --proto
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "protos",
        help_heading = "Payload codecs"
    )]
    pub descriptor_set: Option<PathBuf>,

    /// The Protobuf message type of the payloads, e.g. sensors.v1.Reading (needed when the
    /// schema defines more than one)
    #[arg(long, value_name = "TYPE", help_heading = "Payload codecs")]
    pub proto_message: Option<String>,
}

impl SchemaArgs {
    /// The codecs, with the schema compiled or read; a schema that does not load is a usage
    /// error naming the file and the problem.
    pub fn codecs(&self) -> anyhow::Result<Codecs> {
        let source = protobuf::Source {
            protos: self.protos.clone(),
            includes: self.proto_paths.clone(),
            descriptor_set: self.descriptor_set.clone(),
            message: self.proto_message.clone(),
        };
        if source.is_empty() {
            if self.proto_message.is_some() {
                return Err(exit::usage(
                    "--proto-message needs a schema: --proto FILE or --descriptor-set FILE",
                ));
            }
            return Ok(Codecs::default());
        }
        let schema = protobuf::Schema::load(&source).map_err(exit::usage)?;
        Ok(Codecs {
            protobuf: Some(schema),
        })
    }

    /// The codecs, and a usage error when protobuf is wanted but no schema was given.
    pub fn codecs_for(&self, wants_protobuf: bool, flag: &str) -> anyhow::Result<Codecs> {
        let codecs = self.codecs()?;
        if wants_protobuf && codecs.protobuf.is_none() {
            return Err(exit::usage(format!(
                "{flag} protobuf needs a schema: --proto FILE (or --descriptor-set FILE)"
            )));
        }
        Ok(codecs)
    }
}
