//! Hover: a main-spec requirement's text, scenarios, the active changes touching it and a
//! one-line history; a delta entry's base requirement as written in the main spec; a proposal
//! capability's purpose and size. Returns Markdown and the hovered range. Pure: reads the index
//! and the snapshot's text.

use std::fmt::Write;

use openspec_syntax::TextRange;
use openspec_syntax::lines::{Bom, normalize};

use crate::codeowners::CodeOwners;
use crate::index::{
    ChangeInfo, DeltaEntry, DeltaFileInfo, DeltaOp, Located, RequirementInfo, SpecInfo, WorkspaceIndex,
};
use crate::layout;
use crate::types::FilePosition;
use crate::vfs::RootSnapshot;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    /// The range the hover is about (the header line, the entry, the capability path).
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(root: &RootSnapshot, index: &WorkspaceIndex, position: &FilePosition) -> Option<HoverResult> {
    match index.locate(&position.path, position.offset)? {
        Located::Requirement { spec, requirement } => Some(HoverResult {
            range: requirement.header_range,
            markdown: requirement_hover(root, index, spec, requirement),
        }),
        Located::DeltaEntry { change, delta, entry } => {
            Some(HoverResult { range: entry.line_range, markdown: entry_hover(root, index, change, delta, entry) })
        }
        Located::Capability { change, mention } => {
            Some(HoverResult { range: mention.range, markdown: capability_hover(index, change, &mention.capability) })
        }
        Located::SpecTitle { .. } | Located::SpecFile { .. } | Located::DeltaFile { .. } => None,
    }
}

fn requirement_hover(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    spec: &SpecInfo,
    requirement: &RequirementInfo,
) -> String {
    let mut out = format!("**Requirement: {}** in `{}`\n\n", requirement.name, spec.capability);
    if requirement.body.is_empty() {
        out.push_str("_No requirement text._\n");
    } else {
        out.push_str(&requirement.body);
        out.push('\n');
    }
    if !requirement.scenarios.is_empty() {
        let _ = writeln!(out, "\n**Scenarios** ({}):", requirement.scenarios.len());
        for scenario in &requirement.scenarios {
            let _ = writeln!(out, "- {}", display_name(&scenario.name));
        }
    }
    push_active_changes(&mut out, index, &spec.capability, &requirement.name);
    if let Some(line) = crate::history::hover_line(index, &spec.capability, &requirement.name) {
        let _ = write!(out, "\n{line}");
    }
    push_owners(&mut out, root, &spec.path);
    out
}

/// Who owns the spec file, when CODEOWNERS says.
fn push_owners(out: &mut String, root: &RootSnapshot, path: &str) {
    let Some(codeowners) = CodeOwners::read(root) else { return };
    match codeowners.owners_of(path) {
        Some([]) => {
            let _ = writeln!(out, "\n**Owners:** none (`{}` leaves `{path}` unowned)", codeowners.path);
        }
        Some(owners) => {
            let _ = writeln!(out, "\n**Owners:** {} (from `{}`)", owners.join(", "), codeowners.path);
        }
        None => {}
    }
}

