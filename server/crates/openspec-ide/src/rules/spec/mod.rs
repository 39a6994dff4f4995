//! Main-spec rules: everything `validateSpec` reports in 1.13.2, in its order, plus this tool's
//! cheap extras for the same files. Reads each main spec once; never looks at changes.

pub(crate) mod blocks;
mod closing_hashes;
mod delta_header_in_main_spec;
mod duplicate_requirement;
mod empty_scenario;
mod missing_purpose;
mod missing_requirements_section;
mod no_requirements;
mod non_canonical_requirement_header;
mod purpose_placeholder;
mod purpose_too_brief;
mod read_error;
mod requirement_empty_text;
mod requirement_missing_body;
mod requirement_missing_shall_must;
mod requirement_no_scenario;
mod requirement_no_scenario_hint;
mod requirement_outside_section;
mod requirement_too_long;
mod requirements_subsection;

use openspec_syntax::TextRange;
use openspec_syntax::lines::{Bom, LineBreaks, split_lines};
use openspec_syntax::requirement_blocks::{RequirementBlock, extract_requirements_section};
use openspec_syntax::spec::{Requirement, Section, SpecDoc, StructureIssue, structure_issues};

pub(crate) use blocks::{SpecOutline, check_spec_outlined, recheck_edit};

use crate::diagnostic::{Diagnostic, ItemId};
use crate::layout;
use crate::vfs::{Entry, FileContent, RootSnapshot};

/// `GUIDE_MISSING_SPEC_SECTIONS`, appended to the two thrown section errors.
pub(crate) const GUIDE_MISSING_SPEC_SECTIONS: &str = "Missing required sections. Expected headers: \"## Purpose\" and \"## Requirements\". Example:\n## Purpose\n[brief purpose]\n\n## Requirements\n### Requirement: Clear requirement statement\nUsers SHALL ...\n\n#### Scenario: Descriptive name\n- **WHEN** ...\n- **THEN** ...";

/// `GUIDE_SCENARIO_FORMAT`, appended to the no-scenario warnings.
pub(crate) const GUIDE_SCENARIO_FORMAT: &str = "Scenarios must use level-4 headers. Convert bullet lists into:\n#### Scenario: Short name\n- **WHEN** ...\n- **THEN** ...\n- **AND** ...";

/// One main spec file whose text could be read.
struct SpecFile<'a> {
    item: ItemId,
    path: &'a str,
    text: &'a str,
}

impl SpecFile<'_> {
    /// The first line's trimmed text (empty at the start of an empty file): where a finding
    /// that the CLI ties to the whole file goes when no better place exists.
    fn first_line_range(&self) -> TextRange {
        split_lines(self.text, Bom::Strip, LineBreaks::Any)
            .first()
            .map_or(TextRange::empty(0), openspec_syntax::lines::Line::trimmed_range)
    }
}

/// A main spec that passed the thrown checks, with every reader's view computed once.
struct CheckedSpec<'s, 'a> {
    file: &'s SpecFile<'a>,
    purpose: &'s Section<'a>,
    requirements_section: &'s Section<'a>,
    /// Reader A's requirements (the CLI's `requirements[i]`).
    requirements: &'s [Requirement<'s, 'a>],
    /// Reader C's findings.
    structure: &'s [StructureIssue<'a>],
}

#[cfg(test)]
pub fn check(root: &RootSnapshot, acc: &mut Vec<Diagnostic>) {
    for spec in layout::main_specs(root) {
        check_spec(root, &spec, acc);
    }
}

/// The rules of one main spec.
pub fn check_spec(root: &RootSnapshot, spec: &layout::SpecFile, acc: &mut Vec<Diagnostic>) {
    let item = ItemId::spec(spec.id.clone());
    let Some(Entry::File { content, .. }) = root.get(&spec.path) else { return };
    match content {
        FileContent::Unreadable(problem) => read_error::check(&item, &spec.path, problem, acc),
        FileContent::Text { text, .. } => {
            check_text(&SpecFile { item, path: &spec.path, text }, None, acc);
        }
        // Never for a `spec.md`: Markdown is always read (`layout::is_read_by_openspec`).
        FileContent::NotRead => {}
    }
}

/// `validateSpecContent`: the main-spec rules over a text that is no file yet (archive validates
/// the spec it rebuilt before writing it); findings carry `path` and `item` as given.
pub(crate) fn check_content(item: ItemId, path: &str, text: &str, acc: &mut Vec<Diagnostic>) {
    check_text(&SpecFile { item, path, text }, None, acc);
}

