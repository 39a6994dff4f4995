//! Helpers the robustness tests share: writing workspaces, running `check` with a deadline,
//! comparing what the server published with what `check` reports for the same text, a
//! fingerprint of a folder tree (to prove nothing was written), a seeded random generator and a
//! plain model of LSP positions. Test support only.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

/// Writes `files` (root-relative paths, raw bytes) below `dir`, creating folders.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("files have a parent")).expect("create folder");
        std::fs::write(&path, bytes).expect("write file");
    }
}

/// What one `check` run did.
#[derive(Debug)]
pub struct CheckOutput {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl CheckOutput {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| panic!("check printed no JSON ({error}): {self:?}"))
    }

    /// `(code, severity)` of every finding in `path`, sorted.
    pub fn codes_in(&self, path: &str) -> Vec<(String, String)> {
        let json = self.json();
        let mut codes: Vec<(String, String)> = json["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["path"] == Value::String(path.to_owned()))
            .map(|d| (d["code"].as_str().unwrap_or("").to_owned(), d["severity"].as_str().unwrap_or("").to_owned()))
            .collect();
        codes.sort();
        codes
    }
}

/// Runs `binary` with `args` in `cwd`, killing it (and failing) after `deadline`.
pub fn run_with_deadline(binary: &Path, cwd: &Path, args: &[&str], deadline: Duration) -> CheckOutput {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn openspec-lsp");
    // Read both pipes on threads so a large report cannot fill a pipe and stall the child.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let code = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status.code();
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`openspec-lsp {}` did not finish within {deadline:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    CheckOutput {
        code,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
        elapsed,
    }
}

/// A finding reduced to what both sides report the same way: code, severity and the range with
/// zero-based lines and columns counted in characters.
pub type Finding = (String, String, (u64, u64), (u64, u64));

/// The findings `check --format json` reports for `path` (root-relative).
pub fn check_findings(output: &CheckOutput, path: &str) -> Vec<Finding> {
    let json = output.json();
    let mut findings: Vec<Finding> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["path"] == Value::String(path.to_owned()))
        .map(|d| {
            let at = |key: &str| d[key].as_u64().unwrap_or(0).saturating_sub(1);
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["severity"].as_str().unwrap_or("").to_owned(),
                (at("line"), at("column")),
                (at("end_line"), at("end_column")),
            )
        })
        .collect();
    findings.sort();
    findings
}

/// The findings of a `publishDiagnostics` (or pull report) `items` list, with UTF-16 columns
/// turned into character columns of `text`.
pub fn server_findings(diagnostics: &Value, text: &str) -> Vec<Finding> {
    let lines = model_lines(text);
    let char_col = |line: u64, col: u64| -> u64 {
        let Some(&(start, end)) = usize::try_from(line).ok().and_then(|line| lines.get(line)) else { return col };
        let mut units = 0u64;
        let mut chars = 0u64;
        for ch in text[start..end].chars() {
            if units >= col {
                break;
            }
            units += ch.len_utf16() as u64;
            chars += 1;
        }
        chars
    };
    let severity = |level: &Value| match level.as_u64() {
        Some(1) => "error",
        Some(2) => "warning",
        Some(3) => "info",
        _ => "hint",
    };
    let mut findings: Vec<Finding> = diagnostics
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let position = |key: &str| {
                let line = d["range"][key]["line"].as_u64().unwrap_or(0);
                (line, char_col(line, d["range"][key]["character"].as_u64().unwrap_or(0)))
            };
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                severity(&d["severity"]).to_owned(),
                position("start"),
                position("end"),
            )
        })
        .collect();
    findings.sort();
    findings
}

/// Kind, size, modification time and content hash of every entry below `dir` (links are not
/// followed): equal fingerprints before and after mean nothing was written, created, removed
/// or touched.
pub fn tree_fingerprint(dir: &Path) -> BTreeMap<PathBuf, (String, u64, Option<SystemTime>, u64)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(metadata) = std::fs::symlink_metadata(&path) else { continue };
            let kind = if metadata.is_dir() {
                stack.push(path.clone());
                "dir"
            } else if metadata.is_symlink() {
                "link"
            } else {
                "file"
            };
            let hash = if metadata.is_file() { fnv(&std::fs::read(&path).unwrap_or_default()) } else { 0 };
            out.insert(path, (kind.to_owned(), metadata.len(), metadata.modified().ok(), hash));
        }
    }
    out
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// splitmix64: a seeded generator for repeatable random streams.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 { 0 } else { usize::try_from(self.next() % bound as u64).unwrap_or(0) }
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Content spans (start, end) of the lines of `text` as LSP counts them: `\n`, `\r\n` and a
/// lone `\r` end a line.
pub fn model_lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    while let Some(idx) = text[start..].find(['\n', '\r']) {
        let end = start + idx;
        let break_len = if text[end..].starts_with("\r\n") { 2 } else { 1 };
        lines.push((start, end));
        start = end + break_len;
    }
    lines.push((start, text.len()));
    lines
}

/// Byte offset of a UTF-16 LSP position in `text`, clamped as LSP asks.
pub fn model_offset(text: &str, line: u32, character: u32) -> usize {
    let lines = model_lines(text);
    let Some(&(start, end)) = lines.get(line as usize) else { return text.len() };
    let mut units = 0;
    for (idx, ch) in text[start..end].char_indices() {
        if units + ch.len_utf16() > character as usize {
            return start + idx;
        }
        units += ch.len_utf16();
    }
    end
}

/// `VmRSS` of a process in KiB, from `/proc` (Linux only; `None` elsewhere).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
