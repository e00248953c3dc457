//! What goes to stdout: JSON line records, payload encodings, the buffered writer.
pub mod diag;
pub mod message;
pub mod payload;
pub mod progress;
pub mod record;
pub mod template;
pub mod writer;

pub use writer::{Output, ThreadedOutput};
