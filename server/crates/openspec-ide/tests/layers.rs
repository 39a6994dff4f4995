//! The dependency directions ARCHITECTURE.md promises inside `openspec-ide`, read off the
//! sources (test modules left out): the features never reach for the `Analysis` facade above
//! them, `types.rs` and `line_breaks.rs` are leaves, `schema` does not read `change_meta`, and
//! `migration.rs` neither runs the rules nor knows the features, and the policy (with the review
//! settings) does not depend on the rules it configures. A new import against one of
//! these fails here with the file and line.

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir` (or `dir` itself when it is a file), sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut files = Vec::new();
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("read source folder").map(|entry| entry.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

/// The lines of `file` outside test code: a file named `test_support.rs` is all test code, and
/// so is an inline module under `#[cfg(test)]`, up to the `}` at its own indentation.
fn non_test_lines(file: &Path) -> Vec<(usize, String)> {
    if file.file_name().is_some_and(|name| name == "test_support.rs") {
        return Vec::new();
    }
    let text = std::fs::read_to_string(file).expect("read source file");
    let mut lines = Vec::new();
    let mut previous = "";
    let mut skipping_until: Option<String> = None;
    for (idx, line) in text.lines().enumerate() {
        if let Some(end) = &skipping_until {
            if line == end {
                skipping_until = None;
            }
            previous = "";
            continue;
        }
        let trimmed = line.trim_start();
        let is_module = trimmed.starts_with("mod ") || trimmed.starts_with("pub(crate) mod ");
        if previous.trim() == "#[cfg(test)]" && is_module && line.ends_with('{') {
            lines.pop();
            skipping_until = Some(format!("{}}}", &line[..line.len() - trimmed.len()]));
            previous = "";
            continue;
        }
        lines.push((idx + 1, line.to_owned()));
        previous = line;
    }
    lines
}

/// `file:line: text` for every non-test, non-comment line below `under` that contains one of
/// `needles`.
fn offenders(under: &str, needles: &[&str]) -> Vec<String> {
    let root = src();
    let mut found = Vec::new();
    for file in rust_files(&root.join(under)) {
        for (number, line) in non_test_lines(&file) {
            let code = line.split("//").next().unwrap_or("");
            if needles.iter().any(|needle| code.contains(needle)) {
                let shown = file.strip_prefix(&root).unwrap_or(&file).display().to_string();
                found.push(format!("{shown}:{number}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn features_do_not_depend_on_the_analysis_facade() {
    let found = offenders("features", &["crate::analysis", "crate::Analysis", "crate::{Analysis"]);
    assert!(found.is_empty(), "features use the facade above them (use crate::types):\n{}", found.join("\n"));
}

#[test]
fn types_and_line_breaks_are_leaves() {
    for leaf in ["types.rs", "line_breaks.rs"] {
        let found = offenders(leaf, &["crate::", "super::"]);
        assert!(found.is_empty(), "{leaf} must not depend on the crate's other modules:\n{}", found.join("\n"));
    }
}

#[test]
fn schema_does_not_read_change_metadata() {
    let found = offenders("schema", &["change_meta", "change_schema"]);
    assert!(found.is_empty(), "schema reads a change's metadata (that is change_schema.rs):\n{}", found.join("\n"));
}

#[test]
fn the_policy_does_not_depend_on_the_rules_it_configures() {
    for file in ["policy.rs", "review_settings.rs"] {
        let found = offenders(file, &["crate::rules", "crate::features", "crate::analysis"]);
        assert!(found.is_empty(), "{file} depends on the rules that read the policy:\n{}", found.join("\n"));
    }
}

#[test]
fn migration_neither_runs_the_rules_nor_knows_the_features() {
    let found = offenders("migration.rs", &["crate::rules", "crate::features", "crate::analysis"]);
    assert!(found.is_empty(), "migration.rs depends on modules that depend on it:\n{}", found.join("\n"));
}
