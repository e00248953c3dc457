//! One module per subcommand.
pub mod bench;
pub mod common;
pub mod conn;
pub mod generate;
pub mod publish;
pub mod subscribe;
