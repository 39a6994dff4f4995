//! Several artifacts at once, over an empty workspace (see `fuzz_targets::check_workspace`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    openspec_fuzz::fuzz_targets::check_workspace(data);
});
