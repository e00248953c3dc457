//! Options of the hidden `mqtt generate completions|man` (packaging; the output is committed
//! under completions/ and man/ and checked for drift by the tests).
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

pub const EXAMPLES: &str = "\
Examples:
  mqtt generate completions --out completions      # every shell, into completions/
  mqtt generate completions --shell bash --out -   # one shell, on stdout
  mqtt generate man --out man";

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: Generate,
}

#[derive(Debug, Subcommand)]
pub enum Generate {
    /// Shell completions: bash, zsh, fish, powershell and elvish
    #[command(disable_help_flag = true)]
    Completions {
        /// Folder to write the files to, or `-` for standard output (with --shell)
        #[arg(long, value_name = "DIR", default_value = "completions")]
        out: PathBuf,

        /// Only this shell [default: all]
        #[arg(long, value_enum)]
        shell: Option<Shell>,
    },

    /// Man pages: mqtt.1 and one page per subcommand, nested ones included
    #[command(disable_help_flag = true)]
    Man {
        /// Folder to write the pages to
        #[arg(long, value_name = "DIR", default_value = "man")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}
