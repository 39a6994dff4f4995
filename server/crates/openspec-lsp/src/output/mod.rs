//! The report of one `check` run and what every output format shares: display paths,
//! 1-based positions, sorting and the summary. Formats render text; none of them does IO.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;
pub mod terminal;

use std::fmt::Write as _;

use openspec_ide::{CheckConfig, Diagnostic, ItemId, ItemVerdict, Origin, RootReport, RootSnapshot, Severity};
use openspec_syntax::{ColumnUnit, LineIndex, TextRange};

/// The code of an invalid `openspec-lsp.toml`: on no item, yet it fails the run.
pub const POLICY_INVALID_CODE: &str = "policy/invalid";

/// One checked root.
#[derive(Debug)]
pub struct CheckedRoot {
    /// The root folder relative to the run's base, `/`-separated, empty when it is the base.
    pub relative_dir: String,
    /// The root folder relative to the current directory, `/`-separated (empty when they are
    /// the same), or `None` when the root is not below it. GitHub resolves annotation paths
    /// against the checkout, which is where a workflow runs from.
    pub dir_from_cwd: Option<String>,
    pub snapshot: RootSnapshot,
    pub report: RootReport,
    /// Line indexes of the files findings point into, built once per file: a file with
    /// thousands of findings would otherwise be rescanned for each one.
    pub line_indexes: LineIndexCache,
}

/// Line indexes by root-relative path, built on first use.
#[derive(Debug, Default)]
pub struct LineIndexCache(std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<LineIndex>>>);

/// Everything a format needs to print a run.
#[derive(Debug)]
pub struct CheckRun {
    pub roots: Vec<CheckedRoot>,
    pub config: CheckConfig,
    pub mode: RunMode,
}

/// What the run answers; the diagnostics are what that answer rests on.
#[derive(Debug, Default)]
pub enum RunMode {
    /// Every item's verdict.
    #[default]
    Check,
    /// `--migration`: the legacy files a migration would touch (no items).
    Migration,
    /// `--archive-ready <change>`: one change's archive readiness (one item).
    ArchiveReady(ReadinessAnswer),
}

/// `check --archive-ready`'s answer.
#[derive(Debug)]
pub struct ReadinessAnswer {
    pub change: String,
    pub ready: bool,
    /// The code lens's words: `ready to archive`, `not ready to archive: 2 open tasks`.
    pub title: String,
    pub validation_errors: usize,
    pub open_tasks: usize,
    pub archive_problems: usize,
    pub archive_warnings: usize,
}

/// A diagnostic with its root, ready to print.
pub struct Located<'a> {
    pub root: &'a CheckedRoot,
    pub diagnostic: &'a Diagnostic,
}

/// A 1-based line and column; the column's unit is chosen by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Start and end (exclusive) of a diagnostic's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub items: usize,
    pub passed: usize,
    pub failed: usize,
    /// Every finding, counted or not.
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// The findings that count toward a verdict (see `CheckConfig::counts`).
    pub counted: Counts,
    /// The others: this tool's own findings without `--all-rules`, and findings on no item.
    pub also_found: Counts,
}

/// Findings by severity (hints count as infos).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info | Severity::Hint => self.infos += 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors == 0 && self.warnings == 0 && self.infos == 0
    }

    /// `1 error, 2 infos`: the non-zero counts, or `nothing` when all are zero.
    pub fn non_zero(&self) -> String {
        let parts: Vec<String> = [(self.errors, "error"), (self.warnings, "warning"), (self.infos, "info")]
            .into_iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, noun)| plural(count, noun))
            .collect();
        if parts.is_empty() { "nothing".to_owned() } else { parts.join(", ") }
    }
}

impl CheckRun {
    /// Several roots were found below PATH: items then say which root they belong to.
    pub fn is_multi_root(&self) -> bool {
        self.roots.len() > 1
    }

    /// Every item with its root, roots in order, items in the report's order.
    pub fn items(&self) -> impl Iterator<Item = (&CheckedRoot, &ItemVerdict)> {
        self.roots.iter().flat_map(|root| root.report.items.iter().map(move |item| (root, item)))
    }

