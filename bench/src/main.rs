//! `openspec-bench`: generates benchmark workspaces and measures in-process figures.
//! Whole-process figures (CLI, LSP over stdio) are driven by `scripts/bench`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};

use openspec_bench::generate::{WorkspaceSize, generate};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a synthetic workspace (`<out>/openspec/...`) unless it is already there.
    Gen {
        /// 1.0 = 1,000 capabilities / 10,000 requirements / 100 active / 1,000 archived changes.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// In-process: load, check and parse-only times of one workspace folder.
    Inproc {
        root: PathBuf,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Gen { scale, seed, out } => {
            if out.join("openspec").exists() {
                println!("{} exists; not regenerated", out.display());
                return Ok(());
            }
            let started = Instant::now();
            let stats = generate(&out, WorkspaceSize::scaled(scale), seed).context("generating the workspace")?;
            println!("{stats:?} in {:.2?}", started.elapsed());
        }
        Command::Inproc { root, runs } => {
            let started = Instant::now();
            let snapshot = openspec_bench::load::load(&root)?;
            println!("load {:.2?}", started.elapsed());
            let texts = openspec_bench::load::texts(&snapshot);
            for _ in 0..runs {
                let started = Instant::now();
                let report = openspec_ide::check_root(&snapshot, &openspec_ide::CheckConfig::default());
                println!("check {:.2?} ({} diagnostics)", started.elapsed(), report.diagnostics.len());
            }
            let started = Instant::now();
            let mut n_bytes = 0;
            for (_, text) in &texts {
                n_bytes += text.len();
                let _ = openspec_syntax::markdown::parse(text, None);
            }
            println!("parse-only {:.2?} ({n_bytes} bytes)", started.elapsed());
        }
    }
    Ok(())
}
