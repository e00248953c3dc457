//! The committed completions/ and man/ are what `mqtt generate` makes from the clap definition.
use std::collections::BTreeMap;
use std::path::Path;

use crate::support::cmd::{self, mqtt};

const REGENERATE: &str =
    "cargo run -- generate completions --out completions && cargo run -- generate man --out man";

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn committed_completions_and_man_pages_match_the_cli_definition() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut drift = Vec::new();
    for what in ["completions", "man"] {
        let out = tmp.path().join(what);
        let run = cmd::run_default(mqtt().args(["generate", what, "--out"]).arg(&out));
        cmd::assert_success(&run);
        let (fresh, committed) = (files(&out), files(&root.join(what)));
        assert!(!fresh.is_empty(), "generate {what} wrote nothing");
        for (name, bytes) in &fresh {
            match committed.get(name) {
                None => drift.push(format!("{what}/{name} is missing")),
                Some(old) if old != bytes => drift.push(format!("{what}/{name} differs")),
                Some(_) => {}
            }
        }
        for name in committed.keys().filter(|n| !fresh.contains_key(*n)) {
            drift.push(format!("{what}/{name} is no longer generated (delete it)"));
        }
    }
    assert!(
        drift.is_empty(),
        "completions/ and man/ are out of date with the command-line definition:\n  {}\n\
         Regenerate them with:\n  {REGENERATE}",
        drift.join("\n  ")
    );
}

#[test]
fn generated_man_pages_cover_every_subcommand_with_the_extra_sections() {
    let tmp = tempfile::tempdir().unwrap();
    let run = cmd::run_default(mqtt().args(["generate", "man", "--out"]).arg(tmp.path()));
    cmd::assert_success(&run);
    let pages = files(tmp.path());
    for page in ["mqtt.1", "mqtt-conn.1", "mqtt-pub.1", "mqtt-sub.1"] {
        let text = String::from_utf8_lossy(&pages[page]);
        for section in ["EXIT STATUS", "ENVIRONMENT", "JSON RECORDS", ".SH EXAMPLES"] {
            assert!(text.contains(section), "{page} lacks {section}");
        }
    }
}
