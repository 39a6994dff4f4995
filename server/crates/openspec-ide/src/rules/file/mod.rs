//! Checks on files as raw bytes rather than as Markdown: how they were read, not what they say.
//! All are this tool's own findings; none affects a verdict.

mod invalid_utf8;
mod link_outside_root;

use crate::diagnostic::Diagnostic;
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
