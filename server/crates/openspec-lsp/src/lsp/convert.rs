//! Converts between one analysis snapshot's byte offsets and LSP positions, for any file of the
//! root (line indexes built on first use). Paths are root-relative; URIs are absolute.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use openspec_ide::Analysis;
use openspec_ide::analysis::{FileRange, NavigationTarget, SourceChange};
use openspec_syntax::{LineCol, LineIndex, TextRange};
use tower_lsp_server::ls_types;

use super::document::PositionEncoding;
use super::to_proto::column_unit;

pub struct Converter<'a> {
    pub analysis: &'a Analysis,
    pub root_dir: &'a Path,
    pub encoding: PositionEncoding,
    indexes: HashMap<String, LineIndex>,
}

impl<'a> Converter<'a> {
    pub fn new(analysis: &'a Analysis, root_dir: &'a Path, encoding: PositionEncoding) -> Self {
        Self { analysis, root_dir, encoding, indexes: HashMap::new() }
    }

    fn text(&self, path: &str) -> &'a str {
        self.analysis.root.text(path).unwrap_or("")
    }

    fn index(&mut self, path: &str) -> &LineIndex {
        let text = self.text(path);
        self.indexes.entry(path.to_owned()).or_insert_with(|| LineIndex::new(text))
    }

    /// Byte offset of an LSP position in `path` (clamped, snapped to a character start).
    pub fn offset(&mut self, path: &str, position: ls_types::Position) -> usize {
        let text = self.text(path);
        let unit = column_unit(self.encoding);
        self.index(path).offset(text, LineCol { line: position.line, col: position.character }, unit)
    }

    pub fn range(&mut self, path: &str, range: TextRange) -> ls_types::Range {
        let text = self.text(path);
        let unit = column_unit(self.encoding);
        let index = self.index(path);
        let start = index.line_col(text, range.start, unit);
        let end = index.line_col(text, range.end, unit);
        ls_types::Range::new(ls_types::Position::new(start.line, start.col), ls_types::Position::new(end.line, end.col))
    }

    pub fn text_range(&mut self, path: &str, range: ls_types::Range) -> TextRange {
        let start = self.offset(path, range.start);
        let end = self.offset(path, range.end).max(start);
        TextRange::new(start, end)
    }

    pub fn absolute(&self, path: &str) -> PathBuf {
        self.root_dir.join(path)
    }

    pub fn uri(&self, path: &str) -> Option<ls_types::Uri> {
        ls_types::Uri::from_file_path(self.absolute(path))
    }

    /// The URI of a file an edit may touch: only plain relative paths (no `..`, not absolute),
    /// so no edit the server proposes can reach outside the root, whatever the analysis built.
    fn edit_uri(&self, path: &str) -> Option<ls_types::Uri> {
        let plain = Path::new(path).components().all(|component| matches!(component, std::path::Component::Normal(_)));
        if plain { self.uri(path) } else { None }
    }

    pub fn location(&mut self, file_range: &FileRange) -> Option<ls_types::Location> {
        let uri = self.uri(&file_range.path)?;
        Some(ls_types::Location::new(uri, self.range(&file_range.path, file_range.range)))
    }

    pub fn target_location(&mut self, target: &NavigationTarget) -> Option<ls_types::Location> {
        let uri = self.uri(&target.path)?;
        Some(ls_types::Location::new(uri, self.range(&target.path, target.focus_range)))
    }

    /// A workspace edit: text edits to existing files, then file creations with their text.
    /// Uses `documentChanges` (needed to create files) when there are new files.
    pub fn workspace_edit(&mut self, change: &SourceChange) -> ls_types::WorkspaceEdit {
        let mut edits: HashMap<ls_types::Uri, Vec<ls_types::TextEdit>> = HashMap::new();
        for (path, file_edits) in &change.edits {
            let Some(uri) = self.edit_uri(path) else { continue };
            let converted = file_edits
                .iter()
                .map(|edit| ls_types::TextEdit::new(self.range(path, edit.range), edit.new_text.clone()))
                .collect();
            edits.insert(uri, converted);
        }
        if change.new_files.is_empty() {
            return ls_types::WorkspaceEdit { changes: Some(edits), ..ls_types::WorkspaceEdit::default() };
        }
        let mut operations = Vec::new();
        for (uri, text_edits) in edits {
            operations.push(ls_types::DocumentChangeOperation::Edit(ls_types::TextDocumentEdit {
                text_document: ls_types::OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: text_edits.into_iter().map(ls_types::OneOf::Left).collect(),
            }));
        }
        for (path, text) in &change.new_files {
            let Some(uri) = self.edit_uri(path) else { continue };
            operations.push(ls_types::DocumentChangeOperation::Op(ls_types::ResourceOp::Create(
                ls_types::CreateFile {
                    uri: uri.clone(),
                    options: Some(ls_types::CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(true) }),
                    annotation_id: None,
                },
            )));
            let start = ls_types::Position::new(0, 0);
            operations.push(ls_types::DocumentChangeOperation::Edit(ls_types::TextDocumentEdit {
                text_document: ls_types::OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: vec![ls_types::OneOf::Left(ls_types::TextEdit::new(
                    ls_types::Range::new(start, start),
                    text.clone(),
                ))],
            }));
        }
        ls_types::WorkspaceEdit {
            document_changes: Some(ls_types::DocumentChanges::Operations(operations)),
            ..ls_types::WorkspaceEdit::default()
        }
    }
}
