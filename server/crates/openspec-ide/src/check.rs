//! The check pipeline: runs every rule over one root and turns findings into the CLI's item
//! verdicts. Pure: the same snapshot and config always give the same report.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, ItemId, Origin, Severity};
use crate::layout;
use crate::vfs::RootSnapshot;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckConfig {
    /// `--strict`: warnings make an item invalid too.
    pub strict: bool,
    /// `--all-rules`: this tool's own (`openspec-lsp`) findings count toward verdicts as well.
    pub all_rules: bool,
}

impl CheckConfig {
    /// Whether `diagnostic` counts toward its item's verdict: it has an item, and it comes from
    /// a rule `openspec validate` applies (or from any rule, with `all_rules`). Reports use this
    /// to tell counted findings from this tool's others.
    pub fn counts(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.item.is_some() && (diagnostic.origin == Origin::Openspec || self.all_rules)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemVerdict {
    pub item: ItemId,
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RootReport {
    /// Every main spec and every active change, specs first, each sorted by id.
    pub items: Vec<ItemVerdict>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs every rule over `root`, then applies the repository's severity policy
/// (`openspec-lsp.toml`, see `crate::policy`) to this tool's own findings.
pub fn check_root(root: &RootSnapshot, config: &CheckConfig) -> RootReport {
    check_root_with(root, config, Vec::new())
}

/// `check_root` with `external` findings added before the policy applies: those of rules that
/// read something besides the snapshot (the store rules, which read the machine's registry).
pub fn check_root_with(root: &RootSnapshot, config: &CheckConfig, external: Vec<Diagnostic>) -> RootReport {
    let mut diagnostics = Vec::new();
    crate::rules::run_all(root, &mut diagnostics);
    diagnostics.extend(external);
    apply_policy(root, &mut diagnostics);
    let items = verdicts(root, &diagnostics, config);
    RootReport { items, diagnostics }
}

/// The severity policy step of `check_root`, shared with `crate::incremental` and with the
/// findings of a root that is not checked itself (a `store:` pointer's).
pub fn apply_policy(root: &RootSnapshot, diagnostics: &mut Vec<Diagnostic>) {
    let (policy, policy_findings) = crate::policy::Policy::read(root);
    policy.apply(diagnostics);
    diagnostics.extend(policy_findings);
}

/// The CLI's verdict rule: an item is valid with no error (with `strict`, no error and no
/// warning) among the findings that count toward it.
pub fn verdicts(root: &RootSnapshot, diagnostics: &[Diagnostic], config: &CheckConfig) -> Vec<ItemVerdict> {
    let specs = layout::main_specs(root).into_iter().map(|spec| ItemId::spec(spec.id));
    let changes = layout::active_changes(root).into_iter().map(ItemId::change);
    // Counted once per item up front: (errors, warnings, infos).
    let mut counts: HashMap<&ItemId, (usize, usize, usize)> = HashMap::new();
    for diagnostic in diagnostics {
        let Some(item) = diagnostic.item.as_ref().filter(|_| config.counts(diagnostic)) else {
            continue;
        };
        let count = counts.entry(item).or_default();
        match diagnostic.severity {
            Severity::Error => count.0 += 1,
            Severity::Warning => count.1 += 1,
            Severity::Info | Severity::Hint => count.2 += 1,
        }
    }
    specs
        .chain(changes)
        .map(|item| {
            let (errors, warnings, infos) = counts.get(&item).copied().unwrap_or_default();
            let valid = errors == 0 && (!config.strict || warnings == 0);
            ItemVerdict { item, valid, errors, warnings, infos }
        })
        .collect()
}
