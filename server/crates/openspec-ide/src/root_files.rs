//! Which files a root snapshot holds besides `openspec/**`: the legacy agent files and command
//! folders, CODEOWNERS, the repository's `openspec-lsp.toml` policy and a store's
//! `.openspec-store/store.yaml`. The IO edge reads these
//! (and watches them); the checks find them by the same names. No IO here.

use crate::legacy::{self, MARKER_HOSTS};

/// The repository policy file, next to `openspec/` (see `crate::policy`).
pub const POLICY_FILE: &str = "openspec-lsp.toml";

/// Where GitHub and GitLab look for CODEOWNERS, in the order they look.
pub const CODEOWNERS_PATHS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// Single files (root-relative) to read when they exist.
pub fn files() -> impl Iterator<Item = &'static str> {
    MARKER_HOSTS
        .iter()
        .copied()
        .chain(CODEOWNERS_PATHS.iter().copied())
        .chain([POLICY_FILE, crate::store::STORE_METADATA_FILE])
}

/// Folders (root-relative) whose direct files are read: the legacy command folders.
pub fn folders() -> impl Iterator<Item = &'static str> {
    legacy::legacy_folders()
}

/// Whether a root-relative path belongs in the snapshot: `openspec/` and below, or one of the
/// files above, or a file directly in one of the folders above.
pub fn is_snapshot_path(path: &str) -> bool {
    if path == "openspec" || path.starts_with("openspec/") {
        return true;
    }
    if files().any(|file| file == path) {
        return true;
    }
    path.rsplit_once('/').is_some_and(|(dir, _)| folders().any(|folder| folder == dir))
}

#[cfg(test)]
mod tests {
    use super::is_snapshot_path;

    #[test]
    fn snapshot_paths() {
        for path in [
            "openspec",
            "openspec/specs/a/spec.md",
            "CLAUDE.md",
            ".github/CODEOWNERS",
            "openspec-lsp.toml",
            ".claude/commands/openspec/x.md",
        ] {
            assert!(is_snapshot_path(path), "{path}");
        }
        for path in ["src/main.rs", "openspecs/x", "docs/CLAUDE.md", ".claude/commands/openspec/deep/x.md"] {
            assert!(!is_snapshot_path(path), "{path}");
        }
    }
}
