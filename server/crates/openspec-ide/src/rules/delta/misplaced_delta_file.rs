//! Markdown files under a change's `specs/` that hold delta sections but are not `spec.md`.

// Diagnostic: change/misplaced-delta-file
//
// Validate and archive read only `specs/<capability>/spec.md`. A `specs/auth.md` or a
// `specs/auth/delta.md` with `## ADDED Requirements` is never merged, yet the artifact graph's
// `specs/**/*.md` glob counts it as written, so the change looks done. Notes without a delta
// section are not deltas and stay quiet. The walk skips dot entries and symlinked folders.

use openspec_syntax::TextRange;
use openspec_syntax::requirement_blocks::parse_delta_spec;

use super::ChangeDeltas;
use crate::diagnostic::{Diagnostic, Severity};
use crate::vfs::{Entry, FileContent, RootSnapshot};

const CODE: &str = "change/misplaced-delta-file";

pub fn check(change: &ChangeDeltas<'_>, acc: &mut Vec<Diagnostic>) {
    let specs_dir = format!("{}/specs", change.dir);
    let mut found = Vec::new();
    walk(change.root, &specs_dir, &mut Vec::new(), &mut found);
    found.sort_by(|a, b| a.relative.cmp(&b.relative));
    for misplaced in found {
        let message = format!(
            "Delta spec found at specs/{}. Delta specs must be a spec.md inside a capability folder \u{2014} this file is ignored when the change is applied or archived. Move its requirements into specs/{}.",
            misplaced.relative, misplaced.expected
        );
        acc.push(change.finding(CODE, Severity::Error, &misplaced.path, misplaced.range, message));
    }
}

struct Misplaced {
    path: String,
    /// Path below `specs/`.
    relative: String,
    /// Where the CLI suggests moving it, below `specs/`.
    expected: String,
    /// The first delta section header.
    range: TextRange,
}

fn walk(root: &RootSnapshot, dir: &str, segments: &mut Vec<String>, found: &mut Vec<Misplaced>) {
    for (name, entry) in root.children(dir) {
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{dir}/{name}");
        let text = match entry {
            Entry::Dir => {
                segments.push(name.to_owned());
                walk(root, &path, segments, found);
                segments.pop();
                continue;
            }
            Entry::File { content: FileContent::Text { text, .. }, .. } => text,
            _ => continue,
        };
        if name == "spec.md" || !name.to_lowercase().ends_with(".md") {
            continue;
        }
        let delta = parse_delta_spec(text);
        let Some(first_section) = delta.sections.first() else {
            continue;
        };
        let capability = if segments.is_empty() {
            name.get(..name.len() - ".md".len()).unwrap_or(name).to_owned()
        } else {
            segments.join("/")
        };
        let mut relative = segments.join("/");
        if !relative.is_empty() {
            relative.push('/');
        }
        relative.push_str(name);
        found.push(Misplaced {
            path,
            relative,
            expected: format!("{capability}/spec.md"),
            range: first_section.range(),
        });
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::rules::delta::test_helpers::check_codes;

    fn check(fixture: &str) -> String {
        check_codes(fixture, &[super::CODE])
    }

    #[test]
    fn flags_delta_sections_outside_spec_md() {
        expect![[r#"
            //- /openspec/changes/c/specs/auth.md
            # Auth
            ## ADDED Requirements
            ^^^^^^^^^^^^^^^^^^^^^ error[change/misplaced-delta-file]: Delta spec found at specs/auth.md. Delta specs must be a spec.md inside a capability folder — this file is ignored when the change is applied or archived. Move its requirements into specs/auth/spec.md.
            //- /openspec/changes/c/specs/billing/delta.MD
            ## removed requirements
            ^^^^^^^^^^^^^^^^^^^^^^^ error[change/misplaced-delta-file]: Delta spec found at specs/billing/delta.MD. Delta specs must be a spec.md inside a capability folder — this file is ignored when the change is applied or archived. Move its requirements into specs/billing/spec.md.
        "#]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth.md\n# Auth\n## ADDED Requirements\n//- /openspec/changes/c/specs/billing/delta.MD\n## removed requirements\n//- /openspec/changes/c/specs/billing/spec.md\n## ADDED Requirements\n",
        ));
    }

    #[test]
    fn notes_and_hidden_files_are_quiet() {
        expect![[""]].assert_eq(&check(
            "//- /openspec/changes/c/specs/auth/notes.md\n# Notes\n## Background\n//- /openspec/changes/c/specs/.drafts/auth.md\n## ADDED Requirements\n//- /openspec/changes/c/specs/auth/spec.txt\n## ADDED Requirements\n",
        ));
    }
}
