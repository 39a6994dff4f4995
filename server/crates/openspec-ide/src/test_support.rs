//! Test helpers shared by every rule's fixture tests: build a snapshot from a fixture and
//! render findings as the source with carets under each range.

use std::fmt::Write as _;

use test_utils::{Annotation, Fixture, render_annotated};

use crate::diagnostic::{Diagnostic, Origin};
use crate::vfs::RootSnapshot;

pub fn snapshot(fixture: &Fixture) -> RootSnapshot {
    RootSnapshot::from_texts(fixture.files.iter().map(|f| (f.path.as_str(), f.text.as_str())))
}

/// Renders every fixture file that has findings, in fixture order, then findings on paths that
/// are not fixture files (folders). Labels read `error[code]: message`, with ` (openspec-lsp)`
/// after the code for this tool's own rules.
pub fn render(fixture: &Fixture, diagnostics: &[Diagnostic]) -> String {
    let label = |d: &Diagnostic| {
        let origin = if d.origin == Origin::OpenspecLsp { " (openspec-lsp)" } else { "" };
        format!("{}[{}]{origin}: {}", d.severity.as_str(), d.code, d.message)
    };
    let mut out = String::new();
    for file in &fixture.files {
        let annotations: Vec<Annotation> = diagnostics
            .iter()
            .filter(|d| d.path == file.path)
            .map(|d| Annotation { range: d.range, label: label(d) })
            .collect();
        if annotations.is_empty() {
            continue;
        }
        let _ = writeln!(out, "//- /{}", file.path);
        out.push_str(&render_annotated(&file.text, &annotations));
    }
    for d in diagnostics.iter().filter(|d| !fixture.files.iter().any(|f| f.path == d.path)) {
        let _ = writeln!(out, "//- /{} (no file)\n^ {}", d.path, label(d));
    }
    out
}

/// Runs every rule over the fixture and renders the findings.
pub fn check_all(fixture: &str) -> String {
    let fixture = Fixture::parse(fixture);
    let root = snapshot(&fixture);
    let report = crate::check_root(&root, &crate::CheckConfig::default());
    render(&fixture, &report.diagnostics)
}
