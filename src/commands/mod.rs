//! One module per subcommand.
pub mod conn;
