//! The integration-test harness: a real broker, a fake one, and the binary under test.

pub mod broker;
pub mod brokers;
pub mod cmd;
pub mod fake;
pub mod peer;
pub mod pty;
pub mod subscribed;

#[allow(unused_imports)]
pub use broker::{Broker, BrokerConfig};
#[allow(unused_imports)]
pub use cmd::{json_lines, mqtt, run, Spawned};
#[allow(unused_imports)]
pub use fake::{FakeBroker, Step};
