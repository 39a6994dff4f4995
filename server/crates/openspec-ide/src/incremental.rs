//! Incremental checking: `check_root`'s findings for a root that changes a file at a time,
//! re-running only the rule units whose inputs changed. For the server, where one keystroke
//! must not re-check a workspace of thousands of files. Pure like the rest of the crate: it is
//! handed snapshots and never reads anything itself.
//!
//! A full check is the concatenation of every unit's findings in plan order (`rules::plan`);
//! this keeps each unit's findings and, when a file's text changes, re-runs the units that read
//! it: its Markdown and main-spec units, the units of the change it belongs to, the delta and
//! archive units of changes with a delta against a main spec it is, and the archive units of
//! changes sharing a capability with a delta spec it is. Anything else (a file created or
//! deleted, the config, schemas, files outside `specs/` and `changes/`) re-checks everything.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::check::{self, CheckConfig, RootReport};
use crate::diagnostic::Diagnostic;
use crate::layout::{CHANGES_DIR, SPECS_DIR};
use crate::rules::{self, Layout, Unit};
use crate::vfs::{Entry, FileContent, RootSnapshot};

/// Which files of the new snapshot may differ from the previous one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changed {
    /// Anything may have changed (a reload from disk): re-check everything.
    Everything,
    /// Only these paths can differ; each is compared with the previous snapshot, and one that
    /// did not change costs nothing.
    Paths(BTreeSet<String>),
}

/// What an `update` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckUpdate {
    /// Paths whose findings changed (added, removed, moved or reworded).
    pub changed_paths: BTreeSet<String>,
    /// The files whose text changed, when nothing else did (so an index can be updated a file
    /// at a time too); `None` when everything was re-checked.
    pub edited: Option<Vec<String>>,
}

/// One root's findings, kept up to date across snapshots.
#[derive(Debug)]
pub struct IncrementalCheck {
    root: RootSnapshot,
    layout: Layout,
    plan: Vec<Unit>,
    unit_index: HashMap<Unit, usize>,
    /// Each plan unit's findings, before the severity policy.
    findings: Vec<Vec<Diagnostic>>,
    /// Findings of rules that read beyond the snapshot (`set_external`), before the policy.
    external: Vec<Diagnostic>,
    /// What `check_root` reports: every unit's findings in plan order, policy applied.
    diagnostics: Vec<Diagnostic>,
    /// `diagnostics` by file, as indices into it.
    by_path: BTreeMap<String, Vec<usize>>,
    /// How many units the last `update` ran (for tests and benchmarks).
    last_units_run: usize,
}

impl IncrementalCheck {
    /// Checks `root` in full.
    pub fn new(root: RootSnapshot) -> IncrementalCheck {
        let mut check = IncrementalCheck {
            root,
            layout: Layout::default(),
            plan: Vec::new(),
            unit_index: HashMap::new(),
            findings: Vec::new(),
            external: Vec::new(),
            diagnostics: Vec::new(),
            by_path: BTreeMap::new(),
            last_units_run: 0,
        };
        check.check_everything();
        check
    }

    pub fn snapshot(&self) -> &RootSnapshot {
        &self.root
    }

