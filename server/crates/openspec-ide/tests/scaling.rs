//! Guards for the paths that were quadratic once: 4x the input must cost about 4x the time,
//! not 16x. Each case times the fastest of five runs at 1x and at 4x and allows 10x (room for
//! noise on a loaded machine, still far below the 16x a quadratic path takes). The cases take
//! turns (`ONE_AT_A_TIME`): run side by side they would time each other.
//!
//! * `check_root` over a main spec of many requirements that many active changes modify: the
//!   archive dry run's name -> block map (once a list searched per insert), the concurrent-change
//!   comparison (once every edited requirement against every other), and the verdicts (once
//!   every finding counted per item; every change here has findings).
//! * The index build and workspace symbols over many names (the name index: one sort, then
//!   lookups that touch only candidates).
//! * The archive dry run of a delta whose every ADDED entry is a near miss of a base
//!   requirement (`fold_match`: once every name of the base folded per entry).

use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use openspec_ide::archive::{ArchiveProblemKind, ArchiveRequest, simulate};
use openspec_ide::index::WorkspaceIndex;
use openspec_ide::{Analysis, CheckConfig, RootSnapshot, check_root};

/// A main spec of `n` requirements and `n / 4` active changes, each modifying a different
/// requirement of it, each with a proposal lacking `## Why` (a finding per change). (Changes
/// that all modify one requirement conflict pairwise: their findings alone grow quadratically.)
fn workspace(n: usize) -> RootSnapshot {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut spec = String::from(
        "# auth Specification\n\n## Purpose\nSign-in keeps accounts safe for everyone using the product.\n\n## Requirements\n",
    );
    for idx in 0..n {
        let _ = write!(
            spec,
            "### Requirement: Rule {idx}\nThe system SHALL apply rule {idx}.\n\n#### Scenario: Applied\n- **WHEN** rule {idx} applies\n- **THEN** it holds\n\n"
        );
    }
    files.push(("openspec/specs/auth/spec.md".to_owned(), spec));
    for change in 0..n / 4 {
        let dir = format!("openspec/changes/change-{change:05}");
        files.push((format!("{dir}/proposal.md"), "## What Changes\n- A rule changes.\n".to_owned()));
        let mut delta = String::from("## MODIFIED Requirements\n");
        for target in [change * 4, change * 4 + 1] {
            let _ = write!(
                delta,
                "### Requirement: Rule {target}\nThe system SHALL apply rule {target} differently.\n\n#### Scenario: Applied\n- **WHEN** rule {target} applies\n- **THEN** it holds\n\n"
            );
        }
        files.push((format!("{dir}/specs/auth/spec.md"), delta));
    }
    RootSnapshot::from_texts(files.iter().map(|(path, text)| (path.as_str(), text.as_str())))
}

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn take_turn() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The fastest of five runs of `run`, in seconds.
fn fastest(mut run: impl FnMut()) -> f64 {
    (0..5)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn assert_linear(what: &str, small: f64, large: f64) {
    eprintln!("{what}: 1x {small:.3} s, 4x {large:.3} s ({:.1}x)", large / small);
    assert!(
        large < small * 10.0 + 0.05,
        "{what}: 4x the input took {:.1}x the time ({small:.3} s -> {large:.3} s)",
        large / small
    );
}

#[test]
fn checking_many_changes_of_one_big_spec_stays_linear() {
    let _turn = take_turn();
    let (small, large) = (workspace(100), workspace(400));
    let findings = |root: &RootSnapshot| check_root(root, &CheckConfig::default()).diagnostics.len();
    // Every change has findings: the verdicts have work to do.
    assert!(findings(&small) >= 25);
    assert_linear(
        "check_root",
        fastest(|| {
            std::hint::black_box(findings(&small));
        }),
        fastest(|| {
            std::hint::black_box(findings(&large));
        }),
    );
}

#[test]
fn indexing_and_workspace_symbols_stay_linear() {
    let _turn = take_turn();
    let (small, large) = (workspace(500), workspace(2000));
    let time = |root: &RootSnapshot| {
        let root = std::sync::Arc::new(root.clone());
        fastest(|| {
            let analysis = Analysis { root: root.clone(), index: std::sync::Arc::new(WorkspaceIndex::build(&root)) };
            for query in ["rule", "rule 1", "ru1", "applied", "zzz", "x", ""] {
                std::hint::black_box(analysis.workspace_symbols(query));
            }
        })
    };
    assert_linear("index + workspace symbols", time(&small), time(&large));
}

/// A main spec of `n` requirements and a delta adding each again in upper case: every ADDED
/// entry is a near-miss lookup, the shape that made the dry run quadratic.
fn near_miss_case(n: usize) -> (String, String) {
    let mut base = String::from("## Purpose\nNear misses, at scale, for the linear-time guard.\n\n## Requirements\n");
    let mut delta = String::from("## ADDED Requirements\n");
    for idx in 0..n {
        let _ =
            write!(base, "### Requirement: Rule number {idx}\nThe system SHALL {idx}.\n\n#### Scenario: s\n- x\n\n");
        let _ =
            write!(delta, "### Requirement: RULE NUMBER {idx}\nThe system SHALL {idx}.\n\n#### Scenario: s\n- x\n\n");
    }
    (base, delta)
}

#[test]
fn near_miss_lookups_in_an_archive_dry_run_stay_linear() {
    let _turn = take_turn();
    let time = |n: usize| {
        let (base, delta) = near_miss_case(n);
        let request = ArchiveRequest {
            capability: "auth",
            change: "c",
            delta_text: &delta,
            base_text: Some(&base),
            base_path: "openspec/specs/auth/spec.md",
        };
        fastest(|| {
            let simulation = simulate(&request);
            assert_eq!(simulation.problems.len(), n);
            assert!(simulation.problems.iter().all(|problem| problem.kind == ArchiveProblemKind::AddedNearMiss));
        })
    };
    assert_linear("near-miss dry runs, 800 entries", time(800), time(3200));
}
