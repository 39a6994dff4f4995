//! Soak: a bounded stream of edits and requests over stdio against the real server, on the
//! example workspace, watching the server's memory (`VmRSS`) and request latency. Bounded by
//! count and time: `OPENSPEC_SOAK_SECONDS` (default 20, for CI) and `OPENSPEC_SOAK_ROUNDS`
//! (default 100,000). A longer local run: see docs/testing.md.
//!
//! Asserted: the server answers every request with a result (not `null`: each request aims at
//! something that has an answer) and logs no error; resident memory after the warm-up grows by at
//! most `RSS_GROWTH_LIMIT_KIB`; the median latency of the last quarter is at most ten times
//! that of the second quarter plus 100 ms (a growth detector, not a speed target).

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use support::lsp_client::LspClient;
use support::openspec_lsp_binary;
use support::robustness::rss_kib;

/// 64 MiB: generous for a workspace of a few kilobytes, small next to a leak of one copy of a
/// document or an index per edit over thousands of edits.
const RSS_GROWTH_LIMIT_KIB: u64 = 64 * 1024;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Copies the bundled example workspace into a temporary folder.
fn example_workspace() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read example dir").flatten() {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy example file");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy(&support::repo_root().join("examples/demo"), dir.path());
    dir
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

#[test]
fn a_stream_of_edits_and_requests_keeps_memory_and_latency_flat() {
    let seconds = env_number("OPENSPEC_SOAK_SECONDS", 20);
    let max_rounds = env_number("OPENSPEC_SOAK_ROUNDS", 100_000);
    let total = Duration::from_secs(seconds);
    let dir = example_workspace();
    let root = dir.path();
    let delta = root.join("openspec/changes/rework-notifications/specs/notifications/spec.md");
    let proposal = root.join("openspec/changes/rework-notifications/proposal.md");
    let delta_text = std::fs::read_to_string(&delta).expect("read delta");
    let proposal_text = std::fs::read_to_string(&proposal).expect("read proposal");

    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], root);
    let response = client.request(
        "initialize",
        json!({"capabilities": {"textDocument": {"diagnostic": {}}}, "workspaceFolders": [{"uri": uri(root), "name": "ws"}]}),
    );
    assert!(response.get("result").is_some(), "{response}");
    client.notify("initialized", json!({}));
    for (path, text) in [(&delta, &delta_text), (&proposal, &proposal_text)] {
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "markdown", "version": 1, "text": text}}),
        );
    }
    let pid = client.pid();
    let delta_doc = json!({"uri": uri(&delta)});
    let at = |line: u64, character: u64| json!({"line": line, "character": character});
    let requests: Vec<(&str, Value)> = vec![
        // On the MODIFIED requirement's header (line 1): hover, base names, references.
        ("textDocument/hover", json!({"textDocument": delta_doc, "position": at(1, 20)})),
        ("textDocument/completion", json!({"textDocument": delta_doc, "position": at(1, 17)})),
        ("textDocument/documentSymbol", json!({"textDocument": delta_doc})),
        ("textDocument/semanticTokens/full", json!({"textDocument": delta_doc})),
        ("textDocument/foldingRange", json!({"textDocument": delta_doc})),
        ("textDocument/diagnostic", json!({"textDocument": delta_doc})),
        (
            "textDocument/references",
            json!({"textDocument": delta_doc, "position": at(1, 20), "context": {"includeDeclaration": true}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": delta_doc, "range": {"start": at(2, 0), "end": at(2, 0)}, "context": {"diagnostics": []}}),
        ),
        ("workspace/symbol", json!({"query": "email"})),
        ("textDocument/codeLens", json!({"textDocument": {"uri": uri(&proposal)}})),
    ];

    let started = Instant::now();
    let mut version = 1;
    let mut latencies: Vec<(Duration, Duration)> = Vec::new();
    let mut rss_samples: Vec<(Duration, u64)> = Vec::new();
    let mut round: u64 = 0;
    while started.elapsed() < total && round < max_rounds {
        // Type a word into the requirement's body (line 2) and take it out again, so the text
        // stays bounded and the header the requests aim at stays intact; every so often resend
        // the whole text, as a client resyncing would.
        version += 1;
        let change = match round % 20 {
            19 => json!([{"text": delta_text}]),
            odd if odd % 2 == 1 => json!([{"range": {"start": at(2, 0), "end": at(2, 6)}, "text": ""}]),
            _ => json!([{"range": {"start": at(2, 0), "end": at(2, 0)}, "text": "word 😀"}]),
        };
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&delta), "version": version}, "contentChanges": change}),
        );
        let (method, params) = &requests[usize::try_from(round).unwrap_or(0) % requests.len()];
        let sent = Instant::now();
        let answer = client.request(method, params.clone());
        // Every one of these requests has an answer on this document: `null` would mean the
        // server lost it (or the request failed quietly).
        assert!(
            answer.get("result").is_some_and(|result| !result.is_null()),
            "{method} failed or had nothing in round {round}: {answer}"
        );
        latencies.push((started.elapsed(), sent.elapsed()));
        if round.is_multiple_of(25) {
            client.discard_notifications();
            if let Some(rss) = rss_kib(pid) {
                rss_samples.push((started.elapsed(), rss));
            }
        }
        round += 1;
    }
    let elapsed = started.elapsed();
    client.drain_notifications();
    client.finish();

    // Quarters of the run: the first is warm-up (caches, allocator arenas, thread pools).
    let quarter = elapsed / 4;
    let mut second: Vec<Duration> =
        latencies.iter().filter(|(at, _)| *at >= quarter && *at < quarter * 2).map(|(_, took)| *took).collect();
    let mut last: Vec<Duration> =
        latencies.iter().filter(|(at, _)| *at >= quarter * 3).map(|(_, took)| *took).collect();
    let (early, late) = (median(&mut second), median(&mut last));
    let rss_after_warmup = rss_samples.iter().filter(|(at, _)| *at >= quarter).map(|(_, rss)| *rss).next();
    let rss_peak_late = rss_samples.iter().filter(|(at, _)| *at >= quarter * 3).map(|(_, rss)| *rss).max();
    eprintln!(
        "soak: {round} rounds (edit + request) in {elapsed:.1?}; median latency {early:?} (2nd quarter) -> {late:?} (last quarter); \
         VmRSS {rss_after_warmup:?} KiB after warm-up -> peak {rss_peak_late:?} KiB in the last quarter"
    );
    assert!(round >= 20, "too few rounds to judge: {round}");
    if let (Some(base), Some(peak)) = (rss_after_warmup, rss_peak_late) {
        assert!(
            peak <= base + RSS_GROWTH_LIMIT_KIB,
            "memory grew from {base} KiB to {peak} KiB, over the {RSS_GROWTH_LIMIT_KIB} KiB bound"
        );
    }
    assert!(late <= early * 10 + Duration::from_millis(100), "latency grew from {early:?} to {late:?}");
}
