//! The format guidance the CLI adds to every requirement without a scenario.

// Diagnostic: spec/requirement-no-scenario-hint
//
// `applySpecRules` repeats the schema's no-scenario error as a warning carrying the scenario
// format, so `--strict` counts it too. It always comes with `spec/requirement-no-scenario`
// on the same header; keeping it separate keeps the warning count equal to the CLI's. Its
// fixtures live with `requirement_no_scenario`, which renders both.

use openspec_syntax::spec::Requirement;

use super::{GUIDE_SCENARIO_FORMAT, SpecFile};
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(file: &SpecFile<'_>, requirements: &[Requirement<'_, '_>], acc: &mut Vec<Diagnostic>) {
    for requirement in requirements.iter().filter(|requirement| requirement.scenarios.is_empty()) {
        acc.push(Diagnostic::openspec(
            &file.item,
            "spec/requirement-no-scenario-hint",
            Severity::Warning,
            file.path,
            requirement.section.header_range(),
            format!("Requirement must have at least one scenario. {GUIDE_SCENARIO_FORMAT}"),
        ));
    }
}
