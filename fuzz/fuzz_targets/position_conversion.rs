//! LSP position <-> byte offset conversions agree and round-trip (see
//! `fuzz_targets::position_conversion`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    openspec_fuzz::fuzz_targets::position_conversion(data);
});
