//! Parse and check arbitrary bytes as the example workspace's `proposal` artifact, then run every
//! IDE feature on it (see `fuzz_targets.rs` for the invariants asserted).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    openspec_fuzz::fuzz_targets::check_named_artifact("proposal", data);
});
