//! The `openspec-lsp` binary.
fn main() {}
