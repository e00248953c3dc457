//! One module per subcommand.
pub mod bench;
pub mod bridge;
pub mod conn;
pub mod connecting;
pub mod exec;
pub mod generate;
pub mod input;
pub mod ls;
pub mod publish;
pub mod reply;
pub mod rr;
pub mod signals;
pub mod stdout;
pub mod subscribe;
pub mod test;
