//! The measurements behind `scripts/bench`, one function per figure family of
//! `docs/performance.md`. Each returns JSON the chart script and the table read.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use openspec_ide::{Changed, IncrementalCheck};
use openspec_syntax::markdown_lazy::LazyTree;

use crate::generate::{HOT_SPEC, LONE_SPEC};
use crate::lsp::{LspClient, memory_mib, request, uri};
use crate::stats::{Summary, round3};

/// Runs `command` `runs` times (after one unmeasured warm-up run) and summarises wall times.
fn time_command(mut command: impl FnMut() -> Command, runs: usize) -> anyhow::Result<Summary> {
    let mut samples = Vec::new();
    for run in 0..=runs {
        let started = Instant::now();
        let status = command().stdout(Stdio::null()).stderr(Stdio::null()).status()?;
        let elapsed = started.elapsed();
        // `check` and `validate` exit 1 when an item is invalid; only a crash is a failure.
        if status.code().is_none_or(|code| code > 1) {
            bail!("command failed with {status}");
        }
        if run > 0 {
            samples.push(elapsed);
        }
    }
    Ok(Summary::of(&samples))
}

/// Figure 1: `openspec-lsp check` against `openspec validate --all --json` on one folder.
pub fn cli(root: &Path, ours: &Path, reference: &Path, runs: usize, reference_runs: usize) -> anyhow::Result<Value> {
    // The reference runs in the workspace folder, so every path must be absolute.
    let (root, ours, reference) = (root.canonicalize()?, ours.canonicalize()?, reference.canonicalize()?);
    let (root, ours, reference) = (root.as_path(), ours.as_path(), reference.as_path());
    let check = time_command(
        || {
            let mut command = Command::new(ours);
            command.arg("check").arg(root).args(["--format", "json"]);
            command
        },
        runs,
    )?;
    let validate = time_command(
        || {
            let mut command = Command::new(reference);
            command
                .current_dir(root)
                .args(["validate", "--all", "--json", "--no-interactive"])
                .env("OPENSPEC_TELEMETRY", "0")
                .env("CI", "1");
            command
        },
        reference_runs,
    )?;
    Ok(json!({
        "check": check.to_json(),
        "validate": validate.to_json(),
        "ratio": round3(validate.p50_ms / check.p50_ms.max(1e-9)),
    }))
}

/// Figure 2 and the in-process check: the tree-sitter-md parse of every file (the floor) and
/// `check_root`, both in-process on the same loaded bytes.
pub fn inprocess(root: &Path, runs: usize) -> anyhow::Result<Value> {
    let snapshot = crate::load::load(root).context("loading the workspace")?;
    let texts = crate::load::texts(&snapshot);
    let n_bytes: usize = texts.iter().map(|(_, text)| text.len()).sum();
    // What one index holds beyond the texts: resident memory growth while building the first
    // one (nothing was freed before, so the allocator has no holes to reuse).
    let rss_before = memory_mib(std::process::id()).map(|(_, rss)| rss);
    let first_index = openspec_ide::index::WorkspaceIndex::build(&snapshot);
    let rss_after = memory_mib(std::process::id()).map(|(_, rss)| rss);
    let index_mib = rss_before.zip(rss_after).map(|(before, after)| round3(after - before));
    drop(first_index);
    #[allow(clippy::cast_precision_loss)] // A workspace is far below 2^52 bytes.
    let texts_mib = n_bytes as f64 / 1024.0 / 1024.0;
    let started = Instant::now();
    for (_, text) in &texts {
        let _ = openspec_syntax::markdown::parse(text, None);
    }
    let parse = started.elapsed();
    let mut check = Vec::new();
    let mut n_diagnostics = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let report = openspec_ide::check_root(&snapshot, &openspec_ide::CheckConfig::default());
        check.push(started.elapsed());
        n_diagnostics = report.diagnostics.len();
    }
    let mut index = Vec::new();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let _ = openspec_ide::index::WorkspaceIndex::build(&snapshot);
        index.push(started.elapsed());
    }
    let check = Summary::of(&check);
    let parse_ms = parse.as_secs_f64() * 1000.0;
    Ok(json!({
        "files": texts.len(),
        "bytes": n_bytes,
        "diagnostics": n_diagnostics,
        "parse_ms": round3(parse_ms),
        "check": check.to_json(),
        "index": Summary::of(&index).to_json(),
        "index_rss_mib": index_mib,
        "texts_mib": round3(texts_mib),
        "check_over_parse": round3(check.p50_ms / parse_ms.max(1e-9)),
    }))
}

