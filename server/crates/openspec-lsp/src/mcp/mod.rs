//! `openspec-lsp mcp`: an MCP server over stdio for AI agents, on the official Rust SDK (rmcp).
//! The same engine as the language server and `check` (no second implementation): tools for
//! findings, fixes as unified diffs, the archive preview, requirements, search and archive
//! readiness, and the specs and active changes as `openspec://` resources. Read-only: nothing
//! here writes a file. Interface documented in docs/mcp.md.

mod answer;
mod params;
mod resources;
mod server;
#[cfg(test)]
mod tests;
mod tools;
mod workspace;

use std::process::ExitCode;

use rmcp::ServiceExt;

use crate::cli::{EXIT_USAGE, McpArgs};

/// What a host shows the model about this server (`initialize`'s instructions).
pub const INSTRUCTIONS: &str = "OpenSpec workspace tools (read-only; nothing is written). \
After editing files under openspec/, run `check` and fix what it reports: `fixes` gives each \
quick fix as a unified diff to apply with `git apply` from the folder holding openspec/. Use \
`search` and `requirement` to find requirements and the changes touching them. Before archiving \
a change, read `archive_readiness` and `preview_archive`. Paths are relative to the folder \
holding openspec/; lines and columns are 1-based, columns in characters.";

/// Serves MCP on stdin/stdout until the client closes stdin.
pub fn run(args: &McpArgs) -> ExitCode {
    let dir = match &args.path {
        Some(path) => path.clone(),
        None => match std::env::current_dir() {
            Ok(dir) => dir,
            Err(error) => {
                eprintln!("openspec-lsp: error: cannot read the current directory: {error}");
                return ExitCode::from(EXIT_USAGE);
            }
        },
    };
    // Fail at start, where the host's log shows it, rather than on every call.
    if let Err(error) = crate::discover::discover(&dir) {
        eprintln!("openspec-lsp: error: {error:#}");
        return ExitCode::from(EXIT_USAGE);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("openspec-lsp: cannot start the async runtime: {error}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let server = server::McpServer::new(workspace::Workspace { dir });
    let outcome = runtime.block_on(async move {
        let service = server.serve(rmcp::transport::stdio()).await?;
        service.waiting().await?;
        anyhow::Ok(())
    });
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("openspec-lsp: the MCP session failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}
