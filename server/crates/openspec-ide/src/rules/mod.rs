//! Every rule, one file each, grouped by the artifact it reads. `run_all` is the one list.

mod markdown;

use crate::diagnostic::Diagnostic;
use crate::vfs::RootSnapshot;

/// Runs every rule over `root`, pushing findings into `acc`.
pub fn run_all(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    markdown::check(root, acc);
}
