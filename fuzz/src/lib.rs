//! The fuzz targets' bodies, compiled from the server's sources: `openspec-lsp` is a binary
//! without a library, and both files below are self-contained (they name only `super::document`
//! and library crates), so this crate builds them by path instead of copying them.

#[path = "../../server/crates/openspec-lsp/src/lsp/document.rs"]
pub mod document;

#[path = "../../server/crates/openspec-lsp/src/lsp/fuzz_targets.rs"]
pub mod fuzz_targets;
