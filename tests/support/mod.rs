//! Helpers shared by the end-to-end tests: where the repository is, and the built binary.

#![allow(dead_code)] // Each test binary uses a different subset.

pub mod lsp_client;
pub mod robustness;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `<repo>`: the folder holding the workspace `Cargo.toml`.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Builds `openspec-lsp` (cargo builds a binary only for its own package's tests) in the
/// profile this test was built with, and returns its path.
pub fn openspec_lsp_binary() -> PathBuf {
    let test_exe = std::env::current_exe().expect("path of the test executable");
    // target/<profile>/deps/parity-<hash> -> target/<profile>
    let profile_dir = test_exe.parent().and_then(Path::parent).expect("test executable lives in target/<profile>/deps");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.current_dir(repo_root()).args(["build", "--quiet", "-p", "openspec-lsp", "--bin", "openspec-lsp"]);
    if profile_dir.file_name().is_some_and(|name| name == "release") {
        build.arg("--release");
    }
    let status = build.status().expect("run cargo build for openspec-lsp");
    assert!(status.success(), "cargo build -p openspec-lsp failed");
    let binary = profile_dir.join(format!("openspec-lsp{}", std::env::consts::EXE_SUFFIX));
    assert!(binary.exists(), "built binary not found at {}", binary.display());
    binary
}

/// Prints `line` to stderr past the test harness's output capture, so that a skip or another
/// thing a passing test must not hide shows in every run.
pub fn visible(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
