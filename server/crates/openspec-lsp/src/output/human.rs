//! `--format human` (the default): a rustc-style report, each finding with its source lines
//! and carets, then one verdict line per item and a totals line. Colour is the caller's choice;
//! renders text only and prints nothing.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use openspec_ide::Severity;
use openspec_syntax::TextRange;
use openspec_syntax::text::floor_char_boundary;

use super::terminal::{LineBreaks, safe, stand_in};
use super::{CheckRun, CheckedRoot, RunMode, item_label, plural, source_note, totals_details, verdict_details};

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

pub fn render(run: &CheckRun, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let paint = |style: &str, text: &str| {
        if color { format!("{style}{text}{RESET}") } else { text.to_owned() }
    };
    let mut out = String::new();
    for located in run.diagnostics() {
        let diagnostic = located.diagnostic;
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
            Severity::Hint => Level::HELP,
        };
        // Long guidance texts span lines; the first is the headline, the rest a note below.
        // Messages quote names from the workspace, so they are made terminal-safe too.
        let message = safe(&diagnostic.message, LineBreaks::Keep);
        let (headline, details) = message.split_once('\n').unwrap_or((&message, ""));
        let mut group = level.primary_title(headline.to_owned()).id(diagnostic.code).element(excerpt(
            located.root,
            &diagnostic.path,
            safe(&located.display_path(), LineBreaks::Show).into_owned(),
            diagnostic.range,
            AnnotationKind::Primary,
            None,
        ));
        for related in &diagnostic.related {
            group = group.element(excerpt(
                located.root,
                &related.path,
                safe(&located.root.display_path(&related.path), LineBreaks::Show).into_owned(),
                related.range,
                AnnotationKind::Context,
                Some(safe(&related.message, LineBreaks::Show).into_owned()),
            ));
        }
        if !details.trim().is_empty() {
            group = group.element(Level::NOTE.message(details.to_owned()));
        }
        if let Some(source) = source_note(run, diagnostic) {
            group = group.element(Level::NOTE.with_name("source").message(source));
        }
        let report: [Group<'_>; 1] = [group];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    match &run.mode {
        RunMode::Check => {}
        RunMode::Migration => {
            let n_files = run.files_with_findings();
            let line = if n_files == 0 {
                "Migration: nothing to migrate; no legacy OpenSpec files found.".to_owned()
            } else {
                format!("Migration (dry run, nothing was written): {} to migrate.", plural(n_files, "file"))
            };
            out.push_str(&paint(BOLD, &line));
            out.push('\n');
            return out;
        }
        RunMode::ArchiveReady(answer) => {
            let change = safe(&answer.change, LineBreaks::Show);
            let line = format!("{} change/{change}: {}", if answer.ready { "✓" } else { "✗" }, answer.title);
            out.push_str(&paint(if answer.ready { GREEN } else { RED }, &line));
            out.push('\n');
            return out;
        }
    }
    let also_found = run.also_found_by_item();
    for (root_idx, root, item) in run.indexed_items() {
        let place = if run.is_multi_root() {
            format!(" ({})", safe(&root.relative_dir, LineBreaks::Show))
        } else {
            String::new()
        };
        let details = verdict_details(item, also_found.get(&(root_idx, &item.item)), run.config.strict);
        let label = safe(&item_label(item), LineBreaks::Show).into_owned();
        let line = if item.valid {
            paint(GREEN, &format!("✓ {label}{place}{details}"))
        } else {
            paint(RED, &format!("✗ {label}{place}{details}"))
        };
        out.push_str(&line);
        out.push('\n');
    }
    let summary = run.summary();
    if summary.items == 0 {
        out.push_str("No specs or active changes found to check.\n");
    }
    let mode = if run.config.strict { " (strict)" } else { "" };
    let totals = format!(
        "Totals: {} passed, {} failed ({}){mode}; {}",
        summary.passed,
        summary.failed,
        plural(summary.items, "item"),
        totals_details(&summary),
    );
    out.push_str(&paint(BOLD, &totals));
    out.push('\n');
    out
}