    /// Every diagnostic, sorted by display path, then position, keeping rule order on ties.
    pub fn diagnostics(&self) -> Vec<Located<'_>> {
        let mut located: Vec<Located<'_>> = self
            .roots
            .iter()
            .flat_map(|root| root.report.diagnostics.iter().map(move |diagnostic| Located { root, diagnostic }))
            .collect();
        located.sort_by(|a, b| {
            a.display_path()
                .cmp(&b.display_path())
                .then(a.diagnostic.range.start.cmp(&b.diagnostic.range.start))
                .then(a.diagnostic.range.end.cmp(&b.diagnostic.range.end))
        });
        located
    }

    /// How many files have at least one finding (what `--migration` touches).
    pub fn files_with_findings(&self) -> usize {
        self.diagnostics().iter().map(Located::display_path).collect::<std::collections::BTreeSet<_>>().len()
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for (_, item) in self.items() {
            summary.items += 1;
            if item.valid {
                summary.passed += 1;
            } else {
                summary.failed += 1;
            }
        }
        for root in &self.roots {
            for diagnostic in &root.report.diagnostics {
                match diagnostic.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info | Severity::Hint => summary.infos += 1,
                }
                if self.counts(diagnostic) {
                    summary.counted.add(diagnostic.severity);
                } else {
                    summary.also_found.add(diagnostic.severity);
                }
            }
        }
        summary
    }

    /// Whether `diagnostic` counts toward the outcome of this run: toward its item's verdict, or
    /// (an invalid policy, a `store:` pointer that does not resolve) toward the run as a whole,
    /// which then fails.
    /// `--migration` and `--archive-ready` show only what their answer rests on, so there
    /// everything counts.
    pub fn counts(&self, diagnostic: &Diagnostic) -> bool {
        !matches!(self.mode, RunMode::Check) || self.config.counts(diagnostic) || fails_the_run(diagnostic)
    }

    /// Per root (by index in `roots`) and item, the findings on that item that do not count
    /// toward its verdict: what a verdict line mentions as "also found".
    pub fn also_found_by_item(&self) -> std::collections::HashMap<(usize, &ItemId), Counts> {
        let mut by_item = std::collections::HashMap::new();
        for (root_idx, root) in self.roots.iter().enumerate() {
            for diagnostic in &root.report.diagnostics {
                let Some(item) = diagnostic.item.as_ref().filter(|_| !self.counts(diagnostic)) else {
                    continue;
                };
                by_item.entry((root_idx, item)).or_insert_with(Counts::default).add(diagnostic.severity);
            }
        }
        by_item
    }

    /// Every item with the index of its root, roots in order, items in the report's order.
    pub fn indexed_items(&self) -> impl Iterator<Item = (usize, &CheckedRoot, &ItemVerdict)> {
        self.roots
            .iter()
            .enumerate()
            .flat_map(|(root_idx, root)| root.report.items.iter().map(move |item| (root_idx, root, item)))
    }
}

impl CheckedRoot {
    /// A root-relative path as shown to the user: relative to the run's base.
    pub fn display_path(&self, path: &str) -> String {
        if self.relative_dir.is_empty() { path.to_owned() } else { format!("{}/{path}", self.relative_dir) }
    }

    /// A root-relative path relative to the current directory when the root is below it, else
    /// as `display_path` gives it.
    pub fn path_from_cwd(&self, path: &str) -> String {
        match self.dir_from_cwd.as_deref() {
            Some("") => path.to_owned(),
            Some(dir) => format!("{dir}/{path}"),
            None => self.display_path(path),
        }
    }

    /// The text of `path` if it is a readable file of this root.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.snapshot.text(path)
    }

    /// The line index of `text`, the text of `path`.
    pub fn line_index(&self, path: &str, text: &str) -> std::sync::Arc<LineIndex> {
        // A poisoned cache only means another thread panicked mid-insert; the map is still valid.
        let mut indexes = self.line_indexes.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        indexes.entry(path.to_owned()).or_insert_with(|| std::sync::Arc::new(LineIndex::new(text))).clone()
    }

    /// The 1-based span of `range` in `path`, columns in `unit`. Folders and unreadable files
    /// have no text, so their findings sit at 1:1.
    pub fn span(&self, path: &str, range: TextRange, unit: ColumnUnit) -> Span {
        let Some(text) = self.text(path) else {
            let origin = Position { line: 1, column: 1 };
            return Span { start: origin, end: origin };
        };
        let index = self.line_index(path, text);
        let position = |offset: usize| {
            let line_col = index.line_col(text, offset, unit);
            Position { line: line_col.line.saturating_add(1), column: line_col.col.saturating_add(1) }
        };
        Span { start: position(range.start), end: position(range.end) }
    }
}