/// One keystroke: insert a character into (or delete it from) a body line in the middle of
/// `path`, as an editor would send it.
struct Typist {
    line: u32,
    column: u32,
    typed: bool,
}

impl Typist {
    /// Types in the body of the requirement nearest the middle of `text`.
    fn new(text: &str) -> Typist {
        let lines: Vec<&str> = text.lines().collect();
        let middle = lines.len() / 2;
        let line = (middle..lines.len()).find(|&idx| lines[idx].starts_with("The system ")).unwrap_or(middle);
        Typist { line: u32::try_from(line).unwrap_or(0), column: 11, typed: false }
    }

    /// The next edit as (range start, range end, new text), alternating insert and delete so
    /// the document keeps its size.
    fn next(&mut self) -> ((u32, u32), (u32, u32), &'static str) {
        self.typed = !self.typed;
        if self.typed {
            ((self.line, self.column), (self.line, self.column), "x")
        } else {
            ((self.line, self.column), (self.line, self.column + 1), "")
        }
    }
}

/// Figure 3 in-process: incremental edit + tree-sitter reparse + re-check + the edited file's
/// findings, per keystroke in `spec` (`LONE_SPEC` or `HOT_SPEC`).
pub fn keystroke_inprocess(root: &Path, spec: &str, n_keystrokes: usize) -> anyhow::Result<Value> {
    let mut snapshot = crate::load::load(root)?;
    let path = format!("openspec/specs/{spec}/spec.md");
    let mut text = snapshot.text(&path).context("the big spec")?.to_owned();
    let mut tree = openspec_syntax::markdown::parse(&text, None);
    let mut check = IncrementalCheck::new(snapshot.clone());
    let mut typist = Typist::new(&text);
    let candidates = Changed::Paths(std::iter::once(path.clone()).collect());
    let mut samples = Vec::new();
    let mut units = 0;
    for _ in 0..n_keystrokes {
        let (from, to, new_text) = typist.next();
        let started = Instant::now();
        let start = byte_offset(&text, from);
        let old_end = byte_offset(&text, to);
        text.replace_range(start..old_end, new_text);
        if let Some(tree) = &mut tree {
            let point = |(line, column): (u32, u32)| tree_sitter::Point::new(line as usize, column as usize);
            tree.edit(&tree_sitter::InputEdit {
                start_byte: start,
                old_end_byte: old_end,
                new_end_byte: start + new_text.len(),
                start_position: point(from),
                old_end_position: point(to),
                new_end_position: point((from.0, from.1 + u32::try_from(new_text.len()).unwrap_or(0))),
            });
        }
        tree = openspec_syntax::markdown::parse(&text, tree.as_ref());
        snapshot.insert_file(&path, &text);
        if let Some(tree) = &tree {
            snapshot.markdown_trees.insert(path.clone(), std::sync::Arc::new(LazyTree::parsed(Some(tree.clone()))));
        }
        check.update(snapshot.clone(), &candidates);
        let findings = check.diagnostics_on(&path).count();
        samples.push(started.elapsed());
        units = check.last_units_run();
        std::hint::black_box(findings);
    }
    Ok(
        json!({"spec": spec, "lines": text.lines().count(), "units_rerun": units, "latency": Summary::of(&samples).to_json()}),
    )
}

/// Byte offset of a (line, column) position whose line is ASCII up to the column.
fn byte_offset(text: &str, (line, column): (u32, u32)) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line as usize).map(str::len).sum();
    line_start + column as usize
}

