//! `archive_readiness`: the proposal code lens's and `check --archive-ready`'s answer
//! (`openspec_ide::readiness`) with every finding behind it located.

use rmcp::ErrorData;
use serde::Serialize;

use super::fixes::fix_titles;
use crate::mcp::answer::{Finding, Location};
use crate::mcp::params::ArchiveReadinessParams;
use crate::mcp::workspace::Loaded;

#[derive(Debug, Serialize)]
pub struct ReadinessAnswer {
    pub change: String,
    pub ready: bool,
    /// `ready to archive`, or `not ready to archive: 1 validation error, 2 open tasks`.
    pub title: String,
    /// Errors `openspec validate` reports for the change.
    pub validation_errors: Vec<Finding>,
    pub open_tasks: usize,
    /// The tasks file, when the change has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Location>,
    /// What `openspec archive` would refuse.
    pub archive_problems: Vec<Finding>,
    /// Worth a look before archiving (another active change edits the same requirement).
    pub archive_warnings: Vec<Finding>,
}

pub fn archive_readiness(loaded: &Loaded, params: &ArchiveReadinessParams) -> Result<ReadinessAnswer, ErrorData> {
    let (root, analysis) = loaded.change_root(&params.change)?;
    let readiness = openspec_ide::readiness::archive_readiness(
        &analysis.root,
        &analysis.index,
        &params.change,
        &root.report.diagnostics,
    )
    .ok_or_else(|| ErrorData::internal_error("the change vanished while loading", None))?;
    // Everything here is what the answer rests on, so all of it counts.
    let findings = |diagnostics: &[openspec_ide::Diagnostic]| {
        diagnostics
            .iter()
            .map(|diagnostic| Finding::new(root, diagnostic, true, fix_titles(analysis, diagnostic)))
            .collect()
    };
    Ok(ReadinessAnswer {
        change: readiness.change.clone(),
        ready: readiness.is_ready(),
        title: readiness.title(),
        validation_errors: findings(&readiness.validation_errors),
        open_tasks: readiness.open_tasks,
        tasks: readiness
            .tasks_path
            .as_deref()
            .map(|path| Location::new(root, path, openspec_syntax::TextRange::empty(0))),
        archive_problems: findings(&readiness.refusals),
        archive_warnings: findings(&readiness.cautions),
    })
}
