//! clap's own errors as the program's usage errors: `mqtt: error: ...` on stderr (clap's usage
//! and tips after it), or one `log` record under `--log json`, and exit 2. `--help` and
//! `--version` still print as clap prints them.
use std::ffi::OsString;

use clap::error::ErrorKind;

use crate::exit;
use crate::output::diag::LogFormat;

/// A clap error (not help or version output: see `is_output`) as a usage error, worded for
/// the `--log` format the arguments ask for.
pub fn convert(err: clap::Error, root: &clap::Command, argv: &[OsString]) -> anyhow::Error {
    let json = log_format(argv) == LogFormat::Json;
    exit::usage(message(&err, root, argv, json))
}

/// Help and version requests are not errors: clap prints them.
pub fn is_output(err: &clap::Error) -> bool {
    matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    )
}

/// The error's text without clap's `error: ` prefix: in full for a person (usage and tips
/// included), or its sentence and details only (one line) for a JSON record.
pub fn message(err: &clap::Error, root: &clap::Command, argv: &[OsString], json: bool) -> String {
    if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let (path, names) = command_path(root, argv);
        let first = format!("'{path}' needs a subcommand: {}", names.join(", "));
        if json {
            return first;
        }
        return format!("{first}\n\n{}", err.render().to_string().trim_end());
    }
    let text = err.render().to_string();
    let text = text.trim_end();
    let text = text.strip_prefix("error: ").unwrap_or(text);
    if !json {
        return text.to_string();
    }
    // The sentence and its indented details ("[possible values: ...]", "tip: ..."), up to the
    // usage paragraph.
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or_default().to_string();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            if out.ends_with(':') {
                continue;
            }
            break;
        }
        out.push(' ');
        out.push_str(line);
    }
    out
}

/// `--log` from the command line (`--log json`, `--log=json`) or MQTT_LOG, read before clap
/// has parsed anything, so that clap's own errors honour it.
pub fn log_format(argv: &[OsString]) -> LogFormat {
    let mut given: Option<String> = None;
    let mut args = argv.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--log" {
            given = args.next().map(|v| v.into_owned());
        } else if let Some(v) = arg.strip_prefix("--log=") {
            given = Some(v.to_string());
        }
    }
    let value = given.or_else(|| std::env::var("MQTT_LOG").ok());
    match value.as_deref() {
        Some("json") => LogFormat::Json,
        _ => LogFormat::Human,
    }
}

/// The command the arguments name (`mqtt bench`) and the names of its visible subcommands.
fn command_path(root: &clap::Command, argv: &[OsString]) -> (String, Vec<String>) {
    let mut cmd = root;
    let mut path = vec![root.get_name().to_string()];
    for arg in argv.iter().skip(1) {
        let arg = arg.to_string_lossy();
        match cmd.find_subcommand(arg.as_ref()) {
            Some(sub) => {
                path.push(sub.get_name().to_string());
                cmd = sub;
            }
            None => continue,
        }
    }
    let names = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect();
    (path.join(" "), names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    fn error_of(args: &[&str]) -> clap::Error {
        crate::cli::Cli::command()
            .try_get_matches_from(args)
            .expect_err("a usage error")
    }

    #[test]
    fn every_clap_error_kind_becomes_a_message_without_clap_s_prefix() {
        let root = crate::cli::Cli::command();
        let kinds = [
            ErrorKind::InvalidValue,
            ErrorKind::UnknownArgument,
            ErrorKind::InvalidSubcommand,
            ErrorKind::NoEquals,
            ErrorKind::ValueValidation,
            ErrorKind::TooManyValues,
            ErrorKind::TooFewValues,
            ErrorKind::WrongNumberOfValues,
            ErrorKind::ArgumentConflict,
            ErrorKind::MissingRequiredArgument,
            ErrorKind::MissingSubcommand,
            ErrorKind::InvalidUtf8,
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand,
            ErrorKind::Io,
            ErrorKind::Format,
        ];
        for kind in kinds {
            let err = clap::Error::raw(kind, "something is wrong\n").with_cmd(&root);
            assert!(!is_output(&err), "{kind:?}");
            for json in [false, true] {
                let text = message(&err, &root, &os(&["mqtt"]), json);
                assert!(!text.starts_with("error:"), "{kind:?}: {text}");
                assert!(!text.is_empty(), "{kind:?}");
                if json {
                    assert!(!text.contains('\n'), "{kind:?}: {text}");
                }
            }
            let usage = convert(err, &root, &os(&["mqtt"]));
            assert_eq!(exit::code_for(&usage), exit::USAGE, "{kind:?}");
        }
        assert!(is_output(&clap::Error::new(ErrorKind::DisplayHelp)));
        assert!(is_output(&clap::Error::new(ErrorKind::DisplayVersion)));
    }

    #[test]
    fn a_json_message_keeps_the_details_and_leaves_out_the_usage() {
        let root = crate::cli::Cli::command();
        let argv = ["mqtt", "sub", "--log", "xml"];
        let err = error_of(&argv);
        let one = message(&err, &root, &os(&argv), true);
        assert_eq!(
            one,
            "invalid value 'xml' for '--log <FORMAT>' [possible values: human, json]"
        );
        let full = message(&err, &root, &os(&argv), false);
        assert!(full.starts_with("invalid value 'xml'"), "{full}");
        assert!(
            full.contains("For more information, try '--help'."),
            "{full}"
        );
    }

    #[test]
    fn a_missing_subcommand_names_the_command_and_its_subcommands() {
        let root = crate::cli::Cli::command();
        let argv = ["mqtt", "--log", "json", "bench"];
        let err = error_of(&argv);
        assert_eq!(
            message(&err, &root, &os(&argv), true),
            "'mqtt bench' needs a subcommand: conn, pub, sub, pubsub, merge"
        );
    }

    #[test]
    fn the_log_format_is_read_before_parsing() {
        assert_eq!(
            log_format(&os(&["mqtt", "--log", "json", "x"])),
            LogFormat::Json
        );
        assert_eq!(
            log_format(&os(&["mqtt", "pub", "--log=json"])),
            LogFormat::Json
        );
        assert_eq!(
            log_format(&os(&["mqtt", "pub", "--", "--log=json"])),
            LogFormat::Human
        );
    }
}
