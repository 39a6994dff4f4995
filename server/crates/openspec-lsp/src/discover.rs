//! Finds the OpenSpec roots a `check` run covers: the root that encloses PATH, found by walking
//! up like the reference CLI, or else every root below PATH (a monorepo). Reads only file
//! metadata; never reads file contents and never writes.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// The roots to check and the folder their paths are reported relative to.
#[derive(Debug, PartialEq, Eq)]
pub struct Discovery {
    /// Root folders (each holds an `openspec/` folder), sorted.
    pub roots: Vec<PathBuf>,
    /// Reported paths are relative to this folder: the root itself when PATH is inside one,
    /// else PATH.
    pub base: PathBuf,
}

/// Resolves PATH to its roots. Fails when PATH cannot be read or holds no root at all.
pub fn discover(path: &Path) -> anyhow::Result<Discovery> {
    let canonical = path.canonicalize().with_context(|| format!("cannot open {}", path.display()))?;
    // Like the CLI, a file stands for the folder it is in.
    let start = if canonical.is_dir() {
        canonical
    } else {
        canonical.parent().map_or_else(|| canonical.clone(), Path::to_path_buf)
    };
    if let Some(root) = enclosing_root(&start) {
        return Ok(Discovery { roots: vec![root.clone()], base: root });
    }
    let roots = roots_below(&start);
    if roots.is_empty() {
        // An `openspec` that is a file (or a link to one) is the likeliest reason; say so.
        let not_a_folder = start
            .ancestors()
            .map(|dir| dir.join("openspec"))
            .find(|candidate| candidate.exists() && !candidate.is_dir())
            .map(|candidate| format!(" ({} is a file, not a folder)", candidate.display()))
            .unwrap_or_default();
        anyhow::bail!(
            "no OpenSpec root found at or above {} nor in any folder below it{not_a_folder}. A root \
             is a folder holding `openspec/` with a `specs/` or `changes/` folder or a \
             `config.yaml`; run `openspec init` to create one",
            start.display()
        );
    }
    Ok(Discovery { roots, base: start })
}

/// The CLI's root test (`classifyOpenSpecDir`): `dir/openspec` is a folder holding a `specs/`
/// or `changes/` folder (that is not itself a registered store) or a `config.yaml`/`config.yml`.
pub fn is_root(dir: &Path) -> bool {
    let openspec = dir.join("openspec");
    if !openspec.is_dir() {
        return false;
    }
    let is_planning_dir = |name: &str| {
        let candidate = openspec.join(name);
        candidate.is_dir() && !candidate.join(".openspec-store").join("store.yaml").exists()
    };
    is_planning_dir("specs")
        || is_planning_dir("changes")
        || openspec.join("config.yaml").exists()
        || openspec.join("config.yml").exists()
}

/// Every root an editor folder covers: the root enclosing it (if any) and every root below it,
/// each standing alone. Paths stay as the editor spelled them (not canonicalised), so they
/// match the document URIs the editor sends.
pub fn workspace_roots(folder: &Path) -> Vec<PathBuf> {
    let mut roots = roots_below(folder);
    if let Some(enclosing) = enclosing_root(folder) {
        roots.push(enclosing);
    }
    roots.sort();
    roots.dedup();
    roots
}

/// The nearest of `start` and its ancestors that is a root.
pub fn enclosing_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| is_root(dir)).map(Path::to_path_buf)
}

/// Every root strictly below `start`, skipping dot-folders, `.gitignore`d folders and the
/// `openspec/` folders of the roots found (their content belongs to that root).
fn roots_below(start: &Path) -> Vec<PathBuf> {
    let walk = ignore::WalkBuilder::new(start)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .ignore(false)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|file_type| file_type.is_dir());
            let is_roots_openspec = entry.file_name() == "openspec" && entry.path().parent().is_some_and(is_root);
            is_dir && !is_roots_openspec
        })
        .build();
    let mut roots: Vec<PathBuf> = walk
        // A folder that cannot be listed cannot hold a root we could load; skip it.
        .filter_map(Result::ok)
        .filter(|entry| entry.depth() > 0 && is_root(entry.path()))
        .map(ignore::DirEntry::into_path)
        .collect();
    roots.sort();
    roots
}

#[cfg(test)]
mod tests {
    use std::fs;

    use expect_test::{Expect, expect};

    use super::discover;

