//! The client: sans-IO session state plus the async driver and transports.
mod client;
pub mod connection;
pub mod event;
mod handshake;
pub mod inflight;
pub mod keepalive;
pub mod options;
mod recover;
pub mod state;
pub mod transport;

pub use client::Update;
pub use connection::{handshake, Handshake, Notice, Reconnect, Request, Session, SessionSettings};
pub use options::{ConnectOptions, Scheme};
