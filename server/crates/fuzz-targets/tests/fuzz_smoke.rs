//! The fuzz targets of `fuzz_targets.rs` run on stable Rust, bounded in time: replay every saved
//! regression input (`fuzz/regressions/<target>/`), then mutate seed inputs with a seeded
//! random generator until the target's time budget is spent. A coverage-guided run needs
//! cargo-fuzz on nightly (`fuzz/`); this smoke run is what CI can afford. Test-only; it reads
//! the regression folder and writes a failing input under `target/` only when a target fails.
//!
//! `OPENSPEC_FUZZ_SECONDS` sets each target's budget (default 3; 0 replays regressions only) and
//! `OPENSPEC_FUZZ_SEED` the generator's seed (default fixed, so CI runs are repeatable).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use openspec_fuzz_targets as fuzz_targets;

/// Mutation dictionary: tokens that matter to OpenSpec's readers and to the position code.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"\r",
    b"## ",
    b"### Requirement: ",
    b"#### Scenario: ",
    b"## Purpose\n",
    b"## Requirements\n",
    b"## ADDED Requirements\n",
    b"## MODIFIED Requirements\n",
    b"## REMOVED Requirements\n",
    b"## RENAMED Requirements\n",
    b"- FROM: `### Requirement: ",
    b"- TO: `### Requirement: ",
    b"SHALL",
    b"MUST",
    b"- **WHEN** ",
    b"- **THEN** ",
    b"```",
    b"~~~",
    b"<!-- ",
    b"-->",
    b"- [ ] ",
    b"- [x] ",
    b"1.1 ",
    b"## 1. ",
    b"schema: ",
    b"spec-driven",
    b"artifacts:\n",
    b"  - id: ",
    b"generates: ",
    b"requires: [",
    b"rules:\n",
    b"context: |\n",
    b"created: ",
    b"---\n",
    b": ",
    b"\"",
    b"'",
    b"[",
    b"{",
    b"&anchor ",
    b"*anchor",
    b"!!binary ",
    b"\t",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    "日本語".as_bytes(),
    "😀".as_bytes(),
    "\u{2028}".as_bytes(),
    b"\xC3",
    b"\xF0\x9F",
];

/// xorshift64*: small, seedable and good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 { 0 } else { usize::try_from(self.next() % (bound as u64)).unwrap_or(0) }
    }
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    for _ in 0..=rng.below(8) {
        let at = rng.below(input.len() + 1);
        match rng.below(8) {
            0 => {
                if let Some(byte) = input.get_mut(at) {
                    *byte ^= 1 << rng.below(8);
                }
            }
            1 => input.insert(at, u8::try_from(rng.below(256)).unwrap_or(0)),
            2 | 3 => {
                let token = TOKENS.get(rng.below(TOKENS.len())).copied().unwrap_or(b"");
                input.splice(at..at, token.iter().copied());
            }
            4 => {
                let end = (at + rng.below(64)).min(input.len());
                input.drain(at..end);
            }
            5 => {
                // Repeat a chunk: long lines, many requirements, deep nesting.
                let end = (at + rng.below(32)).min(input.len());
                let chunk: Vec<u8> = input.get(at..end).map(<[u8]>::to_vec).unwrap_or_default();
                for _ in 0..rng.below(16) {
                    input.splice(at..at, chunk.iter().copied());
                }
            }
            6 => {
                // Splice in part of another seed.
                let Some(other) = seeds.get(rng.below(seeds.len())) else { continue };
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(256)).min(other.len());
                input.splice(at..at, other.get(from..to).unwrap_or(&[]).iter().copied());
            }
            _ => input.truncate(at),
        }
    }
    // Keep inputs small enough for many runs per second.
    input.truncate(16 * 1024);
}

fn budget() -> Duration {
    let seconds =
        std::env::var("OPENSPEC_FUZZ_SECONDS").ok().and_then(|value| value.parse::<f64>().ok()).unwrap_or(3.0);
    Duration::from_secs_f64(seconds.max(0.0))
}

fn seed() -> u64 {
    std::env::var("OPENSPEC_FUZZ_SEED").ok().and_then(|value| value.parse().ok()).unwrap_or(0x0BE5_5EED_F0F0_1234)
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// Saved inputs of `target` (cargo-fuzz crashes and smoke-run failures, each a regression now).
fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = repo_root().join("fuzz/regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut found: Vec<(PathBuf, Vec<u8>)> =
        entries.flatten().filter_map(|entry| Some((entry.path(), std::fs::read(entry.path()).ok()?))).collect();
    found.sort();
    found
}

/// A target's body; unwind-safe because it shares nothing mutable with the runner.
type Body = dyn Fn(&[u8]) + std::panic::RefUnwindSafe;

/// Runs `body` on `input`; on a panic, saves the input and fails the test naming the file.
fn run_one(target: &str, body: &Body, input: &[u8]) {
    if std::panic::catch_unwind(|| body(input)).is_ok() {
        return;
    }
    let dir = repo_root().join("target/fuzz-smoke-failures").join(target);
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join(format!(
        "input-{:016x}",
        input
            .iter()
            .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| { (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3) })
    ));
    let _ = std::fs::write(&file, input);
    panic!(
        "fuzz target {target} failed on {} ({} bytes); once fixed, copy it to fuzz/regressions/{target}/",
        file.display(),
        input.len()
    );
}

