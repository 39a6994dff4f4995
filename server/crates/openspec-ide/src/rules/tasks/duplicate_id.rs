//! A task id declared twice across a change's tracked task files.

// Diagnostic: tasks/duplicate-id
//
// Task ids are how a change's tasks are referred to ("done with 2.3"); two tasks with the same
// id make every such reference ambiguous. Under the built-in `spec-driven` schema the CLI warns
// on each repeat of a raw id (`1.1` and `01.1` differ), across all tracked files in path order.
// The finding sits on the repeated id and links to the first declaration.

use std::collections::HashMap;

use openspec_syntax::TextRange;

use crate::diagnostic::{Diagnostic, Severity};

use super::{ChangeTasks, NumberedTask};

const CODE: &str = "tasks/duplicate-id";

pub(super) fn check(tasks: &ChangeTasks<'_>, numbered: &[NumberedTask<'_, '_>], acc: &mut Vec<Diagnostic>) {
    let mut first_seen: HashMap<&str, (usize, usize, TextRange)> = HashMap::new();
    for task in numbered {
        let range = task.task.id_range().unwrap_or_else(|| task.task.line.range());
        let Some(&(first_doc, first_line, first_range)) = first_seen.get(task.id) else {
            first_seen.insert(task.id, (task.doc_idx, task.task.line_idx, range));
            continue;
        };
        let (Some(document), Some(first_document)) =
            (tasks.documents.get(task.doc_idx), tasks.documents.get(first_doc))
        else {
            continue;
        };
        let declared = if first_doc == task.doc_idx {
            format!("on line {}", first_line + 1)
        } else {
            format!("in {} on line {}", first_document.display_path, first_line + 1)
        };
        acc.push(
            Diagnostic::openspec(
                &tasks.item,
                CODE,
                Severity::Warning,
                document.path.clone(),
                range,
                format!("Task ID \"{}\" is duplicated; it was first declared {declared}.", task.id),
            )
            .with_related(
                first_document.path.clone(),
                first_range,
                format!("task {} first declared here", task.id),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn repeats_within_and_across_files() {
        expect![[r#"
            //- /openspec/changes/c/tasks.md
            ## 1. One
            - [ ] 1.1 first
            - [ ] 1.1 again
                  ^^^ warning[tasks/duplicate-id]: Task ID "1.1" is duplicated; it was first declared on line 2.
            - [ ] 01.1 differs
              - [ ] 1.1.1 nested
              - [ ] 1.1.1 nested again
                    ^^^^^ warning[tasks/duplicate-id]: Task ID "1.1.1" is duplicated; it was first declared on line 5.
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/tasks.md\n## 1. One\n- [ ] 1.1 first\n- [ ] 1.1 again\n- [ ] 01.1 differs\n  - [ ] 1.1.1 nested\n  - [ ] 1.1.1 nested again\n",
        ));
    }

    #[test]
    fn distinct_ids_pass() {
        expect![[r#""#]].assert_eq(&check(
            "//- /openspec/changes/c/tasks.md\n## 1. One\n- [ ] 1.1 a\n- [ ] 1.2 b\n## 2. Two\n- [ ] 2.1 c\n```\n- [ ] 2.2 fenced still counts\n```\n",
        ));
    }
}