impl Located<'_> {
    pub fn display_path(&self) -> String {
        self.root.display_path(&self.diagnostic.path)
    }

    pub fn span(&self, unit: ColumnUnit) -> Span {
        self.root.span(&self.diagnostic.path, self.diagnostic.range, unit)
    }
}

/// `errors`, `1 warning`: a count with its noun, singular when it is one.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// What follows an item's label on its verdict line: the counted findings (` (strict)` when only
/// warnings fail it), then what was also found on it without counting, e.g.
/// `: 1 error, 2 warnings` or ` (also found, not counted: 1 error)`.
pub fn verdict_details(item: &ItemVerdict, also_found: Option<&Counts>, strict: bool) -> String {
    let mut counted = Vec::new();
    if item.errors > 0 {
        counted.push(plural(item.errors, "error"));
    }
    if item.warnings > 0 {
        counted.push(plural(item.warnings, "warning"));
    }
    let mut details = if counted.is_empty() { String::new() } else { format!(": {}", counted.join(", ")) };
    if !item.valid && item.errors == 0 && strict {
        details.push_str(" (strict)");
    }
    if let Some(also_found) = also_found.filter(|counts| !counts.is_empty()) {
        // Writing to a String cannot fail.
        let _ = write!(details, " (also found, not counted: {})", also_found.non_zero());
    }
    details
}

/// The totals line's findings part: `1 error, 0 warnings, 0 infos` when everything counts, else
/// `counted: 1 error, 0 warnings, 0 infos; also found, not counted: 2 errors`.
pub fn totals_details(summary: &Summary) -> String {
    let counted = &summary.counted;
    let counted_text = format!(
        "{}, {}, {}",
        plural(counted.errors, "error"),
        plural(counted.warnings, "warning"),
        plural(counted.infos, "info")
    );
    if summary.also_found.is_empty() {
        counted_text
    } else {
        format!("counted: {counted_text}; also found, not counted: {}", summary.also_found.non_zero())
    }
}

/// Where a finding comes from and whether it counts, for findings that are not a counted
/// `openspec validate` finding: `openspec-lsp (this tool's own check), not counted toward the
/// verdict (--all-rules counts it)`. `None` for the CLI's own counted findings, and in the
/// modes that show only what their answer rests on.
pub fn source_note(run: &CheckRun, diagnostic: &Diagnostic) -> Option<String> {
    let counted = run.counts(diagnostic);
    // `--migration` and `--archive-ready` show only what their answer rests on.
    let pointer = openspec_ide::rules::store::is_resolution_failure(diagnostic.code);
    if !matches!(run.mode, RunMode::Check) || (counted && diagnostic.origin == Origin::Openspec && !pointer) {
        return None;
    }
    let source = match diagnostic.origin {
        Origin::Openspec => "openspec",
        Origin::OpenspecLsp => "openspec-lsp (this tool's own check)",
    };
    let counting = if diagnostic.code == POLICY_INVALID_CODE {
        "fails the run (the policy must be valid)"
    } else if pointer {
        "fails the run (the store pointer must resolve, as for openspec validate)"
    } else if counted {
        "counted toward the verdict (--all-rules)"
    } else if diagnostic.item.is_none() {
        "not counted (it is on no spec or change)"
    } else {
        "not counted toward the verdict (--all-rules counts it)"
    };
    Some(format!("{source}, {counting}"))
}

/// A finding that fails a `check` run on its own, whatever the items' verdicts: an invalid
/// policy, or a `store:` pointer that does not resolve (it stops the CLI's `validate --all`).
pub fn fails_the_run(diagnostic: &Diagnostic) -> bool {
    diagnostic.code == POLICY_INVALID_CODE || openspec_ide::rules::store::is_resolution_failure(diagnostic.code)
}

/// How an item is named in reports: `spec/auth`, `change/add-2fa`.
pub fn item_label(item: &ItemVerdict) -> String {
    format!("{}/{}", item.item.kind.as_str(), item.item.id)
}

#[cfg(test)]
pub(crate) mod test_run {
    //! A hand-made run with a finding of every kind, so format tests do not depend on which
    //! rules exist yet.

