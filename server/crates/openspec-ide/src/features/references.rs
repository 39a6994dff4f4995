//! Find references: on a requirement, every delta entry (active and archived changes) naming it
//! plus its main-spec header; on a capability, every change touching it. Pure index lookups.

use crate::index::{Located, WorkspaceIndex};
use crate::types::{FilePosition, FileRange};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReferencesConfig {
    /// Also list the declaration: the main-spec requirement header or the spec's title.
    pub include_declaration: bool,
}

pub fn references(index: &WorkspaceIndex, position: &FilePosition, config: ReferencesConfig) -> Vec<FileRange> {
    let Some(located) = index.locate(&position.path, position.offset) else {
        return Vec::new();
    };
    let mut found = match located {
        Located::Requirement { spec, requirement } => {
            requirement_references(index, &spec.capability, &requirement.name, config)
        }
        Located::DeltaEntry { delta, entry, .. } => {
            requirement_references(index, &delta.capability, &entry.name, config)
        }
        Located::SpecTitle { spec } => capability_references(index, &spec.capability, config),
        Located::Capability { mention, .. } => capability_references(index, &mention.capability, config),
        Located::SpecFile { .. } | Located::DeltaFile { .. } => Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    found.retain(|reference| seen.insert(reference.clone()));
    found
}

fn requirement_references(
    index: &WorkspaceIndex,
    capability: &str,
    name: &str,
    config: ReferencesConfig,
) -> Vec<FileRange> {
    let mut found = Vec::new();
    if config.include_declaration
        && let Some(spec) = index.spec(capability)
    {
        let declarations = spec.requirements_named(name);
        found.extend(
            declarations.map(|requirement| FileRange { path: spec.path.clone(), range: requirement.name_range }),
        );
    }
    let entries = index.entries_naming(capability, name);
    found.extend(entries.map(|(_, delta, entry)| FileRange { path: delta.path.clone(), range: entry.name_range }));
    found
}

/// Every change's delta spec for `capability` and every proposal bullet naming it.
fn capability_references(index: &WorkspaceIndex, capability: &str, config: ReferencesConfig) -> Vec<FileRange> {
    let mut found = Vec::new();
    if config.include_declaration
        && let Some(spec) = index.spec(capability)
    {
        found.push(FileRange { path: spec.path.clone(), range: spec.name_range() });
    }
    for change in &index.changes {
        if let Some(proposal) = &change.proposal {
            let mentions = proposal.capabilities.iter().filter(|mention| mention.capability == capability);
            found.extend(mentions.map(|mention| FileRange { path: proposal.path.clone(), range: mention.range }));
        }
        if let Some(delta) = change.delta(capability) {
            found.push(FileRange { path: delta.path.clone(), range: delta.first_line_range });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::ReferencesConfig;
    use crate::features::fixture;

    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let found = analysis.references(&position, ReferencesConfig { include_declaration: true });
        let out: Vec<String> = found.iter().map(|r| fixture::location(&analysis, &r.path, r.range)).collect();
        let rendered = if out.is_empty() { "(none)\n".to_owned() } else { out.join("\n") + "\n" };
        expect.assert_eq(&rendered);
    }

    const WORKSPACE: &str = "//- /openspec/specs/auth/spec.md
# Auth
## Purpose
Auth.
## Requirements
### Requirement: Login
The system SHALL log in.
#### Scenario: ok
- **WHEN** x
//- /openspec/changes/add-2fa/proposal.md
## Capabilities
### Modified Capabilities
- `auth`: two factors
//- /openspec/changes/add-2fa/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Login
The system SHALL ask twice.
//- /openspec/changes/rename/specs/auth/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Login`
- TO: `### Requirement: Sign in`
## REMOVED Requirements
- `### Requirement: Login`
//- /openspec/changes/archive/2024-01-01-login/specs/auth/spec.md
## ADDED Requirements
### Requirement: Login
The system SHALL log in.
//- /openspec/changes/other/specs/billing/spec.md
## ADDED Requirements
### Requirement: Login
Not the same capability.
";

    #[test]
    fn requirement_from_the_main_spec_header() {
        check(
            &WORKSPACE.replace(
                "### Requirement: Login\nThe system SHALL log in.\n####",
                "### Requirement: Log$0in\nThe system SHALL log in.\n####",
            ),
            &expect![[r#"
                openspec/specs/auth/spec.md:5:18 "Login"
                openspec/changes/add-2fa/specs/auth/spec.md:2:18 "Login"
                openspec/changes/rename/specs/auth/spec.md:2:27 "Login"
                openspec/changes/rename/specs/auth/spec.md:5:21 "Login"
                openspec/changes/archive/2024-01-01-login/specs/auth/spec.md:2:18 "Login"
            "#]],
        );
    }

    #[test]
    fn requirement_from_a_delta_entry_and_a_renamed_to() {
        check(
            &WORKSPACE.replace(
                "### Requirement: Login\nThe system SHALL ask twice.",
                "### Requirement: Login$0\nThe system SHALL ask twice.",
            ),
            &expect![[r#"
                openspec/specs/auth/spec.md:5:18 "Login"
                openspec/changes/add-2fa/specs/auth/spec.md:2:18 "Login"
                openspec/changes/rename/specs/auth/spec.md:2:27 "Login"
                openspec/changes/rename/specs/auth/spec.md:5:21 "Login"
                openspec/changes/archive/2024-01-01-login/specs/auth/spec.md:2:18 "Login"
            "#]],
        );
        check(
            &WORKSPACE.replace("Sign in", "Sign$0 in"),
            &expect![[r#"
                openspec/changes/rename/specs/auth/spec.md:3:25 "Sign in"
            "#]],
        );
    }

    #[test]
    fn capability_from_the_proposal_and_the_spec_title() {
        let expected = expect![[r####"
            openspec/specs/auth/spec.md:1:3 "Auth"
            openspec/changes/add-2fa/proposal.md:3:4 "auth"
            openspec/changes/add-2fa/specs/auth/spec.md:1:1 "## MODIFIED Requirements"
            openspec/changes/rename/specs/auth/spec.md:1:1 "## RENAMED Requirements"
            openspec/changes/archive/2024-01-01-login/specs/auth/spec.md:1:1 "## ADDED Requirements"
        "####]];
        check(&WORKSPACE.replace("- `auth`:", "- `au$0th`:"), &expected);
        check(&WORKSPACE.replace("# Auth\n", "# Au$0th\n"), &expected);
        // Elsewhere in the spec is neither.
        check(
            &WORKSPACE.replace("Auth.\n", "Au$0th.\n"),
            &expect![[r#"
                (none)
            "#]],
        );
    }

    #[test]
    fn crlf_and_non_ascii() {
        check(
            "//- /openspec/specs/ü/spec.md\r\n## Requirements\r\n### Requirement: Größe$0\r\nx\r\n//- /openspec/changes/c/specs/ü/spec.md\r\n## REMOVED Requirements\r\n- `### Requirement: Größe`\r\n",
            &expect![[r#"
                openspec/specs/ü/spec.md:2:18 "Größe"
                openspec/changes/c/specs/ü/spec.md:2:21 "Größe"
            "#]],
        );
    }
}
