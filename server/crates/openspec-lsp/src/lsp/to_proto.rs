//! Conversions from the core's types (root-relative paths, byte ranges) to LSP types. The only
//! place that knows both; `from_proto` lives in `document.rs` (positions of open buffers).

use std::fmt::Write as _;
use std::path::Path;

use openspec_ide::{Diagnostic, Origin, Severity};
use openspec_syntax::{ColumnUnit, LineIndex, TextRange};
use tower_lsp_server::ls_types;

use super::document::PositionEncoding;
use super::state::DiagnosticFormat;

pub fn column_unit(encoding: PositionEncoding) -> ColumnUnit {
    match encoding {
        PositionEncoding::Utf8 => ColumnUnit::Utf8,
        PositionEncoding::Utf16 => ColumnUnit::Utf16,
    }
}

pub fn range(text: &str, index: &LineIndex, range: TextRange, encoding: PositionEncoding) -> ls_types::Range {
    let unit = column_unit(encoding);
    let start = index.line_col(text, range.start, unit);
    let end = index.line_col(text, range.end, unit);
    ls_types::Range::new(ls_types::Position::new(start.line, start.col), ls_types::Position::new(end.line, end.col))
}

pub fn severity(severity: Severity) -> ls_types::DiagnosticSeverity {
    match severity {
        Severity::Error => ls_types::DiagnosticSeverity::ERROR,
        Severity::Warning => ls_types::DiagnosticSeverity::WARNING,
        Severity::Info => ls_types::DiagnosticSeverity::INFORMATION,
        Severity::Hint => ls_types::DiagnosticSeverity::HINT,
    }
}

/// Text of a file for position conversion; `None` for folders and unreadable files, whose
/// findings go to the start of the file.
pub struct FileText<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
}

pub fn uri(path: &Path) -> Option<ls_types::Uri> {
    ls_types::Uri::from_file_path(path)
}

/// One finding as an LSP diagnostic. Related places are resolved by `related_text`, which
/// gives the text of another root-relative path when it is known. A client that does not show
/// `relatedInformation` gets them as lines of the message (`path:line: message`).
pub fn diagnostic<'a>(
    diagnostic: &Diagnostic,
    severity_shown: Severity,
    file: Option<&FileText<'_>>,
    root_dir: &Path,
    related_text: &dyn Fn(&str) -> Option<FileText<'a>>,
    format: DiagnosticFormat,
) -> ls_types::Diagnostic {
    let encoding = format.encoding;
    let lsp_range =
        file.map_or_else(ls_types::Range::default, |file| range(file.text, file.index, diagnostic.range, encoding));
    let related_range = |related: &openspec_ide::Related| {
        related_text(&related.path)
            .map_or_else(ls_types::Range::default, |file| range(file.text, file.index, related.range, encoding))
    };
    let mut message = diagnostic.message.clone();
    let related_information = if format.related_information {
        (!diagnostic.related.is_empty()).then(|| {
            diagnostic
                .related
                .iter()
                .filter_map(|related| {
                    let uri = uri(&root_dir.join(&related.path))?;
                    Some(ls_types::DiagnosticRelatedInformation {
                        location: ls_types::Location::new(uri, related_range(related)),
                        message: related.message.clone(),
                    })
                })
                .collect()
        })
    } else {
        for related in &diagnostic.related {
            let line = related_range(related).start.line + 1;
            let _ = write!(message, "\n{}:{line}: {}", related.path, related.message);
        }
        None
    };
    ls_types::Diagnostic {
        range: lsp_range,
        severity: Some(self::severity(severity_shown)),
        code: Some(ls_types::NumberOrString::String(diagnostic.code.to_owned())),
        code_description: None,
        source: Some(diagnostic.origin.as_str().to_owned()),
        message,
        related_information,
        tags: None,
        data: (diagnostic.origin == Origin::Openspec).then(|| serde_json::json!({"item": diagnostic.item.as_ref().map(|item| format!("{}/{}", item.kind.as_str(), item.id))})),
    }
}
