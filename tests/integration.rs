//! The one integration test binary: `cargo test --test integration`.

mod support;

mod harness_selftest;
