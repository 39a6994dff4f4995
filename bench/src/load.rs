//! Reads a workspace folder into a `RootSnapshot` for in-process benchmarks: every file below
//! `openspec/`, decoded as UTF-8 (lossily). Simpler than the server's loader on purpose (no
//! `.gitignore`, no symlink handling): generated workspaces have neither.

use std::io;
use std::path::Path;

use openspec_ide::RootSnapshot;

/// Loads `<root>/openspec/**`.
pub fn load(root: &Path) -> io::Result<RootSnapshot> {
    let mut snapshot = RootSnapshot::default();
    let mut pending = vec![root.join("openspec")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
                continue;
            }
            let Ok(relative) = path.strip_prefix(root) else { continue };
            let key =
                relative.components().map(|part| part.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let bytes = std::fs::read(&path)?;
            snapshot.insert_file(&key, &String::from_utf8_lossy(&bytes));
        }
    }
    Ok(snapshot)
}

/// Every readable file's text, in path order: the bytes a parse-only run reads.
pub fn texts(snapshot: &RootSnapshot) -> Vec<(String, std::sync::Arc<str>)> {
    snapshot
        .entries
        .iter()
        .filter_map(|(path, entry)| match entry {
            openspec_ide::Entry::File { content: openspec_ide::FileContent::Text { text, .. }, .. } => {
                Some((path.clone(), text.clone()))
            }
            _ => None,
        })
        .collect()
}
