//! In-process benchmarks (divan): `check_root`, the index build, the tree-sitter-md parse of the
//! same bytes, and one keystroke's incremental re-check, on a generated workspace (scale from
//! `OPENSPEC_BENCH_SCALE`, default 0.1 = 1,000 requirements) written to a temporary folder.
//! `cargo bench -p openspec-bench`; the published figures come from `scripts/bench`.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use openspec_bench::generate::{HOT_SPEC, LONE_SPEC, WorkspaceSize, generate};
use openspec_ide::index::WorkspaceIndex;
use openspec_ide::{Changed, CheckConfig, IncrementalCheck, RootSnapshot, check_root};

fn main() {
    divan::main();
}

/// The workspace every benchmark reads, generated once.
static WORKSPACE: LazyLock<RootSnapshot> = LazyLock::new(|| {
    let scale = std::env::var("OPENSPEC_BENCH_SCALE").ok().and_then(|value| value.parse().ok()).unwrap_or(0.1);
    let dir = tempfile::tempdir().expect("temporary folder");
    generate(dir.path(), WorkspaceSize::scaled(scale), 1).expect("generate the workspace");
    openspec_bench::load::load(dir.path()).expect("load the workspace")
});

#[divan::bench]
fn check(bencher: divan::Bencher<'_, '_>) {
    let root = &*WORKSPACE;
    bencher.bench(|| check_root(root, &CheckConfig::default()).diagnostics.len());
}

#[divan::bench]
fn index(bencher: divan::Bencher<'_, '_>) {
    let root = &*WORKSPACE;
    bencher.bench(|| WorkspaceIndex::build(root).specs.len());
}

#[divan::bench]
fn parse_only(bencher: divan::Bencher<'_, '_>) {
    let texts = openspec_bench::load::texts(&WORKSPACE);
    bencher.bench(|| texts.iter().filter_map(|(_, text)| openspec_syntax::markdown::parse(text, None)).count());
}

/// One character typed into (and removed from) a big spec, re-checked incrementally.
#[divan::bench(args = [LONE_SPEC, HOT_SPEC])]
fn keystroke(bencher: divan::Bencher<'_, '_>, spec: &str) {
    let path = format!("openspec/specs/{spec}/spec.md");
    let original = WORKSPACE.text(&path).expect("big spec").to_owned();
    let at = original.len() / 2;
    let at = (at..original.len())
        .find(|&idx| original.is_char_boundary(idx) && original[..idx].ends_with('\n'))
        .unwrap_or(0);
    let edited = format!("{}x{}", &original[..at], &original[at..]);
    let mut check = IncrementalCheck::new(WORKSPACE.clone());
    let candidates = Changed::Paths(BTreeSet::from([path.clone()]));
    let mut flip = false;
    bencher.bench_local(|| {
        flip = !flip;
        let mut root = WORKSPACE.clone();
        root.insert_file(&path, if flip { &edited } else { &original });
        check.update(root, &candidates).changed_paths.len()
    });
}
