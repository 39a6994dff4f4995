//! Task lists without a task about tests.

// Diagnostic: review/test-task-missing
//
// A change's tasks are the implementation plan; a plan with no step that writes or runs tests
// leaves the scenarios unchecked until someone notices. A task is a test task when its
// description has a word (a run of ASCII letters and digits, any case) that starts with
// "test" (test, tests, testing, tested, testable) or is one of "e2e", "qa", "verify",
// "verifies", "verification", "pytest", "unittest". "spec" does not count: in OpenSpec tasks
// it names the spec being changed, not a test. The change's task files are those its schema
// tracks (else `tasks.md`); a change without tasks is left to `tasks/no-checkboxes`. The
// quick fix appends a test task after the last task, numbered after it.

use openspec_syntax::tasks::{TaskLine, parse_tasks};

use super::{ReviewConfig, Site};
use crate::diagnostic::Diagnostic;
use crate::rules::delta::{ChangeDeltas, first_text_range};
use crate::vfs::RootSnapshot;

pub(crate) const CODE: &str = "review/test-task-missing";

const TEST_WORDS: &[&str] = &["e2e", "qa", "verify", "verifies", "verification", "pytest", "unittest"];

pub fn check(change: &ChangeDeltas<'_>, config: &ReviewConfig, acc: &mut Vec<Diagnostic>) {
    let files = task_files(change.root, &change.dir);
    let mut n_tasks = 0;
    for path in &files {
        let Some(text) = change.root.text(path) else { continue };
        let doc = parse_tasks(text);
        if doc.tasks.iter().any(is_test_task) {
            return;
        }
        n_tasks += doc.tasks.len();
    }
    let Some((path, text)) = files.iter().find_map(|path| Some((path, change.root.text(path)?))) else { return };
    if n_tasks == 0 {
        return;
    }
    let site = Site { item: &change.item, path, config };
    let message = format!(
        "None of this change's tasks ({n_tasks}) is about tests: add one that writes or runs the tests for this change's scenarios."
    );
    acc.push(site.finding(CODE, first_text_range(text), message));
}

/// The change's task files: those its schema tracks, else `tasks.md`.
pub(crate) fn task_files(root: &RootSnapshot, change_dir: &str) -> Vec<String> {
    let tracked = crate::change_schema::tracked_task_files(root, change_dir);
    if tracked.is_empty() { vec![format!("{change_dir}/tasks.md")] } else { tracked }
}

fn is_test_task(task: &TaskLine<'_>) -> bool {
    task.description.split(|ch: char| !ch.is_ascii_alphanumeric()).any(|word| {
        let word = word.to_ascii_lowercase();
        word.starts_with("test") || TEST_WORDS.contains(&word.as_str())
    })
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::review::test_helpers::{check_codes, enabling};

    fn check(fixture: &str) -> String {
        check_codes(&format!("{fixture}{}", enabling(super::CODE)), &[super::CODE])
    }

    #[test]
    fn flags_tasks_without_a_test_task() {
        expect![[r#"
            //- /openspec/changes/a/tasks.md
            ## 1. Build
            ^^^^^^^^^^^ warning[review/test-task-missing] (openspec-lsp): None of this change's tasks (2) is about tests: add one that writes or runs the tests for this change's scenarios.
            - [ ] 1.1 Update the spec
            - [x] 1.2 Wire the latest contest handler
        "#]].assert_eq(&check(
            "//- /openspec/changes/a/tasks.md\n## 1. Build\n- [ ] 1.1 Update the spec\n- [x] 1.2 Wire the latest contest handler\n",
        ));
    }

    #[test]
    fn quiet_with_a_test_task_or_without_tasks() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/a/tasks.md\n## 1. Build\n- [ ] 1.1 Update the spec\n- [ ] 1.2 Add E2E coverage\n//- /openspec/changes/b/tasks.md\n## 1. Build\n- [ ] 1.1 Run unit-tests\n//- /openspec/changes/c/tasks.md\n# Nothing yet\n",
        ));
    }
}
