//! The commands and the language server as a library: the binary (`main.rs`) only dispatches to
//! them, and code that must stay out of the shipped `src/` (the property test in `tests/`, the
//! fuzz target bodies in `server/crates/fuzz-targets`) reaches the document and state code
//! through it. Not an API for anyone else: nothing is published from it.

mod changed_since;
pub mod check_command;
pub mod cli;
mod discover;
pub mod history_command;
pub mod lsp;
pub mod mcp;
mod output;
pub mod preview_command;
mod store_registry;
mod vfs_load;
