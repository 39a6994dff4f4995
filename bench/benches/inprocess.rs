//! In-process benchmarks (divan). Placeholder while the harness is built.
fn main() {
    divan::main();
}
