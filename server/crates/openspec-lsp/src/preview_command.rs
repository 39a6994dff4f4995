//! `openspec-lsp preview CHANGE [CAPABILITY] [--format text|diff|json] [PATH]`: what
//! `openspec archive CHANGE --yes` would do to the main specs (`openspec_ide::archive_plan`),
//! as the merged specs, a unified diff per main spec, or JSON. Exit 0 when archive would go
//! through, 1 when it would refuse (refusals printed with their locations), 2 on usage errors.
//! The JSON document is also what the server's `openspec.previewArchive` returns.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use openspec_ide::CheckConfig;
use openspec_ide::archive_plan::{ChangePlan, Refusal, RefusalStep, SpecAction, SpecPlan};
use openspec_ide::vfs::RootSnapshot;
use openspec_syntax::text::{ColumnUnit, LineIndex};
use serde_json::{Value, json};

use crate::check_command::check_path;
use crate::cli::{EXIT_INVALID, EXIT_USAGE, EXIT_VALID, PreviewArgs, PreviewFormat};

pub fn run(args: &PreviewArgs) -> ExitCode {
    match preview(args) {
        Ok(would_refuse) => ExitCode::from(if would_refuse { EXIT_INVALID } else { EXIT_VALID }),
        Err(error) => {
            let _ = writeln!(std::io::stderr().lock(), "openspec-lsp: error: {error:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// A preview with the root folder it came from, relative to the current directory.
pub struct Previewed {
    pub plan: ChangePlan,
    /// Prefix of every path printed (`dir/` or empty).
    pub prefix: String,
    pub validate: bool,
    /// The text of every file a refusal points into, for its line and column.
    pub texts: HashMap<String, String>,
}

impl Previewed {
    pub fn new(plan: ChangePlan, snapshot: &RootSnapshot, prefix: String, validate: bool) -> Previewed {
        let texts = plan
            .all_refusals()
            .filter_map(|refusal| Some((refusal.path.clone(), snapshot.text(&refusal.path)?.to_owned())))
            .collect();
        Previewed { plan, prefix, validate, texts }
    }
}

/// Prints the preview; `Ok(true)` when archive would refuse.
fn preview(args: &PreviewArgs) -> anyhow::Result<bool> {
    let (capability, path) = split_capability_and_path(args);
    let path = match path {
        Some(path) => path,
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let previewed = plan_for(&path, &args.change, capability.as_deref(), !args.no_validate)?;
    let (out, err) = match args.format {
        PreviewFormat::Text => (render_text(&previewed), render_refusals(&previewed)),
        PreviewFormat::Diff => (render_diff(&previewed), render_refusals(&previewed)),
        PreviewFormat::Json => (format!("{:#}\n", to_json(&previewed)), String::new()),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(error) => return Err(error).context("cannot write the preview"),
    }
    let _ = std::io::stderr().lock().write_all(err.as_bytes());
    Ok(previewed.plan.would_refuse())
}

/// `preview CHANGE X`: X is the capability unless it names an existing folder and the change,
/// as seen from the current directory, has no capability of that name (then X is PATH).
fn split_capability_and_path(args: &PreviewArgs) -> (Option<String>, Option<PathBuf>) {
    match (&args.capability, &args.path) {
        (Some(second), None) if Path::new(second).is_dir() => {
            let here = std::env::current_dir().unwrap_or_default();
            let has_capability = plan_for(&here, &args.change, None, false)
                .is_ok_and(|previewed| previewed.plan.specs.iter().any(|spec| &spec.capability == second));
            if has_capability { (Some(second.clone()), None) } else { (None, Some(PathBuf::from(second))) }
        }
        (capability, path) => (capability.clone(), path.clone()),
    }
}

/// Loads the root of `path` that has the active change `change` and plans its archive.
pub fn plan_for(path: &Path, change: &str, capability: Option<&str>, validate: bool) -> anyhow::Result<Previewed> {
    let run = check_path(path, CheckConfig::default())?;
    for root in &run.roots {
        let index = openspec_ide::index::WorkspaceIndex::build(&root.snapshot);
        if index.active_change(change).is_none() {
            continue;
        }
        let plan = openspec_ide::features::preview::preview_change(
            &root.snapshot,
            &index,
            change,
            capability,
            &root.report.diagnostics,
            validate,
        )
        .map_err(|message| anyhow::anyhow!(message))?;
        let prefix = root.dir_from_cwd.as_deref().filter(|dir| !dir.is_empty()).map(|dir| format!("{dir}/"));
        return Ok(Previewed::new(plan, &root.snapshot, prefix.unwrap_or_default(), validate));
    }
    anyhow::bail!("no active change named `{change}`")
}

/// The JSON document of a plan over `snapshot` (what the server's `openspec.previewArchive`
/// returns when asked for `"format": "json"`), paths root-relative.
pub fn plan_json(snapshot: &RootSnapshot, plan: ChangePlan, validate: bool) -> Value {
    to_json(&Previewed::new(plan, snapshot, String::new(), validate))
}

/// The merged specs: one spec as is; several, each under a `==> path (action) <==` line.
fn render_text(previewed: &Previewed) -> String {
    let specs = &previewed.plan.specs;
    if let [spec] = specs.as_slice() {
        return spec.text.clone().unwrap_or_default();
    }
    let mut out = String::new();
    for spec in specs {
        let _ = writeln!(out, "==> {}{} ({}) <==", previewed.prefix, spec.path, spec.action.as_str());
        if let Some(text) = &spec.text {
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

/// A unified diff per main spec archive touches (created and deleted files against `/dev/null`).
fn render_diff(previewed: &Previewed) -> String {
    let mut out = String::new();
    for spec in &previewed.plan.specs {
        out.push_str(&spec_diff(spec, &previewed.prefix));
    }
    out
}

/// One spec's unified diff, empty when archive leaves it as it is.
pub fn spec_diff(spec: &SpecPlan, prefix: &str) -> String {
    if spec.action == SpecAction::Unchanged {
        return String::new();
    }
    let old = spec.current.as_deref().unwrap_or_default();
    let new = spec.text.as_deref().unwrap_or_default();
    let path = format!("{prefix}{}", spec.path);
    let old_header = if spec.current.is_some() { format!("a/{path}") } else { "/dev/null".to_owned() };
    let new_header = if spec.action == SpecAction::Delete { "/dev/null".to_owned() } else { format!("b/{path}") };
    unified_diff(&old_header, &new_header, old, new)
}

/// A unified diff of `old` to `new` under `--- old_header` / `+++ new_header`, three lines of
/// context; `git apply` and `patch -p1` take it.
pub fn unified_diff(old_header: &str, new_header: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    let _ = writeln!(out, "--- {old_header}\n+++ {new_header}");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let _ = write!(out, "{}", hunk.header());
        out.push('\n');
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            };
            out.push(sign);
            out.push_str(change.value());
            if change.missing_newline() {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// `path:line:column: archive would refuse: message`, one per refusal, or nothing.
fn render_refusals(previewed: &Previewed) -> String {
    let mut out = String::new();
    for refusal in previewed.plan.all_refusals() {
        let (line, column) = position(previewed, refusal);
        let _ = writeln!(
            out,
            "{}{}:{line}:{column}: archive would refuse: {}",
            previewed.prefix, refusal.path, refusal.message
        );
    }
    out
}

/// The refusal's 1-based line and column (in characters), read from the text it points into.
fn position(previewed: &Previewed, refusal: &Refusal) -> (u32, u32) {
    let Some(text) = previewed.texts.get(&refusal.path) else {
        return (1, 1);
    };
    let at = LineIndex::new(text).line_col(text, refusal.range.start, ColumnUnit::Char);
    (at.line + 1, at.col + 1)
}

fn step_name(step: RefusalStep) -> &'static str {
    match step {
        RefusalStep::Validation => "validation",
        RefusalStep::Merge => "merge",
        RefusalStep::RebuiltSpec => "rebuilt-spec",
    }
}

/// `{"change","validate","wouldRefuse","capabilities":[{"capability","path","action","text",
/// "current","refusals","warnings"}],"refusals"}`.
pub fn to_json(previewed: &Previewed) -> Value {
    let plan = &previewed.plan;
    let refusal = |refusal: &Refusal| {
        let (line, column) = position(previewed, refusal);
        json!({
            "path": format!("{}{}", previewed.prefix, refusal.path),
            "line": line,
            "column": column,
            "step": step_name(refusal.step),
            "message": refusal.message,
        })
    };
    let capabilities: Vec<Value> = plan
        .specs
        .iter()
        .map(|spec| {
            json!({
                "capability": spec.capability,
                "path": format!("{}{}", previewed.prefix, spec.path),
                "action": spec.action.as_str(),
                "text": spec.text,
                "current": spec.current,
                "refusals": spec.refusals.iter().map(refusal).collect::<Vec<_>>(),
                "warnings": spec.warnings,
            })
        })
        .collect();
    json!({
        "change": plan.change,
        "validate": previewed.validate,
        "wouldRefuse": plan.would_refuse(),
        "capabilities": capabilities,
        "refusals": plan.refusals.iter().map(refusal).collect::<Vec<_>>(),
    })
}
