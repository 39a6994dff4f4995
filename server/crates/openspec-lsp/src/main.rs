//! The `openspec-lsp` binary: parses the command line and dispatches to a command. No logic
//! of its own lives here; and the language server (`serve`, or no command at all).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use openspec_lsp::{check_command, cli, history_command, lsp, mcp, preview_command};

/// mimalloc rather than glibc's malloc: the server's checks run on whichever blocking thread is
/// free, and glibc gives each thread an arena of its own that keeps the pages of what it freed,
/// so the memory of an open 10 MB spec grew by tens of megabytes per keystroke until every arena
/// had held a whole re-check (docs/performance.md, "Huge open files"). mimalloc returns freed
/// pages to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.command {
        Some(cli::Command::Preview(args)) => preview_command::run(&args),
        Some(cli::Command::Check(args)) => check_command::run(&args),
        Some(cli::Command::History(args)) => history_command::run(&args),
        Some(cli::Command::Serve(_)) => lsp::run(),
        Some(cli::Command::Mcp(args)) => mcp::run(&args),
        None => {
            if let Some(hint) = startup_hint(std::io::stdin().is_terminal()) {
                eprintln!("{hint}");
            }
            lsp::run()
        }
    }
}

/// A person who types `openspec-lsp` at a terminal would otherwise wait on a silent server;
/// an editor (stdin a pipe) must see nothing.
fn startup_hint(stdin_is_terminal: bool) -> Option<&'static str> {
    stdin_is_terminal.then_some(
        "openspec-lsp: this is the language server, speaking LSP on stdin (Ctrl-D to quit); for a report run `openspec-lsp check` (see --help)",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn hints_only_at_a_terminal() {
        assert!(super::startup_hint(true).is_some_and(|hint| hint.contains("openspec-lsp check")));
        assert_eq!(super::startup_hint(false), None);
    }
}
