//! `openspec-bench`: writes benchmark workspaces and takes the measurements of
//! `docs/performance.md`, printing each as JSON. `scripts/bench` runs them all.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};

use openspec_bench::generate::{HOT_SPEC, LONE_SPEC, WorkspaceSize, generate};
use openspec_bench::suite;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a synthetic workspace (`<out>/openspec/...`) unless one is already there.
    Gen {
        /// 1.0 = 1,000 capabilities / 10,000 requirements / 100 active / 1,000 archived changes.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// `check` against `openspec validate --all --json`, whole process, on one folder.
    Cli {
        root: PathBuf,
        /// The `openspec-lsp` binary.
        #[arg(long)]
        ours: PathBuf,
        /// The reference `openspec` CLI.
        #[arg(long)]
        reference: PathBuf,
        #[arg(long, default_value_t = 10)]
        runs: usize,
        #[arg(long, default_value_t = 3)]
        reference_runs: usize,
    },
    /// In-process: tree-sitter-md parse of every file, `check_root` and the index build.
    Inprocess {
        root: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// In-process keystrokes: edit + reparse + incremental re-check, in both big specs.
    Keystroke {
        root: PathBuf,
        #[arg(long, default_value_t = 1000)]
        keystrokes: usize,
        /// Only this spec (`big-lone` or `big-shared`).
        #[arg(long)]
        spec: Option<String>,
    },
    /// The server over stdio: cold start, request latency, keystroke -> diagnostics.
    Lsp {
        root: PathBuf,
        /// The `openspec-lsp` binary.
        #[arg(long)]
        binary: PathBuf,
        #[arg(long, default_value_t = 1000)]
        requests: usize,
        #[arg(long, default_value_t = 1000)]
        keystrokes: usize,
    },
    /// The server's cold start only: initialize -> index complete, first diagnostics, memory.
    Cold {
        root: PathBuf,
        #[arg(long)]
        binary: PathBuf,
    },
    /// The floor: reading every file under `<root>/openspec` once (`find | xargs cat`), wall
    /// and CPU time, beside `check` on the same folder.
    Floor {
        root: PathBuf,
        /// The `openspec-lsp` binary.
        #[arg(long)]
        ours: PathBuf,
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
    /// Checks the result files of a smoke run: every benchmark took every sample it was asked for.
    SmokeCheck {
        results: PathBuf,
        #[arg(long)]
        runs: usize,
        #[arg(long)]
        reference_runs: usize,
        #[arg(long)]
        inprocess_runs: usize,
        #[arg(long)]
        requests: usize,
        #[arg(long)]
        keystrokes: usize,
        /// The CLI comparison ran (the reference CLI was installed).
        #[arg(long)]
        cli: bool,
    },
}

fn main() -> anyhow::Result<()> {
    let output = match Cli::parse().command {
        Command::Gen { scale, seed, out } => {
            if out.join("openspec").exists() {
                eprintln!("{} exists; not regenerated", out.display());
                return Ok(());
            }
            let started = Instant::now();
            let stats = generate(&out, WorkspaceSize::scaled(scale), seed).context("generating the workspace")?;
            eprintln!("{stats:?} in {:.2?}", started.elapsed());
            return Ok(());
        }
        Command::Cli { root, ours, reference, runs, reference_runs } => {
            suite::cli(&root, &ours, &reference, runs, reference_runs)?
        }
        Command::Inprocess { root, runs } => suite::inprocess(&root, runs)?,
        Command::Keystroke { root, keystrokes, spec } => {
            let mut results = serde_json::Map::new();
            for name in
                [LONE_SPEC, HOT_SPEC].into_iter().filter(|name| spec.as_deref().is_none_or(|only| only == *name))
            {
                results.insert(name.to_owned(), suite::keystroke_inprocess(&root, name, keystrokes)?);
            }
            serde_json::Value::Object(results)
        }
        Command::Lsp { root, binary, requests, keystrokes } => suite::lsp(&binary, &root, requests, keystrokes)?,
        Command::Floor { root, ours, runs } => openspec_bench::floor::floor(&root, &ours, runs)?,
        Command::Cold { root, binary } => suite::cold(&binary, &root.canonicalize()?)?,
        Command::SmokeCheck { results, runs, reference_runs, inprocess_runs, requests, keystrokes, cli } => {
            let expected =
                openspec_bench::smoke::Expected { runs, reference_runs, inprocess_runs, requests, keystrokes, cli };
            for line in openspec_bench::smoke::verify(&results, expected)? {
                eprintln!("{line}");
            }
            return Ok(());
        }
    };
    println!("{}", serde_json::to_string_pretty(&output)?);
    Ok(())
}