/// Starts the server on `root`, opens a typical spec and asks for its outline right after
/// `initialized`, waits for the index, and reports how long each took (from spawning the
/// server), how much memory that took, and when the first diagnostics arrived.
fn start_server(binary: &Path, root: &Path) -> anyhow::Result<(LspClient, Value)> {
    let started = Instant::now();
    let mut client = crate::lsp::spawn(binary, root);
    let capabilities = json!({
        "window": {"workDoneProgress": true},
        "textDocument": {"publishDiagnostics": {"versionSupport": true}},
        "general": {"positionEncodings": ["utf-16"]},
    });
    request(
        &mut client,
        "initialize",
        &json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri(root), "name": "bench"}]}),
    )?;
    client.notify("initialized", json!({}));
    // What a user opening a file sees first: its outline.
    let opened = first_spec(root)?;
    let opened_uri = uri(&opened);
    let opened_text = std::fs::read_to_string(&opened)?;
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": opened_uri, "languageId": "markdown", "version": 1, "text": opened_text}}),
    );
    let symbols = request(&mut client, "textDocument/documentSymbol", &json!({"textDocument": {"uri": opened_uri}}))?;
    let first_answer = started.elapsed();
    if symbols["result"].as_array().is_none_or(Vec::is_empty) {
        bail!("no document symbols for {}: {symbols}", opened.display());
    }
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": opened_uri}}));
    client.wait_for(|message| {
        message.get("method").and_then(Value::as_str) == Some("$/progress")
            && message["params"]["value"]["kind"] == "end"
    });
    let indexed = started.elapsed();
    let memory_indexed = memory_mib(client.pid());
    client.wait_for(|message| message.get("method").and_then(Value::as_str) == Some("textDocument/publishDiagnostics"));
    let first_diagnostics = started.elapsed();
    // The first publication is one batch; let it finish before measuring anything else.
    std::thread::sleep(Duration::from_millis(200));
    client.discard_notifications();
    let memory_checked = memory_mib(client.pid());
    let cold = json!({
        "first_answer_ms": round3(first_answer.as_secs_f64() * 1000.0),
        "index_ms": round3(indexed.as_secs_f64() * 1000.0),
        "first_diagnostics_ms": round3(first_diagnostics.as_secs_f64() * 1000.0),
        "rss_after_index_mib": memory_indexed.map(|(_, rss)| round3(rss)),
        "peak_rss_mib": memory_checked.map(|(peak, _)| round3(peak)),
    });
    Ok((client, cold))
}

/// The first main spec by capability that is not one of the two big ones: a typical file.
fn first_spec(root: &Path) -> anyhow::Result<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("openspec/specs"))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|dir| !dir.ends_with(LONE_SPEC) && !dir.ends_with(HOT_SPEC) && dir.join("spec.md").is_file())
        .collect();
    specs.sort();
    specs.first().map(|dir| dir.join("spec.md")).context("no main spec to open")
}

/// Figure 5 (cold start and memory) for one workspace.
pub fn cold(binary: &Path, root: &Path) -> anyhow::Result<Value> {
    let (client, cold) = start_server(&binary.canonicalize()?, &root.canonicalize()?)?;
    client.finish();
    Ok(cold)
}

