//! The fuzz targets' bodies live in the dev crate `openspec-fuzz-targets`
//! (`server/crates/fuzz-targets`), shared with the stable-Rust smoke run; the binaries here
//! only hand libFuzzer's bytes to them.

pub use openspec_fuzz_targets as fuzz_targets;
