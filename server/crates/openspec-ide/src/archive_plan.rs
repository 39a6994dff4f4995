//! What `openspec archive <change> --yes` (with or without `--no-validate`) does to every main
//! spec of an active change (`core/archive.js`): the validation it runs first, the merge of each
//! delta spec (`archive::simulate`), the outcome per spec (write, create, retire, or leave
//! alone when nothing changes), the line endings it writes with, and the validation of each
//! rebuilt spec before anything is written. Pure: reads the snapshot, the index and the
//! findings `check_root` gave for the same snapshot.

use openspec_syntax::TextRange;
use openspec_syntax::lines::{Bom, LineBreaks, split_lines};

use crate::archive::{self, ArchiveRequest, ArchiveSimulation};
use crate::change_meta::{self, SkipSpecsMarker};
use crate::diagnostic::{Diagnostic, ItemId, Origin, Severity};
use crate::index::{ChangeInfo, DeltaFileInfo, WorkspaceIndex};
use crate::layout;
use crate::vfs::{Entry, RootSnapshot};

/// `VALIDATION_MESSAGES.SPEC_NO_REQUIREMENTS`.
const SPEC_NO_REQUIREMENTS: &str = "Spec must have at least one requirement";
/// The metadata file that may declare `retire_capabilities`.
const METADATA_FILENAME: &str = ".openspec.yaml";

/// What archive does to one main spec file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecAction {
    /// The capability has no main spec; archive writes a new one.
    Create,
    /// Archive rewrites the main spec with other bytes.
    Modify,
    /// Archive retires the capability and deletes the main spec.
    Delete,
    /// Archive leaves the file as it is (every operation already in sync, or nothing to retire).
    Unchanged,
}

impl SpecAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            SpecAction::Create => "create",
            SpecAction::Modify => "modify",
            SpecAction::Delete => "delete",
            SpecAction::Unchanged => "unchanged",
        }
    }
}

/// Which step of archive refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalStep {
    /// The change's delta specs fail `openspec validate` (validating archive only).
    Validation,
    /// The merge itself refuses (`buildUpdatedSpec` throws), with or without validation.
    Merge,
    /// The rebuilt main spec fails validation (validating archive only).
    RebuiltSpec,
}

/// One reason archive would stop, with archive's message and the place that causes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub step: RefusalStep,
    pub path: String,
    pub range: TextRange,
    pub message: String,
}

/// One main spec's fate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecPlan {
    pub capability: String,
    pub delta_path: String,
    /// `openspec/specs/<capability>/spec.md`.
    pub path: String,
    /// The file as it is now; `None` when the capability has no main spec.
    pub current: Option<String>,
    pub action: SpecAction,
    /// The file's bytes after archive (line endings as archive writes them); `None` when there
    /// is no file afterwards. With refusals, what archive would write once they are fixed.
    pub text: Option<String>,
    /// What archive would stop at for this spec, in archive's order.
    pub refusals: Vec<Refusal>,
    /// The merge's warnings (printed, never blocking).
    pub warnings: Vec<String>,
}

/// The whole change's plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangePlan {
    pub change: String,
    /// One per delta spec, in capability order.
    pub specs: Vec<SpecPlan>,
    /// Validation refusals not about one delta spec (the change's metadata, a misplaced file).
    pub refusals: Vec<Refusal>,
}

impl ChangePlan {
    /// Every refusal, change-wide ones first.
    pub fn all_refusals(&self) -> impl Iterator<Item = &Refusal> {
        self.refusals.iter().chain(self.specs.iter().flat_map(|spec| &spec.refusals))
    }

    pub fn would_refuse(&self) -> bool {
        self.all_refusals().next().is_some()
    }
}

/// The plan for archiving the active change `change_id`; `None` when there is no such change.
/// `validate` is `false` for `--no-validate`. `diagnostics` are `check_root`'s for this snapshot.
pub fn plan_change(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change_id: &str,
    diagnostics: &[Diagnostic],
    validate: bool,
) -> Option<ChangePlan> {
    let change = index.active_change(change_id)?;
    let mut validation = if validate { validation_refusals(change, diagnostics) } else { Vec::new() };
    let retire_declared =
        matches!(change_meta::retire_capabilities_marker(root, &change.dir), SkipSpecsMarker::Honoured { .. });
    let specs = change
        .deltas
        .iter()
        .map(|delta| {
            let mut spec = plan_spec(root, change, delta, validate, retire_declared);
            let (own, rest): (Vec<Refusal>, Vec<Refusal>) =
                validation.drain(..).partition(|refusal| refusal.path == delta.path);
            validation = rest;
            spec.refusals.splice(0..0, own);
            spec
        })
        .collect();
    Some(ChangePlan { change: change.id.clone(), specs, refusals: validation })
}

