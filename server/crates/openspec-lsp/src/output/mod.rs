//! The report of one `check` run and what every output format shares: display paths,
//! 1-based positions, sorting and the summary. Formats render text; none of them does IO.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use openspec_ide::{CheckConfig, Diagnostic, ItemVerdict, RootReport, RootSnapshot, Severity};
use openspec_syntax::{ColumnUnit, LineIndex, TextRange};

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
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
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
            }
        }
        summary
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