/// Replays the target's regressions, then mutates `seeds` until the budget is spent.
fn smoke(target: &str, body: &Body, seeds: &[Vec<u8>]) {
    for (path, input) in regressions(target) {
        eprintln!("{target}: replaying {}", path.display());
        run_one(target, body, &input);
    }
    for input in seeds {
        run_one(target, body, input);
    }
    let mut rng = Rng(seed() | 1);
    let started = Instant::now();
    let mut runs = 0u64;
    while started.elapsed() < budget() && runs < 1_000_000 {
        let mut input = seeds.get(rng.below(seeds.len())).cloned().unwrap_or_default();
        mutate(&mut rng, &mut input, seeds);
        run_one(target, body, &input);
        runs += 1;
    }
    eprintln!("{target}: {runs} mutated inputs in {:.1?}", started.elapsed());
}

fn artifact_seeds(path: &str) -> Vec<Vec<u8>> {
    let mut seeds = vec![Vec::new()];
    if let Some(text) = fuzz_targets::demo_text(path) {
        seeds.push(text.as_bytes().to_vec());
    }
    // The other example files give the mutator foreign structure to splice in.
    seeds.extend(fuzz_targets::demo_texts().map(|text| text.as_bytes().to_vec()));
    seeds
}

fn artifact(target: &str) {
    let Some(&(name, path)) = fuzz_targets::ARTIFACT_TARGETS.iter().find(|(name, _)| *name == target) else {
        panic!("no artifact target {target}");
    };
    smoke(name, &|data| fuzz_targets::check_named_artifact(name, data), &artifact_seeds(path));
}

#[test]
fn main_spec() {
    artifact("main_spec");
}

#[test]
fn delta_spec() {
    artifact("delta_spec");
}

#[test]
fn proposal() {
    artifact("proposal");
}

#[test]
fn tasks() {
    artifact("tasks");
}

#[test]
fn design() {
    artifact("design");
}

#[test]
fn archived_delta_spec() {
    artifact("archived_delta_spec");
}

#[test]
fn config_yaml() {
    artifact("config_yaml");
}

#[test]
fn change_metadata_yaml() {
    artifact("change_metadata_yaml");
}

#[test]
fn schema_yaml() {
    artifact("schema_yaml");
}

#[test]
fn every_artifact_target_has_a_test() {
    let names: Vec<&str> = fuzz_targets::ARTIFACT_TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "main_spec",
            "delta_spec",
            "proposal",
            "tasks",
            "design",
            "archived_delta_spec",
            "config_yaml",
            "change_metadata_yaml",
            "schema_yaml"
        ]
    );
}

#[test]
fn workspace() {
    let seeds = fuzz_targets::ARTIFACT_TARGETS
        .iter()
        .enumerate()
        .map(|(idx, (_, path))| {
            let mut input = vec![u8::try_from(idx).unwrap_or(0)];
            input.extend_from_slice(fuzz_targets::demo_text(path).unwrap_or("").as_bytes());
            input
        })
        .collect::<Vec<_>>();
    let mut all = seeds.clone();
    all.push(seeds.join(&0x01));
    smoke("workspace", &fuzz_targets::check_workspace, &all);
}

fn text_seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = ["", "a\r\nb\rc\n", "日本😀x\r\n\r\n\rz", "\u{feff}## Purpose\n\0"]
        .iter()
        .map(|text| {
            let mut input = text.as_bytes().to_vec();
            input.push(0xFF);
            input.extend((0u8..48).map(|byte| byte.wrapping_mul(37)));
            input
        })
        .collect();
    seeds.extend(fuzz_targets::demo_texts().take(4).map(|text| {
        let mut input = text.as_bytes().to_vec();
        input.push(0xFF);
        input.extend((0u8..60).map(|byte| byte.wrapping_mul(91)));
        input
    }));
    seeds
}

#[test]
fn position_conversion() {
    smoke("position_conversion", &fuzz_targets::position_conversion, &text_seeds());
}

#[test]
fn incremental_edits() {
    smoke("incremental_edits", &fuzz_targets::incremental_edits, &text_seeds());
}
