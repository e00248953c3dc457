//! `mqtt generate completions|man`: shell completions (clap_complete) and man pages
//! (clap_mangen) from the one clap definition, so they cover every subcommand there is,
//! nested ones included (`mqtt-bench-pub.1`). The man pages get the sections clap does not
//! know about: EXAMPLES (from each command's `after_help`), EXIT STATUS, ENVIRONMENT (every
//! `env` of the command's options), FILES (the profiles file) and JSON RECORDS.
//!
//! The output is committed under completions/ and man/; `tests/generate.rs` regenerates it
//! and fails on drift.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

use crate::cli::generate::{Generate, GenerateArgs, Shell};
use crate::cli::Cli;

pub fn run(args: GenerateArgs) -> Result<ExitCode> {
    match args.what {
        Generate::Completions { out, shell } => {
            if out == Path::new("-") {
                let Some(shell) = shell else {
                    return Err(crate::exit::usage("--out - needs --shell"));
                };
                std::io::stdout().write_all(&completion(shell))?;
            } else {
                let shells = match shell {
                    Some(s) => vec![s],
                    None => SHELLS.to_vec(),
                };
                for path in write_completions(&out, &shells)? {
                    crate::output::diag::info("wrote", &format!("wrote {}", path.display()));
                }
            }
        }
        Generate::Man { out } => {
            for path in write_man_pages(&out)? {
                crate::output::diag::info("wrote", &format!("wrote {}", path.display()));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Powershell,
    Shell::Elvish,
];

fn clap_shell(shell: Shell) -> clap_complete::Shell {
    match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
        Shell::Elvish => clap_complete::Shell::Elvish,
    }
}

/// The file name a shell looks for: `mqtt.bash`, `_mqtt`, `mqtt.fish`, `_mqtt.ps1`, `mqtt.elv`.
pub fn completion_file_name(shell: Shell) -> String {
    use clap_complete::Generator;
    clap_shell(shell).file_name("mqtt")
}

/// The public command line: the definition without hidden subcommands (`generate`), which
/// clap_complete would otherwise offer. clap cannot remove a subcommand, so the root is
/// rebuilt around the visible ones.
pub fn public_command() -> clap::Command {
    let full = Cli::command();
    clap::Command::new("mqtt")
        .about(full.get_about().cloned().unwrap_or_default())
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_flag(true)
        .disable_version_flag(true)
        .subcommand_required(true)
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|s| !s.is_hide_set()).cloned())
}

/// The completion script for one shell.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = public_command();
    let mut buf = Vec::new();
    clap_complete::generate(clap_shell(shell), &mut cmd, "mqtt", &mut buf);
    buf
}

