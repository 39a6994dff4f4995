//! Archive readiness, one answer for the proposal's code lens and `check --archive-ready`: an
//! active change is ready when `openspec validate` finds no error in it, every task is checked,
//! and `openspec archive` would not refuse any of its deltas. Another active change editing the
//! same requirement is a caution, not a blocker (archive does not refuse it). Pure: reads the
//! index and the findings `check_root` gave for the same snapshot.

use openspec_syntax::TextRange;

use crate::analysis::FileRange;
use crate::diagnostic::{Diagnostic, ItemId, Origin, Severity};
use crate::index::WorkspaceIndex;

/// The CLI's own note that archive would refuse a delta (an info, so never a CLI error).
const CLI_ARCHIVE_REFUSAL_CODE: &str = "delta/archive-would-refuse";
/// This tool's archive dry run (`rules/archive`); all its codes are refusals but this one.
const ARCHIVE_CODE_PREFIX: &str = "archive/";
const CONCURRENT_CHANGE_CODE: &str = "archive/concurrent-change";

/// Whether findings of `code` say what `openspec archive` would refuse. The policy must not
/// change them: readiness is made of them.
pub fn is_archive_refusal(code: &str) -> bool {
    code == CLI_ARCHIVE_REFUSAL_CODE || (code.starts_with(ARCHIVE_CODE_PREFIX) && code != CONCURRENT_CHANGE_CODE)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Readiness {
    pub change: String,
    /// Errors `openspec validate` reports for the change.
    pub validation_errors: Vec<Diagnostic>,
    /// Unchecked tasks, and the tasks file they are in.
    pub open_tasks: usize,
    pub tasks_path: Option<String>,
    /// What `openspec archive` would refuse.
    pub refusals: Vec<Diagnostic>,
    /// Worth a look before archiving, but no blocker.
    pub cautions: Vec<Diagnostic>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.validation_errors.is_empty() && self.open_tasks == 0 && self.refusals.is_empty()
    }

    /// `ready to archive`, `ready to archive (1 archive warning)` or `not ready to archive: 1
    /// validation error, 2 open tasks`.
    pub fn title(&self) -> String {
        let mut blockers = Vec::new();
        if !self.validation_errors.is_empty() {
            blockers.push(count(self.validation_errors.len(), "validation error"));
        }
        if self.open_tasks > 0 {
            blockers.push(count(self.open_tasks, "open task"));
        }
        if !self.refusals.is_empty() {
            blockers.push(count(self.refusals.len(), "archive problem"));
        }
        let cautions = (!self.cautions.is_empty()).then(|| count(self.cautions.len(), "archive warning"));
        match (blockers.is_empty(), cautions) {
            (true, None) => "ready to archive".to_owned(),
            (true, Some(cautions)) => format!("ready to archive ({cautions})"),
            (false, None) => format!("not ready to archive: {}", blockers.join(", ")),
            (false, Some(cautions)) => format!("not ready to archive: {}; {cautions}", blockers.join(", ")),
        }
    }

    /// Every place behind the answer: errors, refusals, cautions, then the tasks file.
    pub fn locations(&self) -> Vec<FileRange> {
        let mut locations: Vec<FileRange> = self
            .validation_errors
            .iter()
            .chain(&self.refusals)
            .chain(&self.cautions)
            .map(|diagnostic| FileRange { path: diagnostic.path.clone(), range: diagnostic.range })
            .collect();
        if self.open_tasks > 0
            && let Some(path) = &self.tasks_path
        {
            locations.push(FileRange { path: path.clone(), range: TextRange::empty(0) });
        }
        locations.dedup();
        locations
    }
}

/// The readiness of active change `change_id`; `None` when there is no such active change.
pub fn archive_readiness(index: &WorkspaceIndex, change_id: &str, diagnostics: &[Diagnostic]) -> Option<Readiness> {
    let change = index.active_change(change_id)?;
    let item = ItemId::change(change.id.clone());
    let for_change = diagnostics.iter().filter(|diagnostic| diagnostic.item.as_ref() == Some(&item));
    let validation_errors = for_change
        .clone()
        .filter(|diagnostic| diagnostic.origin == Origin::Openspec && diagnostic.severity == Severity::Error)
        .cloned()
        .collect();
    let refusals = for_change.clone().filter(|diagnostic| is_archive_refusal(diagnostic.code)).cloned().collect();
    let cautions = for_change.filter(|diagnostic| diagnostic.code == CONCURRENT_CHANGE_CODE).cloned().collect();
    let (open_tasks, tasks_path) = match &change.tasks {
        Some((path, progress)) => (progress.total.saturating_sub(progress.done), Some(path.clone())),
        None => (0, None),
    };
    Some(Readiness { change: change.id.clone(), validation_errors, open_tasks, tasks_path, refusals, cautions })
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    use super::is_archive_refusal;

    #[test]
    fn refusal_codes() {
        assert!(is_archive_refusal("archive/target-missing"));
        assert!(is_archive_refusal("delta/archive-would-refuse"));
        assert!(!is_archive_refusal("archive/concurrent-change"));
        assert!(!is_archive_refusal("delta/missing-scenario"));
    }
}
