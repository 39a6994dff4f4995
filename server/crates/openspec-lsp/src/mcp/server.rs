//! The MCP handler on rmcp: tool and resource requests, thin. Each call loads the served folder
//! afresh and computes on a blocking thread (`tools/`), then turns the answer into a tool
//! result: structured content plus the same JSON as text, for hosts that read only text. Bad
//! arguments give a tool error (`isError`) with the reason; an unknown tool or resource is a
//! protocol error; a panic in a tool is an error answer, never a dead server.

use openspec_ide::CheckConfig;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource, ResourceContents,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool, tool_handler, tool_router};
use serde::Serialize;

use super::params::{
    ArchiveReadinessParams, CheckParams, FixesParams, PreviewArchiveParams, RequirementParams, SearchParams,
};
use super::tools;
use super::workspace::{Loaded, Workspace};
use super::{INSTRUCTIONS, resources};

#[derive(Clone)]
pub struct McpServer {
    workspace: Workspace,
    tool_router: ToolRouter<McpServer>,
}

impl McpServer {
    pub fn new(workspace: Workspace) -> McpServer {
        McpServer { workspace, tool_router: Self::tool_router() }
    }

    /// Every tool with its schema, sorted by name (what `tools/list` answers).
    #[cfg(test)]
    pub fn tool_list() -> Vec<rmcp::model::Tool> {
        let mut tools = Self::tool_router().list_all();
        tools.sort_by(|a, b| a.name.cmp(&b.name));
        tools
    }

    /// Loads the workspace with `config` and runs `tool` over it off the runtime. A failure is
    /// a tool error (`isError`), as the specification asks for argument problems, so that the
    /// model reads the message and corrects its call (hosts may hide protocol errors from it);
    /// rmcp answers arguments that do not match the schema the same way.
    async fn answer<T, F>(&self, config: CheckConfig, tool: F) -> Result<CallToolResult, ErrorData>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut Loaded) -> Result<T, ErrorData> + Send + 'static,
    {
        let answer =
            self.on_workspace(config, move |loaded| tool(loaded).map(|answer| serde_json::to_value(answer))).await;
        Ok(match answer {
            Ok(Ok(value)) => CallToolResult::structured(value),
            Ok(Err(error)) => {
                CallToolResult::error(vec![ContentBlock::text(format!("cannot encode the answer: {error}"))])
            }
            Err(error) => CallToolResult::error(vec![ContentBlock::text(error.message.into_owned())]),
        })
    }

    async fn on_workspace<T, F>(&self, config: CheckConfig, work: F) -> Result<T, ErrorData>
    where
        F: FnOnce(&mut Loaded) -> Result<T, ErrorData> + Send + 'static,
        T: Send + 'static,
    {
        let workspace = self.workspace.clone();
        match tokio::task::spawn_blocking(move || work(&mut workspace.load(config)?)).await {
            Ok(answer) => answer,
            Err(error) => Err(ErrorData::internal_error(format!("openspec-lsp failed on this request: {error}"), None)),
        }
    }
}

#[tool_router]
impl McpServer {
    #[tool(
        name = "check",
        description = "Validate the OpenSpec workspace like `openspec validate --all`: each spec's and active change's verdict, and findings with exact 1-based positions (columns in characters), rule code, severity, source and the titles of their quick fixes (get them as diffs with `fixes`). Run it after every edit.",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn check(&self, Parameters(params): Parameters<CheckParams>) -> Result<CallToolResult, ErrorData> {
        let config = CheckConfig { strict: params.strict, all_rules: params.all_rules };
        self.answer(config, move |loaded| tools::check::check(loaded, &params)).await
    }

    #[tool(
        name = "fixes",
        description = "The quick fixes (and other code actions) at a line of a file, or for every finding with a given code in it, each as a unified diff to apply with `git apply` or `patch -p1` from the served folder. Nothing is written.",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn fixes(&self, Parameters(params): Parameters<FixesParams>) -> Result<CallToolResult, ErrorData> {
        self.answer(CheckConfig::default(), move |loaded| tools::fixes::fixes(loaded, &params)).await
    }

    #[tool(
        name = "preview_archive",
        description = "What `openspec archive <change> --yes` would do to each main spec: the action (create, modify, delete, unchanged), the merged spec text, a unified diff against the current spec, and every refusal with its location. Read it before archiving.",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn preview_archive(
        &self,
        Parameters(params): Parameters<PreviewArchiveParams>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(CheckConfig::default(), move |loaded| tools::preview::preview_archive(loaded, &params)).await
    }

    #[tool(
        name = "requirement",
        description = "One requirement of a capability: its text and scenarios with locations (from the main spec, or from the active change that adds it), every active change touching it (ADDED, MODIFIED, REMOVED, RENAMED), and its history: the archived changes that shaped it, oldest first.",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn requirement(
        &self,
        Parameters(params): Parameters<RequirementParams>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(CheckConfig::default(), move |loaded| tools::requirement::requirement(loaded, &params)).await
    }

    #[tool(
        name = "search",
        description = "Find requirements, capabilities (main specs and those a change adds) and active changes by name, best matches first, with locations.",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn search(&self, Parameters(params): Parameters<SearchParams>) -> Result<CallToolResult, ErrorData> {
        self.answer(CheckConfig::default(), move |loaded| tools::search::search(loaded, &params)).await
    }

    #[tool(
        name = "archive_readiness",
        description = "Whether an active change is ready to archive: no validation error, every task checked, and nothing `openspec archive` would refuse; with every finding behind the answer located.",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn archive_readiness(
        &self,
        Parameters(params): Parameters<ArchiveReadinessParams>,
    ) -> Result<CallToolResult, ErrorData> {
        self.answer(CheckConfig::default(), move |loaded| tools::readiness::archive_readiness(loaded, &params)).await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().build())
            .with_server_info(
                Implementation::new("openspec-lsp", env!("CARGO_PKG_VERSION"))
                    .with_title("OpenSpec (openspec-lsp)")
                    .with_description(
                        "Checks, fixes, archive previews and search for an OpenSpec workspace; read-only.",
                    ),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let cursor = request.and_then(|request| request.cursor);
        let (listed, next) =
            self.on_workspace(CheckConfig::default(), move |loaded| resources::page(loaded, cursor.as_deref())).await?;
        let items = listed
            .into_iter()
            .map(|listed| {
                Resource::new(listed.uri, listed.name)
                    .with_title(listed.title)
                    .with_description(listed.description)
                    .with_mime_type("text/markdown")
            })
            .collect();
        let mut result = ListResourcesResult::with_all_items(items);
        result.next_cursor = next;
        Ok(result)
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri;
        let files = self.on_workspace(CheckConfig::default(), move |loaded| resources::read(loaded, &uri)).await?;
        let contents = files
            .into_iter()
            .map(|file| ResourceContents::text(file.text, file.uri).with_mime_type("text/markdown"))
            .collect();
        Ok(ReadResourceResult::new(contents).into())
    }
}
