//! A minimal LSP client for end-to-end tests: spawns the real server binary, speaks JSON-RPC
//! over its stdio, and fails a test that leaves a server message unread.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else, in arrival order.
    pending: Vec<Value>,
    next_id: i64,
    /// Methods of the requests the server sent (and this client answered), in order.
    pub server_requests: Vec<String>,
}

impl LspClient {
    /// Starts `binary` with `args` in `cwd`.
    pub fn spawn(binary: &Path, args: &[&str], cwd: &Path) -> Self {
        let mut child = Command::new(binary)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn server");
        let stdout = child.stdout.take().expect("stdout");
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
        Self { child, stdin, incoming, pending: Vec::new(), next_id: 1, server_requests: Vec::new() }
    }

    /// The server's process id (to read its memory use, say).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes bytes to the server's stdin as they are, without a header: for framing faults.
    pub fn write_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write bytes");
        stdin.flush().expect("flush");
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        stdin.write_all(body).expect("write body");
        stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(body.to_string().as_bytes());
    }

    /// Sends a request and returns its id without waiting.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(body.to_string().as_bytes());
        id
    }

    /// Sends a request and waits for its response; answers server-to-client requests meanwhile.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.response(id)
    }

    /// The whole response message (with `result` or `error`) for request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(|message| message.get("id") == Some(&json!(id)) && message.get("method").is_none())
    }

    /// Waits for the first message matching `predicate`, keeping others for later.
    pub fn wait_for(&mut self, predicate: impl Fn(&Value) -> bool) -> Value {
        if let Some(idx) = self.pending.iter().position(&predicate) {
            return self.pending.remove(idx);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) => {
                    if self.answer_server_request(&message) {
                        continue;
                    }
                    if predicate(&message) {
                        return message;
                    }
                    self.pending.push(message);
                }
                Err(RecvTimeoutError::Timeout) => panic!("timed out; unmatched messages: {:#?}", self.pending),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed its output; unmatched: {:#?}", self.pending)
                }
            }
        }
    }

    /// Answers requests the server sends (registration, progress tokens, configuration).
    fn answer_server_request(&mut self, message: &Value) -> bool {
        let (Some(id), Some(method)) = (message.get("id"), message.get("method").and_then(Value::as_str)) else {
            return false;
        };
        self.server_requests.push(method.to_owned());
        let result = match method {
            "workspace/configuration" => json!([null]),
            _ => Value::Null,
        };
        let body = json!({"jsonrpc": "2.0", "id": id, "result": result});
        self.send_raw(body.to_string().as_bytes());
        true
    }

    /// The next `publishDiagnostics` for `uri` satisfying `predicate`.
    pub fn diagnostics_for(&mut self, uri: &str, predicate: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(|message| {
            message.get("method").and_then(Value::as_str) == Some("textDocument/publishDiagnostics")
                && message["params"]["uri"] == json!(uri)
                && predicate(&message["params"])
        })["params"]
            .clone()
    }

    /// Drops diagnostics notifications and log messages received so far (they are asynchronous
    /// by nature), keeping anything else for `finish` to complain about.
    pub fn drain_notifications(&mut self) {
        while let Ok(message) = self.incoming.recv_timeout(Duration::from_millis(200)) {
            if !self.answer_server_request(&message) {
                self.pending.push(message);
            }
        }
        self.pending.retain(|message| {
            !matches!(
                message.get("method").and_then(Value::as_str),
                Some("textDocument/publishDiagnostics" | "window/logMessage" | "$/progress")
            )
        });
    }

    /// Every message with `method` that arrives until `quiet` passes without one, plus those
    /// already received; other messages are kept for later.
    pub fn collect(&mut self, method: &str, quiet: Duration) -> Vec<Value> {
        let is_wanted = |message: &Value| message.get("method").and_then(Value::as_str) == Some(method);
        let mut found: Vec<Value> = Vec::new();
        let mut kept = Vec::new();
        for message in self.pending.drain(..) {
            if is_wanted(&message) { found.push(message) } else { kept.push(message) }
        }
        self.pending = kept;
        while let Ok(message) = self.incoming.recv_timeout(quiet) {
            if self.answer_server_request(&message) {
                continue;
            }
            if is_wanted(&message) {
                found.push(message);
            } else {
                self.pending.push(message);
            }
        }
        found
    }

    /// Like `drain_notifications`, without waiting: for long loops that must not pile up the
    /// diagnostics they cause.
    pub fn discard_notifications(&mut self) {
        while let Ok(message) = self.incoming.try_recv() {
            if !self.answer_server_request(&message) {
                self.pending.push(message);
            }
        }
        self.pending.retain(|message| {
            !matches!(
                message.get("method").and_then(Value::as_str),
                Some("textDocument/publishDiagnostics" | "window/logMessage" | "$/progress")
            )
        });
    }

    /// `shutdown` + `exit`; asserts the exit code and that nothing else was left unread.
    pub fn finish(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "shutdown failed: {response}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let status = wait_exit(&mut self.child);
        assert_eq!(status, Some(0), "server exit status");
        self.drain_notifications();
        assert!(self.pending.is_empty(), "unread server messages: {:#?}", self.pending);
    }
}

impl LspClient {
    /// Gives up the client side and returns the process, e.g. to check how it exits.
    pub fn into_child(mut self) -> Child {
        drop(self.stdin.take());
        let placeholder = Command::new("true").spawn().expect("spawn placeholder");
        std::mem::replace(&mut self.child, placeholder)
    }
}

/// Waits for the child to exit (bounded), returning its exit code.
pub fn wait_exit(child: &mut Child) -> Option<i32> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("server did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
