//! `search`: requirements, capabilities and active changes by name, the editor's workspace
//! symbols (same matching and ranking) with their locations, over every root.

use openspec_ide::features::document_symbols::SymbolKind;
use openspec_ide::features::workspace_symbols::WORKSPACE_SYMBOL_LIMIT;
use rmcp::ErrorData;
use serde::Serialize;

use crate::mcp::answer::{self, Bounded, Location};
use crate::mcp::params::SearchParams;
use crate::mcp::workspace::Loaded;

#[derive(Debug, Serialize)]
pub struct SearchAnswer {
    pub results: Vec<SearchResult>,
    /// Matches found (each root ranks at most 256 of them).
    pub total: usize,
    pub truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SearchResult {
    pub name: String,
    /// `requirement`, `spec`, `change`, or `new-capability` (a capability only a change adds).
    pub kind: &'static str,
    /// The capability of a requirement; the change of a new capability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(flatten)]
    pub location: Location,
}

pub fn search(loaded: &Loaded, params: &SearchParams) -> Result<SearchAnswer, ErrorData> {
    let limit = answer::limit(params.limit)?;
    let mut capped = false;
    let mut results = Vec::new();
    for (root, analysis) in loaded.run.roots.iter().zip(&loaded.analyses) {
        let symbols = analysis.workspace_symbols(&params.query);
        capped |= symbols.len() >= WORKSPACE_SYMBOL_LIMIT;
        results.extend(symbols.into_iter().map(|symbol| SearchResult {
            kind: match (symbol.kind, &symbol.container) {
                (SymbolKind::Class, _) => "requirement",
                (SymbolKind::Namespace, _) => "change",
                (_, Some(_)) => "new-capability",
                (_, None) => "spec",
            },
            location: Location::new(root, &symbol.target.path, symbol.target.focus_range),
            name: symbol.name,
            container: symbol.container,
        }));
    }
    let results = Bounded::new(results, limit);
    let mut notes = vec![results.note("results")];
    if capped {
        notes.push(Some(format!("each root ranks only its best {WORKSPACE_SYMBOL_LIMIT} matches")));
    }
    let note = answer::truncation_note(&notes, "type more of the name to narrow the search");
    Ok(SearchAnswer { total: results.total, truncated: note.is_some(), results: results.shown, note })
}
