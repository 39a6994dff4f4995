//! The entry point of the IDE features: a snapshot plus its index, with one method per feature.
//! Core types only (root-relative paths, byte offsets and ranges); no LSP types, no IO, and no
//! feature logic here: each method hands off to its file under `features/`.

use std::sync::Arc;

use openspec_syntax::TextRange;

use crate::archive_plan::ChangePlan;
use crate::diagnostic::Diagnostic;
use crate::features::code_actions::{self, CodeAction, CodeActionConfig};
use crate::features::code_lens::{self, CodeLens};
use crate::features::completion::{self, CompletionConfig, CompletionItem};
use crate::features::document_links::{self, DocumentLink};
use crate::features::document_symbols::{self, DocumentSymbol};
use crate::features::folding_ranges::{self, FoldingRange};
use crate::features::hover::{self, HoverResult};
use crate::features::preview::{self, CapabilityPreview};
use crate::features::references::{self, ReferencesConfig};
use crate::features::semantic_tokens::{self, SemanticToken};
use crate::features::workspace_symbols::{self, WorkspaceSymbol};
use crate::features::{goto_definition, rename};
use crate::history::{self, RequirementHistory};
use crate::index::WorkspaceIndex;
pub use crate::types::{FilePosition, FileRange, NavigationTarget, SourceChange, TextEdit};
use crate::vfs::RootSnapshot;

/// One snapshot of a root and its index. Cheap to clone; every method is a pure function of it.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub root: Arc<RootSnapshot>,
    pub index: Arc<WorkspaceIndex>,
}

impl Analysis {
    /// Indexes `root`.
    pub fn new(root: Arc<RootSnapshot>) -> Analysis {
        let index = Arc::new(WorkspaceIndex::build(&root));
        Analysis { root, index }
    }

    pub fn goto_definition(&self, position: &FilePosition) -> Vec<NavigationTarget> {
        goto_definition::goto_definition(&self.root, &self.index, position)
    }

    pub fn references(&self, position: &FilePosition, config: ReferencesConfig) -> Vec<FileRange> {
        references::references(&self.index, position, config)
    }

    pub fn hover(&self, position: &FilePosition) -> Option<HoverResult> {
        hover::hover(&self.root, &self.index, position)
    }

    pub fn document_symbols(&self, path: &str) -> Vec<DocumentSymbol> {
        document_symbols::document_symbols(&self.root, &self.index, path)
    }

    pub fn workspace_symbols(&self, query: &str) -> Vec<WorkspaceSymbol> {
        workspace_symbols::workspace_symbols(&self.root, &self.index, query)
    }

    /// The name range to rename, or why the cursor is not on something renamable.
    pub fn prepare_rename(&self, position: &FilePosition) -> Result<FileRange, String> {
        rename::prepare_rename(&self.index, position)
    }

    pub fn rename(&self, position: &FilePosition, new_name: &str) -> Result<SourceChange, String> {
        rename::rename(&self.index, position, new_name)
    }

    /// Lenses for `path`; `diagnostics` are the findings of `check_root` over this same snapshot
    /// (the server already holds them), which archive readiness reads.
    pub fn code_lenses(&self, path: &str, diagnostics: &[Diagnostic]) -> Vec<CodeLens> {
        code_lens::code_lenses(&self.root, &self.index, path, diagnostics)
    }

    pub fn folding_ranges(&self, path: &str) -> Vec<FoldingRange> {
        folding_ranges::folding_ranges(&self.root, path)
    }

    pub fn semantic_tokens(&self, path: &str) -> Vec<SemanticToken> {
        semantic_tokens::semantic_tokens(&self.root, &self.index, path)
    }

    pub fn document_links(&self, path: &str) -> Vec<DocumentLink> {
        document_links::document_links(&self.root, &self.index, path)
    }

    pub fn definition_origin(&self, position: &FilePosition) -> Option<TextRange> {
        goto_definition::definition_origin(&self.index, position)
    }

    /// The main spec archiving `change_id` would write for `capability`, or why it would not.
    pub fn preview_archive(&self, change_id: &str, capability: &str) -> Result<String, String> {
        preview::preview_archive(&self.root, &self.index, change_id, capability)
    }

    /// [`Analysis::preview_archive`] for every capability the change touches.
    pub fn preview_change_archive(&self, change_id: &str) -> Result<Vec<CapabilityPreview>, String> {
        preview::preview_change_archive(&self.root, &self.index, change_id)
    }

    /// [`preview_change`] over this snapshot; `diagnostics` are `check_root`'s for it.
    pub fn preview_change(
        &self,
        change_id: &str,
        capability: Option<&str>,
        diagnostics: &[Diagnostic],
        validate: bool,
    ) -> Result<ChangePlan, String> {
        preview::preview_change(&self.root, &self.index, change_id, capability, diagnostics, validate)
    }

    pub fn completions(&self, position: &FilePosition, config: CompletionConfig) -> Vec<CompletionItem> {
        completion::completions(&self.root, &self.index, position, config)
    }

    pub fn code_actions(
        &self,
        range: &FileRange,
        diagnostic_codes: &[&str],
        config: CodeActionConfig,
    ) -> Vec<CodeAction> {
        code_actions::code_actions(&self.root, &self.index, range, diagnostic_codes, config)
    }

    /// The timeline of one requirement of `capability` (see `crate::history`).
    pub fn requirement_history(&self, capability: &str, requirement: &str) -> Option<RequirementHistory> {
        history::requirement_history(&self.index, capability, requirement)
    }

    /// The timeline of every requirement of `capability`'s main spec.
    pub fn capability_history(&self, capability: &str) -> Vec<RequirementHistory> {
        history::capability_history(&self.index, capability)
    }
}
