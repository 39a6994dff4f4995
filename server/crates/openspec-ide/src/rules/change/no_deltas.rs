//! A change with no delta at all and no `skip_specs` marker.

// Diagnostic: change/no-deltas
//
// A change exists to change specs: archive merges its deltas into `openspec/specs/`. With zero
// parsed entries (a missing `specs/` counts as zero) and no honoured `skip_specs` marker the CLI
// rejects the change. It stays quiet when a root-level `specs/spec.md` or a misplaced delta file
// already explains where the deltas went. The CLI names no place; the finding goes on the first
// line of `proposal.md`, else of `.openspec.yaml`, else on the change folder.

use openspec_syntax::{LineIndex, TextRange};

use crate::change_meta::{self, SkipSpecsMarker};
use crate::diagnostic::{Diagnostic, Severity};
use crate::vfs::RootSnapshot;

use super::ChangeFacts;

const CODE: &str = "change/no-deltas";

const GUIDE_NO_DELTAS: &str = "No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one \"#### Scenario:\" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set \"skip_specs: true\" in the change's .openspec.yaml instead. Tip: run \"openspec change show <change-id> --json --deltas-only\" to inspect parsed deltas.";

pub(super) fn check(root: &RootSnapshot, change: &ChangeFacts, acc: &mut Vec<Diagnostic>) {
    if matches!(change.marker, SkipSpecsMarker::Honoured { .. }) || !change.zero_deltas() {
        return;
    }
    let candidates = [format!("{}/proposal.md", change.dir), change_meta::metadata_path(&change.dir)];
    let (path, range) = candidates
        .into_iter()
        .find_map(|path| {
            let text = root.text(&path)?;
            let range = LineIndex::new(text).line_range(text, 0);
            Some((path, range))
        })
        .unwrap_or_else(|| (change.dir.clone(), TextRange::empty(0)));
    acc.push(Diagnostic::openspec(
        &change.item,
        CODE,
        Severity::Error,
        path,
        range,
        format!("Change must have at least one delta. {GUIDE_NO_DELTAS}"),
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::check;

    #[test]
    fn zero_deltas_go_on_the_proposal_metadata_or_folder() {
        expect![[r#####"
            //- /openspec/changes/with-proposal/proposal.md
            ## Why
            ^^^^^^ error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
            Because.
            //- /openspec/changes/scaffold/.openspec.yaml
            schema: spec-driven
            ^^^^^^^^^^^^^^^^^^^ error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
            //- /openspec/changes/bare (no file)
            ^ error[change/no-deltas]: Change must have at least one delta. No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one "#### Scenario:" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set "skip_specs: true" in the change's .openspec.yaml instead. Tip: run "openspec change show <change-id> --json --deltas-only" to inspect parsed deltas.
        "#####]].assert_eq(&check(
            "//- /openspec/changes/with-proposal/proposal.md\n## Why\nBecause.\n//- /openspec/changes/with-proposal/specs/auth/spec.md\n## ADDED Requirements\n//- /openspec/changes/scaffold/.openspec.yaml\nschema: spec-driven\n//- /openspec/changes/bare/notes/readme.txt\nx\n",
        ));
    }

    #[test]
    fn an_unlistable_specs_folder_aborts_the_change_checks() {
        let mut root = crate::vfs::RootSnapshot::from_texts([("openspec/changes/c/proposal.md", "## Why\n")]);
        let problem = crate::vfs::IoProblem {
            code: "EACCES".to_owned(),
            message: "EACCES: permission denied, scandir".to_owned(),
        };
        root.entries.insert("openspec/changes/c/specs".to_owned(), crate::vfs::Entry::UnreadableDir(problem));
        let mut acc = Vec::new();
        super::super::check(&root, &mut acc);
        // The I/O error is the change's only finding, as in the CLI.
        let codes: Vec<_> = acc.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec!["change/fs-error"], "{acc:?}");
    }

    #[test]
    fn deltas_root_level_specs_and_misplaced_files_silence_it() {
        expect![""].assert_eq(&check(
            "//- /openspec/changes/ok/specs/auth/spec.md\n## REMOVED Requirements\n### Requirement: Old\n//- /openspec/changes/root-level/specs/spec.md\n## ADDED Requirements\n//- /openspec/changes/misplaced/specs/auth.md\n## ADDED Requirements\n",
        ));
    }
}