/// Every finding code of the rules below, in the order `check_text` reports them: within one
/// code, findings come in text order (per section, requirement, block or line), so a spec's
/// findings are sorted by (this rank, start), which `blocks` relies on to splice.
const RULE_ORDER: [&str; 19] = [
    "spec/read-error",
    "spec/closing-hashes",
    "spec/requirements-subsection",
    "spec/missing-purpose",
    "spec/missing-requirements-section",
    "spec/no-requirements",
    "spec/requirement-empty-text",
    "spec/requirement-no-scenario",
    "spec/delta-header-in-main-spec",
    "spec/requirement-outside-section",
    "spec/duplicate-requirement",
    "spec/purpose-placeholder",
    "spec/purpose-too-brief",
    "spec/requirement-too-long",
    "spec/requirement-no-scenario-hint",
    "spec/requirement-missing-body",
    "spec/requirement-missing-shall-must",
    "spec/empty-scenario",
    "spec/non-canonical-requirement-header",
];

/// The rules that read one requirement of reader A (its section and children) and nothing
/// else, in report order.
fn check_requirement(file: &SpecFile<'_>, requirement: &Requirement<'_, '_>, acc: &mut Vec<Diagnostic>) {
    let one = std::slice::from_ref(requirement);
    requirement_empty_text::check(file, one, acc);
    requirement_no_scenario::check(file, one, acc);
    requirement_too_long::check(file, one, acc);
    requirement_no_scenario_hint::check(file, one, acc);
    empty_scenario::check(file, one, acc);
    non_canonical_requirement_header::check(file, one, acc);
}

/// The rules that read one block of reader B and nothing else, in report order.
fn check_block(file: &SpecFile<'_>, block: &RequirementBlock<'_>, acc: &mut Vec<Diagnostic>) {
    let one = std::slice::from_ref(block);
    requirement_missing_body::check(file, one, acc);
    requirement_missing_shall_must::check(file, one, acc);
}

/// The main-spec rules over `file`; with `outline`, also records where each requirement and
/// block lies (`blocks::Spans`), for re-checking a later edit inside one of them.
fn check_text(file: &SpecFile<'_>, outline: Option<&mut blocks::Spans>, acc: &mut Vec<Diagnostic>) {
    let spec_doc = SpecDoc::parse(file.text);
    let blocks = extract_requirements_section(file.text);
    let mut outline = outline;
    if let Some(spans) = outline.as_deref_mut() {
        *spans = blocks::Spans::read(&spec_doc, &blocks);
    }

    // This tool's extras do not depend on the CLI's readers succeeding; several of them
    // explain why the thrown errors below fire.
    closing_hashes::check(file, &spec_doc, acc);
    requirements_subsection::check(file, &spec_doc, &blocks, acc);

    // The CLI throws on these, and a thrown error is the only issue of the report.
    let Some(purpose) = missing_purpose::check(file, &spec_doc, acc) else { return };
    let Some(requirements_section) = missing_requirements_section::check(file, &spec_doc, acc) else { return };

    if let Some(spans) = outline {
        spans.requirements_checked = true;
    }
    let requirements = spec_doc.requirements();
    let structure = structure_issues(file.text);
    let spec = CheckedSpec { file, purpose, requirements_section, requirements: &requirements, structure: &structure };

    // The CLI's order: Zod, structure, Purpose, per requirement (A), per block (B).
    no_requirements::check(&spec, acc);
    requirement_empty_text::check(file, &requirements, acc);
    requirement_no_scenario::check(file, &requirements, acc);
    delta_header_in_main_spec::check(&spec, acc);
    requirement_outside_section::check(&spec, acc);
    duplicate_requirement::check(&spec, acc);
    if !purpose_placeholder::check(&spec, acc) {
        purpose_too_brief::check(&spec, acc);
    }
    requirement_too_long::check(file, &requirements, acc);
    requirement_no_scenario_hint::check(file, &requirements, acc);
    requirement_missing_body::check(file, &blocks.blocks, acc);
    requirement_missing_shall_must::check(file, &blocks.blocks, acc);

    empty_scenario::check(file, &requirements, acc);
    non_canonical_requirement_header::check(file, &requirements, acc);
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::test_support::{render, snapshot};

    /// Runs only the main-spec rules over a fixture and renders their findings.
    pub(crate) fn check(fixture: &str) -> String {
        let fixture = test_utils::Fixture::parse(fixture);
        let mut acc = Vec::new();
        super::check(&snapshot(&fixture), &mut acc);
        render(&fixture, &acc)
    }
}
