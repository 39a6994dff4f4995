//! The smoke run's verdict: reads every result file `scripts/bench --smoke` wrote and checks
//! that each benchmark measured what it claims (every sample taken, times and sizes positive),
//! so a benchmark that silently measures nothing fails the smoke run instead of passing it.

use std::path::Path;

use anyhow::{Context, bail, ensure};
use serde_json::Value;

/// What the smoke run asked for, to hold the results to.
#[derive(Clone, Copy, Debug)]
pub struct Expected {
    pub runs: usize,
    pub reference_runs: usize,
    pub inprocess_runs: usize,
    pub requests: usize,
    pub keystrokes: usize,
    /// Whether `check vs openspec validate` ran (the reference CLI was installed).
    pub cli: bool,
}

/// Checks the result files in `dir` and returns one line per file checked.
pub fn verify(dir: &Path, expected: Expected) -> anyhow::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut checked = Vec::new();
    let saw = |prefix: &str| names.iter().any(|name| name.starts_with(prefix));
    for required in ["inprocess-", "cold-", "floor-", "keystroke-inprocess", "lsp"] {
        ensure!(saw(required), "no {required}*.json in {}", dir.display());
    }
    ensure!(saw("cli-") == expected.cli, "cli-*.json present: {}, expected: {}", saw("cli-"), expected.cli);
    for name in &names {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let result: Value = serde_json::from_str(&text).with_context(|| format!("{name} is not JSON"))?;
        let outcome = if name.starts_with("inprocess-") {
            positive(&result, &["files", "bytes", "parse_ms"])
                .and_then(|()| summary(&result["check"], expected.inprocess_runs))
                .and_then(|()| summary(&result["index"], expected.inprocess_runs))
        } else if name.starts_with("cold-") {
            positive(&result, &["first_answer_ms", "index_ms", "first_diagnostics_ms", "peak_rss_mib"])
        } else if name.starts_with("floor-") {
            summary(&result["read_once"]["wall"], expected.runs)
                .and_then(|()| summary(&result["check"]["wall"], expected.runs))
                // CPU time comes in 10 ms clock ticks: a tiny workspace may take none.
                .and_then(|()| counted(&result["read_once"]["cpu_ms"]).context("read_once cpu_ms"))
                .and_then(|()| counted(&result["check"]["cpu_ms"]).context("check cpu_ms"))
        } else if name.starts_with("cli-") {
            summary(&result["check"], expected.runs)
                .and_then(|()| summary(&result["validate"], expected.reference_runs))
                .and_then(|()| positive(&result, &["ratio"]))
        } else if name == "keystroke-inprocess.json" {
            each_spec(&result, |spec| {
                positive(spec, &["lines"]).and_then(|()| summary(&spec["latency"], expected.keystrokes))
            })
        } else if name == "lsp.json" {
            positive(&result["cold"], &["first_answer_ms", "index_ms", "first_diagnostics_ms"])
                .and_then(|()| {
                    ["completion", "definition", "references", "hover", "workspace_symbols"]
                        .into_iter()
                        .try_for_each(|kind| summary(&result["requests"][kind], expected.requests).context(kind))
                })
                .and_then(|()| {
                    each_spec(&result["keystrokes"], |spec| {
                        positive(spec, &["lines"]).and_then(|()| summary(&spec["latency"], expected.keystrokes))
                    })
                })
        } else {
            Err(anyhow::anyhow!("unexpected result file"))
        };
        outcome.with_context(|| format!("{name}: {text}"))?;
        checked.push(format!("{name}: ok"));
    }
    Ok(checked)
}

/// A number, zero or more.
fn counted(value: &Value) -> anyhow::Result<()> {
    match value.as_f64() {
        Some(number) if number >= 0.0 => Ok(()),
        other => bail!("{other:?}, expected a number of at least zero"),
    }
}

/// Every field named is a number above zero.
fn positive(result: &Value, fields: &[&str]) -> anyhow::Result<()> {
    for field in fields {
        match result[*field].as_f64() {
            Some(value) if value > 0.0 => {}
            other => bail!("{field} is {other:?}, expected a positive number"),
        }
    }
    Ok(())
}

/// A timing summary of exactly `n` samples with positive times.
fn summary(result: &Value, n: usize) -> anyhow::Result<()> {
    let samples = result["n"].as_u64().and_then(|count| usize::try_from(count).ok());
    ensure!(samples == Some(n), "{n} samples expected, the summary has {samples:?}");
    positive(result, &["p50_ms", "max_ms"])
}

/// Applies `check` to both big specs' entries (`big-lone`, `big-shared`).
fn each_spec(result: &Value, check: impl Fn(&Value) -> anyhow::Result<()>) -> anyhow::Result<()> {
    for spec in [crate::generate::LONE_SPEC, crate::generate::HOT_SPEC] {
        ensure!(result.get(spec).is_some(), "no results for {spec}");
        check(&result[spec]).context(spec)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, value: &Value) {
        std::fs::write(dir.join(name), value.to_string()).expect("write result");
    }

    fn timing(n: usize) -> Value {
        serde_json::json!({"n": n, "p50_ms": 1.5, "p99_ms": 2.0, "max_ms": 2.0, "mean_ms": 1.6})
    }

    fn results(dir: &Path, keystroke_samples: usize) {
        let spec = serde_json::json!({"lines": 10, "latency": timing(keystroke_samples)});
        let specs = serde_json::json!({"big-lone": spec, "big-shared": spec});
        write(
            dir,
            "inprocess-x0.02.json",
            &serde_json::json!({"files": 3, "bytes": 10, "parse_ms": 0.5, "check": timing(1), "index": timing(1)}),
        );
        write(
            dir,
            "cold-x0.02.json",
            &serde_json::json!({"first_answer_ms": 4.0, "index_ms": 5.0, "first_diagnostics_ms": 6.0, "peak_rss_mib": 20.0}),
        );
        let wall = timing(1);
        write(
            dir,
            "floor-x0.02.json",
            &serde_json::json!({"read_once": {"wall": wall, "cpu_ms": 0.0}, "check": {"wall": wall, "cpu_ms": 10.0}}),
        );
        write(dir, "keystroke-inprocess.json", &specs);
        let requests: serde_json::Map<String, Value> =
            ["completion", "definition", "references", "hover", "workspace_symbols"]
                .into_iter()
                .map(|kind| (kind.to_owned(), timing(20)))
                .collect();
        write(
            dir,
            "lsp.json",
            &serde_json::json!({"cold": {"first_answer_ms": 4.0, "index_ms": 5.0, "first_diagnostics_ms": 6.0}, "requests": requests, "keystrokes": specs}),
        );
    }

    const EXPECTED: Expected =
        Expected { runs: 1, reference_runs: 1, inprocess_runs: 1, requests: 20, keystrokes: 10, cli: false };

    #[test]
    fn complete_results_pass_and_missing_samples_fail() {
        let dir = tempfile::tempdir().expect("temp dir");
        results(dir.path(), 10);
        assert_eq!(verify(dir.path(), EXPECTED).expect("complete results").len(), 5);
        // A keystroke benchmark that measured nothing.
        results(dir.path(), 0);
        let error = verify(dir.path(), EXPECTED).expect_err("no keystrokes measured");
        assert!(format!("{error:#}").contains("10 samples expected"), "{error:#}");
        // The CLI comparison was promised but not written.
        results(dir.path(), 10);
        assert!(verify(dir.path(), Expected { cli: true, ..EXPECTED }).is_err());
    }
}
