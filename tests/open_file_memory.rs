//! The memory regression check of a big open spec (the bounded CI version of
//! `bench/scripts/open_file_memory.py`, docs/performance.md "Huge open files"): a 2 MB spec is
//! opened as an unsaved buffer (so only the buffer counts), over a `largeFileBytes` of 1 MB
//! (no tree-sitter tree, as for a huge file), in the real binary, and edited a few times, each
//! edit followed by a diagnostics pull (a whole re-check); once the server has idled a few
//! seconds, its `VmRSS` must be within `MAX_RATIO` times the spec's size above what it was
//! before the open. Linux only (`VmRSS` from `/proc`). The growth per edit is bounded by the
//! release-build script (`--max-growth-kib`, docs/testing.md).

#![cfg(target_os = "linux")]

mod support;

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::json;

use support::lsp_client::{LspClient, uri};
use support::openspec_lsp_binary;
use support::robustness::rss_kib;

/// The spec's size in bytes.
const SIZE: usize = 2_000_000;
const KEYSTROKES: usize = 6;
/// `VmRSS` idle after the edits, above the start, at most this many times the spec's size:
/// measured 14-22x with this debug build from run to run (the live data of a 2 MB buffer with
/// ~15,000 requirements: rope, shared text, index, the check's per-unit state; plus what the
/// allocator keeps), 26x before the server gave freed memory back while idle, ~70x with glibc's
/// per-thread arenas. Debug runs vary too much to tell 22x from 26x without flaking (a bound of
/// 22x failed CI at 22.1x), so this guards against the gross regressions; the release command
/// in docs/testing.md (10 MB, at most 8x; 5.7x now, 36x before) is the precise check.
const MAX_RATIO: u64 = 30;
/// Long enough for the server's purges after a check (`lsp::memory`: over ~5 s).
const IDLE: Duration = Duration::from_secs(6);

/// A main spec of `SIZE` bytes of small requirements (what the benchmark script writes).
fn huge_spec() -> String {
    let mut text = String::from(
        "# huge Specification\n\n## Purpose\nA spec large enough to stress the server's memory use.\n\n## Requirements\n",
    );
    let mut i = 0;
    while text.len() < SIZE {
        let _ = write!(
            text,
            "### Requirement: Rule {i}\nThe system SHALL keep rule {i} for everyone.\n\n#### Scenario: Case {i}\n- **WHEN** rule {i} applies\n- **THEN** it holds\n\n"
        );
        i += 1;
    }
    text
}

fn rss(client: &LspClient) -> u64 {
    rss_kib(client.pid()).expect("VmRSS of the server")
}

#[test]
fn an_open_big_spec_holds_a_small_multiple_of_its_size_and_does_not_grow_with_edits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("openspec/specs/huge/spec.md");
    std::fs::create_dir_all(spec.parent().expect("parent")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("openspec/changes")).expect("mkdir");
    // Not on disk: the memory measured is the open buffer's alone (no disk read of it).
    let text = huge_spec();
    let mut client = LspClient::spawn(&openspec_lsp_binary(), &[], dir.path()).with_timeout(Duration::from_secs(600));
    let capabilities =
        json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}});
    client.request(
        "initialize",
        json!({"capabilities": capabilities, "initializationOptions": {"largeFileBytes": 1_000_000},
               "workspaceFolders": [{"uri": uri(dir.path()), "name": "ws"}]}),
    );
    client.notify("initialized", json!({}));
    // The baseline: the server with the (empty) workspace read, idle.
    client.request("workspace/symbol", json!({"query": "x"}));
    std::thread::sleep(IDLE);
    let before = rss(&client);
    let uri = uri(&spec);

    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    // Over the limit: one notice.
    client.wait_for(|message| message["method"] == json!("window/showMessage"));
    let mut after_half = 0;
    for k in 0..=KEYSTROKES {
        if k > 0 {
            // Type "x" in a requirement near the top, then delete it.
            let end = if k % 2 == 1 { 5 } else { 6 };
            let change = json!({"range": {"start": {"line": 7, "character": 5}, "end": {"line": 7, "character": end}},
                                "text": if k % 2 == 1 { "x" } else { "" }});
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": 1 + k}, "contentChanges": [change]}),
            );
        }
        let pulled = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
        assert!(pulled["result"]["items"].is_array(), "{pulled}");
        if k == KEYSTROKES / 2 {
            std::thread::sleep(IDLE);
            after_half = rss(&client);
        }
    }
    std::thread::sleep(IDLE);
    let idle = rss(&client);
    let size_kib = (SIZE / 1024) as u64;
    let above = idle.saturating_sub(before);
    eprintln!(
        "open_file_memory: VmRSS {before} KiB before the open, {after_half} KiB idle after {} edits, {idle} KiB idle after {KEYSTROKES} ({}.{}x the spec above the start)",
        KEYSTROKES / 2,
        above / size_kib,
        above * 10 / size_kib % 10
    );
    assert!(
        above <= MAX_RATIO * size_kib,
        "VmRSS idle after the edits is {above} KiB above the start, over {MAX_RATIO}x the {size_kib} KiB spec"
    );
    client.drain_notifications();
    client.finish();
}