/// The base requirement a MODIFIED/REMOVED/RENAMED entry acts on, as written in the main spec.
fn entry_hover(
    root: &RootSnapshot,
    index: &WorkspaceIndex,
    change: &ChangeInfo,
    delta: &DeltaFileInfo,
    entry: &DeltaEntry,
) -> String {
    // A TO side is about the requirement being renamed, which the base knows by the FROM name.
    let base_name = match (entry.op, &entry.partner) {
        (DeltaOp::RenamedTo, Some(from)) => from.as_str(),
        _ => entry.name.as_str(),
    };
    let mut out = match (entry.op, &entry.partner) {
        (DeltaOp::RenamedFrom, Some(to)) => format!("**RENAMED** `{}` to `{to}` in `{}`\n\n", entry.name, change.id),
        (DeltaOp::RenamedTo, Some(from)) => format!("**RENAMED** `{from}` to `{}` in `{}`\n\n", entry.name, change.id),
        (DeltaOp::RenamedFrom | DeltaOp::RenamedTo, None) => {
            format!("**{}** `{}` (unpaired) in `{}`\n\n", entry.op.label(), entry.name, change.id)
        }
        _ => format!("**{}** `{}` in `{}`\n\n", entry.op.label(), entry.name, change.id),
    };
    let base_path = layout::main_spec_path(&delta.capability);
    match index.spec(&delta.capability) {
        None if entry.op == DeltaOp::Added => {
            let _ = writeln!(out, "New requirement of a new capability (no `{base_path}` yet).");
        }
        None => {
            let _ = writeln!(out, "No main spec `{base_path}`: there is nothing to {}.", verb(entry.op));
        }
        Some(spec) => match spec.requirement(base_name) {
            None if entry.op == DeltaOp::Added => {
                let _ = writeln!(out, "New requirement: `{base_path}` has none of this name.");
            }
            None => {
                let _ = writeln!(out, "`{base_path}` has no requirement named `{base_name}`.");
            }
            Some(requirement) => {
                let heading = if entry.op == DeltaOp::Added { "Already in" } else { "Base version in" };
                let _ = writeln!(out, "{heading} `{base_path}`:\n\n---\n");
                let block =
                    root.text(&spec.path).and_then(|text| text.get(requirement.range.start..requirement.range.end));
                out.push_str(&normalize(block.unwrap_or(""), Bom::Keep));
                out.push_str("\n\n---\n");
            }
        },
    }
    push_active_changes(&mut out, index, &delta.capability, base_name);
    out
}

const fn verb(op: DeltaOp) -> &'static str {
    match op {
        DeltaOp::Added => "add to",
        DeltaOp::Modified => "modify",
        DeltaOp::Removed => "remove",
        DeltaOp::RenamedFrom | DeltaOp::RenamedTo => "rename",
    }
}

/// Lists the active changes with an entry naming the requirement, and how each touches it.
fn push_active_changes(out: &mut String, index: &WorkspaceIndex, capability: &str, name: &str) {
    let touching: Vec<_> = index.entries_naming(capability, name).filter(|(change, _, _)| !change.archived).collect();
    if touching.is_empty() {
        out.push_str("\nNo active change touches it.\n");
        return;
    }
    out.push_str("\n**Active changes:**\n");
    for (change, _, entry) in touching {
        let _ = writeln!(out, "- `{}`: {}", change.id, entry.op.label());
    }
}

fn capability_hover(index: &WorkspaceIndex, change: &ChangeInfo, capability: &str) -> String {
    let mut out = format!("**Capability `{capability}`**\n\n");
    match index.spec(capability) {
        Some(spec) => {
            if spec.purpose.is_empty() {
                out.push_str("_No Purpose section._\n");
            } else {
                out.push_str(&spec.purpose);
                out.push('\n');
            }
            let n_requirements = spec.requirements.len();
            let plural = if n_requirements == 1 { "" } else { "s" };
            let _ = writeln!(out, "\n{n_requirements} requirement{plural} in `{}`", spec.path);
        }
        None => {
            let _ = writeln!(out, "New capability: no `{}` yet.", layout::main_spec_path(capability));
        }
    }
    match change.delta(capability) {
        Some(delta) => {
            let n_entries = delta.entries.iter().filter(|entry| entry.op != DeltaOp::RenamedTo).count();
            let plural = if n_entries == 1 { "y" } else { "ies" };
            let _ = writeln!(out, "\nThis change: `{}` ({n_entries} entr{plural})", delta.path);
        }
        None => {
            let _ = writeln!(out, "\nThis change has no delta spec for it.");
        }
    }
    out
}

