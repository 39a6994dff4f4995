//! One requirement named in two sections of a delta spec that `validate` compares exactly.

// Diagnostic: archive/name-in-two-sections
//
// `validate` catches MODIFIED+REMOVED, MODIFIED+ADDED, ADDED+REMOVED, MODIFIED+RENAMED FROM
// and ADDED+RENAMED TO only when the names are spelt identically. Spelt in another case or
// spacing they are still one requirement named twice, and archive then either refuses the
// change or applies both halves to what it takes for two requirements. A REMOVED name that is
// also a RENAMED TO is flagged in any spelling: renaming a requirement only to remove it says
// two things at once. Reported on the later entry, pointing at the earlier one.

use openspec_syntax::TextRange;
use openspec_syntax::requirement_blocks::fold_requirement_name;
use openspec_syntax::requirement_text::normalize_requirement_name;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::delta::{ChangeDeltas, DeltaFile};

const CODE: &str = "archive/name-in-two-sections";

/// An entry as this rule compares it.
struct Entry<'a> {
    section: &'static str,
    name: &'a str,
    range: TextRange,
}

fn entries<'a>(section: &'static str, items: impl Iterator<Item = (&'a str, TextRange)>) -> Vec<Entry<'a>> {
    items.map(|(name, range)| Entry { section, name, range }).collect()
}

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, acc: &mut Vec<Diagnostic>) {
    let delta = &file.delta;
    let added = entries("ADDED", delta.added.iter().map(|b| (b.name, b.header_range())));
    let modified = entries("MODIFIED", delta.modified.iter().map(|b| (b.name, b.header_range())));
    let removed = entries("REMOVED", delta.removed.iter().map(|e| (e.name, e.range())));
    let renamed_from = entries("RENAMED FROM", delta.renamed.iter().map(|p| (p.from.name, p.from.range())));
    let renamed_to = entries("RENAMED TO", delta.renamed.iter().map(|p| (p.to.name, p.to.range())));

    // (first, second, whether an identical spelling counts: validate reports those itself).
    let pairs: [(&[Entry<'_>], &[Entry<'_>], bool); 6] = [
        (&modified, &removed, false),
        (&modified, &added, false),
        (&added, &removed, false),
        (&renamed_from, &modified, false),
        (&renamed_to, &added, false),
        (&renamed_to, &removed, true),
    ];
    for (firsts, seconds, identical_counts) in pairs {
        for second in seconds {
            let key = normalize_requirement_name(second.name);
            let folded = fold_requirement_name(key);
            let clash = firsts.iter().find(|first| {
                let first_key = normalize_requirement_name(first.name);
                (identical_counts || first_key != key) && fold_requirement_name(first_key) == folded
            });
            let Some(first) = clash else {
                continue;
            };
            let message = if first.name == second.name {
                format!(
                    "\"{}\" is both {} and {} in this delta: archive renames first, so this removes the requirement under its new name. Write it as a single REMOVED entry for the old name.",
                    second.name, first.section, second.section
                )
            } else {
                format!(
                    "{} \"{}\" and {} \"{}\" differ only in case or spacing, so they name one requirement in two sections that contradict each other; archive compares names exactly and would treat them as two. Keep one of the two entries.",
                    first.section, first.name, second.section, second.name
                )
            };
            acc.push(
                Diagnostic::lsp(Some(&change.item), CODE, Severity::Error, file.path, second.range, message)
                    .with_related(file.path, first.range, format!("the {} entry", first.section)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::archive::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    #[test]
    fn flags_variant_spellings_across_sections() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## MODIFIED Requirements
            ### Requirement: Login
            The system SHALL.
            #### Scenario: s
            - x
            ## REMOVED Requirements
            - ### Requirement: login
            ^^^^^^^^^^^^^^^^^^^^^^^^ error[archive/name-in-two-sections] (openspec-lsp): MODIFIED "Login" and REMOVED "login" differ only in case or spacing, so they name one requirement in two sections that contradict each other; archive compares names exactly and would treat them as two. Keep one of the two entries.
            - ### Requirement: Session
            ^^^^^^^^^^^^^^^^^^^^^^^^^^ error[archive/name-in-two-sections] (openspec-lsp): "Session" is both RENAMED TO and REMOVED in this delta: archive renames first, so this removes the requirement under its new name. Write it as a single REMOVED entry for the old name.
            ## RENAMED Requirements
            - FROM: `### Requirement: Token`
            - TO: `### Requirement: Session`
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL.\n#### Scenario: s\n- x\n## REMOVED Requirements\n- ### Requirement: login\n- ### Requirement: Session\n## RENAMED Requirements\n- FROM: `### Requirement: Token`\n- TO: `### Requirement: Session`\n",
        ));
    }

    #[test]
    fn identical_spellings_are_left_to_validate() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL.\n#### Scenario: s\n- x\n## REMOVED Requirements\n- ### Requirement: Login\n",
        ));
    }
}
