//! A task whose id points at a different group than the one it sits under.

// Diagnostic: tasks/group-mismatch
//
// The built-in `spec-driven` tasks template numbers tasks `<group>.<n>` under `## <group>.`
// headings, and agents and people refer to tasks by those ids. A task `2.3` filed under
// `## 1.` is ambiguous: is it the third task of group 2, misplaced, or a typo? The CLI warns
// (failing only under `--strict`), comparing the id's first segment and the group number with
// leading zeros stripped. The finding sits on the task id.

use crate::diagnostic::{Diagnostic, Severity};

use super::{ChangeTasks, NumberedTask};

const CODE: &str = "tasks/group-mismatch";

/// `replace(/^0+(?=\d)/, '')`: leading zeros dropped, but `0` stays `0`.
fn without_leading_zeros(number: &str) -> &str {
    let trimmed = number.trim_start_matches('0');
    if trimmed.is_empty() && !number.is_empty() { &number[number.len() - 1..] } else { trimmed }
}

pub(super) fn check(tasks: &ChangeTasks<'_>, numbered: &[NumberedTask<'_, '_>], acc: &mut Vec<Diagnostic>) {
    for task in numbered {
        let task_group = task.id.split('.').next().unwrap_or_default();
        if without_leading_zeros(task_group) == without_leading_zeros(task.group) {
            continue;
        }
        let Some(document) = tasks.documents.get(task.doc_idx) else {
            continue;
        };
        let range = task.task.id_range().unwrap_or_else(|| task.task.line.range());
        acc.push(Diagnostic::openspec(
            &tasks.item,
            CODE,
            Severity::Warning,
            document.path.clone(),
            range,
            format!(
                "Task \"{}\" is under group {}, but its leading number points to group {task_group}. Move it to group {task_group} or renumber it.",
                task.id, task.group
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn ids_must_match_their_group() {
        expect![[r#"
            //- /openspec/changes/c/tasks.md
            ## 1. Setup
            - [ ] 1.1 ok
            - [ ] 2.1 wrong group
                  ^^^ warning[tasks/group-mismatch]: Task "2.1" is under group 1, but its leading number points to group 2. Move it to group 2 or renumber it.
            ## 02. Build
            - [x] 2.1 zero-padded group
                  ^^^ warning[tasks/duplicate-id]: Task ID "2.1" is duplicated; it was first declared on line 3.
            - [ ] 002.2 padded id
            - [ ] 3.1a suffix
                  ^^^^ warning[tasks/group-mismatch]: Task "3.1a" is under group 02, but its leading number points to group 3. Move it to group 3 or renumber it.
            ## Notes
            - [ ] 9.9 after an unnumbered heading
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/tasks.md\n## 1. Setup\n- [ ] 1.1 ok\n- [ ] 2.1 wrong group\n## 02. Build\n- [x] 2.1 zero-padded group\n- [ ] 002.2 padded id\n- [ ] 3.1a suffix\n## Notes\n- [ ] 9.9 after an unnumbered heading\n",
        ));
    }

    #[test]
    fn custom_schemas_and_files_without_numbered_groups_are_not_checked() {
        expect![[r#""#]].assert_eq(&check(
            "//- /openspec/changes/plain/tasks.md\n## Setup\n- [ ] 2.1 no numbered group\n//- /openspec/schemas/mine/schema.yaml\nname: mine\nversion: 1\nartifacts:\n  - id: tasks\n    generates: tasks.md\n    description: d\n    template: tasks.md\n//- /openspec/changes/custom/.openspec.yaml\nschema: mine\n//- /openspec/changes/custom/tasks.md\n## 1. Setup\n- [ ] 2.1 wrong group\n",
        ));
    }
}
