//! MODIFIED requirements whose text is the main spec's requirement unchanged.

// Diagnostic: review/unchanged-modified
//
// A MODIFIED block replaces the main spec's requirement when the change is archived. One that
// is a plain copy changes nothing: usually the author copied the requirement to edit it and
// never did, or the edit went to another file; either way the proposal claims a change the
// spec never gets. The block is compared with the main spec's requirement of the same name
// (as archive finds it; a requirement the delta renames is left alone), line by line after the
// header, ignoring trailing whitespace, blank lines and line-break style. No quick fix: only
// the author knows whether the edit is missing or the entry is.

use openspec_syntax::js::js_trim_end;
use openspec_syntax::lines::Line;
use openspec_syntax::requirement_text::normalize_requirement_name;

use super::Site;
use crate::diagnostic::{Diagnostic, Related};
use crate::rules::BaseViews;
use crate::rules::delta::DeltaFile;

pub(crate) const CODE: &str = "review/unchanged-modified";

pub fn check(site: &Site<'_>, file: &DeltaFile<'_>, bases: &BaseViews<'_>, acc: &mut Vec<Diagnostic>) {
    let delta = &file.delta;
    if delta.modified.is_empty() {
        return;
    }
    let Some(base) = bases.get(file.capability) else { return };
    let base_path = crate::layout::main_spec_path(file.capability);
    for block in &delta.modified {
        let key = normalize_requirement_name(block.name);
        let renamed = delta.renamed.iter().any(|pair| {
            normalize_requirement_name(pair.from.name) == key || normalize_requirement_name(pair.to.name) == key
        });
        if renamed {
            continue;
        }
        // The last block of a name is the one archive replaces.
        let Some(current) =
            base.section().blocks.iter().rev().find(|current| normalize_requirement_name(current.name) == key)
        else {
            continue;
        };
        if !same_lines(block.body_lines(), current.body_lines()) {
            continue;
        }
        let message = format!(
            "MODIFIED \"{}\" is the requirement of {base_path} unchanged, so archiving it changes nothing. Make the intended edit, or remove the entry.",
            block.name
        );
        let mut finding = site.finding(CODE, block.header_range(), message);
        finding.related.push(Related {
            path: base_path.clone(),
            range: current.header_range(),
            message: "the current requirement".to_owned(),
        });
        acc.push(finding);
    }
}

/// The same non-blank lines, trailing whitespace aside.
fn same_lines(a: &[Line<'_>], b: &[Line<'_>]) -> bool {
    let kept = |lines: &[Line<'_>]| -> Vec<String> {
        lines.iter().map(|line| js_trim_end(line.text)).filter(|text| !text.is_empty()).map(str::to_owned).collect()
    };
    kept(a) == kept(b)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::review::test_helpers::{check_codes, enabling};

    fn check(fixture: &str) -> String {
        check_codes(&format!("{fixture}{}", enabling(super::CODE)), &[super::CODE])
    }

    const MAIN: &str = "//- /openspec/specs/auth/spec.md\n## Purpose\nAuth.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n\n#### Scenario: x\n- **WHEN** y\n- **THEN** z\n\n### Requirement: Logout\nThe system SHALL log out.\n\n#### Scenario: x\n- **WHEN** y\n- **THEN** z\n";

    #[test]
    fn flags_a_modified_copy_of_the_current_requirement() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## MODIFIED Requirements
            ### Requirement: Login
            ^^^^^^^^^^^^^^^^^^^^^^ warning[review/unchanged-modified] (openspec-lsp): MODIFIED "Login" is the requirement of openspec/specs/auth/spec.md unchanged, so archiving it changes nothing. Make the intended edit, or remove the entry.
            The system SHALL log in.   ␍
            #### Scenario: x
            - **WHEN** y
            - **THEN** z
        "#]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL log in.   \r\n#### Scenario: x\n- **WHEN** y\n- **THEN** z\n"
        )));
    }

    #[test]
    fn quiet_on_edited_renamed_or_new_requirements() {
        expect![[""]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL log in with a password.\n\n#### Scenario: x\n- **WHEN** y\n- **THEN** z\n### Requirement: Sign out\nThe system SHALL log out.\n\n#### Scenario: x\n- **WHEN** y\n- **THEN** z\n### Requirement: Unknown\nThe system SHALL.\n\n#### Scenario: x\n- **WHEN** y\n- **THEN** z\n## RENAMED Requirements\n- FROM: `### Requirement: Logout`\n- TO: `### Requirement: Sign out`\n"
        )));
    }
}
