//! A minimal LSP client over the server's stdio, for the whole-process benchmarks: spawns the
//! binary, frames JSON-RPC messages, answers the server's own requests, and times round trips.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// How long one answer may take before the benchmark gives up (a hung server is a failure).
pub const TIMEOUT: Duration = Duration::from_secs(120);

pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else, oldest first.
    pending: Vec<Value>,
    next_id: i64,
}

impl LspClient {
    pub fn spawn(binary: &Path, cwd: &Path) -> anyhow::Result<LspClient> {
        let mut child = Command::new(binary)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("server stdout")?;
        let stdin = child.stdin.take();
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let header = header.trim_end();
                    if header.is_empty() {
                        break;
                    }
                    if let Some(value) = header.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let Some(length) = length else { return };
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(message) = serde_json::from_slice::<Value>(&body) else { return };
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Ok(LspClient { child, stdin, incoming, pending: Vec::new(), next_id: 1 })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn send(&mut self, body: &Value) -> anyhow::Result<()> {
        let body = body.to_string();
        let stdin = self.stdin.as_mut().context("server stdin closed")?;
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len())?;
        stdin.flush()?;
        Ok(())
    }

    pub fn notify(&mut self, method: &str, params: &Value) -> anyhow::Result<()> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Sends a request and waits for its response (answering server requests meanwhile).
    pub fn request(&mut self, method: &str, params: &Value) -> anyhow::Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        let response =
            self.wait_for(|message| message.get("id") == Some(&json!(id)) && message.get("method").is_none())?;
        if let Some(error) = response.get("error") {
            bail!("{method} failed: {error}");
        }
        Ok(response)
    }

    /// Waits for the first message matching `predicate`, keeping the others.
    pub fn wait_for(&mut self, predicate: impl Fn(&Value) -> bool) -> anyhow::Result<Value> {
        if let Some(idx) = self.pending.iter().position(&predicate) {
            return Ok(self.pending.remove(idx));
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) => {
                    if self.answer_server_request(&message)? {
                        continue;
                    }
                    if predicate(&message) {
                        return Ok(message);
                    }
                    // Diagnostics of other files and log lines pile up otherwise.
                    if self.pending.len() > 10_000 {
                        self.pending.drain(..5_000);
                    }
                    self.pending.push(message);
                }
                Err(RecvTimeoutError::Timeout) => bail!("timed out waiting for the server"),
                Err(RecvTimeoutError::Disconnected) => bail!("the server closed its output"),
            }
        }
    }

    /// Drops every message received so far.
    pub fn discard_pending(&mut self) {
        while let Ok(message) = self.incoming.try_recv() {
            let _ = self.answer_server_request(&message);
        }
        self.pending.clear();
    }

    fn answer_server_request(&mut self, message: &Value) -> anyhow::Result<bool> {
        let (Some(id), Some(method)) = (message.get("id"), message.get("method").and_then(Value::as_str)) else {
            return Ok(false);
        };
        let result = if method == "workspace/configuration" { json!([null]) } else { Value::Null };
        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}))?;
        Ok(true)
    }

    /// `shutdown` + `exit`, then waits for the process (bounded).
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.request("shutdown", &Value::Null)?;
        self.notify("exit", &Value::Null)?;
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        bail!("the server did not exit")
    }
}

/// `file://` URI of an absolute path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Peak and current resident memory of a process, in MiB (Linux `/proc`).
pub fn memory_mib(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}
