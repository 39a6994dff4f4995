//! A folder under `openspec/changes/` that wraps change folders instead of being one.

// Diagnostic: change/nested-change
//
// A change is a folder directly under `openspec/changes/`. Laying changes out in namespace
// folders (`changes/mobile/refresh-token/`) makes the nested changes invisible to OpenSpec
// while the wrapper is validated as an empty change. The CLI (1.13.2) recognises the wrapper
// (no file of its own, no change marker, no delta files) and reports this error as the
// change's only finding, so every other change rule must stay silent for it
// (`nested_changes_in` tells them).
//
// The CLI also counts a folder as a change when its schema's outputs exist there; that is
// not modelled beyond the built-in schema, whose outputs are the marker files and `specs/`.

use openspec_syntax::TextRange;

use crate::diagnostic::{Diagnostic, ItemId, Severity};
use crate::layout;
use crate::vfs::{Entry, RootSnapshot};

const CODE: &str = "change/nested-change";

/// Files only ever found at the root of a change folder.
const CHANGE_ROOT_MARKERS: [&str; 4] = [".openspec.yaml", "proposal.md", "tasks.md", "design.md"];

/// How many folder levels below a wrapper are searched for changes.
const MAX_NESTING_DEPTH: usize = 3;

pub fn check(root: &RootSnapshot, change_id: &str) -> Option<Diagnostic> {
    let nested = nested_changes_in(root, change_id)?;
    let listed: Vec<String> = nested.iter().map(|id| format!("openspec/changes/{id}/")).collect();
    let example = nested.first().map(|id| id.replace('/', "-")).unwrap_or_default();
    let message = format!(
        "\"{change_id}\" is not a change: it is a folder wrapping {}. A change must be a directory directly under openspec/changes/, so those nested directories are invisible to OpenSpec while the folder around them is reported as a change. Nested paths are supported under openspec/specs/ only. Rename each nested change to a flat name (for example \"{example}\").",
        listed.join(", ")
    );
    Some(Diagnostic::openspec(
        &ItemId::change(change_id),
        CODE,
        Severity::Error,
        layout::change_dir(change_id),
        TextRange::empty(0),
        message,
    ))
}

/// The nested change ids (`wrapper/child`, sorted) when the active change `change_id` is a
/// namespace folder rather than a change; `None` for every ordinary change, scaffolded ones
/// included.
pub(crate) fn nested_changes_in(root: &RootSnapshot, change_id: &str) -> Option<Vec<String>> {
    let dir = layout::change_dir(change_id);
    if looks_like_change(root, &dir) || has_own_file(root, &dir) {
        return None;
    }
    let mut nested = Vec::new();
    collect_nested(root, &dir, change_id, 1, &mut nested);
    nested.sort();
    (!nested.is_empty()).then_some(nested)
}

fn looks_like_change(root: &RootSnapshot, dir: &str) -> bool {
    let has_marker = CHANGE_ROOT_MARKERS
        .iter()
        .any(|marker| matches!(root.get(&format!("{dir}/{marker}")), Some(Entry::File { .. })));
    // A `specs` folder that cannot be walked counts as empty, as in the CLI.
    has_marker
        || matches!(root.get(&format!("{dir}/specs")), Some(Entry::Dir))
            && has_any_file_under(root, &format!("{dir}/specs")) == Some(true)
}

/// `hasAnyFileUnder`: any non-dot file or symlink below `dir`; `None` when some folder below it
/// cannot be listed (the CLI's walk throws there).
fn has_any_file_under(root: &RootSnapshot, dir: &str) -> Option<bool> {
    for (name, entry) in root.children(dir) {
        if name.starts_with('.') {
            continue;
        }
        match entry {
            Entry::File { .. } | Entry::SymlinkToDir | Entry::DanglingSymlink => return Some(true),
            Entry::Dir => {
                if has_any_file_under(root, &format!("{dir}/{name}"))? {
                    return Some(true);
                }
            }
            Entry::UnreadableDir(_) => return None,
        }
    }
    Some(false)
}

/// Any non-dot entry that is not a folder (a symlink to a folder counts, as a dirent sees it).
fn has_own_file(root: &RootSnapshot, dir: &str) -> bool {
    root.children(dir)
        .any(|(name, entry)| !name.starts_with('.') && !matches!(entry, Entry::Dir | Entry::UnreadableDir(_)))
}

fn collect_nested(root: &RootSnapshot, dir: &str, prefix: &str, depth: usize, found: &mut Vec<String>) {
    if depth > MAX_NESTING_DEPTH {
        return;
    }
    for (name, entry) in root.children(dir) {
        if name.starts_with('.') || !matches!(entry, Entry::Dir | Entry::UnreadableDir(_)) {
            continue;
        }
        let child = format!("{dir}/{name}");
        let id = format!("{prefix}/{name}");
        if looks_like_change(root, &child) {
            found.push(id);
            continue;
        }
        collect_nested(root, &child, &id, depth + 1, found);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    #[test]
    fn flags_a_namespace_folder() {
        // Every rule runs: the CLI reports this error alone for a wrapper folder.
        expect![[r#"
            //- /openspec/changes/mobile (no file)
            ^ error[change/nested-change]: "mobile" is not a change: it is a folder wrapping openspec/changes/mobile/android/, openspec/changes/mobile/ios/refresh-token/. A change must be a directory directly under openspec/changes/, so those nested directories are invisible to OpenSpec while the folder around them is reported as a change. Nested paths are supported under openspec/specs/ only. Rename each nested change to a flat name (for example "mobile-android").
        "#]].assert_eq(&crate::test_support::check_all(
            "//- /openspec/changes/mobile/ios/refresh-token/proposal.md\n# x\n//- /openspec/changes/mobile/android/specs/auth/spec.md\n## ADDED Requirements\n//- /openspec/changes/mobile/empty/.keep\n",
        ));
    }

    #[test]
    fn a_change_with_its_own_files_is_not_a_wrapper() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/mobile/README\nnotes\n//- /openspec/changes/mobile/ios/proposal.md\n# x\n//- /openspec/changes/other/specs/auth/spec.md\n## ADDED Requirements\n//- /openspec/changes/other/nested/proposal.md\n# x\n",
        ));
    }
}
