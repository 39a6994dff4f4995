//! Go to definition: from a delta entry to the main-spec requirement it edits, from a proposal's
//! capability bullet to that capability's spec, and from anywhere else in a delta spec to its
//! main spec. Pure: reads the index (and the snapshot only for file lengths); never edits.
//! `definition_origin` names the text the jump starts from, so a client can underline the
//! whole requirement name rather than the word under the cursor.

use openspec_syntax::TextRange;

use crate::features::{file_target, requirement_target, spec_file_target};
use crate::index::{ChangeInfo, DeltaEntry, DeltaFileInfo, DeltaOp, Located, WorkspaceIndex};
use crate::types::{FilePosition, NavigationTarget};
use crate::vfs::RootSnapshot;

pub fn goto_definition(root: &RootSnapshot, index: &WorkspaceIndex, position: &FilePosition) -> Vec<NavigationTarget> {
    let Some(located) = index.locate(&position.path, position.offset) else {
        return Vec::new();
    };
    match located {
        Located::DeltaEntry { delta, entry, .. } => {
            let targets = entry_definition(index, delta, entry);
            if targets.is_empty() { main_spec_of(index, delta) } else { targets }
        }
        Located::DeltaFile { delta, .. } => main_spec_of(index, delta),
        Located::Capability { change, mention } => capability_definition(root, index, change, &mention.capability),
        Located::Requirement { .. } | Located::SpecTitle { .. } | Located::SpecFile { .. } => Vec::new(),
    }
}

/// The name a definition starts from: a delta entry's requirement name, or a proposal bullet's
/// capability path. `None` elsewhere (the jump from the rest of a delta spec starts from no name).
pub fn definition_origin(index: &WorkspaceIndex, position: &FilePosition) -> Option<TextRange> {
    match index.locate(&position.path, position.offset)? {
        Located::DeltaEntry { entry, .. } => Some(entry.name_range),
        Located::Capability { mention, .. } => Some(mention.range),
        Located::DeltaFile { .. }
        | Located::Requirement { .. }
        | Located::SpecTitle { .. }
        | Located::SpecFile { .. } => None,
    }
}

/// The base requirement(s) an entry names; for a RENAMED TO, the renamed requirement if the
/// base already has it, else the one being renamed, else the FROM line itself.
fn entry_definition(index: &WorkspaceIndex, delta: &DeltaFileInfo, entry: &DeltaEntry) -> Vec<NavigationTarget> {
    let Some(spec) = index.spec(&delta.capability) else {
        return rename_source_line(delta, entry).into_iter().collect();
    };
    let named: Vec<NavigationTarget> =
        spec.requirements_named(&entry.name).map(|requirement| requirement_target(spec, requirement)).collect();
    if !named.is_empty() || entry.op != DeltaOp::RenamedTo {
        return named;
    }
    let Some(from) = &entry.partner else {
        return Vec::new();
    };
    let renamed: Vec<NavigationTarget> =
        spec.requirements_named(from).map(|requirement| requirement_target(spec, requirement)).collect();
    if renamed.is_empty() { rename_source_line(delta, entry).into_iter().collect() } else { renamed }
}

/// The `FROM:` line paired with a `TO:` entry, in the same delta spec.
fn rename_source_line(delta: &DeltaFileInfo, entry: &DeltaEntry) -> Option<NavigationTarget> {
    if entry.op != DeltaOp::RenamedTo {
        return None;
    }
    let from_name = entry.partner.as_ref()?;
    let from = delta
        .entries
        .iter()
        .filter(|candidate| candidate.op == DeltaOp::RenamedFrom && candidate.name_range.start < entry.name_range.start)
        .rfind(|candidate| &candidate.name == from_name && candidate.partner.as_ref() == Some(&entry.name))?;
    Some(NavigationTarget {
        path: delta.path.clone(),
        full_range: from.line_range,
        focus_range: from.name_range,
        name: from.name.clone(),
    })
}

fn main_spec_of(index: &WorkspaceIndex, delta: &DeltaFileInfo) -> Vec<NavigationTarget> {
    index.spec(&delta.capability).map(spec_file_target).into_iter().collect()
}

