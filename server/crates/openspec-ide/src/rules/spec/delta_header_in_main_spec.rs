//! A delta section header (`## ADDED Requirements` and the others) inside a main spec.

// Diagnostic: spec/delta-header-in-main-spec
//
// Delta headers belong in `changes/<id>/specs/<cap>/spec.md`. In a main spec such a header
// ends the `## Requirements` section for every reader, so the requirements below it silently
// vanish from validate, list and archive. The structure scan flags the line wherever it is.

use openspec_syntax::spec::StructureIssueKind;

use super::CheckedSpec;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn check(spec: &CheckedSpec<'_, '_>, acc: &mut Vec<Diagnostic>) {
    for issue in spec.structure.iter().filter(|issue| issue.kind == StructureIssueKind::DeltaHeader) {
        acc.push(Diagnostic::openspec(
            &spec.file.item,
            "spec/delta-header-in-main-spec",
            Severity::Error,
            spec.file.path,
            issue.range(),
            format!(
                "Main spec contains delta header \"{}\". Delta headers are only valid inside openspec/changes/<name>/specs/<capability-path>/spec.md and truncate the parsed ## Requirements section.",
                issue.header
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn delta_headers_are_flagged_outside_fences() {
        expect![[r###"
            //- /openspec/specs/auth/spec.md
            ## Purpose
            Authentication of users across every entry point of the product.
            ## Requirements
            ### Requirement: A
            It SHALL work.
            #### Scenario: s
            - ok
            ```md
            ## ADDED Requirements
            ```
            ## added  requirements  
            ^^^^^^^^^^^^^^^^^^^^^^ error[spec/delta-header-in-main-spec]: Main spec contains delta header "## added  requirements". Delta headers are only valid inside openspec/changes/<name>/specs/<capability-path>/spec.md and truncate the parsed ## Requirements section.
        "###]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n```md\n## ADDED Requirements\n```\n## added  requirements  \n",
        ));
    }
}
