//! Edit streams through the server's change path match a fresh parse (see
//! `fuzz_targets::incremental_edits`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    openspec_fuzz::fuzz_targets::incremental_edits(data);
});
