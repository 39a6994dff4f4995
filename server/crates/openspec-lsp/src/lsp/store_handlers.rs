//! The store features as LSP answers: completion, hover and definition of store ids, and the
//! code action that copies the register command of an unregistered reference. Each takes the
//! registry the server last read (`StoreEnv`); the features themselves are in
//! `openspec_ide::features::store_*`. No IO, no server state.

use std::path::PathBuf;

use openspec_ide::analysis::{FilePosition, FileRange};
use openspec_ide::features::{store_actions, store_completion, store_definition, store_hover};
use openspec_ide::rules::store::StoreContext;
use tower_lsp_server::ls_types;

use super::convert::Converter;
use crate::store_registry::StoreEnv;

/// The client-side command that puts its one string argument on the clipboard. The editor
/// extensions implement it; a client that sends it to the server instead gets the text shown.
pub const COPY_COMMAND: &str = "openspec.copyToClipboard";

fn position(conv: &mut Converter<'_>, path: &str, at: ls_types::Position) -> FilePosition {
    FilePosition { path: path.to_owned(), offset: conv.offset(path, at) }
}

pub fn completion(
    conv: &mut Converter<'_>,
    path: &str,
    at: ls_types::Position,
    stores: &StoreEnv,
) -> Vec<ls_types::CompletionItem> {
    let position = position(conv, path, at);
    store_completion::completions(&conv.analysis.root, &position, &stores.registry)
        .into_iter()
        .map(|item| ls_types::CompletionItem {
            label: item.id.clone(),
            kind: Some(ls_types::CompletionItemKind::REFERENCE),
            detail: Some(item.detail),
            documentation: Some(ls_types::Documentation::MarkupContent(ls_types::MarkupContent {
                kind: ls_types::MarkupKind::Markdown,
                value: item.documentation,
            })),
            insert_text_format: Some(ls_types::InsertTextFormat::PLAIN_TEXT),
            text_edit: Some(ls_types::CompletionTextEdit::Edit(ls_types::TextEdit::new(
                conv.range(path, item.replace_range),
                item.id,
            ))),
            ..ls_types::CompletionItem::default()
        })
        .collect()
}

/// Store items first, then the others (a file naming stores has no other completions where
/// store ids fit).
pub fn merge_completions(
    stores: Vec<ls_types::CompletionItem>,
    others: Option<ls_types::CompletionResponse>,
) -> Option<ls_types::CompletionResponse> {
    let mut items = stores;
    match others {
        Some(ls_types::CompletionResponse::Array(more)) => items.extend(more),
        Some(ls_types::CompletionResponse::List(list)) => items.extend(list.items),
        None => {}
    }
    (!items.is_empty()).then_some(ls_types::CompletionResponse::Array(items))
}

pub fn hover(
    conv: &mut Converter<'_>,
    path: &str,
    at: ls_types::Position,
    stores: &StoreEnv,
) -> Option<ls_types::Hover> {
    let position = position(conv, path, at);
    let hover = store_hover::hover(&conv.analysis.root, &position, &stores.registry)?;
    Some(ls_types::Hover {
        contents: ls_types::HoverContents::Markup(ls_types::MarkupContent {
            kind: ls_types::MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(conv.range(path, hover.range)),
    })
}

/// The store's identity file (or config), at its start; a link from the id when `links`.
pub fn definition(
    conv: &mut Converter<'_>,
    path: &str,
    at: ls_types::Position,
    links: bool,
    stores: &StoreEnv,
) -> Option<ls_types::GotoDefinitionResponse> {
    let position = position(conv, path, at);
    let target = store_definition::definition(&conv.analysis.root, &position, &stores.registry)?;
    let file: PathBuf = target.file.split('/').fold(PathBuf::from(&target.checkout), |dir, part| dir.join(part));
    let uri = ls_types::Uri::from_file_path(file)?;
    let start = ls_types::Range::default();
    if links {
        let origin = conv.range(path, target.origin);
        return Some(ls_types::GotoDefinitionResponse::Link(vec![ls_types::LocationLink {
            origin_selection_range: Some(origin),
            target_uri: uri,
            target_range: start,
            target_selection_range: start,
        }]));
    }
    Some(ls_types::GotoDefinitionResponse::Array(vec![ls_types::Location::new(uri, start)]))
}

/// "Copy the command that registers store 'x'" for each unregistered reference in `range`.
pub fn copy_actions(
    conv: &mut Converter<'_>,
    path: &str,
    range: ls_types::Range,
    context: &ls_types::CodeActionContext,
    stores: &StoreEnv,
) -> Vec<ls_types::CodeActionOrCommand> {
    let quick_fix = ls_types::CodeActionKind::QUICKFIX;
    if context.only.as_ref().is_some_and(|only| !only.iter().any(|kind| quick_fix.as_str().starts_with(kind.as_str())))
    {
        return Vec::new();
    }
    let file_range = FileRange { path: path.to_owned(), range: conv.text_range(path, range) };
    let root_path = conv.root_dir.display().to_string();
    let store_context = StoreContext { registry: &stores.registry, root_path: &root_path, home_dir: &stores.home_dir };
    store_actions::copy_commands(&conv.analysis.root, &file_range, &store_context)
        .into_iter()
        .map(|action| {
            let code = Some(ls_types::NumberOrString::String(action.code.to_owned()));
            let diagnostics: Vec<ls_types::Diagnostic> =
                context.diagnostics.iter().filter(|diagnostic| diagnostic.code == code).cloned().collect();
            ls_types::CodeActionOrCommand::CodeAction(ls_types::CodeAction {
                title: action.title.clone(),
                kind: Some(quick_fix.clone()),
                diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
                edit: None,
                command: Some(ls_types::Command {
                    title: action.title,
                    command: COPY_COMMAND.to_owned(),
                    arguments: Some(vec![serde_json::Value::String(action.text)]),
                }),
                is_preferred: None,
                disabled: None,
                data: None,
            })
        })
        .collect()
}
