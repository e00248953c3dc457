//! The one integration test binary: `cargo test --test integration`.

mod support;

mod conn;
mod harness_selftest;
mod pubsub;
