//! The snapshot of one OpenSpec root that every check reads: paths, kinds and texts, captured
//! by the IO edge (the server crate). Nothing here touches the file system.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use openspec_syntax::markdown::Tree;
use openspec_syntax::markdown_lazy::LazyTree;

/// An I/O failure as the reference CLI (Node) would name it, e.g. code `EACCES` and message
/// `EACCES: permission denied, open '/abs/path'`, so messages can match the CLI's wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoProblem {
    pub code: String,
    pub message: String,
}

/// `IoProblem::code` of a file reached through a symlink whose target resolves outside the
/// repository root (the folder holding `openspec/`). Such a file is never read: its text could
/// be anything on the machine (`/proc/self/environ`, `/etc/passwd`), and reports and the editor
/// would show it. Rules treat it as unreadable; `file/link-outside-root` names the link.
pub const LINK_OUTSIDE_ROOT: &str = "ELINKOUTSIDEROOT";

/// `IoProblem::code` of a `spec.md` symlink that resolves inside the repository but outside both
/// its specs folder and its capability folder: the CLI refuses to read it ("Path is outside the
/// allowed directory: ..."), and so does the snapshot.
pub const OUTSIDE_ALLOWED_DIR: &str = "EOUTSIDEALLOWED";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileContent {
    /// Decoded text. `lossy` is set when the bytes were not valid UTF-8 and were decoded with
    /// U+FFFD replacements (what Node does too, so checks still agree with the CLI).
    Text {
        text: Arc<str>,
        lossy: bool,
    },
    Unreadable(IoProblem),
    /// A file no rule or feature reads (an image, a PDF, a video; see
    /// `layout::is_read_by_openspec`): only its existence counts, so the loader stats it and
    /// never reads it.
    NotRead,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Dir,
    /// A regular file, or a symlink that resolves to one (`symlink` set).
    File {
        content: FileContent,
        symlink: bool,
    },
    /// A symlink to a directory: seen, never descended into (the CLI does not follow them).
    SymlinkToDir,
    /// A symlink whose target does not exist.
    DanglingSymlink,
    /// A directory that exists but could not be listed, or a followed folder link whose target
    /// is outside the repository root (code `LINK_OUTSIDE_ROOT`), which is never listed.
    UnreadableDir(IoProblem),
}

/// The entries of a snapshot: an ordered map that shares structure between copies, so cloning
/// a snapshot of 100,000 files is O(1) and changing one file of a clone is O(log n). The server
/// takes a copy per edit; a plain `BTreeMap` would copy every path each time.
pub type Entries = imbl::OrdMap<String, Entry>;

/// One OpenSpec root: the folder that holds `openspec/`. Keys are `/`-separated paths relative
/// to that folder (`openspec/specs/auth/spec.md`); every ancestor directory has its own entry.
#[derive(Clone, Debug, Default)]
pub struct RootSnapshot {
    pub entries: Entries,
    /// CommonMark trees of the server's open buffers, by path: kept in step with every edit and
    /// reparsed (incrementally) the first time a check asks, shared with the buffer. A cache
    /// derived from the texts: checks that need a tree use it when present and parse otherwise,
    /// so it never changes a result.
    pub markdown_trees: BTreeMap<String, Arc<LazyTree>>,
    /// Main `spec.md` links that resolve inside `openspec/specs` but outside their own
    /// capability folder (to a sibling's file), by path, with the problem the CLI reports when a
    /// change MODIFIES such a spec (it refuses to merge into a file outside the capability).
    /// The file itself is read and validated as usual.
    pub spec_links_outside_capability: imbl::OrdMap<String, IoProblem>,
    /// Files that get no CommonMark view (no tree, so none of the checks that need one): the
    /// server's open buffers above its size limit, which it does not parse as you type.
    pub without_markdown_view: BTreeSet<String>,
}

/// Equality is over the files; the tree cache is derived from them.
impl PartialEq for RootSnapshot {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries && self.spec_links_outside_capability == other.spec_links_outside_capability
    }
}

impl Eq for RootSnapshot {}

impl RootSnapshot {
    /// The CommonMark tree of `path`: the cached one if the server has it, else a fresh parse.
    pub fn markdown_tree(&self, path: &str, text: &str) -> Option<Tree> {
        if self.without_markdown_view.contains(path) {
            return None;
        }
        match self.markdown_trees.get(path) {
            Some(tree) => tree.tree(text),
            None => openspec_syntax::markdown::parse(text, None),
        }
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.entries.get(path)
    }