    /// Creates the given folders and files (paths ending in `/` are folders; `path=text` gives a
    /// file its text) in a temp dir, runs
    /// discovery from `start` (relative to it) and prints the roots and base relative to it.
    fn check(layout: &[&str], start: &str, expected: &Expect) {
        let temp = tempfile::tempdir().expect("temp dir");
        let top = temp.path().canonicalize().expect("canonical temp dir");
        for entry in layout {
            let (name, text) = entry.split_once('=').unwrap_or((entry, "x"));
            let path = top.join(name);
            if name.ends_with('/') {
                fs::create_dir_all(&path).expect("create dir");
            } else {
                fs::create_dir_all(path.parent().expect("parent")).expect("create parent");
                fs::write(&path, text).expect("write file");
            }
        }
        let relative = |path: &std::path::Path| {
            let rel = path.strip_prefix(&top).expect("inside temp dir").to_string_lossy().replace('\\', "/");
            if rel.is_empty() { ".".to_owned() } else { rel }
        };
        let actual = match discover(&top.join(start)) {
            Ok(discovery) => {
                let roots: Vec<String> = discovery.roots.iter().map(|root| relative(root)).collect();
                format!("roots: {}\nbase: {}\n", roots.join(", "), relative(&discovery.base))
            }
            Err(error) => format!("error: {}\n", error.to_string().replace(&top.display().to_string(), "<tmp>")),
        };
        expected.assert_eq(&actual);
    }

    #[test]
    fn an_editor_folder_covers_its_enclosing_root_and_every_nested_one() {
        let temp = tempfile::tempdir().expect("temp dir");
        let top = temp.path();
        for dir in [
            "openspec/specs",
            "packages/api/openspec/changes",
            "packages/web/docs/openspec/specs",
            ".hidden/openspec/specs",
        ] {
            fs::create_dir_all(top.join(dir)).expect("create dir");
        }
        let found: Vec<String> = super::workspace_roots(&top.join("packages"))
            .iter()
            .map(|root| root.strip_prefix(top).expect("inside").to_string_lossy().replace('\\', "/"))
            .collect();
        assert_eq!(found, vec!["", "packages/api", "packages/web/docs"]);
    }

    #[test]
    fn path_inside_a_root_walks_up() {
        check(
            &["repo/openspec/specs/auth/spec.md", "repo/src/lib/"],
            "repo/src/lib",
            &expect![[r#"
                roots: repo
                base: repo
            "#]],
        );
    }

    #[test]
    fn path_is_the_openspec_folder_or_a_file_inside() {
        check(
            &["repo/openspec/changes/"],
            "repo/openspec",
            &expect![[r#"
                roots: repo
                base: repo
            "#]],
        );
        check(
            &["repo/openspec/specs/auth/spec.md"],
            "repo/openspec/specs/auth/spec.md",
            &expect![[r#"
                roots: repo
                base: repo
            "#]],
        );
    }

    #[test]
    fn config_alone_makes_a_root_but_a_bare_openspec_folder_does_not() {
        check(
            &["repo/openspec/config.yaml", "repo/sub/openspec/"],
            "repo/sub",
            &expect![[r#"
                roots: repo
                base: repo
            "#]],
        );
    }

    #[test]
    fn nested_roots_nearest_wins_going_up() {
        check(
            &["repo/openspec/specs/", "repo/packages/web/openspec/changes/", "repo/packages/web/src/"],
            "repo/packages/web/src",
            &expect![[r#"
                roots: repo/packages/web
                base: repo/packages/web
            "#]],
        );
    }

    #[test]
    fn path_above_several_roots_finds_each_but_skips_dot_and_ignored_folders() {
        check(
            &[
                "mono/a/openspec/specs/",
                "mono/b/openspec/config.yml",
                "mono/b/nested/openspec/changes/",
                "mono/.hidden/openspec/specs/",
                "mono/vendored/openspec/specs/",
                "mono/.gitignore=vendored/\n",
                "mono/bare/openspec/",
            ],
            "mono",
            &expect![[r#"
                roots: mono/a, mono/b, mono/b/nested
                base: mono
            "#]],
        );
    }

    #[test]
    fn no_root_anywhere_is_an_error() {
        check(
            &["empty/docs/readme.md", "empty/bare/openspec/"],
            "empty",
            &expect![[r#"
                error: no OpenSpec root found at or above <tmp>/empty nor in any folder below it. A root is a folder holding `openspec/` with a `specs/` or `changes/` folder or a `config.yaml`; run `openspec init` to create one
            "#]],
        );
        check(
            &[],
            "missing",
            &expect![[r#"
                error: cannot open <tmp>/missing
            "#]],
        );
    }
}
