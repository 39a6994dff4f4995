//! openspec-ide: pure analysis over a workspace snapshot: layout discovery, checks in parity
//! with `openspec validate` plus cross-file checks, and (later) IDE features.
//! No IO and no LSP types: positions are byte offsets, files are root-relative paths.

pub mod analysis;
pub mod archive;
pub mod archive_plan;
pub mod change_meta;
pub mod change_schema;
pub mod check;
pub mod codeowners;
pub mod diagnostic;
pub mod features;
pub mod history;
pub mod incremental;
pub mod index;
pub mod layout;
pub mod legacy;
pub mod line_breaks;
pub mod migration;
mod parallel;
pub mod policy;
pub mod readiness;
pub mod review_settings;
pub mod root_files;
pub mod rules;
pub mod schema;
pub mod store;
pub mod types;
pub mod vfs;

pub use analysis::{Analysis, FilePosition, FileRange, NavigationTarget, SourceChange, TextEdit};
pub use check::{CheckConfig, ItemVerdict, RootReport, apply_policy, check_root, check_root_with};
pub use diagnostic::{Diagnostic, ItemId, ItemKind, Origin, Related, Severity};
pub use incremental::{Changed, CheckUpdate, IncrementalCheck, text_changes};
pub use vfs::{Entries, Entry, FileContent, IoProblem, RootSnapshot};

#[cfg(test)]
pub(crate) mod test_support;
