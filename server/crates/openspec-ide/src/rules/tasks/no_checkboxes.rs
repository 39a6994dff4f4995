//! Tracked task files that list work without a single checkbox.

// Diagnostic: tasks/no-checkboxes
//
// Progress, `list`, `status` and `archive` count checkbox lines and nothing else, so a tasks file
// written as plain bullets or numbered items reads as "no tasks": the change looks finished to
// the tool while unfinished to the reader, and archive has nothing to warn about. New in 1.13.2
// (WARNING): reported when no tracked task file of the change has any checkbox, on the first
// plain list item of each file (front matter, fences, HTML comments and indented code skipped).
// Not reported when a tracked file could not be read, nor for the bare `tasks.md` fallback of a
// schema that tracks no task artifact.

use crate::diagnostic::{Diagnostic, Severity};

use super::ChangeTasks;

const CODE: &str = "tasks/no-checkboxes";

pub(super) fn check(tasks: &ChangeTasks<'_>, acc: &mut Vec<Diagnostic>) {
    if !tasks.tracked || tasks.n_unreadable > 0 || tasks.documents.is_empty() {
        return;
    }
    if tasks.documents.iter().any(|document| !document.doc.tasks.is_empty()) {
        return;
    }
    for document in &tasks.documents {
        let Some(line_idx) = openspec_syntax::tasks::first_list_item_line(&document.doc) else {
            continue;
        };
        let Some(line) = document.doc.lines.get(line_idx) else {
            continue;
        };
        acc.push(Diagnostic::openspec(
            &tasks.item,
            CODE,
            Severity::Warning,
            document.path.clone(),
            line.trimmed_range(),
            "This change counts as 0 tasks: no line in its tracked task files is a checkbox, so \"openspec list\" and \"openspec status\" report no work and \"openspec archive\" has nothing to flag as incomplete. Write each task as \"- [ ] 1.1 Description\".",
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn plain_lists_without_checkboxes_warn() {
        expect![[r#"
            //- /openspec/changes/c/tasks.md
            ---
            tags:
              - meta
            ---
            ## 1. Setup

            ```
            - example
            ```
            1. Install things
            ^^^^^^^^^^^^^^^^^ warning[tasks/no-checkboxes]: This change counts as 0 tasks: no line in its tracked task files is a checkbox, so "openspec list" and "openspec status" report no work and "openspec archive" has nothing to flag as incomplete. Write each task as "- [ ] 1.1 Description".
            2. Test them
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/tasks.md\n---\ntags:\n  - meta\n---\n## 1. Setup\n\n```\n- example\n```\n1. Install things\n2. Test them\n",
        ));
    }

    #[test]
    fn one_checkbox_anywhere_or_no_list_is_fine() {
        expect![[r#""#]].assert_eq(&check(
            "//- /openspec/changes/a/tasks.md\n## 1. Setup\n- [~] 1.1 in progress\n//- /openspec/changes/b/tasks.md\nJust prose, no list.\n",
        ));
    }
}
