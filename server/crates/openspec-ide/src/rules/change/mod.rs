//! Change-level rules `validateChangeDeltaSpecs` applies after reading the deltas: the
//! `skip_specs` marker (invalid, conflicting, accepted) and the zero-delta error. Reads the
//! change's `.openspec.yaml` and `specs/` tree from the snapshot; writes only diagnostics.

mod fs_error;
mod metadata_marker_invalid;
mod no_deltas;
mod skip_specs_accepted;
mod skip_specs_conflict;

use openspec_syntax::requirement_blocks::parse_delta_spec;

use crate::change_meta::{self, SkipSpecsMarker};
use crate::diagnostic::{Diagnostic, ItemId};
use crate::layout;
use crate::vfs::{Entry, FileContent, IoProblem, LINK_OUTSIDE_ROOT, OUTSIDE_ALLOWED_DIR, RootSnapshot};

/// What the four rules need to know about one active change.
pub(crate) struct ChangeFacts {
    pub item: ItemId,
    /// Root-relative change folder.
    pub dir: String,
    pub marker: SkipSpecsMarker,
    /// `hasAnyFileUnder(specs)`, with an unreadable `specs/` counting as content.
    pub specs_has_files: bool,
    /// Parsed entries over every readable delta `spec.md`.
    pub total_deltas: usize,
    /// `specs/spec.md` is a file (its own error names the problem).
    pub has_root_level_spec: bool,
    /// A `.md` under `specs/` other than `spec.md` holds delta sections (its own error too).
    pub has_unread_delta_files: bool,
}

impl ChangeFacts {
    fn collect(root: &RootSnapshot, change_id: &str) -> Self {
        let dir = layout::change_dir(change_id);
        let specs_dir = format!("{dir}/specs");
        let total_deltas = layout::delta_specs(root, &dir)
            .iter()
            .filter_map(|spec| root.text(&spec.path))
            .map(|text| parse_delta_spec(text).entry_count())
            .sum();
        ChangeFacts {
            item: ItemId::change(change_id),
            marker: change_meta::skip_specs_marker(root, &dir),
            specs_has_files: has_any_file_under(root, &specs_dir),
            total_deltas,
            has_root_level_spec: matches!(root.get(&format!("{specs_dir}/spec.md")), Some(Entry::File { .. })),
            has_unread_delta_files: has_unread_delta_files(root, &specs_dir),
            dir,
        }
    }

    /// No delta anywhere, and no misplaced delta file that already explains why.
    fn zero_deltas(&self) -> bool {
        self.total_deltas == 0 && !self.has_root_level_spec && !self.has_unread_delta_files
    }
}

#[cfg(test)]
pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    for change_id in layout::active_changes(root) {
        check_change(root, &change_id, acc);
    }
}

/// The change-level rules of one active change.
pub fn check_change(root: &RootSnapshot, change_id: &str, acc: &mut Vec<Diagnostic>) {
    fs_error::check(root, change_id, acc);
    if !validate_reaches(root, change_id) {
        return;
    }
    let facts = ChangeFacts::collect(root, change_id);
    metadata_marker_invalid::check(&facts, acc);
    skip_specs_conflict::check(&facts, acc);
    no_deltas::check(root, &facts, acc);
    skip_specs_accepted::check(&facts, acc);
}

/// Whether `validate` runs `validateChangeDeltaSpecs` to the end for this change: not for a
/// folder wrapping nested changes (reported alone by `change/nested-change`), nor when an I/O
/// error aborts it (see `validation_aborts`).
pub(crate) fn validate_reaches(root: &RootSnapshot, change_id: &str) -> bool {
    crate::rules::delta::nested_change::nested_changes_in(root, change_id).is_none()
        && !validation_aborts(root, &layout::change_dir(change_id))
}

/// Node error codes that the CLI's spec walks treat as "nothing there".
fn is_absence(code: &str) -> bool {
    code == "ENOENT" || code == "ENOTDIR"
}

/// Whether `validateChangeDeltaSpecs` throws for this change before reporting anything.
fn validation_aborts(root: &RootSnapshot, change_dir: &str) -> bool {
    aborting_problem(root, change_dir).is_some()
}

