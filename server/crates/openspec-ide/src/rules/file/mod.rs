//! Checks on files as raw bytes rather than as Markdown: how they were read, not what they say.
//! All are this tool's own findings; none affects a verdict.

mod invalid_utf8;
mod link_outside_root;

use crate::diagnostic::{Diagnostic, ItemId};
use crate::layout;
use crate::rules::Layout;
use crate::vfs::RootSnapshot;

/// The paths this group looks at, in report order.
pub fn subjects(root: &RootSnapshot) -> impl Iterator<Item = String> + '_ {
    invalid_utf8::subjects(root).chain(link_outside_root::subjects(root))
}

pub fn check_file(root: &RootSnapshot, layout: &Layout, path: &str, acc: &mut Vec<Diagnostic>) {
    invalid_utf8::check_file(root, layout, path, acc);
    link_outside_root::check_file(root, layout, path, acc);
}

/// The spec or change the file at `path` belongs to, so a finding on it shows up next to that
/// item's verdict.
fn owning_item(layout: &Layout, path: &str) -> Option<ItemId> {
    layout.main_specs.iter().find(|spec| spec.path == *path).map(|spec| ItemId::spec(spec.id.clone())).or_else(|| {
        layout
            .active_changes
            .iter()
            .find(|change| path.starts_with(&format!("{}/", layout::change_dir(change))))
            .map(ItemId::change)
    })
}

/// The findings rendered under their files, then the item each is attributed to: what the
/// tests of this group compare.
#[cfg(test)]
fn render_with_items(fixture: &test_utils::Fixture, acc: &[Diagnostic]) -> String {
    let items: Vec<String> = acc
        .iter()
        .map(|d| d.item.as_ref().map_or("-".to_owned(), |i| format!("{}/{}", i.kind.as_str(), i.id)))
        .collect();
    format!("{}items: {}\n", crate::test_support::render(fixture, acc), items.join(", "))
}
