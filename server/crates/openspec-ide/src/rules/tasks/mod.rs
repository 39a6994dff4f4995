//! Task-file rules `validate` applies to a change's tracked task files (1.13.2
//! `collectTaskFileIssues`): the no-checkbox warning for any schema, and group/duplicate
//! numbering for the built-in `spec-driven` schema only. Reads task files from the snapshot.

mod duplicate_id;
mod group_mismatch;
mod no_checkboxes;

use std::cmp::Ordering;

use openspec_syntax::tasks::{TaskLine, TasksDoc, parse_tasks};

use crate::change_schema;
use crate::diagnostic::{Diagnostic, ItemId};
use crate::layout;
use crate::rules::change::validate_reaches;
use crate::vfs::{Entry, FileContent, RootSnapshot};

/// One readable task file of a change.
pub(crate) struct TaskDocument<'a> {
    /// Root-relative path, where findings go.
    pub path: String,
    /// Path relative to the change folder, as the CLI names the file in messages.
    pub display_path: String,
    pub doc: TasksDoc<'a>,
}

/// The task files of one active change, as `collectTaskFileIssues` reads them.
pub(crate) struct ChangeTasks<'a> {
    pub item: ItemId,
    /// Whether the schema's tracked-tasks artifact matched any file (the no-checkbox check
    /// never looks at the bare `tasks.md` fallback).
    pub tracked: bool,
    /// Tracked files that exist but could not be read.
    pub n_unreadable: usize,
    /// Readable documents, sorted by `display_path` the way `localeCompare` sorts.
    pub documents: Vec<TaskDocument<'a>>,
    pub numbering_applies: bool,
}

impl<'a> ChangeTasks<'a> {
    fn load(root: &'a RootSnapshot, change_id: &str) -> Self {
        let dir = layout::change_dir(change_id);
        let tracked_files = change_schema::tracked_task_files(root, &dir);
        let tracked = !tracked_files.is_empty();
        let files = if tracked { tracked_files } else { vec![format!("{dir}/tasks.md")] };
        let mut n_unreadable = 0;
        let mut documents = Vec::new();
        for path in files {
            let text = match root.get(&path) {
                Some(Entry::File { content: FileContent::Text { text, .. }, .. }) => text,
                None | Some(Entry::DanglingSymlink) => continue,
                Some(Entry::File { content: FileContent::Unreadable(problem), .. } | Entry::UnreadableDir(problem))
                    if problem.code == "ENOENT" =>
                {
                    continue;
                }
                Some(_) => {
                    n_unreadable += 1;
                    continue;
                }
            };
            let display_path = path.strip_prefix(&format!("{dir}/")).unwrap_or(&path).to_owned();
            documents.push(TaskDocument { path, display_path, doc: parse_tasks(text) });
        }
        documents.sort_by(|a, b| locale_compare(&a.display_path, &b.display_path));
        ChangeTasks {
            item: ItemId::change(change_id),
            tracked,
            n_unreadable,
            documents,
            numbering_applies: change_schema::uses_builtin_spec_driven(root, &dir),
        }
    }

    /// Task lines with an id inside a numbered group, in the order the numbering check walks
    /// them: documents in order, lines in order. Files without any numbered group are skipped.
    pub fn numbered_tasks(&self) -> Vec<NumberedTask<'_, 'a>> {
        let mut numbered = Vec::new();
        for (doc_idx, document) in self.documents.iter().enumerate() {
            if !document.doc.has_numbered_group() {
                continue;
            }
            let mut headings = document.doc.headings.iter().peekable();
            let mut group = None;
            for task in &document.doc.tasks {
                // A level-2 heading on the task's own line (impossible, but cheap) or above it
                // sets the group; an unnumbered one clears it.
                while let Some(heading) = headings.next_if(|heading| heading.line_idx <= task.line_idx) {
                    group = heading.number;
                }
                let (Some(group), Some(id)) = (group, task.id) else {
                    continue;
                };
                numbered.push(NumberedTask { doc_idx, task, group, id });
            }
        }
        numbered
    }
}