/// The lines of `path` that `range` covers, annotated; just the path when it has no text (a
/// folder or an unreadable file).
fn excerpt<'a>(
    root: &'a CheckedRoot,
    path: &str,
    display_path: String,
    range: TextRange,
    kind: AnnotationKind,
    label: Option<String>,
) -> annotate_snippets::Element<'a> {
    let Some(text) = root.text(path) else {
        return Origin::path(display_path).into();
    };
    let index = root.line_index(path, text);
    let start = floor_char_boundary(text, range.start.min(text.len()));
    let end = floor_char_boundary(text, range.end.clamp(start, text.len()));
    let first_line = index.line_of(start);
    // A range that ends right after a line break ends on the line before it.
    let last_line = if end > start && index.line_start(index.line_of(end)) == end {
        index.line_of(end).saturating_sub(1)
    } else {
        index.line_of(end)
    };
    let slice_start = index.line_start(first_line);
    let slice_end = index.line_range(text, last_line.max(first_line)).end.max(end);
    // The renderer breaks lines at `\n` only, but a lone `\r` (old Mac line ends) ends a line
    // for OpenSpec too, so it is spelled `\n`; other control characters become visible
    // stand-ins (a spec's text must not drive the terminal). Each replacement is one char, so
    // the span is mapped char by char.
    let slice = &text[slice_start..slice_end];
    let (span_start, span_end) = (start - slice_start, end - slice_start);
    let mut source = String::with_capacity(slice.len());
    let (mut source_start, mut source_end) = (0, 0);
    let mut chars = slice.char_indices().peekable();
    while let Some((offset, ch)) = chars.next() {
        if offset == span_start {
            source_start = source.len();
        }
        if offset == span_end {
            source_end = source.len();
        }
        let lone_cr = ch == '\r' && chars.peek().map(|(_, next)| *next) != Some('\n');
        let shown = if lone_cr {
            '\n'
        } else if ch == '\r' {
            ch
        } else {
            stand_in(ch, LineBreaks::Keep).unwrap_or(ch)
        };
        source.push(shown);
    }
    if span_start >= slice.len() {
        source_start = source.len();
    }
    if span_end >= slice.len() {
        source_end = source.len();
    }
    let span = source_start..source_end.max(source_start);
    Snippet::source(source)
        .line_start(first_line + 1)
        .path(display_path)
        .annotation(kind.span(span).label(label))
        .into()
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use openspec_ide::{CheckConfig, Diagnostic, ItemId, RootReport, RootSnapshot, Severity};
    use openspec_syntax::TextRange;

    use super::render;
    use crate::output::{CheckRun, CheckedRoot, test_run};

    #[test]
    fn single_root() {
        expect![[r#"
            error[delta/missing-scenario]: MODIFIED "Übersetzung 😀" must include at least one scenario
             --> openspec/changes/add-i18n/specs/auth/spec.md:2:1
              |
            2 | ### Requirement: Übersetzung 😀
              | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

            error[change/fs-error]: EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'
            --> openspec/changes/add-i18n/tasks.md

            error[change/no-deltas]: Change must have at least one delta.
            --> openspec/changes/empty

            warning[spec/purpose-too-brief]: Purpose section is too brief (less than 50 characters)
             --> openspec/specs/auth/spec.md:3:1
              |
            3 | ## Purpose
              | ^^^^^^^^^^

            info[markdown/example-note]: 100% sure, really: a note
             --> openspec/specs/auth/spec.md:4:35
              |
            4 | Short, with "quotes" and tabs    and 日本語: ok.
              |                                      ^^^^^^^^^^
              |
             ::: openspec/specs/auth/spec.md:1:1
              |
            1 | # Auth
              | ------ the title is here
              |
              = note: spanning two lines
              = source: openspec-lsp (this tool's own check), not counted toward the verdict (--all-rules counts it)

            ✓ spec/auth: 1 warning (also found, not counted: 1 info)
            ✗ change/add-i18n: 2 errors
            ✗ change/empty: 1 error
            Totals: 1 passed, 2 failed (3 items); counted: 3 errors, 1 warning, 0 infos; also found, not counted: 1 info
        "#]]
        .assert_eq(&render(&test_run::single_root(), false));
    }

    /// A `store:` pointer that does not resolve is on no item yet fails the run: the report says
    /// so instead of "not counted".
    #[test]
    fn an_unresolved_pointer_fails_the_run() {
        let snapshot = RootSnapshot::from_texts([("openspec/config.yaml", "store: team\n")]);
        let registry = openspec_ide::store::Registry::Absent;
        let context =
            openspec_ide::rules::store::StoreContext { registry: &registry, root_path: "/app", home_dir: "/home" };
        let diagnostics = openspec_ide::rules::store::check(&snapshot, &context);
        let root = CheckedRoot {
            relative_dir: String::new(),
            dir_from_cwd: None,
            snapshot,
            report: RootReport { items: Vec::new(), diagnostics },
            line_indexes: crate::output::LineIndexCache::default(),
        };
        let run = CheckRun { roots: vec![root], config: CheckConfig::default(), mode: crate::output::RunMode::Check };
        expect![[r#"
            error[store/no-registered-stores]: Declared in openspec/config.yaml: Unknown store 'team'. No stores are registered.
             --> openspec/config.yaml:1:8
              |
            1 | store: team
              |        ^^^^
              |
             ::: openspec/config.yaml:1:8
              |
            1 | store: team
              |        ---- Fix: Run openspec store setup team or openspec store register <path> first.
              |
              = source: openspec, fails the run (the store pointer must resolve, as for openspec validate)

            No specs or active changes found to check.
            Totals: 0 passed, 0 failed (0 items); 1 error, 0 warnings, 0 infos
        "#]].assert_eq(&render(&run, false));
    }

    #[test]
    fn ranges_over_several_lines_with_any_line_ends() {
        let text = "## Purpose\rfirst\r\nsecond\nthird\n";
        let snapshot = RootSnapshot::from_texts([("openspec/specs/a/spec.md", text)]);
        let spec = ItemId::spec("a");
        let start = text.find("first").expect("first");
        let end = text.find("third").expect("third") + 2;
        let diagnostics = vec![Diagnostic::openspec(
            &spec,
            "spec/example",
            Severity::Error,
            "openspec/specs/a/spec.md",
            TextRange::new(start, end),
            "spans three lines",
        )];
        let items = openspec_ide::check::verdicts(&snapshot, &diagnostics, &CheckConfig::default());
        let run = CheckRun {
            roots: vec![CheckedRoot {
                relative_dir: String::new(),
                dir_from_cwd: None,
                snapshot,
                report: RootReport { items, diagnostics },
                line_indexes: super::super::LineIndexCache::default(),
            }],
            config: CheckConfig { strict: true, all_rules: false },
            mode: super::super::RunMode::Check,
        };
        expect![[r#"
            error[spec/example]: spans three lines
             --> openspec/specs/a/spec.md:2:1
              |
            2 | / first
            3 | | second
            4 | | third
              | |__^

            ✗ spec/a: 1 error
            Totals: 0 passed, 1 failed (1 item) (strict); 1 error, 0 warnings, 0 infos
        "#]]
        .assert_eq(&render(&run, false));
    }

    #[test]
    fn several_roots() {
        expect![[r#"
            error[delta/missing-scenario]: MODIFIED "Übersetzung 😀" must include at least one scenario
             --> packages/api/openspec/changes/add-i18n/specs/auth/spec.md:2:1
              |
            2 | ### Requirement: Übersetzung 😀
              | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

            error[change/fs-error]: EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'
            --> packages/api/openspec/changes/add-i18n/tasks.md

            error[change/no-deltas]: Change must have at least one delta.
            --> packages/api/openspec/changes/empty

            warning[spec/purpose-too-brief]: Purpose section is too brief (less than 50 characters)
             --> packages/api/openspec/specs/auth/spec.md:3:1
              |
            3 | ## Purpose
              | ^^^^^^^^^^

            info[markdown/example-note]: 100% sure, really: a note
             --> packages/api/openspec/specs/auth/spec.md:4:35
              |
            4 | Short, with "quotes" and tabs    and 日本語: ok.
              |                                      ^^^^^^^^^^
              |
             ::: packages/api/openspec/specs/auth/spec.md:1:1
              |
            1 | # Auth
              | ------ the title is here
              |
              = note: spanning two lines
              = source: openspec-lsp (this tool's own check), not counted toward the verdict (--all-rules counts it)

            ✓ spec/auth (packages/api): 1 warning (also found, not counted: 1 info)
            ✗ change/add-i18n (packages/api): 2 errors
            ✗ change/empty (packages/api): 1 error
            ✓ spec/auth (packages/web)
            ✓ change/add-i18n (packages/web)
            ✓ change/empty (packages/web)
            Totals: 4 passed, 2 failed (6 items); counted: 3 errors, 1 warning, 0 infos; also found, not counted: 1 info
        "#]]
        .assert_eq(&render(&test_run::two_roots(), false));
    }
}
