//! Parse and check arbitrary bytes as the example workspace's `config_yaml` artifact, then run every
//! IDE feature on it (see `fuzz_targets.rs` for the invariants asserted).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    openspec_fuzz::fuzz_targets::check_named_artifact("config_yaml", data);
});
