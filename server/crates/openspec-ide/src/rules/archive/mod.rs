//! This tool's own checks on what `openspec archive` would refuse, on the exact delta entry,
//! and on active changes that edit the same requirement. Findings are `openspec-lsp` and never
//! change a CLI verdict. Reads delta and main specs; runs the archive dry run per delta spec.

mod concurrent_change;
mod main_spec_invalid;
mod name_in_two_sections;
mod no_main_spec;
mod target_exists;
mod target_missing;

use openspec_syntax::requirement_text::normalize_requirement_name;

use crate::archive::{ArchiveProblem, ArchiveRequest, ArchiveSimulation, simulate_problems};
use crate::diagnostic::Diagnostic;
use crate::layout;
use crate::rules::Pass;
use crate::rules::delta::{BaseSpec, BaseViews, ChangeDeltas, DeltaFile, archive_refusal, base_spec};

/// One delta spec's archive dry run, and which problems are this group's to report.
pub(crate) struct Refusals<'s> {
    pub base_path: String,
    /// Problems `validate` does not already report: its own errors (duplicates, conflicts,
    /// scenario loss) are left out; when the CLI's `delta/archive-would-refuse` note is on the
    /// file, so are the first problem (the note names it) and the missing targets after it (the
    /// note points at them).
    pub problems: Vec<&'s ArchiveProblem>,
}

impl<'s> Refusals<'s> {
    fn new(simulation: &'s ArchiveSimulation, base_path: String, cli_noted_first: bool) -> Self {
        let skip = usize::from(cli_noted_first);
        let noted = |problem: &ArchiveProblem| {
            cli_noted_first && archive_refusal::missing_target_message(problem, &base_path).is_some()
        };
        let problems = simulation
            .problems
            .iter()
            .skip(skip)
            .filter(|problem| !problem.kind.is_checked_by_validate() && !noted(problem))
            .collect();
        Refusals { base_path, problems }
    }
}

/// The active changes whose deltas `change_id`'s findings can depend on: those with a delta
/// spec for one of its capabilities (itself included), in change order. Empty for a namespace
/// folder, which `validate` and archive never read as a change.
fn sharing_changes<'a>(pass: &Pass<'a>, change_id: &str) -> Vec<ChangeDeltas<'a>> {
    let Some(change_id) = pass.layout.change_id(change_id) else { return Vec::new() };
    if pass.layout.nested.contains(change_id) {
        return Vec::new();
    }
    pass.layout.changes_sharing_capabilities(change_id).into_iter().map(|id| ChangeDeltas::load(pass, id)).collect()
}

/// The dry-run findings of one active change. `delta_findings` are the `delta` group's findings
/// for the same change, whose archive notes this reads. Other changes' deltas are read only
/// when a finding names a sister change (`sister_change`), so a main spec with dozens of
/// deltas against it costs one change's deltas per unit, not every sharing change's.
pub fn check_change(pass: &Pass<'_>, change_id: &str, delta_findings: &[Diagnostic], acc: &mut Vec<Diagnostic>) {
    let Some(change_id) = pass.layout.change_id(change_id) else { return };
    // A namespace folder is never read as a change by `validate` or archive.
    if pass.layout.nested.contains(change_id) {
        return;
    }
    let change = ChangeDeltas::load(pass, change_id);
    for file in &change.files {
        name_in_two_sections::check(&change, file, acc);
        let Some(simulation) = dry_run(&change, file, pass.bases) else {
            continue;
        };
        let cli_noted_first = delta_findings
            .iter()
            .any(|d| d.code == archive_refusal::CODE && d.path == file.path && d.item.as_ref() == Some(&change.item));
        let refusals = Refusals::new(&simulation, layout::main_spec_path(file.capability), cli_noted_first);
        target_missing::check(pass, &change, file, &refusals, acc);
        target_exists::check(&change, file, &refusals, acc);
        no_main_spec::check(pass, &change, file, &refusals, acc);
        main_spec_invalid::check(&change, file, &refusals, acc);
    }
}

