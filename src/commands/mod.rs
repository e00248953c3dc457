//! One module per subcommand.
pub mod bench;
pub mod common;
pub mod conn;
pub mod generate;
pub mod input;
pub mod publish;
pub mod subscribe;
