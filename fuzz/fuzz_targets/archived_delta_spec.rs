//! Parse and check arbitrary bytes as the example workspace's `archived_delta_spec` artifact, then run every
//! IDE feature on it (see `fuzz_targets.rs` for the invariants asserted).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    openspec_fuzz::fuzz_targets::check_named_artifact("archived_delta_spec", data);
});
