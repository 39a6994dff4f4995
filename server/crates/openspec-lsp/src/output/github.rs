//! `--format github`: GitHub Actions workflow commands, one `::error`/`::warning`/`::notice`
//! per diagnostic (annotations on the pull request), then plain verdict and totals lines.
//! File paths are relative to the current directory (the checkout, in a workflow) so GitHub
//! can place them. Renders text only; prints nothing.

use std::fmt::Write as _;

use openspec_ide::{Origin, Severity};
use openspec_syntax::ColumnUnit;

use super::terminal::{LineBreaks, safe, stand_in};
use super::{CheckRun, RunMode, item_label, plural, totals_details, verdict_details};

pub fn render(run: &CheckRun) -> String {
    let mut out = String::new();
    for located in run.diagnostics() {
        let diagnostic = located.diagnostic;
        // A finding that does not count toward a verdict is never an `::error` (at most a
        // `::warning`): a green run shows no red annotations. `--all-rules` asks for this tool's findings at full weight.
        let full_weight = run.config.all_rules || run.counts(diagnostic);
        let command = match (diagnostic.severity, full_weight) {
            (Severity::Error, true) => "error",
            (Severity::Error, false) | (Severity::Warning, _) => "warning",
            (Severity::Info | Severity::Hint, _) => "notice",
        };
        let title = match (diagnostic.origin, run.counts(diagnostic)) {
            (Origin::Openspec, true) => diagnostic.code.to_owned(),
            (Origin::Openspec, false) => format!("{} (not counted)", diagnostic.code),
            (Origin::OpenspecLsp, true) => format!("{} (openspec-lsp)", diagnostic.code),
            (Origin::OpenspecLsp, false) => {
                format!("{} (openspec-lsp; not counted)", diagnostic.code)
            }
        };
        let span = located.span(ColumnUnit::Char);
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&located.root.path_from_cwd(&diagnostic.path)),
            span.start.line,
            span.start.column,
            span.end.line,
            span.end.column,
            escape_property(&title),
            escape_data(&diagnostic.message),
        );
    }
    match &run.mode {
        RunMode::Check => {}
        RunMode::Migration => {
            let n_files = run.files_with_findings();
            let _ = writeln!(out, "openspec-lsp check --migration: {} to migrate (dry run)", plural(n_files, "file"));
            return out;
        }
        RunMode::ArchiveReady(answer) => {
            let command = if answer.ready { "notice" } else { "error" };
            let _ = writeln!(
                out,
                "::{command} title=archive readiness::{}",
                escape_data(&format!("change/{}: {}", answer.change, answer.title))
            );
            return out;
        }
    }
    // Plain lines are not commands as long as no workspace name can start a line: names are
    // shown on one line, control characters as visible stand-ins.
    let also_found = run.also_found_by_item();
    for (root_idx, root, item) in run.indexed_items() {
        let mark = if item.valid { "ok" } else { "FAILED" };
        let place = if run.is_multi_root() { format!(" ({})", root.relative_dir) } else { String::new() };
        let details = verdict_details(item, also_found.get(&(root_idx, &item.item)), run.config.strict);
        let line = format!("{mark} {}{place}{details}", item_label(item));
        let _ = writeln!(out, "{}", safe(&line, LineBreaks::Show));
    }
    let summary = run.summary();
    let _ = writeln!(
        out,
        "openspec-lsp check: {} passed, {} failed ({}); {}",
        summary.passed,
        summary.failed,
        plural(summary.items, "item"),
        totals_details(&summary),
    );
    out
}

/// The message part of a workflow command: `%`, CR and LF are percent-encoded (GitHub decodes
/// them), other control characters become visible stand-ins (GitHub would print them raw).
fn escape_data(text: &str) -> String {
    escape(text, false)
}

/// A property value (`file=`, `title=`): like data, plus `:` and `,`, which would end it.
fn escape_property(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, property: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            ':' if property => escaped.push_str("%3A"),
            ',' if property => escaped.push_str("%2C"),
            _ => escaped.push(stand_in(ch, LineBreaks::Keep).unwrap_or(ch)),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{escape_property, render};
    use crate::output::test_run;

    #[test]
    fn properties_escape_what_would_end_them() {
        assert_eq!(escape_property("a,b:c%d\r\ne"), "a%2Cb%3Ac%25d%0D%0Ae");
    }

    #[test]
    fn single_root() {
        expect![[r#"
            ::error file=openspec/changes/add-i18n/specs/auth/spec.md,line=2,col=1,endLine=2,endColumn=31,title=delta/missing-scenario::MODIFIED "Übersetzung 😀" must include at least one scenario
            ::error file=openspec/changes/add-i18n/tasks.md,line=1,col=1,endLine=1,endColumn=1,title=change/fs-error::EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'
            ::error file=openspec/changes/empty,line=1,col=1,endLine=1,endColumn=1,title=change/no-deltas::Change must have at least one delta.
            ::warning file=openspec/specs/auth/spec.md,line=3,col=1,endLine=3,endColumn=11,title=spec/purpose-too-brief::Purpose section is too brief (less than 50 characters)
            ::notice file=openspec/specs/auth/spec.md,line=4,col=35,endLine=4,endColumn=42,title=markdown/example-note (openspec-lsp; not counted)::100%25 sure, really: a note%0Aspanning two lines
            ok spec/auth: 1 warning (also found, not counted: 1 info)
            FAILED change/add-i18n: 2 errors
            FAILED change/empty: 1 error
            openspec-lsp check: 1 passed, 2 failed (3 items); counted: 3 errors, 1 warning, 0 infos; also found, not counted: 1 info
        "#]].assert_eq(&render(&test_run::single_root()));
    }

    #[test]
    fn several_roots() {
        expect![[r#"
            ::error file=packages/api/openspec/changes/add-i18n/specs/auth/spec.md,line=2,col=1,endLine=2,endColumn=31,title=delta/missing-scenario::MODIFIED "Übersetzung 😀" must include at least one scenario
            ::error file=packages/api/openspec/changes/add-i18n/tasks.md,line=1,col=1,endLine=1,endColumn=1,title=change/fs-error::EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'
            ::error file=packages/api/openspec/changes/empty,line=1,col=1,endLine=1,endColumn=1,title=change/no-deltas::Change must have at least one delta.
            ::warning file=packages/api/openspec/specs/auth/spec.md,line=3,col=1,endLine=3,endColumn=11,title=spec/purpose-too-brief::Purpose section is too brief (less than 50 characters)
            ::notice file=packages/api/openspec/specs/auth/spec.md,line=4,col=35,endLine=4,endColumn=42,title=markdown/example-note (openspec-lsp; not counted)::100%25 sure, really: a note%0Aspanning two lines
            ok spec/auth (packages/api): 1 warning (also found, not counted: 1 info)
            FAILED change/add-i18n (packages/api): 2 errors
            FAILED change/empty (packages/api): 1 error
            ok spec/auth (packages/web)
            ok change/add-i18n (packages/web)
            ok change/empty (packages/web)
            openspec-lsp check: 4 passed, 2 failed (6 items); counted: 3 errors, 1 warning, 0 infos; also found, not counted: 1 info
        "#]].assert_eq(&render(&test_run::two_roots()));
    }
}
