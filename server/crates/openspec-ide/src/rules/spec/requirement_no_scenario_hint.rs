//! The format guidance the CLI adds to every requirement without a scenario.

// Diagnostic: spec/requirement-no-scenario-hint
//
// `applySpecRules` repeats the schema's no-scenario error as a warning carrying the scenario
// format, so `--strict` counts it too. It always comes with `spec/requirement-no-scenario`
// on the same header; keeping it separate keeps the warning count equal to the CLI's. Its
// fixtures live with `requirement_no_scenario`, which renders both.

use super::{CheckedSpec, GUIDE_SCENARIO_FORMAT};
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(spec: &CheckedSpec<'_, '_>, acc: &mut Vec<Diagnostic>) {
    for requirement in spec.requirements.iter().filter(|requirement| requirement.scenarios.is_empty()) {
        acc.push(Diagnostic::openspec(
            &spec.file.item,
            "spec/requirement-no-scenario-hint",
            Severity::Warning,
            spec.file.path,
            requirement.section.header_range(),
            format!("Requirement must have at least one scenario. {GUIDE_SCENARIO_FORMAT}"),
        ));
    }
}
