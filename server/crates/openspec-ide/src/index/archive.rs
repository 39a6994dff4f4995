//! Extending an index built without the archive's content (the server's answer-first read,
//! `vfs_load::load_root_first`) with the archived changes once they are read: the main specs
//! and active changes are shared with the first index, not read and held a second time.

use std::collections::HashMap;
use std::sync::Arc;

use super::{EntriesByName, WorkspaceIndex, push_change, read_change};
use crate::layout;
use crate::vfs::RootSnapshot;

impl WorkspaceIndex {
    /// The index of `root`, given that this one was built from a snapshot that `root` extends
    /// only with the content of `openspec/changes/archive` (every other path the same): equal
    /// to `WorkspaceIndex::build(root)`, but only the archived changes are read; the specs,
    /// the active changes and their maps are shared with `self`. An index that already holds an
    /// archived change (a buffer opened in the archive before it was read) is built afresh.
    #[must_use]
    pub fn with_archived_changes(&self, root: &RootSnapshot) -> WorkspaceIndex {
        if self.changes.iter().any(|change| change.archived) {
            return WorkspaceIndex::build(root);
        }
        let dirs: Vec<(String, String)> =
            layout::archived_changes(root).into_iter().map(|id| (layout::archived_change_dir(&id), id)).collect();
        if dirs.is_empty() {
            return self.clone();
        }
        let changes =
            crate::parallel::map_with(&dirs, || (), |(), (dir, id)| read_change(root, id.clone(), dir.clone(), true));
        let mut index = self.clone();
        let mut roles = (*self.roles).clone();
        // Only the capabilities an archived delta names get a new entry map (a copy of the
        // active changes' one, then the archived entries after them: change order is kept).
        let mut touched: HashMap<String, EntriesByName> = HashMap::new();
        let seed = |capability: &str| {
            self.entries_by_name.get(capability).map(|by_name| (**by_name).clone()).unwrap_or_default()
        };
        for change in changes {
            push_change(&mut index.changes, &mut roles, &mut touched, seed, change);
        }
        index.roles = Arc::new(roles);
        for (capability, by_name) in touched {
            index.entries_by_name.insert(capability, Arc::new(by_name));
        }
        // The name index (`names`) names no archived change: it stays shared.
        index
    }
}

#[cfg(test)]
mod tests {
    use super::WorkspaceIndex;
    use crate::vfs::RootSnapshot;

    const SPEC: &str = "# Auth\n## Purpose\nWhy.\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n#### Scenario: ok\n- WHEN x\n";

    /// `(path, text)` of files.
    type Files = Vec<(&'static str, &'static str)>;

    /// The files of a root without its archive, and the archive's, as the server reads them.
    fn parts() -> (Files, Files) {
        let first = vec![
            ("openspec/specs/auth/spec.md", SPEC),
            ("openspec/specs/pay/spec.md", "# Pay\n## Requirements\n### Requirement: Charge\nx\n"),
            ("openspec/changes/c/proposal.md", "## Capabilities\n- `auth`: x\n"),
            ("openspec/changes/c/specs/auth/spec.md", "## MODIFIED Requirements\n### Requirement: Login\ny\n"),
        ];
        let archive = vec![
            (
                "openspec/changes/archive/2024-01-01-a/specs/auth/spec.md",
                "## ADDED Requirements\n### Requirement: Login\n",
            ),
            ("openspec/changes/archive/2024-01-01-a/tasks.md", "- [x] 1.1 a\n"),
            ("openspec/changes/archive/2024-02-01-b/proposal.md", "## Why\nz\n"),
            (
                "openspec/changes/archive/2024-02-01-b/specs/new/spec.md",
                "## ADDED Requirements\n### Requirement: Fresh\n#### Scenario: s\n",
            ),
            (
                "openspec/changes/archive/2024-02-01-b/specs/pay/spec.md",
                "## REMOVED Requirements\n### Requirement: Charge\n",
            ),
        ];
        (first, archive)
    }

    #[test]
    fn extending_with_the_archive_equals_building_the_whole_root() {
        let (first, archive) = parts();
        let mut without = RootSnapshot::from_texts(first.iter().copied());
        // The archive folder itself is in the first read; its content is not.
        without.insert_file("openspec/changes/archive/.keep", "");
        let whole = RootSnapshot::from_texts(
            first.iter().chain(&archive).copied().chain([("openspec/changes/archive/.keep", "")]),
        );
        let first_index = WorkspaceIndex::build(&without);
        let names_before = first_index.names().len();
        let extended = first_index.with_archived_changes(&whole);
        assert_eq!(extended, WorkspaceIndex::build(&whole));
        // Workspace symbols name no archived change: the name index is the first one's.
        assert!(std::sync::Arc::ptr_eq(&extended.names.0, &first_index.names.0));
        assert_eq!(extended.names().len(), names_before);
        assert_eq!(WorkspaceIndex::build(&whole).names().len(), names_before);
        let naming: Vec<_> =
            extended.entries_naming("auth", "Login").map(|(change, _, _)| change.id.as_str()).collect();
        assert_eq!(naming, ["c", "2024-01-01-a"]);
        // The main specs are the first index's, not copies.
        assert!(extended.specs.ptr_eq(&first_index.specs));
    }

    #[test]
    fn an_index_holding_an_archived_change_already_is_built_afresh() {
        let (first, archive) = parts();
        let mut partial = RootSnapshot::from_texts(first.iter().copied());
        partial.insert_file(archive[0].0, archive[0].1);
        let whole = RootSnapshot::from_texts(first.iter().chain(&archive).copied());
        let extended = WorkspaceIndex::build(&partial).with_archived_changes(&whole);
        assert_eq!(extended, WorkspaceIndex::build(&whole));
    }
}
