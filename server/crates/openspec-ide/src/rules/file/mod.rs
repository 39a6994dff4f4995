//! Checks on files as raw bytes rather than as Markdown: how they were read, not what they say.
//! All are this tool's own findings; none affects a verdict.

mod invalid_utf8;

use crate::diagnostic::Diagnostic;
use crate::vfs::RootSnapshot;

pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    invalid_utf8::check(root, acc);
}
