//! Per-keystroke costs of an edited main spec in-process, without the tree-sitter reparse:
//! `WorkspaceIndex::updated` and `IncrementalCheck::update` for a character typed and deleted
//! in a requirement body in the middle of the spec, the spec alone in a workspace.
//!
//! `cargo run --release -p openspec-bench --example spec_keystroke -- SPEC.md [KEYSTROKES]`

use std::collections::BTreeSet;
use std::time::Instant;

use anyhow::Context;
use openspec_bench::stats::Summary;
use openspec_ide::index::WorkspaceIndex;
use openspec_ide::{Changed, IncrementalCheck, RootSnapshot};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let file = args.next().context("usage: spec_keystroke SPEC.md [KEYSTROKES]")?;
    let keystrokes: usize = args.next().map_or(Ok(200), |n| n.parse())?;
    let path = "openspec/specs/probe/spec.md";
    let mut text = std::fs::read_to_string(&file)?;
    let middle = text.len() / 2;
    let at = text[middle..].find("\nThe ").map(|found| middle + found + "\nThe ".len()).context("a body line")?;
    let mut root = RootSnapshot::from_texts([(path, text.as_str())]);
    let mut index = WorkspaceIndex::build(&root);
    let mut check = IncrementalCheck::new(root.clone());
    let candidates = Changed::Paths(BTreeSet::from([path.to_owned()]));
    let (mut index_times, mut check_times) = (Vec::new(), Vec::new());
    for keystroke in 0..keystrokes {
        if keystroke % 2 == 0 {
            text.insert(at, 'x');
        } else {
            text.remove(at);
        }
        root.insert_file(path, &text);
        let started = Instant::now();
        index = index.updated(&root, &[path.to_owned()]);
        index_times.push(started.elapsed());
        let started = Instant::now();
        check.update(root.clone(), &candidates);
        check_times.push(started.elapsed());
    }
    println!("index update: {}", Summary::of(&index_times).to_json());
    println!("check update: {}", Summary::of(&check_times).to_json());
    println!("block re-checks in the last update: {}", check.last_block_rechecks());
    Ok(())
}
