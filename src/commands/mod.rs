//! One module per subcommand.
pub mod common;
pub mod conn;
pub mod generate;
pub mod publish;
pub mod subscribe;
