//! The one integration test binary: `cargo test --test integration`.

mod support;

mod conn;
mod generate;
mod harness_selftest;
mod profile;
mod pubsub;