/// A task line the numbering rules look at.
pub(crate) struct NumberedTask<'d, 'a> {
    pub doc_idx: usize,
    pub task: &'d TaskLine<'a>,
    /// The current group number as written (`1`, `01`).
    pub group: &'a str,
    pub id: &'a str,
}

#[cfg(test)]
pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    for change_id in layout::active_changes(root) {
        check_change(root, &change_id, acc);
    }
}

/// The task rules of one active change.
pub fn check_change(root: &RootSnapshot, change_id: &str, acc: &mut Vec<Diagnostic>) {
    if !validate_reaches(root, change_id) {
        return;
    }
    let tasks = ChangeTasks::load(root, change_id);
    no_checkboxes::check(&tasks, acc);
    if tasks.numbering_applies {
        let numbered = tasks.numbered_tasks();
        group_mismatch::check(&tasks, &numbered, acc);
        duplicate_id::check(&tasks, &numbered, acc);
    }
}

/// An approximation of ICU root collation (`String.prototype.localeCompare`) good enough for
/// file paths: punctuation before digits before letters, letters compared case-insensitively
/// first, then lowercase before uppercase, then by code point.
fn locale_compare(a: &str, b: &str) -> Ordering {
    const PUNCTUATION_ORDER: &str = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
    let primary = |ch: char| -> (u8, u32) {
        if let Some(rank) = PUNCTUATION_ORDER.find(ch) {
            return (1, u32::try_from(rank).unwrap_or(u32::MAX));
        }
        if ch.is_whitespace() {
            return (0, ch as u32);
        }
        if ch.is_ascii_digit() {
            return (2, ch as u32);
        }
        if ch.is_alphabetic() {
            return (3, ch.to_lowercase().next().unwrap_or(ch) as u32);
        }
        (1, 0x1000 + ch as u32)
    };
    let by_primary = a.chars().map(primary).cmp(b.chars().map(primary));
    let by_case = || a.chars().map(char::is_uppercase).cmp(b.chars().map(char::is_uppercase));
    by_primary.then_with(by_case).then_with(|| a.cmp(b))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cmp::Ordering;

    use crate::test_support::{render, snapshot};

    /// Runs only the task rules over a fixture and renders their findings.
    pub(crate) fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut acc = Vec::new();
        super::check(&snapshot(&fixture), &mut acc);
        render(&fixture, &acc)
    }

    #[test]
    fn invalid_metadata_or_unknown_config_schema_turn_task_checks_off() {
        expect_test::expect![[r#"
            //- /openspec/changes/bom/tasks.md
            ␥## 1. Hidden
            - [ ] 2.1 x
            ## 2. Seen␍
            - [ ] 3.1 y␍
                  ^^^ warning[tasks/group-mismatch]: Task "3.1" is under group 2, but its leading number points to group 3. Move it to group 3 or renumber it.
        "#]].assert_eq(&check(
            "//- /openspec/changes/bad-meta/.openspec.yaml\nschema: spec-driven\ncreated: yesterday\n//- /openspec/changes/bad-meta/tasks.md\n## 1. A\n- [ ] 2.1 x\n- plain\n//- /openspec/changes/bom/tasks.md\n\u{FEFF}## 1. Hidden\n- [ ] 2.1 x\n## 2. Seen\r\n- [ ] 3.1 y\r\n",
        ));
        expect_test::expect![[r#""#]].assert_eq(&check(
            "//- /openspec/config.yaml\nschema: missing-schema\n//- /openspec/changes/c/tasks.md\n## 1. A\n- [ ] 2.1 x\n- plain\n",
        ));
    }

    #[test]
    fn locale_order_puts_punctuation_and_lowercase_first() {
        assert_eq!(super::locale_compare("tasks.md", "tasks/a.md"), Ordering::Less);
        assert_eq!(super::locale_compare("a_b.md", "a-b.md"), Ordering::Less);
        assert_eq!(super::locale_compare("b.md", "A.md"), Ordering::Greater);
        assert_eq!(super::locale_compare("a.md", "A.md"), Ordering::Less);
        assert_eq!(super::locale_compare("z.md", "1.md"), Ordering::Greater);
    }
}
