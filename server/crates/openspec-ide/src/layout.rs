//! Where things live in an OpenSpec root, discovered exactly as the CLI discovers them:
//! main specs, active and archived changes, and the delta specs of a change.

use crate::vfs::{Entry, RootSnapshot};

pub const OPENSPEC_DIR: &str = "openspec";
pub const SPECS_DIR: &str = "openspec/specs";
pub const CHANGES_DIR: &str = "openspec/changes";
pub const ARCHIVE_DIR: &str = "openspec/changes/archive";

/// A `spec.md` found under a specs folder: its id (the `/`-joined folder path below that
/// folder) and its root-relative path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecFile {
    pub id: String,
    pub path: String,
}

/// `discoverSpecFiles`: every `spec.md` at depth >= 1 below `specs_dir`, skipping dot entries and
/// symlinked folders, reading a symlinked `spec.md` that resolves to a file; sorted by id in
/// code-point order.
pub fn discover_spec_files(root: &RootSnapshot, specs_dir: &str) -> Vec<SpecFile> {
    let mut found = Vec::new();
    walk_specs(root, specs_dir, "", &mut found);
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found
}

fn walk_specs(root: &RootSnapshot, dir: &str, id_prefix: &str, found: &mut Vec<SpecFile>) {
    for (name, entry) in root.children(dir) {
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{dir}/{name}");
        match entry {
            Entry::Dir => {
                let id = if id_prefix.is_empty() { name.to_owned() } else { format!("{id_prefix}/{name}") };
                walk_specs(root, &path, &id, found);
            }
            Entry::File { .. } if name == "spec.md" && !id_prefix.is_empty() => {
                found.push(SpecFile { id: id_prefix.to_owned(), path });
            }
            _ => {}
        }
    }
}

/// Main specs: the CLI's spec items.
pub fn main_specs(root: &RootSnapshot) -> Vec<SpecFile> {
    discover_spec_files(root, SPECS_DIR)
}

/// Root-relative path of the main spec for capability `id`.
pub fn main_spec_path(capability: &str) -> String {
    format!("{SPECS_DIR}/{capability}/spec.md")
}

/// Active change ids: folders directly under `openspec/changes` but `archive` and dot-folders,
/// sorted. Symlinked folders do not count (Node's `isDirectory()` is false for them).
pub fn active_changes(root: &RootSnapshot) -> Vec<String> {
    let mut ids: Vec<String> = root
        .children(CHANGES_DIR)
        .filter(|(name, entry)| matches!(entry, Entry::Dir) && *name != "archive" && !name.starts_with('.'))
        .map(|(name, _)| name.to_owned())
        .collect();
    ids.sort();
    ids
}

/// Archived change folder names under `openspec/changes/archive`, sorted.
pub fn archived_changes(root: &RootSnapshot) -> Vec<String> {
    let mut ids: Vec<String> = root
        .children(ARCHIVE_DIR)
        .filter(|(name, entry)| matches!(entry, Entry::Dir) && !name.starts_with('.'))
        .map(|(name, _)| name.to_owned())
        .collect();
    ids.sort();
    ids
}

pub fn change_dir(change_id: &str) -> String {
    format!("{CHANGES_DIR}/{change_id}")
}

pub fn archived_change_dir(folder: &str) -> String {
    format!("{ARCHIVE_DIR}/{folder}")
}

/// Delta specs of the change in `change_dir` (`<change>/specs/<capability>/spec.md`).
pub fn delta_specs(root: &RootSnapshot, change_dir: &str) -> Vec<SpecFile> {
    discover_spec_files(root, &format!("{change_dir}/specs"))
}

