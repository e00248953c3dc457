//! The one integration test binary: `cargo test --test integration`.

mod support;

mod bench;
mod harness_selftest;