pub fn write_completions(dir: &Path, shells: &[Shell]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut written = Vec::new();
    for &shell in shells {
        let path = dir.join(completion_file_name(shell));
        std::fs::write(&path, completion(shell))
            .with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Every man page as (file name, roff text): `mqtt.1` and one per visible subcommand at any
/// depth, `mqtt-<cmd>[-<sub>].1`.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let mut pages = Vec::new();
    collect_pages(&root, &[], &mut pages)?;
    Ok(pages)
}

fn collect_pages(
    cmd: &clap::Command,
    parents: &[String],
    pages: &mut Vec<(String, Vec<u8>)>,
) -> Result<()> {
    let name = cmd
        .get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_string();
    let children: Vec<&clap::Command> =
        cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    let child_names: Vec<String> = children
        .iter()
        .map(|c| c.get_display_name().unwrap_or(c.get_name()).to_string())
        .collect();
    pages.push((
        format!("{name}.1"),
        render_page(cmd, parents, &child_names)?,
    ));
    let mut lineage = parents.to_vec();
    lineage.push(name);
    for child in children {
        collect_pages(child, &lineage, pages)?;
    }
    Ok(())
}

pub fn write_man_pages(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut written = Vec::new();
    for (name, text) in man_pages()? {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn render_page(cmd: &clap::Command, parents: &[String], children: &[String]) -> Result<Vec<u8>> {
    let man = Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut out)?;
    }
    let mut roff = Roff::new();
    if let Some(after) = cmd.get_after_long_help().or(cmd.get_after_help()) {
        after_help(&mut roff, &after.to_string());
    }
    exit_status(&mut roff);
    environment(&mut roff, cmd);
    files(&mut roff);
    json_records(&mut roff);
    see_also(&mut roff, parents, children);
    roff.to_writer(&mut out)?;
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    Ok(out)
}

/// `after_help` is "Examples:" and command lines, then paragraphs (exit codes, notes): the
/// first becomes EXAMPLES (lines kept as they are), the rest NOTES.
fn after_help(roff: &mut Roff, text: &str) {
    let mut paragraphs = text.split("\n\n");
    let first = paragraphs.next().unwrap_or_default();
    let rest: Vec<&str> = paragraphs.collect();
    if let Some(examples) = first.strip_prefix("Examples:") {
        roff.control("SH", ["EXAMPLES"]);
        roff.control("nf", []);
        roff.control("RS", []);
        for line in examples.trim_start_matches('\n').lines() {
            roff.text([roman(line.strip_prefix("  ").unwrap_or(line))]);
        }
        roff.control("RE", []);
        roff.control("fi", []);
    } else {
        roff.control("SH", ["NOTES"]);
        roff.text([roman(first)]);
    }
    if !rest.is_empty() {
        if first.starts_with("Examples:") {
            roff.control("SH", ["NOTES"]);
        }
        for p in rest {
            roff.control("PP", []);
            roff.text([roman(p.replace('\n', " "))]);
        }
    }
}

/// The exit-code table's meanings (README.md's words, in `exit::CODES`) as EXIT STATUS
/// sentences: capitalized, without Markdown backticks, with a full stop.
fn man_sentence(meaning: &str) -> String {
    let plain = meaning.replace('`', "");
    let mut chars = plain.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for c in crate::exit::CODES {
        roff.control("TP", []);
        roff.text([bold(c.code.to_string())]);
        roff.text([roman(man_sentence(c.meaning))]);
    }
}

/// Every environment variable the options of `cmd` (and its subcommands) read, in order.
fn environment(roff: &mut Roff, cmd: &clap::Command) {
    let mut vars: Vec<(String, String, String)> = Vec::new();
    collect_env(cmd, &mut vars);
    roff.control("SH", ["ENVIRONMENT"]);
    roff.text([roman(
        "Each variable sets the option named; a command-line option overrides the variable, \
         which overrides the connection profile, which overrides the built-in default.",
    )]);
    for (name, option, help) in vars {
        roff.control("TP", []);
        roff.text([bold(name)]);
        roff.text([
            bold(option),
            roman(if help.is_empty() {
                String::new()
            } else {
                format!(": {help}")
            }),
        ]);
    }
    roff.control("TP", []);
    roff.text([bold("XDG_CONFIG_HOME"), roman(", "), bold("HOME")]);
    roff.text([roman(
        "Where the config file of connection profiles is looked for (see FILES).",
    )]);
}

fn collect_env(cmd: &clap::Command, vars: &mut Vec<(String, String, String)>) {
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let Some(env) = arg.get_env() else { continue };
        let name = env.to_string_lossy().into_owned();
        if vars.iter().any(|(n, _, _)| *n == name) {
            continue;
        }
        let option = match (arg.get_long(), arg.get_short()) {
            (Some(l), _) => format!("--{l}"),
            (None, Some(s)) => format!("-{s}"),
            (None, None) => arg.get_id().to_string(),
        };
        let help = arg
            .get_help()
            .map(|h| h.to_string().replace('\n', " "))
            .unwrap_or_default();
        vars.push((name, option, help));
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect_env(sub, vars);
    }
}

fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([
        bold("$XDG_CONFIG_HOME/mqtt/config.toml"),
        roman(", "),
        bold("~/.config/mqtt/config.toml"),
    ]);
    roff.text([roman(
        "Connection profiles (another file with --config or MQTT_CONFIG). Each [NAME] table is \
         a profile selected with --profile NAME (or MQTT_PROFILE); default_profile = \"NAME\", \
         or a [default] table, applies without --profile. Keys: host, port, url, \
         protocol_version, client_id, id_prefix, username, password_file (or password, with a \
         warning when the file is readable by other users), keepalive, connect_timeout, \
         source_ip, tls, ws, ws_path, cafile, cert, key, insecure, alpn, sni. Relative paths \
         are relative to the file's folder; ~/ is the home folder. An unknown key or profile \
         is a usage error (exit 2).",
    )]);
    roff.control("PP", []);
    roff.control("nf", []);
    roff.control("RS", []);
    for line in [
        "default_profile = \"local\"",
        "",
        "[local]",
        "host = \"127.0.0.1\"",
        "",
        "[prod]",
        "url = \"mqtts://broker.example.com\"",
        "username = \"alice\"",
        "password_file = \"~/.config/mqtt/prod.pass\"",
        "keepalive = 30",
    ] {
        roff.text([roman(line)]);
    }
    roff.control("RE", []);
    roff.control("fi", []);
}

