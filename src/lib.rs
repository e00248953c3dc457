//! `mqtt`: a fast, scriptable command-line MQTT toolkit.
//!
//! `protocol` is sans-IO MQTT 3.1/3.1.1/5; `session` is the client (state machine, driver,
//! transports); `output` the JSON line records; `commands` one module per subcommand.
pub mod cli;
pub mod commands;
pub mod condition;
pub mod exit;
pub mod output;
pub mod protocol;
pub mod runtime;
pub mod session;

use std::process::ExitCode;

use cli::{Cli, Command};
use runtime::{current_thread, multi_thread};

/// Run the parsed command line; the error carries its exit code (see `exit`).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Conn(args) => on(current_thread()?, commands::conn::run(args)),
        Command::Pub(args) => on(current_thread()?, commands::publish::run(args)),
        Command::Sub(args) => on(current_thread()?, commands::subscribe::run(args)),
        Command::Rr(args) => on(current_thread()?, commands::rr::run(args)),
        Command::Reply(args) => on(current_thread()?, commands::reply::run(args)),
        Command::Bridge(args) => on(current_thread()?, commands::bridge::run(args)),
        Command::Ls(args) => on(current_thread()?, commands::ls::run(args)),
        Command::Test(args) => on(current_thread()?, commands::test::run(args)),
        Command::Bench(args) => on(
            multi_thread(args.command.threads())?,
            commands::bench::run(args.command),
        ),
        Command::Generate(args) => commands::generate::run(args),
    }
}

/// Run a command to its end, then leave at once: nothing still blocked (a read of an idle
/// stdin, a write to a stalled stdout) is waited for.
fn on<F: std::future::Future>(rt: tokio::runtime::Runtime, f: F) -> F::Output {
    let result = rt.block_on(f);
    rt.shutdown_background();
    result
}