/// The errors `openspec validate` reports on the change's delta specs and metadata, which stop
/// the validating archive before it reads any main spec.
fn validation_refusals(change: &ChangeInfo, diagnostics: &[Diagnostic]) -> Vec<Refusal> {
    let item = ItemId::change(change.id.clone());
    let specs_dir = format!("{}/specs/", change.dir);
    let metadata = format!("{}/{METADATA_FILENAME}", change.dir);
    diagnostics
        .iter()
        .filter(|diagnostic| {
            diagnostic.item.as_ref() == Some(&item)
                && diagnostic.origin == Origin::Openspec
                && diagnostic.severity == Severity::Error
                && (diagnostic.path.starts_with(&specs_dir) || diagnostic.path == metadata)
        })
        .map(|diagnostic| Refusal {
            step: RefusalStep::Validation,
            path: diagnostic.path.clone(),
            range: diagnostic.range,
            message: diagnostic.message.clone(),
        })
        .collect()
}

fn plan_spec(
    root: &RootSnapshot,
    change: &ChangeInfo,
    delta: &DeltaFileInfo,
    validate: bool,
    retire_declared: bool,
) -> SpecPlan {
    let path = layout::main_spec_path(&delta.capability);
    let current = match root.get(&path) {
        None | Some(Entry::DanglingSymlink) => None,
        Some(_) => root.text(&path),
    };
    let mut plan = SpecPlan {
        capability: delta.capability.clone(),
        delta_path: delta.path.clone(),
        path: path.clone(),
        current: current.map(str::to_owned),
        action: SpecAction::Unchanged,
        text: current.map(str::to_owned),
        refusals: Vec::new(),
        warnings: Vec::new(),
    };
    let unreadable = |path: &str| Refusal {
        step: RefusalStep::Merge,
        path: path.to_owned(),
        range: TextRange::empty(0),
        message: format!("Cannot read {path}"),
    };
    let Some(delta_text) = root.text(&delta.path) else {
        plan.refusals.push(unreadable(&delta.path));
        return plan;
    };
    if current.is_none() && root.get(&path).is_some_and(|entry| !matches!(entry, Entry::DanglingSymlink)) {
        plan.refusals.push(unreadable(&path));
        return plan;
    }
    let simulation = archive::simulate(&ArchiveRequest {
        capability: &delta.capability,
        change: &change.id,
        delta_text,
        base_text: current,
        base_path: &path,
    });
    plan.warnings = simulation.warnings.iter().map(|warning| warning.message.clone()).collect();
    if let Some(problem) = simulation.refusal() {
        plan.refusals.push(Refusal {
            step: RefusalStep::Merge,
            path: delta.path.clone(),
            range: problem.range,
            message: problem.message.clone(),
        });
    }
    let errors = if validate { rebuilt_errors(&delta.capability, &simulation.rebuilt) } else { Vec::new() };
    let retirable = validate
        && retire_declared
        && simulation.no_requirement_blocks
        && simulation.unaccounted_content.is_empty()
        && is_retirable(&errors);
    let counts = simulation.counts;
    let changes = counts.added + counts.modified + counts.removed + counts.renamed > 0;
    match current {
        // The capability is already retired: nothing to write, nothing to delete.
        None if retirable => {}
        Some(_) if retirable && counts.removed > 0 => {
            plan.action = SpecAction::Delete;
            plan.text = None;
        }
        _ => {
            if validate && plan.refusals.is_empty() {
                plan.refusals = rebuilt_refusals(&plan, delta, delta_text, &simulation, &errors, retire_declared);
            }
            if changes {
                let written = match current {
                    Some(current) => archive::match_line_ending(&simulation.rebuilt, current),
                    None => simulation.rebuilt.clone(),
                };
                plan.action = match current {
                    None => SpecAction::Create,
                    Some(current) if current == written => SpecAction::Unchanged,
                    Some(_) => SpecAction::Modify,
                };
                plan.text = Some(written);
            }
        }
    }
    plan
}

/// `validateSpecContent` over the rebuilt spec: its errors (rebuilt-text ranges).
fn rebuilt_errors(capability: &str, rebuilt: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    crate::rules::spec::check_content(ItemId::spec(capability), "", rebuilt, &mut found);
    found.retain(|diagnostic| diagnostic.origin == Origin::Openspec && diagnostic.severity == Severity::Error);
    found
}

/// `isRetirableSpec`: "no requirements" is the only thing wrong with the rebuilt spec.
fn is_retirable(errors: &[Diagnostic]) -> bool {
    !errors.is_empty() && errors.iter().all(|error| error.message == SPEC_NO_REQUIREMENTS)
}