/// Whether some rule or feature reads the text of the file at root-relative `path` under
/// `openspec/`: Markdown (`.md`, any case, as the CLI's own `.md` test), YAML (`config.yaml`,
/// `.openspec.yaml`, `schema.yaml`), and anything in a project schema folder (templates are
/// named by the schema and may have any extension). Tasks files a custom schema tracks are
/// parsed as Markdown checklists, so they are Markdown too. Every other file (images, PDFs,
/// videos, `.gitkeep`) only counts as present, so the loader stats it and never reads it.
pub fn is_read_by_openspec(path: &str) -> bool {
    if path.starts_with("openspec/schemas/") {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((_, extension)) = name.rsplit_once('.') else { return false };
    ["md", "yaml", "yml"].iter().any(|known| extension.eq_ignore_ascii_case(known))
}

/// For a `spec.md` the CLI discovers (a main spec or an active change's delta spec, at least one
/// folder below its specs folder): that specs folder and the capability folder holding the
/// file, both root-relative. A symlinked `spec.md` must resolve inside one of the two, or the CLI
/// refuses it with "Path is outside the allowed directory" (`assertDiscoveredSpecPath`).
pub fn spec_link_bounds(path: &str) -> Option<(String, String)> {
    let (capability_dir, name) = path.rsplit_once('/')?;
    if name != "spec.md" {
        return None;
    }
    let specs_dir = if capability_dir.starts_with(&format!("{SPECS_DIR}/")) {
        SPECS_DIR.to_owned()
    } else {
        let rest = capability_dir.strip_prefix(&format!("{CHANGES_DIR}/"))?;
        let (change_id, below) = rest.split_once('/')?;
        let capability = below.strip_prefix("specs/")?;
        if change_id == "archive" || capability.is_empty() {
            return None;
        }
        format!("{CHANGES_DIR}/{change_id}/specs")
    };
    Some((specs_dir, capability_dir.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_like_the_cli() {
        let root = RootSnapshot::from_texts([
            ("openspec/specs/spec.md", "ignored at depth 0"),
            ("openspec/specs/b/spec.md", ""),
            ("openspec/specs/a/x/spec.md", ""),
            ("openspec/specs/a/spec.md", ""),
            ("openspec/specs/.hidden/spec.md", ""),
            ("openspec/specs/a/notes.md", ""),
            ("openspec/changes/archive/2025-01-01-old/proposal.md", ""),
            ("openspec/changes/zeta/proposal.md", ""),
            ("openspec/changes/.tmp/proposal.md", ""),
            ("openspec/changes/alpha/specs/auth/spec.md", ""),
        ]);
        let ids: Vec<_> = main_specs(&root).into_iter().map(|s| s.id).collect();
        assert_eq!(ids, vec!["a", "a/x", "b"]);
        assert_eq!(active_changes(&root), vec!["alpha", "zeta"]);
        assert_eq!(archived_changes(&root), vec!["2025-01-01-old"]);
        let deltas = delta_specs(&root, &change_dir("alpha"));
        assert_eq!(
            deltas,
            vec![SpecFile { id: "auth".into(), path: "openspec/changes/alpha/specs/auth/spec.md".into() }]
        );
    }

    #[test]
    fn files_openspec_reads() {
        for path in [
            "openspec/specs/a/spec.md",
            "openspec/changes/x/NOTES.MD",
            "openspec/config.yml",
            "openspec/changes/x/.openspec.yaml",
            "openspec/schemas/s/templates/proposal.txt",
        ] {
            assert!(is_read_by_openspec(path), "{path}");
        }
        for path in ["openspec/specs/a/diagram.png", "openspec/changes/x/demo.mp4", "openspec/.gitkeep", "openspec/md"]
        {
            assert!(!is_read_by_openspec(path), "{path}");
        }
    }

    #[test]
    fn spec_links_are_bounded_by_their_specs_and_capability_folders() {
        let bounds = |path: &str| spec_link_bounds(path).map(|(specs, capability)| format!("{specs} | {capability}"));
        assert_eq!(bounds("openspec/specs/a/b/spec.md").as_deref(), Some("openspec/specs | openspec/specs/a/b"));
        assert_eq!(
            bounds("openspec/changes/c/specs/a/spec.md").as_deref(),
            Some("openspec/changes/c/specs | openspec/changes/c/specs/a")
        );
        for path in [
            "openspec/specs/spec.md",
            "openspec/changes/c/specs/spec.md",
            "openspec/changes/c/spec.md",
            "openspec/changes/archive/specs/a/spec.md",
            "openspec/specs/a/notes.md",
        ] {
            assert_eq!(bounds(path), None, "{path}");
        }
    }
}