/// The I/O error that makes `validateChangeDeltaSpecs` throw, with the path it happened on: a
/// folder under `specs/` that cannot be listed, or an unreadable `.md` the misplaced-delta scan
/// must read. The CLI then reports only that error (`change/fs-error`), so every other rule
/// stays silent for the change.
pub(crate) fn aborting_problem<'a>(root: &'a RootSnapshot, change_dir: &str) -> Option<(String, &'a IoProblem)> {
    fn walk<'a>(root: &'a RootSnapshot, dir: &str) -> Option<(String, &'a IoProblem)> {
        match root.get(dir) {
            Some(Entry::UnreadableDir(problem)) => {
                return (!is_absence(&problem.code)).then(|| (dir.to_owned(), problem));
            }
            Some(Entry::Dir) => {}
            _ => return None,
        }
        root.children(dir).filter(|(name, _)| !name.starts_with('.')).find_map(|(name, entry)| {
            let path = format!("{dir}/{name}");
            match entry {
                Entry::Dir | Entry::UnreadableDir(_) => walk(root, &path),
                Entry::File { content: FileContent::Unreadable(problem), .. }
                    if name != "spec.md" && name.to_lowercase().ends_with(".md") && !is_absence(&problem.code) =>
                {
                    Some((path, problem))
                }
                // `discoverSpecFiles` refuses a `spec.md` link leaving its folders before reading.
                Entry::File { content: FileContent::Unreadable(problem), .. }
                    if [OUTSIDE_ALLOWED_DIR, LINK_OUTSIDE_ROOT].contains(&problem.code.as_str())
                        && layout::spec_link_bounds(&path).is_some() =>
                {
                    Some((path, problem))
                }
                _ => None,
            }
        })
    }
    walk(root, &format!("{change_dir}/specs")).or_else(|| modified_base_outside_capability(root, change_dir))
}

/// The per-spec pass of `validateChangeDeltaSpecs`: a delta spec with MODIFIED entries whose
/// main spec is a link out of its capability folder makes the CLI throw
/// (`assertPathWithin(dirname(mainSpecFile), mainSpecFile)`), with the first such spec in id
/// order.
fn modified_base_outside_capability<'a>(root: &'a RootSnapshot, change_dir: &str) -> Option<(String, &'a IoProblem)> {
    if root.spec_links_outside_capability.is_empty() {
        return None;
    }
    layout::delta_specs(root, change_dir).into_iter().find_map(|delta| {
        let problem = root.spec_links_outside_capability.get(&layout::main_spec_path(&delta.id))?;
        let text = root.text(&delta.path)?;
        (!parse_delta_spec(text).modified.is_empty()).then_some((delta.path, problem))
    })
}

/// `hasAnyFileUnder`: any non-dot file or symlink below `dir`. A `specs` that is a file or
/// cannot be listed counts as content (the CLI fails closed); a symlinked `specs` folder is
/// assumed to hold something, since the snapshot does not look inside it.
fn has_any_file_under(root: &RootSnapshot, dir: &str) -> bool {
    match root.get(dir) {
        None | Some(Entry::DanglingSymlink) => return false,
        Some(Entry::Dir) => {}
        Some(Entry::UnreadableDir(problem)) => return problem.code != "ENOENT",
        Some(Entry::File { .. } | Entry::SymlinkToDir) => return true,
    }
    root.children(dir).filter(|(name, _)| !name.starts_with('.')).any(|(name, entry)| match entry {
        Entry::Dir | Entry::UnreadableDir(_) => has_any_file_under(root, &format!("{dir}/{name}")),
        Entry::File { .. } | Entry::SymlinkToDir | Entry::DanglingSymlink => true,
    })
}

/// `findUnreadDeltaFiles(specs).length > 0`: a readable `.md` other than `spec.md` (not below a
/// dot folder, symlinked folders not followed) with at least one delta section.
fn has_unread_delta_files(root: &RootSnapshot, dir: &str) -> bool {
    root.children(dir).filter(|(name, _)| !name.starts_with('.')).any(|(name, entry)| {
        let path = format!("{dir}/{name}");
        match entry {
            Entry::Dir => has_unread_delta_files(root, &path),
            Entry::File { content: FileContent::Text { text, .. }, .. } => {
                name != "spec.md" && name.to_lowercase().ends_with(".md") && parse_delta_spec(text).has_any_section()
            }
            _ => false,
        }
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::test_support::{render, snapshot};

    /// Runs only the change-level rules over a fixture and renders their findings.
    pub(crate) fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut acc = Vec::new();
        super::check(&snapshot(&fixture), &mut acc);
        render(&fixture, &acc)
    }
}
