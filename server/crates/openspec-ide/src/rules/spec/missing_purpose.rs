//! The spec has no Purpose the CLI can find, which ends its validation.

// Diagnostic: spec/missing-purpose
//
// `parseSpec` takes the first header titled "Purpose" at any level and throws when it is
// missing or its content is empty; the thrown error is the only issue the spec gets, so every
// other rule stays quiet until it is fixed. An empty first `## Purpose` fails even when a
// filled one follows, so the finding points at that empty header when there is one.

use openspec_syntax::spec::{Section, SpecDoc};

use super::{GUIDE_MISSING_SPEC_SECTIONS, SpecFile};
use crate::diagnostic::{Diagnostic, Severity};

/// Returns the Purpose section when the CLI accepts it; reports and returns `None` otherwise.
pub(super) fn check<'s, 'a>(
    file: &SpecFile<'_>,
    spec_doc: &'s SpecDoc<'a>,
    acc: &mut Vec<Diagnostic>,
) -> Option<&'s Section<'a>> {
    let purpose = spec_doc.purpose();
    if let Some(section) = purpose.filter(|section| section.has_content()) {
        return Some(section);
    }
    let range = purpose.map_or_else(|| file.first_line_range(), Section::header_range);
    acc.push(Diagnostic::openspec(
        &file.item,
        "spec/missing-purpose",
        Severity::Error,
        file.path,
        range,
        format!("Spec must have a Purpose section. {GUIDE_MISSING_SPEC_SECTIONS}"),
    ));
    None
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn missing_or_empty_purpose_is_the_only_issue() {
        expect![[r###"
            //- /openspec/specs/auth/spec.md
            # Auth
            ^^^^^^ error[spec/missing-purpose]: Spec must have a Purpose section. Missing required sections. Expected headers: "## Purpose" and "## Requirements". Example:
            ## Purpose
            [brief purpose]

            ## Requirements
            ### Requirement: Clear requirement statement
            Users SHALL ...

            #### Scenario: Descriptive name
            - **WHEN** ...
            - **THEN** ...
            ## Requirements
            ### Requirement: A
            No keyword.
            //- /openspec/specs/empty/spec.md
            ## Purpose
            ^^^^^^^^^^ error[spec/missing-purpose]: Spec must have a Purpose section. Missing required sections. Expected headers: "## Purpose" and "## Requirements". Example:
            ## Purpose
            [brief purpose]

            ## Requirements
            ### Requirement: Clear requirement statement
            Users SHALL ...

            #### Scenario: Descriptive name
            - **WHEN** ...
            - **THEN** ...

            ## Purpose
            A later Purpose does not count: the first one is empty.
            ## Requirements
        "###]]
        .assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n# Auth\n## Requirements\n### Requirement: A\nNo keyword.\n//- /openspec/specs/empty/spec.md\n## Purpose\n\n## Purpose\nA later Purpose does not count: the first one is empty.\n## Requirements\n",
        ));
    }

    #[test]
    fn purpose_at_any_level_is_found() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/specs/auth/spec.md\n#### purpose\nAuthentication of users across every entry point of the product.\n## Requirements\n### Requirement: A\nIt SHALL work.\n#### Scenario: s\n- ok\n",
        ));
    }
}
