//! openspec-bench: what the benchmarks share. A seeded workspace generator, a plain loader for
//! in-process runs, percentile summaries and the edit scripts the keystroke benchmarks replay.
//! Benchmarks only: nothing here is used by the server or the `check` command.

pub mod floor;
pub mod generate;
pub mod load;
pub mod lsp;
pub mod smoke;
pub mod stats;
pub mod suite;
