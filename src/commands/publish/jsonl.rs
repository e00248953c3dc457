//! `pub --jsonl`: a PUBLISH from each message record (the JSON lines `sub` prints). The record
//! is read where it is written, in `output::message`, so both halves of the bridge stay
//! together.
pub use crate::output::message::read as message_from_record;
