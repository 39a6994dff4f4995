//! Fixture workspaces (`//- /path` file headers, `$0` cursors) and a renderer that prints
//! source with `^^^ message` lines under annotated ranges. Dev only; knows no LSP.

use openspec_syntax::{LineIndex, TextRange};

pub const CURSOR_MARKER: &str = "$0";

/// One file of a fixture: its root-relative path (the header's leading `/` removed) and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixtureFile {
    pub path: String,
    pub text: String,
}

/// Where the `$0` markers were: a cursor (one marker) or a range (two markers) in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixtureCursor {
    pub path: String,
    pub range: TextRange,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fixture {
    pub files: Vec<FixtureFile>,
    pub cursor: Option<FixtureCursor>,
}

impl Fixture {
    /// Parses a fixture:
    /// ```text
    /// //- /openspec/specs/auth/spec.md
    /// ## Purpose
    /// //- /openspec/changes/x/proposal.md
    /// ## Why$0
    /// ```
    /// Lines up to the next header belong to a file; the trailing newline of the last line of
    /// each file is kept. `\r` in the fixture text is kept, so CRLF fixtures can be written
    /// with explicit escapes. Panics on a malformed fixture (it is test code).
    pub fn parse(fixture: &str) -> Fixture {
        let mut files: Vec<FixtureFile> = Vec::new();
        let mut cursor = None;
        for chunk in fixture.split_inclusive('\n') {
            if let Some(path) = chunk.strip_prefix("//- ") {
                let path = path.trim_end_matches(['\n', '\r']).trim();
                let path = path.strip_prefix('/').unwrap_or(path);
                files.push(FixtureFile { path: path.to_owned(), text: String::new() });
                continue;
            }
            let file = files.last_mut().expect("fixture text must start with a `//- /path` header");
            file.text.push_str(chunk);
        }
        for file in &mut files {
            let mut marks = Vec::new();
            while let Some(at) = file.text.find(CURSOR_MARKER) {
                file.text.replace_range(at..at + CURSOR_MARKER.len(), "");
                marks.push(at);
            }
            match marks.as_slice() {
                [] => {}
                [at] => cursor = Some(FixtureCursor { path: file.path.clone(), range: TextRange::empty(*at) }),
                [start, end] => {
                    cursor = Some(FixtureCursor { path: file.path.clone(), range: TextRange::new(*start, *end) });
                }
                _ => panic!("at most two `$0` markers per fixture"),
            }
        }
        Fixture { files, cursor }
    }

    /// The text of `path`; panics when the fixture has no such file.
    pub fn text(&self, path: &str) -> &str {
        let path = path.strip_prefix('/').unwrap_or(path);
        &self.files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no fixture file {path}")).text
    }

    /// Cursor offset of a single `$0`; panics without one.
    pub fn offset(&self) -> (String, usize) {
        let cursor = self.cursor.as_ref().expect("fixture has no $0 cursor");
        (cursor.path.clone(), cursor.range.start)
    }
}

/// A range and the text to print under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub range: TextRange,
    pub label: String,
}

/// Renders `text` line by line, and under each line the annotations that start on it:
/// spaces up to the start column, then `^` for each character to the end of the range
/// (clipped to the line; at least one), then the label. Line terminators are shown as `␍`
/// (CR) so CRLF fixtures stay readable; a leading BOM as `␥`.
pub fn render_annotated(text: &str, annotations: &[Annotation]) -> String {
    let index = LineIndex::new(text);
    let mut sorted: Vec<&Annotation> = annotations.iter().collect();
    sorted.sort_by_key(|a| (a.range.start, a.range.end));
    let mut out = String::new();
    for line in 0..index.line_count() {
        let range = index.line_range(text, line);
        let shown = text[range.start..range.end].replace('\u{FEFF}', "␥");
        let crlf = text[range.end..].starts_with('\r');
        let is_last = line + 1 == index.line_count();
        if is_last && shown.is_empty() && !sorted.iter().any(|a| a.range.start >= range.start) {
            break;
        }
        out.push_str(&shown);
        if crlf {
            out.push('␍');
        }
        out.push('\n');
        for annotation in sorted.iter().filter(|a| index.line_of(a.range.start) == line) {
            let start = annotation.range.start.max(range.start).min(range.end);
            let end = annotation.range.end.min(range.end).max(start);
            let pad = text[range.start..start].chars().count();
            let width = text[start..end].chars().count().max(1);
            out.push_str(&" ".repeat(pad));
            out.push_str(&"^".repeat(width));
            out.push(' ');
            out.push_str(&annotation.label);
            out.push('\n');
        }
    }
    out
}

/// Writes every file of `fixture` (see [`Fixture::parse`]; leading whitespace is trimmed) below
/// `dir`, creating folders. Panics on a write error (it is test code).
pub fn write_fixture(dir: &std::path::Path, fixture: &str) {
    for file in Fixture::parse(fixture.trim_start()).files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("fixture paths have a parent")).expect("create folder");
        std::fs::write(path, file.text).expect("write fixture file");
    }
}

/// A new temporary folder and its canonical path (the one tools print, e.g. `/private/var` on
/// macOS). The folder is removed when the `TempDir` is dropped.
pub fn temp_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let canonical = temp.path().canonicalize().expect("canonical temp dir");
    (temp, canonical)
}

/// [`temp_dir`] holding the files of `fixture`.
pub fn temp_workspace(fixture: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (temp, dir) = temp_dir();
    write_fixture(&dir, fixture);
    (temp, dir)
}

/// Runs `binary` with `args` in `dir` (without `NO_COLOR` from the environment) and renders its
/// exit code (`signal` when it had none), then `--- stdout` and `--- stderr` with what each
/// printed (left out when empty), `dir`'s path shown as `<tmp>`. With `mark_space_lines`, a
/// line of only a space is shown as `<space>` (expect-test cannot hold one, and a diff's context
/// line for a blank line is exactly that).
pub fn run_rendered(binary: &str, dir: &std::path::Path, args: &[&str], mark_space_lines: bool) -> String {
    let output = std::process::Command::new(binary)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("spawn the binary under test");
    let tmp = dir.display().to_string();
    let text = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes).replace(&tmp, "<tmp>");
        if !mark_space_lines {
            return text;
        }
        let lines: Vec<&str> = text.split('\n').map(|line| if line == " " { "<space>" } else { line }).collect();
        lines.join("\n")
    };
    let exit = output.status.code().map_or("signal".to_owned(), |code| code.to_string());
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    let stdout = if stdout.is_empty() { String::new() } else { format!("--- stdout\n{stdout}") };
    let stderr = if stderr.is_empty() { String::new() } else { format!("--- stderr\n{stderr}") };
    format!("exit: {exit}\n{stdout}{stderr}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_files_and_cursor() {
        let fixture = Fixture::parse("//- /a.md\nhello $0world\n//- /b/c.md\nx\n");
        assert_eq!(fixture.files.len(), 2);
        assert_eq!(fixture.text("a.md"), "hello world\n");
        assert_eq!(fixture.offset(), ("a.md".to_owned(), 6));
        let rendered =
            render_annotated("one\r\ntwo\n", &[Annotation { range: TextRange::new(5, 8), label: "here".into() }]);
        assert_eq!(rendered, "one␍\ntwo\n^^^ here\n");
    }
}