/// The refusals of the rebuilt spec's validation, each at the line of the main spec (or of the
/// delta, for text the delta brings) it comes from, with the hint archive prints after them.
fn rebuilt_refusals(
    plan: &SpecPlan,
    delta: &DeltaFileInfo,
    delta_text: &str,
    simulation: &ArchiveSimulation,
    errors: &[Diagnostic],
    retire_declared: bool,
) -> Vec<Refusal> {
    if errors.is_empty() {
        return Vec::new();
    }
    let emptied_by_this_run = plan.current.is_some()
        && simulation.counts.removed > 0
        && simulation.no_requirement_blocks
        && is_retirable(errors);
    let spec_name = &plan.capability;
    let hint = if retire_declared {
        // The author asked for a retirement and the content in the file stood in the way.
        (!simulation.unaccounted_content.is_empty() && is_retirable(errors)).then(|| {
            format!(
                "'{spec_name}' declares retire_capabilities, but the spec holds content the merge cannot safely account for and deleting the file would take with it: {}. Move it into `## Purpose` or a canonical requirement, or delete the spec by hand.",
                describe_unaccounted_content(&simulation.unaccounted_content)
            )
        })
    } else if !emptied_by_this_run {
        None
    } else if simulation.unaccounted_content.is_empty() {
        Some(format!(
            "This change removes the last requirement '{spec_name}' has. To retire the capability and delete its spec, add `retire_capabilities: true` to the change's {METADATA_FILENAME} (alongside its `schema:`, which that file requires), then rerun."
        ))
    } else {
        Some(format!(
            "This change removes the last requirement '{spec_name}' has, so the rebuilt spec has none left and cannot be written. Retiring the capability is what archive does instead, and it is refused while the spec holds content the merge cannot safely account for and deleting the file would take with it: {}. Move it into `## Purpose` or a canonical requirement, or delete the spec by hand, then rerun.",
            describe_unaccounted_content(&simulation.unaccounted_content)
        ))
    };
    let mut refusals: Vec<Refusal> = errors
        .iter()
        .map(|error| {
            let (path, range) = source_of(plan, delta, delta_text, &simulation.rebuilt, error.range);
            Refusal { step: RefusalStep::RebuiltSpec, path, range, message: error.message.clone() }
        })
        .collect();
    if let (Some(hint), Some(last)) = (hint, refusals.last_mut()) {
        last.message = format!("{}\n→ {hint}", last.message);
    }
    refusals
}

/// `describeUnaccountedContent`: the first three lines, quoted and clipped, and a count of the rest.
fn describe_unaccounted_content(lines: &[String]) -> String {
    const MAX: usize = 200;
    let shown: Vec<String> = lines
        .iter()
        .take(3)
        .map(|line| {
            let safe: Vec<char> =
                line.chars().map(|ch| if (ch as u32) < 0x20 || ch == '\u{7f}' { '?' } else { ch }).collect();
            let clipped: String = safe.iter().take(MAX).collect();
            if safe.len() > MAX { format!("\"{clipped}\u{2026}\"") } else { format!("\"{clipped}\"") }
        })
        .collect();
    let rest = if lines.len() > 3 { format!(", and {} more line(s)", lines.len() - 3) } else { String::new() };
    format!("{}{rest}", shown.join(", "))
}

/// Where a finding on the rebuilt spec comes from: the same line in the main spec, else in the
/// delta, else the main spec's `## Requirements` header (or the delta's first line).
fn source_of(
    plan: &SpecPlan,
    delta: &DeltaFileInfo,
    delta_text: &str,
    rebuilt: &str,
    range: TextRange,
) -> (String, TextRange) {
    // The first non-blank line the finding covers (a section's range starts on the blank line
    // after its header).
    let rebuilt_lines = split_lines(rebuilt, Bom::Keep, LineBreaks::Any);
    let first = rebuilt_lines.iter().rposition(|line| line.start <= range.start).unwrap_or(0);
    let wanted = rebuilt_lines
        .iter()
        .skip(first)
        .take_while(|line| line.start <= range.end.max(range.start))
        .map(|line| openspec_syntax::js::js_trim(line.text))
        .find(|text| !text.is_empty())
        .unwrap_or_default();
    let find = |text: &str| {
        split_lines(text, Bom::Strip, LineBreaks::Any)
            .into_iter()
            .find(|line| !wanted.is_empty() && openspec_syntax::js::js_trim(line.text) == wanted)
            .map(|line| line.trimmed_range())
    };
    if let Some(current) = &plan.current {
        if let Some(range) = find(current) {
            return (plan.path.clone(), range);
        }
        if let Some(range) = find(delta_text) {
            return (delta.path.clone(), range);
        }
        let header = split_lines(current, Bom::Strip, LineBreaks::Any)
            .into_iter()
            .find(|line| openspec_syntax::js::js_trim(line.text).eq_ignore_ascii_case("## Requirements"))
            .map_or(TextRange::empty(0), |line| line.trimmed_range());
        return (plan.path.clone(), header);
    }
    (delta.path.clone(), find(delta_text).unwrap_or(delta.first_line_range))
}
