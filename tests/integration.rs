//! The one integration test binary: `cargo test --test integration`.

mod support;

mod conn;
mod faults;
mod harness_selftest;
mod hostile;
mod pubsub;
