//! What goes to stdout: JSON line records, payload encodings, the buffered writer.
pub mod bridged;
pub mod codec;
pub mod color;
pub mod diag;
pub mod message;
pub mod payload;
pub mod printer;
pub mod progress;
pub mod properties;
pub mod pub_template;
pub mod record;
pub mod recorder;
pub mod records;
pub mod requests;
pub mod template;
pub mod tests_records;
pub mod topics;
pub mod writer;

pub use writer::{Output, ThreadedOutput};

/// A topic for a message: at most 100 characters.
pub fn shorten(s: &str) -> String {
    if s.chars().count() <= 100 {
        s.replace('\0', "\\0")
    } else {
        let head: String = s.chars().take(97).collect();
        format!("{}...", head.replace('\0', "\\0"))
    }
}