/// The capability's main spec, or, for a capability the change introduces, its delta spec.
fn capability_definition(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change: &ChangeInfo,
    capability: &str,
) -> Vec<NavigationTarget> {
    if let Some(spec) = index.spec(capability) {
        return vec![spec_file_target(spec)];
    }
    let Some(delta) = change.delta(capability) else {
        return Vec::new();
    };
    file_target(root, &delta.path, delta.first_line_range, capability).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::features::fixture;

    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let targets = analysis.goto_definition(&position);
        let out: Vec<String> = targets.iter().map(|target| fixture::target(&analysis, target)).collect();
        let rendered = if out.is_empty() { "(none)\n".to_owned() } else { out.join("\n") + "\n" };
        expect.assert_eq(&rendered);
    }

    /// The text the jump starts from, quoted, or `(none)`.
    fn check_origin(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let text = analysis.root.text(&position.path).unwrap_or("");
        let rendered = analysis
            .definition_origin(&position)
            .map_or_else(|| "(none)".to_owned(), |range| format!("{:?}", text.get(range.start..range.end)));
        expect.assert_eq(&rendered);
    }

    #[test]
    fn the_jump_starts_from_the_whole_name() {
        check_origin(
            &format!(
                "{BASE}//- /openspec/changes/x/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Lo$0gin\nThe system SHALL ask twice.\n"
            ),
            &expect![[r#"Some("Login")"#]],
        );
        check_origin(
            &format!(
                "{BASE}//- /openspec/changes/x/proposal.md\n## Capabilities\n### Modified Capabilities\n- `au$0th`: x\n"
            ),
            &expect![[r#"Some("auth")"#]],
        );
        check_origin(
            &format!(
                "{BASE}//- /openspec/changes/x/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Audit\nThe system SHALL $0log.\n"
            ),
            &expect!["(none)"],
        );
    }

    const BASE: &str = "//- /openspec/specs/auth/spec.md
# Auth Specification
## Purpose
Authentication of users.
## Requirements
### Requirement: Login
The system SHALL log users in.
#### Scenario: ok
- **WHEN** valid
- **THEN** in
### Requirement: Logout
The system SHALL log users out.
#### Scenario: bye
- **WHEN** asked
";

    #[test]
    fn modified_header_goes_to_the_base_requirement() {
        check(
            &format!(
                "{BASE}//- /openspec/changes/add-2fa/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Lo$0gin\nThe system SHALL ask twice.\n"
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:5:18 "Login" name="Login" full=L5-L9
            "####]],
        );
    }

    #[test]
    fn removed_and_renamed_from_entries_go_to_the_base() {
        check(
            &format!(
                "{BASE}//- /openspec/changes/x/specs/auth/spec.md\n## REMOVED Requirements\n- `### Requirement: Logout`$0\n"
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:10:18 "Logout" name="Logout" full=L10-L13
            "####]],
        );
        check(
            &format!(
                "{BASE}//- /openspec/changes/x/specs/auth/spec.md\n## RENAMED Requirements\n- $0FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign in`\n"
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:5:18 "Login" name="Login" full=L5-L9
            "####]],
        );
    }

    #[test]
    fn renamed_to_prefers_the_new_name_then_the_old_one_then_the_from_line() {
        check(
            &format!(
                "{BASE}//- /openspec/changes/x/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign$0 in`\n"
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:5:18 "Login" name="Login" full=L5-L9
            "####]],
        );
        check(
            &format!(
                "{BASE}//- /openspec/changes/x/specs/auth/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Logout`$0\n"
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:10:18 "Logout" name="Logout" full=L10-L13
            "####]],
        );
        check(
            "//- /openspec/changes/x/specs/new-cap/spec.md\n## RENAMED Requirements\n- FROM: `### Requirement: Old`\n- TO: `### Requirement: New`$0\n",
            &expect![[r#"
                openspec/changes/x/specs/new-cap/spec.md:2:27 "Old" name="Old" full=L2-L2
            "#]],
        );
    }

    #[test]
    fn elsewhere_in_a_delta_goes_to_the_main_spec_file() {
        check(
            &format!(
                "{BASE}//- /openspec/changes/x/specs/auth/spec.md\n## ADDED Requirements\n### Requirement: Audit\nThe system SHALL $0log.\n"
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:1:3 "Auth Specification" name="auth" full=L1-L14
            "####]],
        );
        // A MODIFIED entry whose target is missing still lands in the main spec.
        check(
            &format!(
                "{BASE}//- /openspec/changes/x/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Gone$0\n"
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:1:3 "Auth Specification" name="auth" full=L1-L14
            "####]],
        );
        check(
            "//- /openspec/changes/x/specs/none/spec.md\n## ADDED Requirements\n$0\n",
            &expect![[r#"
                (none)
            "#]],
        );
    }

    #[test]
    fn proposal_capability_goes_to_the_spec_or_the_delta() {
        check(
            &format!(
                "{BASE}//- /openspec/changes/x/proposal.md\n## Capabilities\n### Modified Capabilities\n- `au$0th`: stronger\n"
            ),
            &expect![[r####"
                openspec/specs/auth/spec.md:1:3 "Auth Specification" name="auth" full=L1-L14
            "####]],
        );
        check(
            "//- /openspec/changes/x/proposal.md\n## Capabilities\n### New Capabilities\n- `billing/invoices`$0: new\n//- /openspec/changes/x/specs/billing/invoices/spec.md\n\n## ADDED Requirements\n",
            &expect![[r####"
                openspec/changes/x/specs/billing/invoices/spec.md:2:1 "## ADDED Requirements" name="billing/invoices" full=L1-L3
            "####]],
        );
    }

    #[test]
    fn crlf_and_non_ascii_names() {
        check(
            "//- /openspec/specs/größe/spec.md\r\n# Größe\r\n## Requirements\r\n### Requirement: Übergröße ##\r\nDas System SHALL.\r\n#### Scenario: ö\r\n- x\r\n//- /openspec/changes/ä/specs/größe/spec.md\r\n## MODIFIED Requirements\r\n### Requirement: Übergröße$0\r\n",
            &expect![[r####"
                openspec/specs/größe/spec.md:3:18 "Übergröße" name="Übergröße" full=L3-L6
            "####]],
        );
    }
}