    /// The findings `check_root` gives for the current snapshot, in the same order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The findings on `path` (their `path` field), in report order.
    pub fn diagnostics_on<'s>(&'s self, path: &str) -> impl Iterator<Item = &'s Diagnostic> + 's {
        self.by_path.get(path).into_iter().flatten().filter_map(|&idx| self.diagnostics.get(idx))
    }

    /// Paths that have at least one finding.
    pub fn paths_with_findings(&self) -> impl Iterator<Item = &str> {
        self.by_path.keys().map(String::as_str)
    }

    /// What `check_root(snapshot, config)` returns.
    pub fn report(&self, config: &CheckConfig) -> RootReport {
        let items = check::verdicts(&self.root, &self.diagnostics, config);
        RootReport { items, diagnostics: self.diagnostics.clone() }
    }

    pub fn last_units_run(&self) -> usize {
        self.last_units_run
    }

    /// Moves to `root`, re-checking what `changed` may have touched.
    pub fn update(&mut self, root: RootSnapshot, changed: &Changed) -> CheckUpdate {
        let edited = match changed {
            Changed::Everything => None,
            Changed::Paths(paths) => text_changes(&self.root, &root, paths),
        };
        let before = std::mem::take(&mut self.by_path);
        let old_diagnostics = std::mem::take(&mut self.diagnostics);
        self.root = root;
        match &edited {
            None => self.check_everything(),
            Some(edited) => self.check_units(&self.dirty_units(edited)),
        }
        CheckUpdate {
            changed_paths: changed_paths(&before, &old_diagnostics, &self.by_path, &self.diagnostics),
            edited,
        }
    }

    /// Replaces the findings made outside the snapshot's rules (the store rules, which read
    /// the machine's registry: see `check::check_root_with`), and returns the paths whose
    /// findings changed with them.
    pub fn set_external(&mut self, external: Vec<Diagnostic>) -> BTreeSet<String> {
        if external == self.external {
            return BTreeSet::new();
        }
        let before = std::mem::take(&mut self.by_path);
        let old_diagnostics = std::mem::take(&mut self.diagnostics);
        self.external = external;
        self.assemble();
        changed_paths(&before, &old_diagnostics, &self.by_path, &self.diagnostics)
    }

    /// Every unit that reads one of `edited` (paths below `specs/` or `changes/` whose text
    /// changed), plus the root-wide units, in plan order.
    fn dirty_units(&self, edited: &[String]) -> Vec<usize> {
        let layout = &self.layout;
        let mut dirty: BTreeSet<usize> = BTreeSet::new();
        let mut mark = |unit: Unit| {
            if let Some(&idx) = self.unit_index.get(&unit) {
                dirty.insert(idx);
            }
        };
        for path in edited {
            mark(Unit::Markdown(path.clone()));
            mark(Unit::File(path.clone()));
            if let Some(spec) = layout.main_specs.iter().find(|spec| spec.path == *path) {
                mark(Unit::Spec(spec.id.clone()));
                mark(Unit::ReviewSpec(spec.id.clone()));
                for change_id in layout.changes_by_capability.get(&spec.id).into_iter().flatten() {
                    mark(Unit::Delta(change_id.clone()));
                    mark(Unit::Archive(change_id.clone()));
                    mark(Unit::Review(change_id.clone()));
                }
            }
            let change_id = path
                .strip_prefix(CHANGES_DIR)
                .and_then(|rest| rest.strip_prefix('/'))
                .and_then(|rest| rest.split_once('/'))
                .map(|(change_id, _)| change_id)
                .and_then(|change_id| layout.change_id(change_id));
            let Some(change_id) = change_id else { continue };
            for unit in [Unit::Proposal, Unit::Change, Unit::Tasks, Unit::Metadata, Unit::Delta, Unit::Review] {
                mark(unit(change_id.to_owned()));
            }
            for sharing in layout.changes_sharing_capabilities(change_id) {
                mark(Unit::Archive(sharing.to_owned()));
                mark(Unit::Concurrent(sharing.to_owned()));
            }
        }
        // The root-wide units (config, schemas, legacy files) read nothing below `specs/` or
        // `changes/` (only the config, `schemas/`, `project.md`, `AGENTS.md` and files outside
        // `openspec/`), so text edits there leave them as they are. A rule that starts reading
        // those folders from a root-wide unit must be added to the marks above.
        dirty.into_iter().collect()
    }

    fn check_everything(&mut self) {
        self.layout = Layout::read(&self.root);
        self.plan = rules::plan(&self.layout, &self.root);
        self.unit_index = self.plan.iter().cloned().enumerate().map(|(idx, unit)| (unit, idx)).collect();
        self.findings = vec![Vec::new(); self.plan.len()];
        let all: Vec<usize> = (0..self.plan.len()).collect();
        self.check_units(&all);
    }

    /// Re-runs the units at `indices` (plan order) and reassembles the report.
    fn check_units(&mut self, indices: &[usize]) {
        let units: Vec<Unit> = indices.iter().filter_map(|&idx| self.plan.get(idx).cloned()).collect();
        let unit_index = &self.unit_index;
        let findings = &self.findings;
        let known_delta_findings = |change_id: &str| {
            let idx = unit_index.get(&Unit::Delta(change_id.to_owned()))?;
            findings.get(*idx).cloned()
        };
        let results = rules::run_units(&self.root, &self.layout, &units, &known_delta_findings);
        for (&idx, found) in indices.iter().zip(results) {
            if let Some(slot) = self.findings.get_mut(idx) {
                *slot = found;
            }
        }
        self.last_units_run = units.len();
        self.assemble();
    }

    /// The report from the units' findings and the external ones, policy applied.
    fn assemble(&mut self) {
        let mut diagnostics: Vec<Diagnostic> = self.findings.iter().flatten().chain(&self.external).cloned().collect();
        check::apply_policy(&self.root, &mut diagnostics);
        let mut by_path: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (idx, diagnostic) in diagnostics.iter().enumerate() {
            by_path.entry(diagnostic.path.clone()).or_default().push(idx);
        }
        self.diagnostics = diagnostics;
        self.by_path = by_path;
    }
}

