//! The end-to-end tests' LSP client: the shared dev-only crate `lsp-test-client` (also used by
//! the benchmarks), under the path the tests import it from.

#[allow(unused_imports)] // Each test binary uses a different subset.
pub use lsp_test_client::{LspClient, TIMEOUT, uri, wait_exit};
