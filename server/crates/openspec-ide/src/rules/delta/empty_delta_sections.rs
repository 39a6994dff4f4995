//! Delta specs whose delta sections hold no entry at all.

// Diagnostic: delta/empty-delta-sections
//
// A file with `## ADDED Requirements` but no `### Requirement:` block under it (a misspelt
// header, `####` instead of `###`, a REMOVED list of bare names) contributes nothing, and the
// author believes it does. The CLI lists the sections it found.

use super::{ChangeDeltas, DeltaFile};
use crate::diagnostic::{Diagnostic, Severity};
use openspec_syntax::requirement_blocks::DeltaKind;

const CODE: &str = "delta/empty-delta-sections";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    let delta = &file.delta;
    let Some(first_section) = delta.sections.first() else {
        return;
    };
    if delta.entry_count() > 0 {
        return;
    }
    let present: Vec<String> = DeltaKind::ALL
        .into_iter()
        .filter(|kind| delta.has_section(*kind))
        .map(|kind| format!("## {}", kind.title()))
        .collect();
    let list = match present.split_last() {
        Some((last, head)) if !head.is_empty() => format!("{} and {last}", head.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    };
    let message = format!(
        "Delta sections {list} were found, but no requirement entries parsed. Ensure each section includes at least one \"### Requirement:\" block (REMOVED may use bullet list syntax)."
    );
    acc.push(change.finding(CODE, Severity::Error, file.path, first_section.range(), message));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    #[test]
    fn flags_sections_without_entries() {
        expect![[r####"
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            ^^^^^^^^^^^^^^^^^^^^^^^ error[delta/empty-delta-sections]: Delta sections ## ADDED Requirements, ## REMOVED Requirements and ## RENAMED Requirements were found, but no requirement entries parsed. Ensure each section includes at least one "### Requirement:" block (REMOVED may use bullet list syntax).
            - FROM: `### Requirement: A`
            ## added requirements
            #### Requirement: Too deep
            ## REMOVED Requirements
            - A
        "####]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n## added requirements\n#### Requirement: Too deep\n## REMOVED Requirements\n- A\n",
        ));
    }

    #[test]
    fn one_entry_anywhere_is_enough() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## ADDED Requirements\n## REMOVED Requirements\n- ### Requirement: A\n",
        ));
    }
}
