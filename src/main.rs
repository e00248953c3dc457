use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mqtt::cli::Cli::parse();
    match mqtt::run(cli) {
        Ok(code) => code,
        Err(err) => mqtt::exit::report(&err),
    }
}