    /// The text of a readable file, if `path` is one.
    pub fn text(&self, path: &str) -> Option<&str> {
        match self.entries.get(path)? {
            Entry::File { content: FileContent::Text { text, .. }, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether `path` is a symlink (to a file or a folder) whose target is outside the
    /// repository root, and so was not read.
    pub fn is_link_outside_root(&self, path: &str) -> bool {
        matches!(
            self.entries.get(path),
            Some(
                Entry::File { content: FileContent::Unreadable(problem), symlink: true }
                    | Entry::UnreadableDir(problem)
            ) if problem.code == LINK_OUTSIDE_ROOT
        )
    }

    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.entries.get(path), Some(Entry::Dir))
    }

    /// Direct children of `dir` as `(name, entry)`, sorted by name in code-point order.
    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Entry)> + 'a {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let prefix_len = prefix.len();
        self.entries.range(prefix.clone()..).take_while(move |(path, _)| path.starts_with(&prefix)).filter_map(
            move |(path, entry)| {
                let name = &path[prefix_len..];
                (!name.is_empty() && !name.contains('/')).then_some((name, entry))
            },
        )
    }

    /// Every entry strictly below `dir`, in path order, as `(path, entry)`.
    pub fn descendants<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Entry)> + 'a {
        let prefix = format!("{dir}/");
        self.entries
            .range(prefix.clone()..)
            .take_while(move |(path, _)| path.starts_with(&prefix))
            .map(|(path, entry)| (path.as_str(), entry))
    }

    /// Builds a snapshot from `(path, text)` pairs, creating the parent directories: for tests
    /// and for editors' unsaved buffers.
    pub fn from_texts<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut snapshot = RootSnapshot::default();
        for (path, text) in files {
            snapshot.insert_file(path, text);
        }
        snapshot
    }

    /// Adds or replaces a readable file and makes sure its parent directories exist. A link that
    /// leaves the repository stays unread: an editor buffer opened through it is not indexed
    /// either, so its text never reaches hover, symbols or diagnostics.
    pub fn insert_file(&mut self, path: &str, text: &str) {
        self.insert_shared(path, Arc::from(text));
    }

    /// `insert_file` for a text the caller already shares (an open buffer's), without a copy.
    pub fn insert_shared(&mut self, path: &str, text: Arc<str>) {
        if self.is_link_outside_root(path) {
            return;
        }
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            end += slash;
            self.entries.entry(path[..end].to_owned()).or_insert(Entry::Dir);
            end += 1;
        }
        self.entries
            .insert(path.to_owned(), Entry::File { content: FileContent::Text { text, lossy: false }, symlink: false });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_lists_direct_entries_only() {
        let root = RootSnapshot::from_texts([
            ("openspec/specs/a/spec.md", "x"),
            ("openspec/specs/a/b/spec.md", "y"),
            ("openspec/specs-other/z.md", "z"),
        ]);
        let names: Vec<_> = root.children("openspec/specs").map(|(n, _)| n).collect();
        assert_eq!(names, vec!["a"]);
        let below: Vec<_> = root.descendants("openspec/specs").map(|(p, _)| p).collect();
        assert_eq!(
            below,
            vec!["openspec/specs/a", "openspec/specs/a/b", "openspec/specs/a/b/spec.md", "openspec/specs/a/spec.md"]
        );
    }

    #[test]
    fn a_buffer_never_replaces_a_link_outside_the_root() {
        let mut root = RootSnapshot::from_texts([("openspec/specs/a/spec.md", "x")]);
        let outside = Entry::File {
            content: FileContent::Unreadable(IoProblem { code: LINK_OUTSIDE_ROOT.to_owned(), message: String::new() }),
            symlink: true,
        };
        root.entries.insert("openspec/specs/env/spec.md".to_owned(), outside.clone());
        root.insert_file("openspec/specs/env/spec.md", "SECRET=1");
        root.insert_file("openspec/specs/a/spec.md", "y");
        assert_eq!(root.get("openspec/specs/env/spec.md"), Some(&outside));
        assert_eq!(root.text("openspec/specs/a/spec.md"), Some("y"));
    }
}