fn display_name(name: &str) -> &str {
    if name.is_empty() { "(unnamed)" } else { name }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use crate::features::fixture;

    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let out = match analysis.hover(&position) {
            Some(hover) => {
                format!("range {}\n{}", fixture::location(&analysis, &position.path, hover.range), hover.markdown)
            }
            None => "no hover\n".to_owned(),
        };
        expect.assert_eq(&out);
    }

    const WORKSPACE: &str = "//- /openspec/specs/auth/spec.md
# Auth
## Purpose
Authenticate every user.
## Requirements
### Requirement: Login
**ID**: R1
The system SHALL log users in.
#### Scenario: ok
- **WHEN** valid
#### Scenario: bad password
- **WHEN** wrong
### Requirement: Logout
The system SHALL log out.
//- /openspec/changes/add-2fa/proposal.md
## Capabilities
- `auth`: stronger
- `billing`: new
//- /openspec/changes/add-2fa/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Login
The system SHALL ask twice.
## RENAMED Requirements
- FROM: `### Requirement: Logout`
- TO: `### Requirement: Sign out`
//- /openspec/changes/drop/specs/auth/spec.md
## REMOVED Requirements
- `### Requirement: Login`
";

    #[test]
    fn requirement_owners_from_codeowners() {
        let hovered = WORKSPACE.replace("### Requirement: Logout\nThe", "### Requirement: Log$0out\nThe");
        check(
            &format!("{hovered}//- /.github/CODEOWNERS\n* @org/everyone\n/openspec/specs/auth/ @org/security @alice\n"),
            &expect![[r####"
                range openspec/specs/auth/spec.md:12:1 "### Requirement: Logout"
                **Requirement: Logout** in `auth`

                The system SHALL log out.

                **Active changes:**
                - `add-2fa`: RENAMED FROM

                **Owners:** @org/security, @alice (from `.github/CODEOWNERS`)
            "####]],
        );
        check(
            &format!("{hovered}//- /CODEOWNERS\n/openspec/specs/auth/spec.md\n"),
            &expect![[r####"
            range openspec/specs/auth/spec.md:12:1 "### Requirement: Logout"
            **Requirement: Logout** in `auth`

            The system SHALL log out.

            **Active changes:**
            - `add-2fa`: RENAMED FROM

            **Owners:** none (`CODEOWNERS` leaves `openspec/specs/auth/spec.md` unowned)
        "####]],
        );
    }

    #[test]
    fn main_spec_requirement() {
        check(
            &WORKSPACE.replace("### Requirement: Login\n**ID**", "### Requirement: Log$0in\n**ID**"),
            &expect![[r####"
                range openspec/specs/auth/spec.md:5:1 "### Requirement: Login"
                **Requirement: Login** in `auth`

                The system SHALL log users in.

                **Scenarios** (2):
                - ok
                - bad password

                **Active changes:**
                - `add-2fa`: MODIFIED
                - `drop`: REMOVED
            "####]],
        );
        check(
            &WORKSPACE.replace(
                "### Requirement: Logout\nThe system SHALL log out.",
                "### Requirement: Logout$0\nThe system SHALL log out.",
            ),
            &expect![[r####"
                range openspec/specs/auth/spec.md:12:1 "### Requirement: Logout"
                **Requirement: Logout** in `auth`

                The system SHALL log out.

                **Active changes:**
                - `add-2fa`: RENAMED FROM
            "####]],
        );
    }

    #[test]
    fn delta_entries_show_the_base_version() {
        check(
            &WORKSPACE.replace("- `### Requirement: Login`", "- `### Requirement: $0Login`"),
            &expect![[r#"
                range openspec/changes/drop/specs/auth/spec.md:2:1 "- `### Requirement: Login`"
                **REMOVED** `Login` in `drop`

                Base version in `openspec/specs/auth/spec.md`:

                ---

                ### Requirement: Login
                **ID**: R1
                The system SHALL log users in.
                #### Scenario: ok
                - **WHEN** valid
                #### Scenario: bad password
                - **WHEN** wrong

                ---

                **Active changes:**
                - `add-2fa`: MODIFIED
                - `drop`: REMOVED
            "#]],
        );
        check(
            &WORKSPACE.replace("Sign out`", "Sign out`$0"),
            &expect![[r#"
                range openspec/changes/add-2fa/specs/auth/spec.md:6:1 "- TO: `### Requirement: Sign out`"
                **RENAMED** `Logout` to `Sign out` in `add-2fa`

                Base version in `openspec/specs/auth/spec.md`:

                ---

                ### Requirement: Logout
                The system SHALL log out.

                ---

                **Active changes:**
                - `add-2fa`: RENAMED FROM
            "#]],
        );
        check(
            "//- /openspec/changes/x/specs/auth/spec.md\n## MODIFIED Requirements\n### Requirement: Gone$0\n",
            &expect![[r####"
                range openspec/changes/x/specs/auth/spec.md:2:1 "### Requirement: Gone"
                **MODIFIED** `Gone` in `x`

                No main spec `openspec/specs/auth/spec.md`: there is nothing to modify.

                **Active changes:**
                - `x`: MODIFIED
            "####]],
        );
    }

    #[test]
    fn main_spec_requirement_with_a_history() {
        check(
            "//- /openspec/specs/auth/spec.md
## Requirements
### Requirement: Sign $0in
The system SHALL sign users in.
//- /openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md
## ADDED Requirements
### Requirement: Login
x
//- /openspec/changes/archive/2024-02-01-rename/specs/auth/spec.md
## RENAMED Requirements
- FROM: `### Requirement: Login`
- TO: `### Requirement: Sign in`
//- /openspec/changes/archive/undated/specs/auth/spec.md
## MODIFIED Requirements
### Requirement: Sign in
y
",
            &expect![[r####"
                range openspec/specs/auth/spec.md:2:1 "### Requirement: Sign in"
                **Requirement: Sign in** in `auth`

                The system SHALL sign users in.

                No active change touches it.

                **History:** added by add-login · modified 1x · renamed 1x · last by undated (since 2024-01-05)
            "####]],
        );
    }

    #[test]
    fn proposal_capability() {
        check(
            &WORKSPACE.replace("- `auth`: stronger", "- `auth`$0: stronger"),
            &expect![[r####"
                range openspec/changes/add-2fa/proposal.md:2:4 "auth"
                **Capability `auth`**

                Authenticate every user.

                2 requirements in `openspec/specs/auth/spec.md`

                This change: `openspec/changes/add-2fa/specs/auth/spec.md` (2 entries)
            "####]],
        );
        check(
            &WORKSPACE.replace("- `billing`: new", "- `bil$0ling`: new"),
            &expect![[r####"
                range openspec/changes/add-2fa/proposal.md:3:4 "billing"
                **Capability `billing`**

                New capability: no `openspec/specs/billing/spec.md` yet.

                This change has no delta spec for it.
            "####]],
        );
        check(&WORKSPACE.replace("## Purpose", "## Pur$0pose"), &expect!["no hover\n"]);
    }

    #[test]
    fn crlf_and_non_ascii() {
        check(
            "//- /openspec/specs/ü/spec.md\r\n## Requirements\r\n### Requirement: Größe\r\nDas System SHALL größer sein.\r\n#### Scenario: ä\r\n- x\r\n//- /openspec/changes/c/specs/ü/spec.md\r\n## MODIFIED Requirements\r\n### Requirement: Größe$0\r\nneu\r\n",
            &expect![[r####"
                range openspec/changes/c/specs/ü/spec.md:2:1 "### Requirement: Größe"
                **MODIFIED** `Größe` in `c`

                Base version in `openspec/specs/ü/spec.md`:

                ---

                ### Requirement: Größe
                Das System SHALL größer sein.
                #### Scenario: ä
                - x

                ---

                **Active changes:**
                - `c`: MODIFIED
            "####]],
        );
    }
}
