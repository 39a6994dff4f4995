//! Full `.openspec.yaml` validation for active changes, as `readChangeMetadata` enforces it when
//! `status`, `instructions` or `new change` load a change (`validate` only looks at the
//! `skip_specs` marker). All are this tool's own errors, attached to the change they describe.

mod invalid_field;
mod read_error;
mod unknown_schema;

use crate::change_meta;
use crate::diagnostic::{Diagnostic, ItemId};
use crate::layout;
use crate::vfs::RootSnapshot;

#[cfg(test)]
pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    for change_id in layout::active_changes(root) {
        check_change(root, &change_id, acc);
    }
}

/// The metadata rules of one active change.
pub fn check_change(root: &RootSnapshot, change_id: &str, acc: &mut Vec<Diagnostic>) {
    let dir = layout::change_dir(change_id);
    let item = ItemId::change(change_id);
    let path = change_meta::metadata_path(&dir);
    let read = change_meta::read_metadata(root, &dir);
    read_error::check(&item, &path, &read, acc);
    invalid_field::check(&item, &path, &read, acc);
    unknown_schema::check(root, &item, &path, &read, acc);
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::test_support::{render, snapshot};

    /// Runs only the metadata rules over a fixture and renders their findings.
    pub(crate) fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut acc = Vec::new();
        super::check(&snapshot(&fixture), &mut acc);
        render(&fixture, &acc)
    }
}
