//! The whole-process benchmarks' LSP client: the shared dev-only `lsp-test-client` (the one the
//! end-to-end tests use) with a benchmark's patience, plus the process memory reading.

use std::path::Path;
use std::time::Duration;

use anyhow::bail;
use serde_json::Value;

pub use lsp_test_client::{LspClient, uri};

/// How long one answer may take before the benchmark gives up (a hung server is a failure).
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// Starts the server in `cwd`, with the benchmark timeout.
pub fn spawn(binary: &Path, cwd: &Path) -> LspClient {
    LspClient::spawn(binary, &[], cwd).with_timeout(TIMEOUT)
}

/// Sends a request and returns its response, failing on an error response.
pub fn request(client: &mut LspClient, method: &str, params: &Value) -> anyhow::Result<Value> {
    let response = client.request(method, params.clone());
    if let Some(error) = response.get("error") {
        bail!("{method} failed: {error}");
    }
    Ok(response)
}

/// Peak and current resident memory of a process, in MiB (Linux `/proc`).
pub fn memory_mib(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}