/// Requirements `change_id` edits that other active changes edit too.
pub fn check_concurrent(pass: &Pass<'_>, change_id: &str, acc: &mut Vec<Diagnostic>) {
    concurrent_change::check(&sharing_changes(pass, change_id), change_id, acc);
}

/// Another active change (in change order) whose delta for `capability` adds `name` (or
/// renames a requirement to it); `None` for a name nobody adds. Any ADDED entry at all counts
/// when `name` is `None`. Reads only the changes with a delta spec for `capability`.
pub(crate) fn sister_change<'a>(
    pass: &Pass<'a>,
    this: &ChangeDeltas<'_>,
    capability: &str,
    name: Option<&str>,
) -> Option<&'a str> {
    let wanted = name.map(normalize_requirement_name);
    let layout = pass.layout;
    let others = layout.changes_by_capability.get(capability).into_iter().flatten();
    others.filter(|other| other.as_str() != this.change_id).find_map(|other| {
        // The first readable delta spec of `capability`, as `ChangeDeltas::load` lists them.
        let (path, text) = layout
            .delta_specs_of(other)
            .iter()
            .filter(|spec| spec.id == capability)
            .find_map(|spec| Some((spec.path.as_str(), pass.root.text(&spec.path)?)))?;
        let delta = pass.delta_spec(path, text);
        let adds = match wanted {
            None => !delta.added.is_empty(),
            Some(wanted) => {
                delta.added.iter().any(|block| normalize_requirement_name(block.name) == wanted)
                    || delta.renamed.iter().any(|pair| normalize_requirement_name(pair.to.name) == wanted)
            }
        };
        adds.then_some(other.as_str())
    })
}

/// Archive's dry run for one delta spec; `None` when the main spec cannot be read.
fn dry_run(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, bases: &BaseViews<'_>) -> Option<ArchiveSimulation> {
    let base_text = match base_spec(change.root, file.capability) {
        BaseSpec::Missing => None,
        BaseSpec::Text(text) => Some(text),
        BaseSpec::Unreadable { .. } => return None,
    };
    let base_path = layout::main_spec_path(file.capability);
    let base = base_text.and_then(|_| bases.get(file.capability));
    let request = ArchiveRequest {
        capability: file.capability,
        change: change.change_id,
        delta_text: file.text,
        base_text,
        base_path: &base_path,
    };
    Some(simulate_problems(&request, base.as_deref(), &file.delta))
}

/// The finding for one refused entry, with the main spec's requirement as related information.
pub(crate) fn refusal_finding(
    change: &ChangeDeltas<'_>,
    file: &DeltaFile<'_>,
    refusals: &Refusals<'_>,
    problem: &ArchiveProblem,
    code: &'static str,
    message: String,
) -> Diagnostic {
    let diagnostic = Diagnostic::lsp(
        Some(&change.item),
        code,
        crate::diagnostic::Severity::Error,
        file.path,
        problem.range,
        message,
    );
    match problem.base_range {
        Some(range) => diagnostic.with_related(&refusals.base_path, range, "the requirement in the main spec"),
        None => diagnostic,
    }
}

#[cfg(test)]
pub(crate) mod test_helpers {
    /// Runs every rule and renders the findings of the given codes.
    pub fn check_codes(fixture: &str, codes: &[&str]) -> String {
        crate::rules::delta::test_helpers::check_codes(fixture, codes)
    }

    /// Like `check_codes`, with each finding's related locations rendered as findings of their
    /// own, labelled `related: message`.
    pub fn check_codes_with_related(fixture: &str, codes: &[&str]) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let root = crate::test_support::snapshot(&fixture);
        let report = crate::check_root(&root, &crate::CheckConfig::default());
        let mut shown = Vec::new();
        for diagnostic in report.diagnostics.into_iter().filter(|d| codes.contains(&d.code)) {
            let related: Vec<_> = diagnostic
                .related
                .iter()
                .map(|related| crate::Diagnostic {
                    path: related.path.clone(),
                    range: related.range,
                    message: format!("related: {}", related.message),
                    related: Vec::new(),
                    ..diagnostic.clone()
                })
                .collect();
            shown.push(diagnostic);
            shown.extend(related);
        }
        crate::test_support::render(&fixture, &shown)
    }
}