    use openspec_ide::{CheckConfig, Diagnostic, Entry, IoProblem, ItemId, RootSnapshot, Severity};
    use openspec_syntax::TextRange;

    use super::{CheckRun, CheckedRoot};

    fn range_of(text: &str, needle: &str) -> TextRange {
        let start = text.find(needle).expect("needle in fixture text");
        TextRange::new(start, start + needle.len())
    }

    pub const SPEC: &str = "# Auth\n\n## Purpose\nShort, with \"quotes\" and tabs\tand 日本語: ok.\n\n## Requirements\n### Requirement: Login\nUsers log in.\n";
    pub const DELTA: &str =
        "## MODIFIED Requirements\r\n### Requirement: Übersetzung 😀\r\nThe system SHALL translate.\r\n";

    /// One root with: a spec with a warning and an info (one carrying a related location and a
    /// message with `%`, `,`, `:` and a newline), a change with an error on a CRLF delta with
    /// non-ASCII text, a finding on a folder and one on an unreadable file.
    pub fn single_root() -> CheckRun {
        CheckRun { roots: vec![root("", true)], config: CheckConfig::default(), mode: super::RunMode::Check }
    }

    /// Two roots below PATH, the first with findings, the second clean.
    pub fn two_roots() -> CheckRun {
        CheckRun {
            roots: vec![root("packages/api", true), root("packages/web", false)],
            config: CheckConfig::default(),
            mode: super::RunMode::Check,
        }
    }

    fn root(relative_dir: &str, with_findings: bool) -> CheckedRoot {
        let mut snapshot = RootSnapshot::from_texts([
            ("openspec/specs/auth/spec.md", SPEC),
            ("openspec/changes/add-i18n/specs/auth/spec.md", DELTA),
        ]);
        snapshot.entries.insert("openspec/changes/empty".to_owned(), Entry::Dir);
        snapshot.entries.insert(
            "openspec/changes/add-i18n/tasks.md".to_owned(),
            Entry::File {
                content: openspec_ide::FileContent::Unreadable(IoProblem {
                    code: "EACCES".to_owned(),
                    message: "EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'".to_owned(),
                }),
                symlink: false,
            },
        );
        let spec = ItemId::spec("auth");
        let change = ItemId::change("add-i18n");
        let empty = ItemId::change("empty");
        let diagnostics = if with_findings {
            vec![
                Diagnostic::openspec(
                    &change,
                    "delta/missing-scenario",
                    Severity::Error,
                    "openspec/changes/add-i18n/specs/auth/spec.md",
                    range_of(DELTA, "### Requirement: Übersetzung 😀"),
                    "MODIFIED \"Übersetzung 😀\" must include at least one scenario",
                ),
                Diagnostic::openspec(
                    &spec,
                    "spec/purpose-too-brief",
                    Severity::Warning,
                    "openspec/specs/auth/spec.md",
                    range_of(SPEC, "## Purpose"),
                    "Purpose section is too brief (less than 50 characters)",
                ),
                Diagnostic::lsp(
                    Some(&spec),
                    "markdown/example-note",
                    Severity::Info,
                    "openspec/specs/auth/spec.md",
                    range_of(SPEC, "日本語: ok"),
                    "100% sure, really: a note\nspanning two lines",
                )
                .with_related(
                    "openspec/specs/auth/spec.md",
                    range_of(SPEC, "# Auth"),
                    "the title is here",
                ),
                Diagnostic::openspec(
                    &empty,
                    "change/no-deltas",
                    Severity::Error,
                    "openspec/changes/empty",
                    TextRange::empty(0),
                    "Change must have at least one delta.",
                ),
                Diagnostic::openspec(
                    &change,
                    "change/fs-error",
                    Severity::Error,
                    "openspec/changes/add-i18n/tasks.md",
                    TextRange::empty(0),
                    "EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'",
                ),
            ]
        } else {
            Vec::new()
        };
        let report = openspec_ide::RootReport {
            items: openspec_ide::check::verdicts(&snapshot, &diagnostics, &CheckConfig::default()),
            diagnostics,
        };
        CheckedRoot {
            relative_dir: relative_dir.to_owned(),
            dir_from_cwd: None,
            snapshot,
            report,
            line_indexes: super::LineIndexCache::default(),
        }
    }
}
