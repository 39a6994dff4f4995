//! `check`: the verdicts and findings of `openspec-lsp check` (the same `CheckRun`, positions
//! and counting rules as `--format json`), with the titles of each finding's quick fixes,
//! narrowed to a path and cut to a limit. Reads the loaded workspace only.

use openspec_ide::{ItemKind, Severity, layout};
use rmcp::ErrorData;
use serde::Serialize;

use super::fixes::fix_titles;
use crate::mcp::answer::{self, Bounded, Finding};
use crate::mcp::params::CheckParams;
use crate::mcp::workspace::{Loaded, bad_argument};

#[derive(Debug, Serialize)]
pub struct CheckAnswer {
    pub items: Vec<Item>,
    pub findings: Vec<Finding>,
    pub totals: Totals,
    pub truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Item {
    /// `spec` or `change`.
    pub kind: &'static str,
    pub id: String,
    /// The root's folder, when the served folder holds several roots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
}

/// Counts over everything `path` selects, before `limit` cut the lists.
#[derive(Debug, Serialize)]
pub struct Totals {
    pub items: usize,
    pub passed: usize,
    pub failed: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn check(loaded: &mut Loaded, params: &CheckParams) -> Result<CheckAnswer, ErrorData> {
    let limit = answer::limit(params.limit)?;
    if let Some(git_ref) = &params.changed_since {
        let base = loaded.base.clone();
        crate::changed_since::narrow_run(&mut loaded.run, &base, git_ref, false)
            .map_err(|error| bad_argument(format!("{error:#}").replace("--changed-since", "`changed_since`")))?;
    }
    let loaded = &*loaded;
    let scope = params.path.as_deref().map(|path| loaded.normalize(path)).transpose()?;
    let in_scope = |display_path: &str| {
        scope.as_deref().is_none_or(|scope| {
            scope.is_empty() || display_path == scope || display_path.starts_with(&format!("{scope}/"))
        })
    };
    let run = &loaded.run;
    let multi_root = run.is_multi_root();

    let mut items: Vec<Item> = run
        .items()
        .filter(|(root, verdict)| {
            let folder = match verdict.item.kind {
                ItemKind::Spec => format!("{}/{}", layout::SPECS_DIR, verdict.item.id),
                ItemKind::Change => layout::change_dir(&verdict.item.id),
            };
            let folder = root.display_path(&folder);
            // The item is in scope when the scope is inside it too (a file of the item).
            in_scope(&folder) || scope.as_deref().is_some_and(|scope| scope.starts_with(&format!("{folder}/")))
        })
        .map(|(root, verdict)| Item {
            kind: verdict.item.kind.as_str(),
            id: verdict.item.id.clone(),
            root: multi_root.then(|| root.relative_dir.clone()),
            valid: verdict.valid,
            errors: verdict.errors,
            warnings: verdict.warnings,
        })
        .collect();
    // Failed items first: what an agent has to act on survives the cut.
    items.sort_by_key(|item| item.valid);

    let mut located: Vec<_> =
        run.diagnostics().into_iter().filter(|located| in_scope(&located.display_path())).collect();
    let severity_rank = |severity: Severity| match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info | Severity::Hint => 2,
    };
    // Stable: within a severity, the report's order (path, then position).
    located.sort_by_key(|located| severity_rank(located.diagnostic.severity));

    let mut totals = Totals {
        items: items.len(),
        passed: items.iter().filter(|item| item.valid).count(),
        failed: items.iter().filter(|item| !item.valid).count(),
        findings: located.len(),
        errors: 0,
        warnings: 0,
        infos: 0,
    };
    for located in &located {
        match severity_rank(located.diagnostic.severity) {
            0 => totals.errors += 1,
            1 => totals.warnings += 1,
            _ => totals.infos += 1,
        }
    }

    let items = Bounded::new(items, limit);
    let findings = Bounded::new(located, limit);
    let item_note = items.note("items");
    let finding_note = findings.note("findings");
    let shown_findings = findings
        .shown
        .iter()
        .map(|located| {
            let root_idx = run.roots.iter().position(|root| std::ptr::eq(root, located.root));
            let analysis = root_idx.and_then(|idx| loaded.analyses.get(idx));
            let titles = analysis.map(|analysis| fix_titles(analysis, located.diagnostic)).unwrap_or_default();
            Finding::new(located.root, located.diagnostic, run.counts(located.diagnostic), titles)
        })
        .collect();
    let note = answer::truncation_note(
        &[item_note, finding_note],
        "pass a larger `limit` (at most 500) or a `path` to narrow the check",
    );
    Ok(CheckAnswer { items: items.shown, findings: shown_findings, totals, truncated: note.is_some(), note })
}
