use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match mqtt::cli::parse() {
        Ok(cli) => cli,
        Err(err) => return mqtt::exit::report(&err),
    };
    match mqtt::run(cli) {
        Ok(code) => code,
        Err(err) => mqtt::exit::report(&err),
    }
}
