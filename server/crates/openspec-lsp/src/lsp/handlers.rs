//! One function per request: core feature result -> LSP type. Each is handed a `Converter` for
//! the snapshot the answer is computed from; none does IO or touches server state.

use openspec_ide::Diagnostic;
use openspec_ide::analysis::FilePosition;
use openspec_ide::features::code_actions::CodeActionKind;
use openspec_ide::features::completion::{CompletionConfig, CompletionKind};
use openspec_ide::features::document_symbols::{DocumentSymbol, SymbolKind};
use openspec_ide::features::folding_ranges::FoldingKind;
use openspec_ide::features::references::ReferencesConfig;
use openspec_ide::features::semantic_tokens::{TokenModifiers, TokenType};
use tower_lsp_server::ls_types;

use super::capabilities::{FeatureSupport, SHOW_DOCUMENT_COMMAND};
use super::convert::Converter;

/// Semantic token types, in legend order. Custom names (clients map them to theme colours);
/// editors that do not know them fall back to plain Markdown highlighting.
pub const TOKEN_TYPES: [&str; 5] = ["requirement", "scenario", "normative", "scenarioKeyword", "deltaKeyword"];
pub const TOKEN_MODIFIERS: [&str; 2] = ["declaration", "deprecated"];

pub fn semantic_tokens_legend() -> ls_types::SemanticTokensLegend {
    ls_types::SemanticTokensLegend {
        token_types: TOKEN_TYPES.iter().map(|name| ls_types::SemanticTokenType::new(name)).collect(),
        token_modifiers: TOKEN_MODIFIERS.iter().map(|name| ls_types::SemanticTokenModifier::new(name)).collect(),
    }
}

fn position(conv: &mut Converter<'_>, path: &str, at: ls_types::Position) -> FilePosition {
    FilePosition { path: path.to_owned(), offset: conv.offset(path, at) }
}

/// `LocationLink`s when the client takes them (`links`): the origin is the whole name under the
/// cursor and the target the whole requirement, its name selected. `Location`s otherwise.
pub fn definition(
    conv: &mut Converter<'_>,
    path: &str,
    at: ls_types::Position,
    links: bool,
) -> Option<ls_types::GotoDefinitionResponse> {
    let position = position(conv, path, at);
    let targets = conv.analysis.goto_definition(&position);
    if !links {
        let locations: Vec<_> = targets.iter().filter_map(|target| conv.target_location(target)).collect();
        return (!locations.is_empty()).then_some(ls_types::GotoDefinitionResponse::Array(locations));
    }
    let origin = conv.analysis.definition_origin(&position).map(|range| conv.range(path, range));
    let links: Vec<_> = targets
        .iter()
        .filter_map(|target| {
            Some(ls_types::LocationLink {
                origin_selection_range: origin,
                target_uri: conv.uri(&target.path)?,
                target_range: conv.range(&target.path, target.full_range),
                target_selection_range: conv.range(&target.path, target.focus_range),
            })
        })
        .collect();
    (!links.is_empty()).then_some(ls_types::GotoDefinitionResponse::Link(links))
}

pub fn references(
    conv: &mut Converter<'_>,
    path: &str,
    at: ls_types::Position,
    include_declaration: bool,
) -> Option<Vec<ls_types::Location>> {
    let position = position(conv, path, at);
    let found = conv.analysis.references(&position, ReferencesConfig { include_declaration });
    let locations: Vec<_> = found.iter().filter_map(|file_range| conv.location(file_range)).collect();
    (!locations.is_empty()).then_some(locations)
}