/// Figures 3 and 4 over stdio: keystroke -> that version's diagnostics (pulled) in the two big specs, and
/// request latency on every kind of request; plus the cold start of the same server.
pub fn lsp(binary: &Path, root: &Path, n_requests: usize, n_keystrokes: usize) -> anyhow::Result<Value> {
    let root = root.canonicalize()?;
    let binary = binary.canonicalize()?;
    let binary = binary.as_path();
    let (mut client, cold) = start_server(binary, &root)?;
    let mut requests = serde_json::Map::new();
    let targets = request_targets(&root)?;
    let kinds: [(&str, &str); 4] = [
        ("completion", "textDocument/completion"),
        ("definition", "textDocument/definition"),
        ("references", "textDocument/references"),
        ("hover", "textDocument/hover"),
    ];
    for (name, method) in kinds {
        let mut samples = Vec::new();
        for idx in 0..n_requests {
            let (path, line, character) = &targets[idx % targets.len()];
            let mut params =
                json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}});
            if name == "references" {
                params["context"] = json!({"includeDeclaration": true});
            }
            let started = Instant::now();
            request(&mut client, method, &params)?;
            samples.push(started.elapsed());
        }
        requests.insert(name.to_owned(), Summary::of(&samples).to_json());
    }
    let queries = ["login", "export", "用户", "pay", "session token", "ret", "audit log", "x"];
    let mut samples = Vec::new();
    for idx in 0..n_requests {
        let started = Instant::now();
        request(&mut client, "workspace/symbol", &json!({"query": queries[idx % queries.len()]}))?;
        samples.push(started.elapsed());
    }
    requests.insert("workspace_symbols".to_owned(), Summary::of(&samples).to_json());
    client.discard_notifications();

    let mut keystrokes = serde_json::Map::new();
    for spec in [LONE_SPEC, HOT_SPEC] {
        let path = root.join(format!("openspec/specs/{spec}/spec.md"));
        keystrokes.insert(spec.to_owned(), type_into(&mut client, &path, n_keystrokes)?);
    }
    let memory = memory_mib(client.pid());
    client.finish();
    Ok(json!({
        "cold": cold,
        "requests": requests,
        "keystrokes": keystrokes,
        "peak_rss_mib_end": memory.map(|(peak, _)| round3(peak)),
    }))
}

/// Opens `path`, types `n` keystrokes and times each from `didChange` to the diagnostics of
/// that version, as a pull (`textDocument/diagnostic`) answers them: the server pushes a file
/// only when its findings change, so most keystrokes publish nothing to wait for.
fn type_into(client: &mut LspClient, path: &Path, n: usize) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path)?;
    let file_uri = uri(path);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": file_uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let pull = json!({"textDocument": {"uri": file_uri}});
    request(client, "textDocument/diagnostic", &pull)?;
    let mut typist = Typist::new(&text);
    let mut samples = Vec::new();
    for step in 0..n {
        let version = i64::try_from(step).unwrap_or(0) + 2;
        let ((start_line, start_col), (end_line, end_col), new_text) = typist.next();
        let change = json!({
            "range": {"start": {"line": start_line, "character": start_col}, "end": {"line": end_line, "character": end_col}},
            "text": new_text,
        });
        let started = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": file_uri, "version": version}, "contentChanges": [change]}),
        );
        request(client, "textDocument/diagnostic", &pull)?;
        samples.push(started.elapsed());
    }
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": file_uri}}));
    std::thread::sleep(Duration::from_millis(100));
    client.discard_notifications();
    Ok(json!({"lines": text.lines().count(), "latency": Summary::of(&samples).to_json()}))
}

/// Cursor positions for the request benchmarks: on requirement names of delta specs and main
/// specs of active changes (where definition, references and hover have work to do), and at
/// the start of an empty line after a section header (where completion offers names).
fn request_targets(root: &Path) -> anyhow::Result<Vec<(PathBuf, usize, usize)>> {
    let changes = root.join("openspec/changes");
    let mut targets = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&changes)?.filter_map(Result::ok).map(|entry| entry.path()).collect();
    entries.sort();
    for change in entries.iter().filter(|path| !path.ends_with("archive")).take(200) {
        let Ok(specs) = std::fs::read_dir(change.join("specs")) else {
            continue;
        };
        for capability in specs.filter_map(Result::ok) {
            let delta = capability.path().join("spec.md");
            let Ok(text) = std::fs::read_to_string(&delta) else {
                continue;
            };
            for (line_idx, line) in text.lines().enumerate() {
                if line.starts_with("### Requirement: ") {
                    targets.push((delta.clone(), line_idx, "### Requirement: ".len() + 2));
                } else if line.starts_with("## ") {
                    targets.push((delta.clone(), line_idx + 1, 0));
                }
            }
        }
    }
    if targets.is_empty() {
        bail!("no delta specs to aim requests at under {}", changes.display());
    }
    Ok(targets)
}
