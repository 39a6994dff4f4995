//! What the client declared at `initialize` that changes the shape of an answer: snippets in
//! completion items, file creation in workspace edits, `LocationLink`s for definitions, and
//! `window/showDocument`. Read once, kept in the state, handed to the handlers; a client that
//! declares nothing gets the plainest answers (plain text, no created files, `Location`s).

use openspec_ide::features::code_actions::CodeActionConfig;
use openspec_ide::features::completion::CompletionConfig;
use tower_lsp_server::ls_types;

/// `workspace/executeCommand` name that asks the client to show a file (`window/showDocument`);
/// attached to code actions that create a file, so the new file is opened, not left hidden.
pub const SHOW_DOCUMENT_COMMAND: &str = "openspec.showDocument";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeatureSupport {
    pub completion: CompletionConfig,
    pub code_actions: CodeActionConfig,
    /// Definitions as `LocationLink`s (`textDocument.definition.linkSupport`).
    pub definition_links: bool,
    /// The same for declarations, which answer like definitions (`declaration.linkSupport`).
    pub declaration_links: bool,
    /// The client opens a file the server asks it to (`window.showDocument.support`).
    pub show_document: bool,
}

impl Default for FeatureSupport {
    fn default() -> Self {
        FeatureSupport {
            completion: CompletionConfig { snippets: false },
            code_actions: CodeActionConfig { create_files: false },
            definition_links: false,
            declaration_links: false,
            show_document: false,
        }
    }
}

impl FeatureSupport {
    pub fn from_capabilities(capabilities: &ls_types::ClientCapabilities) -> Self {
        let text_document = capabilities.text_document.as_ref();
        let snippets = text_document
            .and_then(|text_document| text_document.completion.as_ref())
            .and_then(|completion| completion.completion_item.as_ref())
            .and_then(|item| item.snippet_support)
            .unwrap_or(false);
        let workspace_edit = capabilities.workspace.as_ref().and_then(|workspace| workspace.workspace_edit.as_ref());
        // Resource operations only exist inside `documentChanges`, so listing `create` implies
        // them (Neovim lists `create` and does not declare `documentChanges`).
        let create_files = workspace_edit.is_some_and(|edit| {
            edit.resource_operations
                .as_ref()
                .is_some_and(|operations| operations.contains(&ls_types::ResourceOperationKind::Create))
        });
        let definition_links = text_document
            .and_then(|text_document| text_document.definition.as_ref())
            .and_then(|definition| definition.link_support)
            .unwrap_or(false);
        let declaration_links = text_document
            .and_then(|text_document| text_document.declaration.as_ref())
            .and_then(|declaration| declaration.link_support)
            .unwrap_or(false);
        let show_document = capabilities
            .window
            .as_ref()
            .and_then(|window| window.show_document.as_ref())
            .is_some_and(|show_document| show_document.support);
        FeatureSupport {
            completion: CompletionConfig { snippets },
            code_actions: CodeActionConfig { create_files },
            definition_links,
            declaration_links,
            show_document,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FeatureSupport;

    fn support(capabilities: serde_json::Value) -> FeatureSupport {
        let parsed = serde_json::from_value(capabilities).unwrap_or_default();
        FeatureSupport::from_capabilities(&parsed)
    }

    #[test]
    fn nothing_declared_gets_the_plainest_answers() {
        assert_eq!(support(serde_json::json!({})), FeatureSupport::default());
        // `documentChanges` without `create` (eglot): no file creation.
        let eglot = support(serde_json::json!({
            "workspace": {"workspaceEdit": {"documentChanges": true}},
            "textDocument": {"completion": {"completionItem": {"snippetSupport": false}}}
        }));
        assert_eq!(eglot, FeatureSupport::default());
    }

    #[test]
    fn create_without_document_changes_still_creates() {
        // What Neovim declares: `create` implies document changes.
        let neovim = support(
            serde_json::json!({"workspace": {"workspaceEdit": {"resourceOperations": ["rename", "create", "delete"]}}}),
        );
        assert!(neovim.code_actions.create_files);
    }

    #[test]
    fn a_full_client_gets_everything() {
        let full = support(serde_json::json!({
            "workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename", "delete"]}},
            "textDocument": {
                "completion": {"completionItem": {"snippetSupport": true}},
                "definition": {"linkSupport": true}
            },
            "window": {"showDocument": {"support": true}}
        }));
        assert!(
            full.completion.snippets && full.code_actions.create_files && full.definition_links && full.show_document
        );
    }
}
