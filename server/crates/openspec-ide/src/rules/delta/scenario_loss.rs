//! MODIFIED blocks that drop scenarios the main spec's requirement still has.

// Diagnostic: delta/scenario-loss
//
// A MODIFIED block replaces the whole requirement, scenarios included. A block copied from an
// older version of the spec (or trimmed to the scenarios being changed) silently deletes the
// others, so archive refuses it; validate reports the same loss while the change is written.
// The current block is found by name, following the delta's own RENAMED entries back to the
// old name; names are compared with repeats counted.

use std::collections::{HashMap, HashSet};

use openspec_syntax::requirement_blocks::{RequirementBlock, diff_scenario_names, scenario_names};
use openspec_syntax::requirement_text::normalize_requirement_name;

use super::{BaseViews, ChangeDeltas, DeltaFile};
use crate::archive::{describe_scenario_balance, quoted_list};
use crate::diagnostic::{Diagnostic, Severity};

const CODE: &str = "delta/scenario-loss";

pub fn check(change: &ChangeDeltas<'_>, file: &DeltaFile<'_>, bases: &BaseViews<'_>, acc: &mut Vec<Diagnostic>) {
    let delta = &file.delta;
    if delta.modified.is_empty() {
        return;
    }
    let Some(base) = bases.get(file.capability) else {
        return;
    };
    let base_path = crate::layout::main_spec_path(file.capability);
    let section = base.section();
    // Maps built once, not searched per entry: a delta with thousands of MODIFIED entries
    // against a large spec would otherwise take quadratic time. Collecting in order keeps the
    // last of equal names: later blocks win, and a later pair with the same TO wins, as in the
    // CLI's maps.
    let current_blocks: HashMap<&str, &RequirementBlock<'_>> =
        section.blocks.iter().map(|block| (normalize_requirement_name(block.name), block)).collect();
    let renamed_from: HashMap<&str, &str> = delta
        .renamed
        .iter()
        .map(|pair| (normalize_requirement_name(pair.to.name), normalize_requirement_name(pair.from.name)))
        .collect();
    let renamed_away: HashSet<&str> =
        delta.renamed.iter().map(|pair| normalize_requirement_name(pair.from.name)).collect();
    for block in &delta.modified {
        let key = normalize_requirement_name(block.name);
        // A MODIFIED naming a header the delta renames away is reported as a conflict instead.
        if renamed_away.contains(key) {
            continue;
        }
        // Walk TO -> FROM back through rename chains; the visited set stops a cycle.
        let mut visited: HashSet<&str> = HashSet::new();
        let mut cursor = Some(key);
        let mut current = None;
        while let Some(name) = cursor {
            if visited.contains(name) {
                break;
            }
            if let Some(found) = current_blocks.get(name) {
                current = Some(*found);
                break;
            }
            visited.insert(name);
            cursor = renamed_from.get(name).copied();
        }
        let Some(current) = current else {
            continue;
        };
        let diff = diff_scenario_names(&scenario_names(&current.lines), &scenario_names(&block.lines));
        if diff.missing.is_empty() {
            continue;
        }
        let message = format!(
            "MODIFIED \"{}\" omits scenario(s) the current spec still has: {}. {} Copy the omitted scenarios into the MODIFIED block (a MODIFIED requirement replaces the whole block, so archive refuses to drop them).",
            block.name,
            quoted_list(&diff.missing),
            describe_scenario_balance(&diff)
        );
        acc.push(change.finding(CODE, Severity::Error, file.path, block.header_range(), message).with_related(
            &base_path,
            current.header_range(),
            "the requirement in the main spec",
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    const MAIN: &str = "//- /openspec/specs/auth/spec.md\n## Purpose\nAuthentication.\n## Requirements\n### Requirement: Login\nThe system SHALL log in.\n#### Scenario: ok\n- x\n#### Scenario: ok\n- again\n#### Scenario: bad\n- y\n";

    #[test]
    fn flags_dropped_scenarios_through_renames() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth/spec.md
            ## RENAMED Requirements
            - FROM: `### Requirement: Login`
            - TO: `### Requirement: Sign in`
            ## MODIFIED Requirements
            ### Requirement: Sign in
            ^^^^^^^^^^^^^^^^^^^^^^^^ error[delta/scenario-loss]: MODIFIED "Sign in" omits scenario(s) the current spec still has: "ok", "bad". The modified block has 2 scenarios; the current spec has 3 scenarios. It adds 1 scenario not in the current spec: "new". Copy the omitted scenarios into the MODIFIED block (a MODIFIED requirement replaces the whole block, so archive refuses to drop them).
            The system SHALL sign in.
            #### Scenario: ok
            - x
            #### Scenario: new
            - z
        "#]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign in`\n## MODIFIED Requirements\n### Requirement: Sign in\nThe system SHALL sign in.\n#### Scenario: ok\n- x\n#### Scenario: new\n- z\n"
        )));
    }

    #[test]
    fn complete_blocks_and_unknown_names_are_quiet() {
        expect![[""]].assert_eq(&check(&format!(
            "{MAIN}//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL log in.\n#### Scenario: ok\n- x\n#### ok ###\n- again\n#### Scenario: bad\n- y\n### Requirement: Unknown\nThe system SHALL.\n#### Scenario: s\n- x\n"
        )));
    }
}