/// The paths of `candidates` whose text differs between `old` and `new`, when nothing else
/// does; `None` when some candidate changed in a way only a full check handles (created,
/// deleted, changed kind, became unreadable or lossily decoded) or lies outside `specs/` and
/// `changes/`, where a text change can affect any rule. Paths outside `candidates` are assumed
/// equal.
pub fn text_changes(old: &RootSnapshot, new: &RootSnapshot, candidates: &BTreeSet<String>) -> Option<Vec<String>> {
    let mut edited = Vec::new();
    for path in candidates {
        match (old.get(path), new.get(path)) {
            (
                Some(Entry::File {
                    content: FileContent::Text { text: before, lossy: lossy_before },
                    symlink: link_before,
                }),
                Some(Entry::File {
                    content: FileContent::Text { text: after, lossy: lossy_after },
                    symlink: link_after,
                }),
            ) if lossy_before == lossy_after && link_before == link_after => {
                if std::sync::Arc::ptr_eq(before, after) || before == after {
                    continue;
                }
                let under = |dir: &str| path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'));
                if !under(SPECS_DIR) && !under(CHANGES_DIR) {
                    return None;
                }
                edited.push(path.clone());
            }
            (before, after) if before == after => {}
            _ => return None,
        }
    }
    Some(edited)
}

