//! Every rule, one file each, grouped by the artifact it reads. `run_all` is the one list.

mod archive;
mod change;
mod config;
mod delta;
mod file;
pub(crate) mod legacy;
mod markdown;
mod metadata;
mod proposal;
mod schema;
mod spec;
mod tasks;

use crate::diagnostic::Diagnostic;
use crate::vfs::RootSnapshot;

/// Runs every rule over `root`, pushing findings into `acc`.
pub fn run_all(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    markdown::check(root, acc);
    file::check(root, acc);
    spec::check(root, acc);
    proposal::check(root, acc);
    change::check(root, acc);
    tasks::check(root, acc);
    config::check(root, acc);
    metadata::check(root, acc);
    schema::check(root, acc);
    delta::check(root, acc);
    // Reads the `delta` group's archive notes, so it runs after it.
    archive::check(root, acc);
    legacy::check(root, acc);
}
