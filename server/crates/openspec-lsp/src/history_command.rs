//! `openspec-lsp history CAPABILITY [REQUIREMENT] [--format human|json] [--path PATH]`: the
//! timeline of a requirement (or of every requirement of a capability's main spec) from
//! `openspec_ide::history`, as text or JSON. Exit 0 when something was found, 2 when the
//! capability or requirement is unknown or PATH holds no root. `history_json` is also the
//! answer of the server's `openspec.history` command, with editor locations.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use openspec_ide::Analysis;
use openspec_ide::history::{HistoryEvent, RequirementHistory};
use openspec_syntax::TextRange;
use openspec_syntax::text::{ColumnUnit, LineIndex};
use serde_json::{Value, json};

use crate::cli::{EXIT_USAGE, EXIT_VALID, HistoryArgs, HistoryFormat};
use crate::output::terminal::{LineBreaks, safe};

pub fn run(args: &HistoryArgs) -> ExitCode {
    match history(args) {
        Ok(()) => ExitCode::from(EXIT_VALID),
        Err(error) => {
            let message = format!("{error:#}");
            let _ = writeln!(std::io::stderr().lock(), "openspec-lsp: error: {}", safe(&message, LineBreaks::Keep));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Where a root's files are printed from: `dir/` relative to the run's base, or empty.
struct Found {
    analysis: Analysis,
    prefix: String,
    histories: Vec<RequirementHistory>,
}

fn history(args: &HistoryArgs) -> anyhow::Result<()> {
    let path = match &args.path {
        Some(path) => path.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let discovery = crate::discover::discover(&path)?;
    let mut found = Vec::new();
    for root_dir in &discovery.roots {
        let analysis = Analysis::new(Arc::new(crate::vfs_load::load_root(root_dir)));
        let histories: Vec<RequirementHistory> = match &args.requirement {
            Some(requirement) => analysis.requirement_history(&args.capability, requirement).into_iter().collect(),
            None => analysis.capability_history(&args.capability),
        };
        if histories.is_empty() {
            continue;
        }
        let relative = crate::check_command::relative_dir(&discovery.base, root_dir);
        let prefix = if relative.is_empty() { relative } else { format!("{relative}/") };
        found.push(Found { analysis, prefix, histories });
    }
    if found.is_empty() {
        match &args.requirement {
            Some(requirement) => anyhow::bail!(
                "no requirement `{requirement}` in capability `{}`: neither its main spec nor any change names it",
                args.capability
            ),
            None => anyhow::bail!("no main spec `{}` with requirements", args.capability),
        }
    }
    let text = match args.format {
        HistoryFormat::Human => found.iter().map(render_human).collect::<String>(),
        HistoryFormat::Json => {
            let roots: Vec<Value> = found
                .iter()
                .map(|found| {
                    let analysis = &found.analysis;
                    let mut location =
                        |path: &str, range: TextRange| cli_location(analysis, &found.prefix, path, range);
                    history_json(&found.histories, &mut location)
                })
                .collect();
            // One root: its document; several: one document each, in an array.
            let document =
                if roots.len() == 1 { roots.into_iter().next().unwrap_or_default() } else { Value::Array(roots) };
            format!("{document:#}\n")
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(error).context("cannot write the history"),
    }
}

/// 1-based line and column (in characters) of `offset` in `path`.
fn line_col(analysis: &Analysis, path: &str, offset: usize) -> (u32, u32) {
    let text = analysis.root.text(path).unwrap_or_default();
    let at = LineIndex::new(text).line_col(text, offset, ColumnUnit::Char);
    (at.line + 1, at.col + 1)
}

fn cli_location(analysis: &Analysis, prefix: &str, path: &str, range: TextRange) -> Value {
    let (line, column) = line_col(analysis, path, range.start);
    let (end_line, end_column) = line_col(analysis, path, range.end);
    json!({
        "path": format!("{prefix}{path}"),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
    })
}

/// `{"capability", "requirements": [{"requirement", "main_spec", "summary", "events": [...]}]}`;
/// `location` turns a file and byte range into the location object each format wants.
pub fn history_json(histories: &[RequirementHistory], location: &mut dyn FnMut(&str, TextRange) -> Value) -> Value {
    let capability = histories.first().map(|history| history.capability.clone()).unwrap_or_default();
    let requirements: Vec<Value> = histories
        .iter()
        .map(|history| {
            let main_spec = history.main_spec.as_ref().map(|found| location(&found.path, found.range));
            let mut event_json = |event: &HistoryEvent| {
                json!({
                    "change": event.change,
                    "change_name": event.change_name,
                    "archived": event.archived,
                    "date": event.date.map(|date| date.to_string()),
                    "kind": event.op.label(),
                    "requirement": event.name,
                    "partner": event.partner,
                    "location": location(&event.path, event.range),
                })
            };
            let archived: Vec<Value> = history.archived.iter().map(&mut event_json).collect();
            let active: Vec<Value> = history.active.iter().map(&mut event_json).collect();
            json!({
                "requirement": history.requirement,
                "main_spec": main_spec,
                "summary": history.summary(),
                "archived": archived,
                "active": active,
            })
        })
        .collect();
    json!({ "capability": capability, "requirements": requirements })
}

fn render_human(found: &Found) -> String {
    let analysis = &found.analysis;
    let shown = |text: &str| safe(text, LineBreaks::Show).into_owned();
    let at = |path: &str, range: TextRange| {
        let (line, column) = line_col(analysis, path, range.start);
        format!("{}{}:{line}:{column}", shown(&found.prefix), shown(path))
    };
    let mut out = String::new();
    for history in &found.histories {
        let main_spec = history
            .main_spec
            .as_ref()
            .map_or_else(|| "not in the main spec".to_owned(), |found| at(&found.path, found.range));
        let _ = writeln!(
            out,
            "{} / Requirement: {} ({main_spec})",
            shown(&history.capability),
            shown(&history.requirement)
        );
        for event in history.events() {
            let when = match (event.archived, event.date) {
                (false, _) => "active".to_owned(),
                (true, Some(date)) => date.to_string(),
                (true, None) => "no date".to_owned(),
            };
            let name = match &event.partner {
                Some(partner) if event.op == openspec_ide::index::DeltaOp::RenamedFrom => {
                    format!("{} -> {}", shown(&event.name), shown(partner))
                }
                Some(partner) => format!("{} <- {}", shown(&event.name), shown(partner)),
                None => shown(&event.name),
            };
            let _ = writeln!(
                out,
                "  {when:<10}  {:<12}  {}  \"{name}\"  {}",
                event.op.label(),
                shown(&event.change_name),
                at(&event.path, event.range)
            );
        }
        let _ = writeln!(out, "  {}\n", shown(&history.summary()));
    }
    out
}
