//! The core types every IDE feature speaks: root-relative paths, byte offsets and ranges,
//! navigation targets and edits. A leaf: the features and the `Analysis` facade both use it,
//! and it uses neither.

use std::collections::BTreeMap;

use openspec_syntax::TextRange;

/// A cursor: a root-relative path and a byte offset into that file's original text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FilePosition {
    pub path: String,
    pub offset: usize,
}

/// A byte range of one file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileRange {
    pub path: String,
    pub range: TextRange,
}

/// Somewhere to jump to: the whole thing (`full_range`) and the part to select (its name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    pub path: String,
    pub full_range: TextRange,
    /// Always inside `full_range`.
    pub focus_range: TextRange,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// Edits to existing files (each file's edits sorted and non-overlapping) and files to create.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChange {
    pub edits: BTreeMap<String, Vec<TextEdit>>,
    pub new_files: Vec<(String, String)>,
}

impl SourceChange {
    pub fn is_empty(&self) -> bool {
        self.edits.values().all(Vec::is_empty) && self.new_files.is_empty()
    }
}
