//! The one integration test binary: `cargo test --test integration`.

mod support;

mod bench;
mod bench_export;
mod bridge;
mod broker_test;
mod codecs;
mod conn;
mod crash;
mod faults;
mod generate;
mod harness_selftest;
mod hostile;
mod interop;
mod kubernetes;
mod ls;
mod profile;
mod pub_template;
mod pubsub;
mod replay;
mod rr;
mod terminal;
mod trust;
mod usage_errors;
