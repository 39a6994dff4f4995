//! The `openspec-lsp` binary: parses the command line and dispatches to a command. No logic
//! of its own lives here; and the language server (`serve`, or no command at all).

mod check_command;
mod cli;
mod discover;
mod lsp;
mod output;
mod vfs_load;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.command {
        Some(cli::Command::Check(args)) => check_command::run(&args),
        Some(cli::Command::Serve(_)) | None => lsp::run(),
    }
}