/// Paths whose list of findings differs between two reports.
fn changed_paths(
    before: &BTreeMap<String, Vec<usize>>,
    old: &[Diagnostic],
    after: &BTreeMap<String, Vec<usize>>,
    new: &[Diagnostic],
) -> BTreeSet<String> {
    fn findings<'i>(index: &'i BTreeMap<String, Vec<usize>>, path: &str) -> &'i [usize] {
        index.get(path).map_or(&[][..], Vec::as_slice)
    }
    before
        .keys()
        .chain(after.keys())
        .filter(|path| {
            let (was, is) = (findings(before, path), findings(after, path));
            was.len() != is.len() || was.iter().zip(is).any(|(&a, &b)| old.get(a) != new.get(b))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{Changed, IncrementalCheck};
    use crate::check::{CheckConfig, check_root};
    use crate::index::WorkspaceIndex;
    use crate::vfs::RootSnapshot;

    /// A small deterministic generator, so a failing sequence can be replayed.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
        }
    }

    const BASE: &str = "# Auth\n\n## Purpose\nSign-in keeps every account safe for the people who use the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: ok\n- **WHEN** x\n- **THEN** y\n\n### Requirement: Logout\nThe system SHALL log out.\n\n#### Scenario: bye\n- **WHEN** x\n- **THEN** y\n";
    const DELTA: &str = "## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL log in fast.\n\n#### Scenario: ok\n- **WHEN** x\n- **THEN** y\n\n## ADDED Requirements\n### Requirement: Mfa\nThe system MUST ask twice.\n\n#### Scenario: two\n- **WHEN** x\n- **THEN** y\n";
    const PROPOSAL: &str = "## Why\nPeople keep losing access to their accounts and support cannot keep up.\n\n## What Changes\n- Faster login\n\n## Capabilities\n### Modified Capabilities\n- `auth`: faster\n";
    const TASKS: &str = "## 1. Work\n- [ ] 1.1 Build it\n- [x] 1.2 Test it\n";

    /// Lines that switch rules on and off when inserted or removed.
    const LINES: &[&str] = &[
        "### Requirement: Login",
        "### Requirement: Logout",
        "### Requirement: Mfa",
        "## MODIFIED Requirements",
        "## ADDED Requirements",
        "## REMOVED Requirements",
        "## RENAMED Requirements",
        "- FROM: `### Requirement: Logout`",
        "- TO: `### Requirement: Sign out`",
        "#### Scenario: ok",
        "- **WHEN** a thing happens",
        "The system SHALL do it.",
        "Plain words without the keyword.",
        "## Purpose",
        "## Requirements",
        "## Why",
        "<!--",
        "-->",
        "   ### Requirement: Hidden",
        "    ```",
        "```",
        "- [ ] 1.1 Again",
        "- [ ] 3.1 Misplaced",
        "## 2. More",
        "",
    ];

    fn workspace() -> RootSnapshot {
        RootSnapshot::from_texts([
            ("openspec/specs/auth/spec.md", BASE),
            ("openspec/specs/billing/spec.md", &BASE.replace("# Auth", "# Billing")),
            ("openspec/changes/a/proposal.md", PROPOSAL),
            ("openspec/changes/a/tasks.md", TASKS),
            ("openspec/changes/a/specs/auth/spec.md", DELTA),
            ("openspec/changes/b/proposal.md", PROPOSAL),
            ("openspec/changes/b/tasks.md", TASKS),
            ("openspec/changes/b/specs/auth/spec.md", DELTA),
            ("openspec/changes/b/specs/billing/spec.md", DELTA),
            ("openspec/changes/c/proposal.md", PROPOSAL),
            ("openspec/changes/c/specs/billing/spec.md", DELTA),
            ("openspec/changes/c/.openspec.yaml", "schema: spec-driven\ncreated: 2025-01-01\n"),
            ("openspec/changes/archive/2024-01-01-old/specs/auth/spec.md", DELTA),
            ("openspec/config.yaml", "schema: spec-driven\n"),
        ])
    }

    /// Inserts, deletes or replaces a line of one file; now and then creates or deletes a file.
    fn random_edit(rng: &mut Rng, root: &mut RootSnapshot) -> String {
        let files: Vec<String> = root.entries.keys().filter(|path| root.text(path).is_some()).cloned().collect();
        if rng.below(20) == 0 {
            let path = format!("openspec/changes/{}/specs/auth/spec.md", ["a", "b", "c", "d"][rng.below(4)]);
            if root.text(&path).is_some() {
                root.entries.remove(&path);
            } else {
                root.insert_file(&path, DELTA);
            }
            return path;
        }
        let path = files[rng.below(files.len())].clone();
        let text = root.text(&path).unwrap_or_default().to_owned();
        let mut lines: Vec<&str> = text.split('\n').collect();
        let at = rng.below(lines.len() + 1);
        match rng.below(3) {
            0 => lines.insert(at.min(lines.len()), LINES[rng.below(LINES.len())]),
            1 if !lines.is_empty() => {
                lines.remove(at.min(lines.len() - 1));
            }
            _ => {
                let replaced = at.min(lines.len().saturating_sub(1));
                if let Some(line) = lines.get_mut(replaced) {
                    *line = LINES[rng.below(LINES.len())];
                }
            }
        }
        root.insert_file(&path, &lines.join("\n"));
        path
    }

    #[test]
    fn incremental_results_equal_a_full_check_after_random_edits() {
        for seed in 1..=8_u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut root = workspace();
            let mut check = IncrementalCheck::new(root.clone());
            let mut index = WorkspaceIndex::build(&root);
            let mut previous = check_root(&root, &CheckConfig::default()).diagnostics;
            assert_eq!(check.diagnostics(), previous.as_slice());
            for step in 0..80 {
                let path = random_edit(&mut rng, &mut root);
                let update = check.update(root.clone(), &Changed::Paths(BTreeSet::from([path.clone()])));
                let changed = update.changed_paths;
                let full = check_root(&root, &CheckConfig::default()).diagnostics;
                assert_eq!(check.diagnostics(), full.as_slice(), "seed {seed}, step {step}, edit of {path}");
                index = match &update.edited {
                    Some(edited) => index.updated(&root, edited),
                    None => WorkspaceIndex::build(&root),
                };
                assert!(index == WorkspaceIndex::build(&root), "index, seed {seed}, step {step}, edit of {path}");
                // Every file whose findings changed is reported as changed.
                let paths: BTreeSet<&str> =
                    previous.iter().chain(&full).map(|diagnostic| diagnostic.path.as_str()).collect();
                for path in paths {
                    let was: Vec<_> = previous.iter().filter(|d| d.path == path).collect();
                    let is: Vec<_> = full.iter().filter(|d| d.path == path).collect();
                    assert!(was == is || changed.contains(path), "seed {seed}, step {step}: {path} not reported");
                }
                previous = full;
            }
        }
    }

    #[test]
    fn a_text_edit_reruns_only_the_units_that_read_the_file() {
        let mut root = workspace();
        let mut check = IncrementalCheck::new(root.clone());
        let all = check.last_units_run();
        root.insert_file("openspec/specs/billing/spec.md", &BASE.replace("log in", "sign in"));
        check.update(root.clone(), &Changed::Paths(BTreeSet::from(["openspec/specs/billing/spec.md".to_owned()])));
        // Markdown + spec + the delta and archive units of the two changes with billing deltas.
        assert_eq!(check.last_units_run(), 2 + 2 * 2, "of {all}");
        check.update(root.clone(), &Changed::Paths(BTreeSet::from(["openspec/specs/billing/spec.md".to_owned()])));
        assert_eq!(check.last_units_run(), 0, "an unchanged candidate costs nothing");
    }
}
