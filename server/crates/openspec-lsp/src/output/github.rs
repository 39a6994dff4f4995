//! `--format github`: GitHub Actions workflow commands, one `::error`/`::warning`/`::notice`
//! per diagnostic (annotations on the pull request), then plain verdict and totals lines.
//! File paths are relative to the current directory (the checkout, in a workflow) so GitHub
//! can place them. Renders text only; prints nothing.

use std::fmt::Write as _;

use openspec_ide::Severity;
use openspec_syntax::ColumnUnit;

use super::{CheckRun, RunMode, item_label, plural};

pub fn render(run: &CheckRun) -> String {
    let mut out = String::new();
    for located in run.diagnostics() {
        let diagnostic = located.diagnostic;
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
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
            escape_property(diagnostic.code),
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
    for (root, item) in run.items() {
        let mark = if item.valid { "ok" } else { "FAILED" };
        let place = if run.is_multi_root() { format!(" ({})", root.relative_dir) } else { String::new() };
        let _ = writeln!(out, "{mark} {}{place}", item_label(item));
    }
    let summary = run.summary();
    let _ = writeln!(
        out,
        "openspec-lsp check: {} passed, {} failed ({}); {}, {}, {}",
        summary.passed,
        summary.failed,
        plural(summary.items, "item"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
    );
    out
}

/// The message part of a workflow command: `%`, CR and LF are percent-encoded.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value: like data, plus `:` and `,`, which would end the property.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
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
            ::notice file=openspec/specs/auth/spec.md,line=4,col=35,endLine=4,endColumn=42,title=markdown/example-note::100%25 sure, really: a note%0Aspanning two lines
            ok spec/auth
            FAILED change/add-i18n
            FAILED change/empty
            openspec-lsp check: 1 passed, 2 failed (3 items); 3 errors, 1 warning, 1 info
        "#]].assert_eq(&render(&test_run::single_root()));
    }

    #[test]
    fn several_roots() {
        expect![[r#"
            ::error file=packages/api/openspec/changes/add-i18n/specs/auth/spec.md,line=2,col=1,endLine=2,endColumn=31,title=delta/missing-scenario::MODIFIED "Übersetzung 😀" must include at least one scenario
            ::error file=packages/api/openspec/changes/add-i18n/tasks.md,line=1,col=1,endLine=1,endColumn=1,title=change/fs-error::EACCES: permission denied, open '/abs/openspec/changes/add-i18n/tasks.md'
            ::error file=packages/api/openspec/changes/empty,line=1,col=1,endLine=1,endColumn=1,title=change/no-deltas::Change must have at least one delta.
            ::warning file=packages/api/openspec/specs/auth/spec.md,line=3,col=1,endLine=3,endColumn=11,title=spec/purpose-too-brief::Purpose section is too brief (less than 50 characters)
            ::notice file=packages/api/openspec/specs/auth/spec.md,line=4,col=35,endLine=4,endColumn=42,title=markdown/example-note::100%25 sure, really: a note%0Aspanning two lines
            ok spec/auth (packages/api)
            FAILED change/add-i18n (packages/api)
            FAILED change/empty (packages/api)
            ok spec/auth (packages/web)
            ok change/add-i18n (packages/web)
            ok change/empty (packages/web)
            openspec-lsp check: 4 passed, 2 failed (6 items); 3 errors, 1 warning, 1 info
        "#]].assert_eq(&render(&test_run::two_roots()));
    }
}