/// The JSON line records (README "JSON records").
pub const RECORDS: &[(&str, &str, &str)] = &[
    ("connack", "conn", "broker, transport, protocol_version, client_id, reason_code, reason_name, session_present, properties, timings (dns_ms, tcp_ms, tls_ms, ws_ms, mqtt_ms, total_ms)"),
    ("disconnected", "conn --hold", "reason (why the connection ended) or reason_code, reason_name, properties of a server DISCONNECT"),
    ("published", "pub", "seq, topic, qos, retain (when set), packet_id (null for QoS 0), reason_code, reason_name, properties"),
    ("replayed", "pub --replay, at the end", "messages, skipped (before --start-at), passes, late (handed over more than 1 ms after their time; null at --speed max), lateness_ms (p50, p99, max; null at --speed max)"),
    ("message", "sub (also to --record FILE; read by pub --jsonl)", "topic, qos, retain, payload, encoding (when not UTF-8 text: base64, hex, json, cbor, msgpack, protobuf, sparkplug), decode_error (a payload --payload could not decode, kept as base64), group_id, message_type, edge_node_id, device_id, host_id (Sparkplug topics), properties (when any), optional dup, packet_id, payload_size"),
    ("bridged", "bridge, every second and at the end", "elapsed_s, received, forwarded (acknowledged by --to), refused, skipped (loop marker, or no topic after --map), in_flight, received_per_s, forwarded_per_s, from_lost, to_lost, end (last record)"),
    ("topic", "ls, at the end", "topic, messages, bytes, rate, first, last, retained, qos (levels seen), payload_size, payload, encoding, truncated (when cut)"),
    ("ls_summary", "ls, at the end", "seconds, topics, messages, bytes, rate, untracked_messages, untracked_bytes (beyond --max-topics)"),
    ("ls_tick", "ls --watch, piped, every second", "topics, messages, rate (that second), untracked_messages, busiest ([topic, messages] of that second)"),
    ("tick", "bench, every second", "elapsed_s, connected, connect_failed, sent, acked, received, sent_per_s, acked_per_s, received_per_s, inflight, overruns, errors (by kind)"),
    ("summary", "bench, at the end (and bench merge)", "scenario, shards, complete, protocol_version, qos, payload_size, elapsed_s, measured_s, clients, publishers, subscribers, connected, connect_failed, connect_failures (by reason), sent, acked, unacked, received, expected, lost, duplicated, reordered, overruns, loss_exact, errors, throughput, latency_us (connect, publish_to_ack, end_to_end: count, min, mean, p50, p90, p99, p99_9, max), cpu, peak_rss_bytes, histograms"),
];

fn json_records(roff: &mut Roff) {
    roff.control("SH", ["JSON RECORDS"]);
    roff.text([roman(
        "Standard output carries one JSON object per line, \"type\" first, snake_case keys, \
         ISO-8601 UTC times with microseconds (\"time\"). Errors and progress go to standard \
         error.",
    )]);
    for (ty, by, fields) in RECORDS {
        roff.control("TP", []);
        roff.text([bold(*ty), roman(" (printed by "), italic(*by), roman(")")]);
        roff.text([roman(*fields)]);
    }
    roff.control("PP", []);
    roff.text([roman(
        "payload is the UTF-8 text; when the bytes are not UTF-8 (or --payload base64|hex asks) \
         it is encoded and \"encoding\":\"base64\" (or \"hex\") says how; with --payload json a \
         payload that parses as JSON is embedded as a value with \"encoding\":\"json\". \
         Property keys are the MQTT 5 names in snake_case; binary properties (correlation \
         data) are a string when UTF-8, else {\"base64\":\"...\"}; user_properties is a list \
         of [key, value] pairs.",
    )]);
    roff.control("PP", []);
    roff.control("nf", []);
    roff.control("RS", []);
    roff.text([roman(
        r#"{"type":"message","time":"2026-11-26T06:07:13.863087Z","topic":"a/b","qos":1,"retain":false,"payload":"hello","properties":{"content_type":"text/plain","user_properties":[["k","v"]]}}"#,
    )]);
    roff.control("RE", []);
    roff.control("fi", []);
}

fn see_also(roff: &mut Roff, parents: &[String], children: &[String]) {
    let pages: Vec<&String> = parents.iter().chain(children).collect();
    if pages.is_empty() {
        return;
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut inlines = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        if i > 0 {
            inlines.push(roman(", "));
        }
        inlines.push(bold(page.as_str()));
        inlines.push(roman("(1)"));
    }
    roff.text(inlines);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_visible_subcommand_gets_a_page_and_generate_none() {
        let pages = man_pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for want in ["mqtt.1", "mqtt-conn.1", "mqtt-pub.1", "mqtt-sub.1"] {
            assert!(names.contains(&want), "{want} in {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("generate")), "{names:?}");
        let visible = Cli::command()
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .count();
        assert!(names.len() > visible, "{names:?}");
        let (_, sub) = pages.iter().find(|(n, _)| n == "mqtt-sub.1").unwrap();
        let sub = String::from_utf8_lossy(sub);
        for section in [
            ".SH EXAMPLES",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH \"JSON RECORDS\"",
            "MQTT_HOST",
            "MQTT_PROFILE",
        ] {
            assert!(sub.contains(section), "{section} missing:\n{sub}");
        }
    }

    #[test]
    fn completions_cover_the_subcommands_but_not_generate() {
        let public = public_command();
        let names: Vec<&str> = public.get_subcommands().map(|s| s.get_name()).collect();
        assert!(
            names.contains(&"conn") && !names.contains(&"generate"),
            "{names:?}"
        );
        for shell in SHELLS {
            let text = String::from_utf8(completion(shell)).unwrap();
            assert!(
                text.contains("conn") && text.contains("profile"),
                "{shell:?}"
            );
        }
    }
}
