//! Main-spec rules: everything `validateSpec` reports in 1.13.2, in its order, plus this tool's
//! cheap extras for the same files. Reads each main spec once; never looks at changes.

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
use openspec_syntax::requirement_blocks::{RequirementsSection, extract_requirements_section};
use openspec_syntax::spec::{Requirement, Section, SpecDoc, StructureIssue, structure_issues};

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
    /// Reader B's view (the SHALL/MUST checks' `requirements[k]`).
    blocks: &'s RequirementsSection<'a>,
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
            check_text(&SpecFile { item, path: &spec.path, text }, acc);
        }
        // Never for a `spec.md`: Markdown is always read (`layout::is_read_by_openspec`).
        FileContent::NotRead => {}
    }
}

/// `validateSpecContent`: the main-spec rules over a text that is no file yet (archive validates
/// the spec it rebuilt before writing it); findings carry `path` and `item` as given.
pub(crate) fn check_content(item: ItemId, path: &str, text: &str, acc: &mut Vec<Diagnostic>) {
    check_text(&SpecFile { item, path, text }, acc);
}

fn check_text(file: &SpecFile<'_>, acc: &mut Vec<Diagnostic>) {
    let spec_doc = SpecDoc::parse(file.text);
    let blocks = extract_requirements_section(file.text);

    // This tool's extras do not depend on the CLI's readers succeeding; several of them
    // explain why the thrown errors below fire.
    closing_hashes::check(file, &spec_doc, acc);
    requirements_subsection::check(file, &spec_doc, &blocks, acc);

    // The CLI throws on these, and a thrown error is the only issue of the report.
    let Some(purpose) = missing_purpose::check(file, &spec_doc, acc) else { return };
    let Some(requirements_section) = missing_requirements_section::check(file, &spec_doc, acc) else { return };

    let requirements = spec_doc.requirements();
    let structure = structure_issues(file.text);
    let spec = CheckedSpec {
        file,
        purpose,
        requirements_section,
        requirements: &requirements,
        blocks: &blocks,
        structure: &structure,
    };

    // The CLI's order: Zod, structure, Purpose, per requirement (A), per block (B).
    no_requirements::check(&spec, acc);
    requirement_empty_text::check(&spec, acc);
    requirement_no_scenario::check(&spec, acc);
    delta_header_in_main_spec::check(&spec, acc);
    requirement_outside_section::check(&spec, acc);
    duplicate_requirement::check(&spec, acc);
    if !purpose_placeholder::check(&spec, acc) {
        purpose_too_brief::check(&spec, acc);
    }
    requirement_too_long::check(&spec, acc);
    requirement_no_scenario_hint::check(&spec, acc);
    requirement_missing_body::check(&spec, acc);
    requirement_missing_shall_must::check(&spec, acc);

    empty_scenario::check(&spec, acc);
    non_canonical_requirement_header::check(&spec, acc);
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
