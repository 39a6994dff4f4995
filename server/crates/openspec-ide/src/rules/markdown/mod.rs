//! Checks on Markdown artifacts that compare the CommonMark view (tree-sitter-md) with
//! OpenSpec's own line readers: where they disagree, what a reviewer sees rendered is not what
//! `openspec` reads. All are this tool's own findings; none affects a verdict.

mod commented_structure;
mod fence_disagreement;
mod indented_heading;

use openspec_syntax::lines::{Bom, split_lines};
use openspec_syntax::markdown;

use crate::diagnostic::Diagnostic;
use crate::layout::{ARCHIVE_DIR, CHANGES_DIR, SPECS_DIR};
use crate::vfs::RootSnapshot;

/// A Markdown artifact with both views computed once for all the checks here.
struct MarkdownFile<'a> {
    path: &'a str,
    text: &'a str,
    lines: Vec<openspec_syntax::lines::Line<'a>>,
    blocks: Vec<markdown::Block>,
}

#[cfg(test)]
pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    for (path, _) in root.entries.iter().filter(|(path, _)| is_checked_markdown(path)) {
        check_file(root, path, acc);
    }
}

/// The checks of one Markdown file (one that `is_checked_markdown`).
pub(crate) fn check_file(root: &RootSnapshot, path: &str, acc: &mut Vec<Diagnostic>) {
    let Some(text) = root.text(path) else { return };
    let lines = split_lines(text, Bom::Strip, openspec_syntax::lines::LineBreaks::Any);
    if !lines.iter().any(|line| may_disagree(line.text)) || !may_find_anything(&lines) {
        return;
    }
    let Some(tree) = root.markdown_tree(path, text) else { return };
    let file = MarkdownFile { path, text, lines, blocks: markdown::outline(&tree, text) };
    indented_heading::check(&file, acc);
    commented_structure::check(&file, acc);
    fence_disagreement::check(&file, acc);
}

/// Specs and active changes; the archive is history and is not linted.
// `.md` compared as written, as it always was: folding case would lint other files.
#[allow(clippy::case_sensitive_file_extension_comparisons)]
pub(crate) fn is_checked_markdown(path: &str) -> bool {
    let under = |dir: &str| path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'));
    (under(SPECS_DIR) || (under(CHANGES_DIR) && !under(ARCHIVE_DIR))) && path.ends_with(".md")
}

/// Whether a line could start one of the disagreements checked here: a heading or fence after
/// leading white space, or an HTML comment. Files with no such line need no CommonMark parse,
/// which keeps `check` on large workspaces close to the cost of the line readers alone.
fn may_disagree(line: &str) -> bool {
    let indented = line.starts_with([' ', '\t']);
    let rest = line.trim_start();
    (indented && (rest.starts_with('#') || rest.starts_with("```") || rest.starts_with("~~~"))) || line.contains("<!--")
}

/// A condition every finding of the three checks needs, cheap to test on the lines alone, so
/// the CommonMark parse (the costly part) runs only where a finding is possible: an indented
/// heading needs a line indented with spaces before its `#`; a structural line inside an HTML
/// comment needs a comment that stays open past its first line (an HTML block of that kind
/// ends on the line holding `-->`); a disagreeing fence needs a CLI fence hiding a `#` line.
fn may_find_anything(lines: &[openspec_syntax::lines::Line<'_>]) -> bool {
    let indented_heading = |text: &str| text.starts_with(' ') && text.trim_start_matches(' ').starts_with('#');
    let open_comment = |text: &str| text.find("<!--").is_some_and(|at| !text[at + 4..].contains("-->"));
    if lines.iter().any(|line| indented_heading(line.text) || open_comment(line.text)) {
        return true;
    }
    openspec_syntax::fence::fence_spans(lines.iter().map(|line| line.text)).iter().any(|span| {
        let hidden_end = span.close.unwrap_or(lines.len());
        lines.get(span.open + 1..hidden_end).is_some_and(|hidden| hidden.iter().any(|line| line.text.starts_with('#')))
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::test_support::{render, snapshot};

    fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut acc = Vec::new();
        super::check(&snapshot(&fixture), &mut acc);
        render(&fixture, &acc)
    }

    #[test]
    fn indented_heading_is_flagged() {
        expect![[r#"
            //- /openspec/specs/auth/spec.md
            ## Purpose
               ### Requirement: Hidden
               ^^^^^^^^^^^^^^^^^^^^^^^ warning[markdown/indented-heading] (openspec-lsp): This heading is indented, so OpenSpec does not read it as a heading (OpenSpec headings start in the first column), although Markdown renders it as one. Remove the leading spaces.
            ### Requirement: Seen
        "#]]
        .assert_eq(&check("//- /openspec/specs/auth/spec.md\n## Purpose\n   ### Requirement: Hidden\n### Requirement: Seen\n"));
    }

    #[test]
    fn commented_delta_header_is_flagged() {
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            <!--
            ## REMOVED Requirements
            ^^^^^^^^^^^^^^^^^^^^^^^ warning[markdown/structure-in-html-comment] (openspec-lsp): OpenSpec reads "## REMOVED Requirements" even though it sits inside an HTML comment, which hides it from rendered Markdown. Delete it, or move it out of the comment if it is meant.
            ### Requirement: Old
            ^^^^^^^^^^^^^^^^^^^^ warning[markdown/structure-in-html-comment] (openspec-lsp): OpenSpec reads "### Requirement: Old" even though it sits inside an HTML comment, which hides it from rendered Markdown. Delete it, or move it out of the comment if it is meant.
            -->
            ## ADDED Requirements
        "####]]
        .assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n<!--\n## REMOVED Requirements\n### Requirement: Old\n-->\n## ADDED Requirements\n",
        ));
    }

    #[test]
    fn fence_only_openspec_sees_is_flagged() {
        expect![[r####"
            //- /openspec/specs/auth/spec.md
            Some text
                ```
                ^^^ warning[markdown/fence-disagreement] (openspec-lsp): OpenSpec treats this line as the start of a code block and ignores every heading up to its closing fence (here: to the end of the file), but Markdown renders it as ordinary text or indented code, so the hidden headings look real to a reviewer.
            ### Requirement: Hidden by the fence
        "####]]
        .assert_eq(&check("//- /openspec/specs/auth/spec.md\nSome text\n    ```\n### Requirement: Hidden by the fence\n"));
    }

    #[test]
    fn agreeing_files_are_quiet() {
        let quiet = check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\n```md\n### Requirement: Example\n```\n- ### item\n//- /openspec/changes/archive/x/specs/a/spec.md\n  ## Old\n",
        );
        assert_eq!(quiet, "");
    }
}