pub fn hover(conv: &mut Converter<'_>, path: &str, at: ls_types::Position) -> Option<ls_types::Hover> {
    let position = position(conv, path, at);
    let hover = conv.analysis.hover(&position)?;
    Some(ls_types::Hover {
        contents: ls_types::HoverContents::Markup(ls_types::MarkupContent {
            kind: ls_types::MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(conv.range(path, hover.range)),
    })
}

pub fn symbol_kind(kind: SymbolKind) -> ls_types::SymbolKind {
    match kind {
        SymbolKind::File => ls_types::SymbolKind::FILE,
        SymbolKind::Module => ls_types::SymbolKind::MODULE,
        SymbolKind::Namespace => ls_types::SymbolKind::NAMESPACE,
        SymbolKind::Package => ls_types::SymbolKind::PACKAGE,
        SymbolKind::Class => ls_types::SymbolKind::CLASS,
        SymbolKind::Method => ls_types::SymbolKind::METHOD,
        SymbolKind::Struct => ls_types::SymbolKind::STRUCT,
        SymbolKind::Event => ls_types::SymbolKind::EVENT,
    }
}

pub fn document_symbols(conv: &mut Converter<'_>, path: &str) -> ls_types::DocumentSymbolResponse {
    fn convert(conv: &mut Converter<'_>, path: &str, symbol: &DocumentSymbol) -> ls_types::DocumentSymbol {
        let children: Vec<_> = symbol.children.iter().map(|child| convert(conv, path, child)).collect();
        #[allow(deprecated)]
        ls_types::DocumentSymbol {
            name: if symbol.name.is_empty() { " ".to_owned() } else { symbol.name.clone() },
            detail: symbol.detail.clone(),
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            range: conv.range(path, symbol.full_range),
            selection_range: conv.range(path, symbol.selection_range),
            children: (!children.is_empty()).then_some(children),
        }
    }
    let symbols = conv.analysis.document_symbols(path);
    ls_types::DocumentSymbolResponse::Nested(symbols.iter().map(|symbol| convert(conv, path, symbol)).collect())
}

pub fn workspace_symbols(conv: &mut Converter<'_>, query: &str) -> Vec<ls_types::SymbolInformation> {
    conv.analysis
        .workspace_symbols(query)
        .iter()
        .filter_map(|symbol| {
            #[allow(deprecated)]
            Some(ls_types::SymbolInformation {
                name: symbol.name.clone(),
                kind: symbol_kind(symbol.kind),
                tags: None,
                deprecated: None,
                location: conv.target_location(&symbol.target)?,
                container_name: symbol.container.clone(),
            })
        })
        .collect()
}

pub fn prepare_rename(
    conv: &mut Converter<'_>,
    path: &str,
    at: ls_types::Position,
) -> Result<ls_types::PrepareRenameResponse, String> {
    let position = position(conv, path, at);
    let file_range = conv.analysis.prepare_rename(&position)?;
    Ok(ls_types::PrepareRenameResponse::Range(conv.range(&file_range.path, file_range.range)))
}

pub fn rename(
    conv: &mut Converter<'_>,
    path: &str,
    at: ls_types::Position,
    new_name: &str,
) -> Result<ls_types::WorkspaceEdit, String> {
    let position = position(conv, path, at);
    let change = conv.analysis.rename(&position, new_name)?;
    Ok(conv.workspace_edit(&change))
}

/// Lenses carry a command the clients know (`openspec.showLocations`) with the places to show;
/// a client without it still shows the title.
pub fn code_lenses(conv: &mut Converter<'_>, path: &str, diagnostics: &[Diagnostic]) -> Vec<ls_types::CodeLens> {
    conv.analysis
        .code_lenses(path, diagnostics)
        .iter()
        .map(|lens| {
            let range = conv.range(path, lens.range);
            let locations: Vec<_> = lens.locations.iter().filter_map(|file_range| conv.location(file_range)).collect();
            let arguments = conv
                .uri(path)
                .map(|uri| vec![serde_json::json!(uri), serde_json::json!(range.start), serde_json::json!(locations)]);
            ls_types::CodeLens {
                range,
                command: Some(ls_types::Command {
                    title: lens.title.clone(),
                    command: "openspec.showLocations".to_owned(),
                    arguments,
                }),
                data: None,
            }
        })
        .collect()
}

pub fn folding_ranges(conv: &mut Converter<'_>, path: &str) -> Vec<ls_types::FoldingRange> {
    conv.analysis
        .folding_ranges(path)
        .iter()
        .filter_map(|folding| {
            let range = conv.range(path, folding.range);
            (range.end.line > range.start.line).then_some(ls_types::FoldingRange {
                start_line: range.start.line,
                start_character: None,
                end_line: range.end.line,
                end_character: None,
                kind: Some(match folding.kind {
                    FoldingKind::Section => ls_types::FoldingRangeKind::Region,
                    FoldingKind::CodeFence => ls_types::FoldingRangeKind::Comment,
                }),
                collapsed_text: None,
            })
        })
        .collect()
}

/// Tokens in the relative encoding LSP wants (each relative to the previous one).
pub fn semantic_tokens(conv: &mut Converter<'_>, path: &str) -> ls_types::SemanticTokens {
    let mut data = Vec::new();
    let (mut previous_line, mut previous_start) = (0, 0);
    for token in conv.analysis.semantic_tokens(path) {
        let range = conv.range(path, token.range);
        if range.end.line != range.start.line || range.end.character <= range.start.character {
            continue;
        }
        let token_type = match token.token_type {
            TokenType::RequirementName => 0,
            TokenType::ScenarioName => 1,
            TokenType::NormativeKeyword => 2,
            TokenType::ScenarioKeyword => 3,
            TokenType::DeltaKeyword => 4,
        };
        let mut modifiers = 0;
        if token.modifiers.contains(TokenModifiers::DECLARATION) {
            modifiers |= 1;
        }
        if token.modifiers.contains(TokenModifiers::DEPRECATED) {
            modifiers |= 2;
        }
        let delta_line = range.start.line - previous_line;
        let delta_start = if delta_line == 0 { range.start.character - previous_start } else { range.start.character };
        data.push(ls_types::SemanticToken {
            delta_line,
            delta_start,
            length: range.end.character - range.start.character,
            token_type,
            token_modifiers_bitset: modifiers,
        });
        previous_line = range.start.line;
        previous_start = range.start.character;
    }
    ls_types::SemanticTokens { result_id: None, data }
}

pub fn document_links(conv: &mut Converter<'_>, path: &str) -> Vec<ls_types::DocumentLink> {
    conv.analysis
        .document_links(path)
        .iter()
        .map(|link| ls_types::DocumentLink {
            range: conv.range(path, link.range),
            target: conv.uri(&link.target),
            tooltip: Some(link.target.clone()),
            data: None,
        })
        .collect()
}

pub fn completion(
    conv: &mut Converter<'_>,
    path: &str,
    at: ls_types::Position,
    config: CompletionConfig,
) -> Option<ls_types::CompletionResponse> {
    let position = position(conv, path, at);
    let items = conv.analysis.completions(&position, config);
    if items.is_empty() {
        return None;
    }
    let converted = items
        .iter()
        .map(|item| ls_types::CompletionItem {
            label: item.label.clone(),
            kind: Some(match item.kind {
                CompletionKind::Section => ls_types::CompletionItemKind::MODULE,
                CompletionKind::Requirement | CompletionKind::Scenario => ls_types::CompletionItemKind::SNIPPET,
                CompletionKind::RequirementName => ls_types::CompletionItemKind::CLASS,
                CompletionKind::Capability => ls_types::CompletionItemKind::FOLDER,
                CompletionKind::ArtifactId => ls_types::CompletionItemKind::ENUM_MEMBER,
                CompletionKind::SchemaName => ls_types::CompletionItemKind::ENUM,
                CompletionKind::Setting => ls_types::CompletionItemKind::PROPERTY,
            }),
            detail: item.detail.clone(),
            documentation: item.documentation.clone().map(|value| {
                ls_types::Documentation::MarkupContent(ls_types::MarkupContent {
                    kind: ls_types::MarkupKind::Markdown,
                    value,
                })
            }),
            insert_text_format: Some(if item.is_snippet {
                ls_types::InsertTextFormat::SNIPPET
            } else {
                ls_types::InsertTextFormat::PLAIN_TEXT
            }),
            text_edit: Some(ls_types::CompletionTextEdit::Edit(ls_types::TextEdit::new(
                conv.range(path, item.replace_range),
                item.insert_text.clone(),
            ))),
            filter_text: item.filter_text.clone(),
            sort_text: item.sort_text.clone(),
            ..ls_types::CompletionItem::default()
        })
        .collect();
    Some(ls_types::CompletionResponse::Array(converted))
}

/// Actions that create a file carry `openspec.showDocument` when the client can be asked to
/// show a file, so the new file opens once the edit is applied.
pub fn code_actions(
    conv: &mut Converter<'_>,
    path: &str,
    range: ls_types::Range,
    context: &ls_types::CodeActionContext,
    support: FeatureSupport,
) -> Vec<ls_types::CodeActionOrCommand> {
    let file_range = openspec_ide::analysis::FileRange { path: path.to_owned(), range: conv.text_range(path, range) };
    let codes: Vec<&str> = context
        .diagnostics
        .iter()
        .filter_map(|diagnostic| match &diagnostic.code {
            Some(ls_types::NumberOrString::String(code)) => Some(code.as_str()),
            _ => None,
        })
        .collect();
    let wanted = context.only.as_deref();
    conv.analysis
        .code_actions(&file_range, &codes, support.code_actions)
        .iter()
        .filter_map(|action| {
            let kind = match action.kind {
                CodeActionKind::QuickFix => ls_types::CodeActionKind::QUICKFIX,
                CodeActionKind::Refactor => ls_types::CodeActionKind::REFACTOR,
                CodeActionKind::RefactorRewrite => ls_types::CodeActionKind::REFACTOR_REWRITE,
                CodeActionKind::Source => ls_types::CodeActionKind::SOURCE,
            };
            if wanted.is_some_and(|only| !only.iter().any(|prefix| kind.as_str().starts_with(prefix.as_str()))) {
                return None;
            }
            let diagnostics = action.fixes.as_ref().map(|code| {
                context
                    .diagnostics
                    .iter()
                    .filter(|diagnostic| diagnostic.code == Some(ls_types::NumberOrString::String(code.clone())))
                    .cloned()
                    .collect()
            });
            let created = action.edit.new_files.first().and_then(|(created, _)| conv.uri(created));
            let command = created.filter(|_| support.show_document).map(|uri| ls_types::Command {
                title: "Open the created file".to_owned(),
                command: SHOW_DOCUMENT_COMMAND.to_owned(),
                arguments: Some(vec![serde_json::json!(uri)]),
            });
            Some(ls_types::CodeActionOrCommand::CodeAction(ls_types::CodeAction {
                title: action.title.clone(),
                kind: Some(kind),
                diagnostics,
                edit: Some(conv.workspace_edit(&action.edit)),
                command,
                is_preferred: action.is_preferred.then_some(true),
                disabled: None,
                data: None,
            }))
        })
        .collect()
}
