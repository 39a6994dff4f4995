//! Document links: a proposal's capability bullets link to the capability's spec (the main
//! spec, or the change's delta spec for a new capability), and `specs/<cap>/spec.md` path
//! mentions in any Markdown file link to the file they name when it exists. Pure.

use std::sync::LazyLock;

use regex::Regex;

use openspec_syntax::TextRange;

use crate::features::is_markdown;
use crate::index::{FileRole, WorkspaceIndex};
use crate::layout;
use crate::vfs::RootSnapshot;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentLink {
    pub range: TextRange,
    /// Root-relative path of an existing file.
    pub target: String,
}

/// A path token that ends in `specs/<something>/spec.md`, e.g. `openspec/specs/auth/spec.md`,
/// `specs/auth/login/spec.md`, `../changes/x/specs/auth/spec.md`.
static SPEC_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[^\s`'"()\[\]<>,;:*]*specs/[^\s`'"()\[\]<>,;:*]+/spec\.md"#).expect("spec path pattern compiles")
});

pub fn document_links(root: &RootSnapshot, index: &WorkspaceIndex, path: &str) -> Vec<DocumentLink> {
    let Some(text) = root.text(path) else {
        return Vec::new();
    };
    if !is_markdown(path) {
        return Vec::new();
    }
    let mut links = Vec::new();
    if let Some(FileRole::Proposal { change }) = index.role(path)
        && let Some(change) = index.changes.get(change)
        && let Some(proposal) = &change.proposal
    {
        for mention in &proposal.capabilities {
            let candidates = [
                layout::main_spec_path(&mention.capability),
                format!("{}/specs/{}/spec.md", change.dir, mention.capability),
            ];
            if let Some(target) = candidates.into_iter().find(|candidate| root.text(candidate).is_some()) {
                links.push(DocumentLink { range: mention.range, target });
            }
        }
    }
    let document_dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let change_dir = change_dir_of(path);
    for found in SPEC_PATH.find_iter(text) {
        let mentioned = found.as_str();
        let mut candidates = Vec::new();
        candidates.push(join(document_dir, mentioned));
        if let Some(change_dir) = &change_dir {
            candidates.push(join(change_dir, mentioned));
        }
        candidates.push(join("", mentioned));
        candidates.push(join(layout::OPENSPEC_DIR, mentioned));
        let target = candidates.into_iter().flatten().find(|candidate| root.text(candidate).is_some());
        if let Some(target) = target {
            links.push(DocumentLink { range: TextRange::new(found.start(), found.end()), target });
        }
    }
    links.sort_by_key(|link| link.range);
    links.dedup_by_key(|link| link.range);
    links
}

/// The folder of the change (active or archived) that holds `path`, if any.
fn change_dir_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix(layout::CHANGES_DIR)?.strip_prefix('/')?;
    let (first, rest) = rest.split_once('/')?;
    if first == "archive" {
        let (folder, _) = rest.split_once('/')?;
        return Some(layout::archived_change_dir(folder));
    }
    Some(layout::change_dir(first))
}

/// `base/relative` with `.` and `..` resolved; `None` when `..` climbs out of the root.
fn join(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|part| !part.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use expect_test::{Expect, expect};

    use crate::features::fixture;

    fn check(fixture_text: &str, expect: &Expect) {
        let (analysis, position, _) = fixture::analysis(fixture_text);
        let mut out = String::new();
        for link in analysis.document_links(&position.path) {
            let _ = writeln!(out, "{} -> {}", fixture::location(&analysis, &position.path, link.range), link.target);
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn proposal_bullets_and_path_mentions() {
        check(
            "//- /openspec/specs/auth/spec.md\n# Auth\n//- /openspec/changes/c/specs/größe/spec.md\n## ADDED Requirements\n//- /openspec/changes/c/proposal.md\r\n$0## Capabilities\r\n- `auth`: see openspec/specs/auth/spec.md\r\n- `größe`: see specs/größe/spec.md and specs/auth/spec.md\r\n- `missing`: specs/missing/spec.md\r\n",
            &expect![[r#"
                openspec/changes/c/proposal.md:2:4 "auth" -> openspec/specs/auth/spec.md
                openspec/changes/c/proposal.md:2:15 "openspec/specs/auth/spec.md" -> openspec/specs/auth/spec.md
                openspec/changes/c/proposal.md:3:4 "größe" -> openspec/changes/c/specs/größe/spec.md
                openspec/changes/c/proposal.md:3:16 "specs/größe/spec.md" -> openspec/changes/c/specs/größe/spec.md
                openspec/changes/c/proposal.md:3:40 "specs/auth/spec.md" -> openspec/specs/auth/spec.md
            "#]],
        );
    }

    #[test]
    fn relative_paths_from_a_design_doc() {
        check(
            "//- /openspec/specs/auth/spec.md\n# Auth\n//- /openspec/changes/c/specs/auth/spec.md\n## MODIFIED Requirements\n//- /openspec/changes/c/design.md\n$0See ./specs/auth/spec.md, ../../specs/auth/spec.md and ../../../../../specs/auth/spec.md.\n",
            &expect![[r####"
                openspec/changes/c/design.md:1:5 "./specs/auth/spec.md" -> openspec/changes/c/specs/auth/spec.md
                openspec/changes/c/design.md:1:27 "../../specs/auth/spec.md" -> openspec/specs/auth/spec.md
            "####]],
        );
    }
}
