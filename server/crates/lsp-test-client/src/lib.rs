//! A small LSP client for end-to-end tests and the whole-process benchmarks (dev only): spawns
//! the real server binary, speaks JSON-RPC over its stdio, answers the server's own requests,
//! and keeps messages that arrive while it waits for something else.
//!
//! It cannot hide a failure: an ERROR `window/logMessage` or `window/showMessage` (the server
//! logs one when a handler panics or a request fails) and a panic line on the server's stderr
//! fail the caller at the next message it reads and at `finish`, unless the caller declared it
//! with [`LspClient::expect_error`]. `finish` also fails on server messages left unread.
//! Failures panic: this is test code, and a panic names what went wrong.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long one wait may take by default before the client gives up on the server.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// LSP `MessageType::Error`.
const ERROR_TYPE: i64 = 1;

/// Notifications that arrive on their own schedule; `drain_notifications` drops them.
const ASYNC_NOTIFICATIONS: [&str; 3] = ["textDocument/publishDiagnostics", "window/logMessage", "$/progress"];

pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else, in arrival order.
    pending: Vec<Value>,
    next_id: i64,
    timeout: Duration,
    /// Lines of the server's stderr that report a panic, collected by the stderr thread.
    stderr_panics: Arc<Mutex<Vec<String>>>,
    /// Substrings of error logs or stderr panic lines this test provokes on purpose.
    expected_errors: Vec<String>,
    /// Error logs and panic lines seen, expected or not (for `errors_seen`).
    errors_seen: Vec<String>,
    /// Every request the server sent to this client, in arrival order (each already answered).
    pub server_requests: Vec<Value>,
}

impl LspClient {
    /// Starts `binary` with `args` in `cwd`.
    pub fn spawn(binary: &Path, args: &[&str], cwd: &Path) -> Self {
        let mut child = Command::new(binary)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
        let stdout = child.stdout.take().expect("server stdout is piped");
        let stderr = child.stderr.take().expect("server stderr is piped");
        let stdin = child.stdin.take();
        let (sender, incoming) = channel();
        std::thread::spawn(move || read_messages(stdout, &sender));
        let stderr_panics = Arc::new(Mutex::new(Vec::new()));
        let panics = Arc::clone(&stderr_panics);
        std::thread::spawn(move || {
            // Echo the server's stderr (the test harness shows it for a failing test) and keep
            // the lines that report a panic.
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[server stderr] {line}");
                if line.contains("panicked at") || line.contains("RUST_BACKTRACE") {
                    panics.lock().unwrap_or_else(PoisonError::into_inner).push(line);
                }
            }
        });
        Self {
            child,
            stdin,
            incoming,
            pending: Vec::new(),
            next_id: 1,
            server_requests: Vec::new(),
            timeout: TIMEOUT,
            stderr_panics,
            expected_errors: Vec::new(),
            errors_seen: Vec::new(),
        }
    }

    /// How long one wait may take (default [`TIMEOUT`]).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Declares that this test provokes an error log or stderr panic line containing `text`,
    /// so it does not fail the test.
    pub fn expect_error(&mut self, text: &str) {
        self.expected_errors.push(text.to_owned());
    }

    /// Every error log and stderr panic line seen so far, expected or not.
    pub fn errors_seen(&mut self) -> Vec<String> {
        self.check_errors();
        self.errors_seen.clone()
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

    #[allow(clippy::needless_pass_by_value)] // Callers pass `json!(...)` temporaries.
    pub fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(body.to_string().as_bytes());
    }

    /// `textDocument/didOpen` of a Markdown file at version 1.
    pub fn open_markdown(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// `textDocument/didChange` replacing the whole text of an open file.
    pub fn replace_text(&mut self, path: &Path, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Sends a request and returns its id without waiting.
    #[allow(clippy::needless_pass_by_value)] // Callers pass `json!(...)` temporaries.
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
        self.check_errors();
        if let Some(idx) = self.pending.iter().position(&predicate) {
            return self.pending.remove(idx);
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) => {
                    if self.take_message(&message) {
                        continue;
                    }
                    if predicate(&message) {
                        return message;
                    }
                    self.pending.push(message);
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.check_errors();
                    panic!("timed out after {:?}; unmatched messages: {:#?}", self.timeout, self.pending)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.check_errors();
                    panic!("server closed its output; unmatched: {:#?}", self.pending)
                }
            }
        }
    }

    /// The next `publishDiagnostics` params for `uri` satisfying `predicate`.
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
            if !self.take_message(&message) {
                self.pending.push(message);
            }
        }
        self.drop_async_notifications();
    }

    /// Like `drain_notifications`, without waiting: for long loops that must not pile up the
    /// diagnostics they cause.
    pub fn discard_notifications(&mut self) {
        while let Ok(message) = self.incoming.try_recv() {
            if !self.take_message(&message) {
                self.pending.push(message);
            }
        }
        self.drop_async_notifications();
    }

    fn drop_async_notifications(&mut self) {
        self.pending.retain(|message| {
            !message.get("method").and_then(Value::as_str).is_some_and(|method| ASYNC_NOTIFICATIONS.contains(&method))
        });
        self.check_errors();
    }

    /// Every message with `method` that arrives until `quiet` passes without one, plus those
    /// already received; other messages are kept for later.
    pub fn collect(&mut self, method: &str, quiet: Duration) -> Vec<Value> {
        let is_wanted = |message: &Value| message.get("method").and_then(Value::as_str) == Some(method);
        let (mut found, kept): (Vec<Value>, Vec<Value>) = self.pending.drain(..).partition(is_wanted);
        self.pending = kept;
        while let Ok(message) = self.incoming.recv_timeout(quiet) {
            if self.take_message(&message) {
                continue;
            }
            if is_wanted(&message) {
                found.push(message);
            } else {
                self.pending.push(message);
            }
        }
        self.check_errors();
        found
    }

    /// `shutdown` + `exit`; asserts the exit code, that no unexpected error was logged, and
    /// that nothing else was left unread.
    pub fn finish(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "shutdown failed: {response}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let status = wait_exit_within(&mut self.child, self.timeout);
        assert_eq!(status, Some(0), "server exit status");
        self.drain_notifications();
        // The stderr thread ends with the process; give it a moment to hand over the last lines.
        std::thread::sleep(Duration::from_millis(50));
        self.check_errors();
        assert!(self.pending.is_empty(), "unread server messages: {:#?}", self.pending);
    }

    /// Gives up the client side and returns the process, e.g. to check how it exits. Errors
    /// logged so far are still checked.
    pub fn into_child(mut self) -> Child {
        self.check_errors();
        drop(self.stdin.take());
        let placeholder = Command::new("true").spawn().expect("spawn placeholder");
        std::mem::replace(&mut self.child, placeholder)
    }

    /// Answers a request the server sends (registration, progress tokens, configuration) and
    /// records an error log; true when the message is consumed (a server request).
    fn take_message(&mut self, message: &Value) -> bool {
        let method = message.get("method").and_then(Value::as_str);
        if matches!(method, Some("window/logMessage" | "window/showMessage"))
            && message["params"]["type"].as_i64() == Some(ERROR_TYPE)
        {
            let text = message["params"]["message"].as_str().unwrap_or_default().to_owned();
            self.record_error(&format!("{} (ERROR): {text}", method.unwrap_or_default()));
        }
        let (Some(id), Some(method)) = (message.get("id"), method) else {
            return false;
        };
        let result = match method {
            "workspace/configuration" => {
                let items = message["params"]["items"].as_array().map_or(1, Vec::len);
                Value::Array(vec![Value::Null; items])
            }
            "window/showDocument" => json!({"success": true}),
            // Recorded in `server_requests`; the test applies the edit itself when it cares.
            "workspace/applyEdit" => json!({"applied": true}),
            _ => Value::Null,
        };
        self.server_requests.push(message.clone());
        let body = json!({"jsonrpc": "2.0", "id": id, "result": result});
        self.send_raw(body.to_string().as_bytes());
        true
    }

    fn record_error(&mut self, error: &str) {
        let expected = self.expected_errors.iter().any(|text| error.contains(text.as_str()));
        self.errors_seen.push(error.to_owned());
        assert!(
            expected || std::thread::panicking(),
            "the server reported an error this test does not expect:\n  {error}"
        );
    }

    /// Fails on an unexpected panic line from the server's stderr.
    fn check_errors(&mut self) {
        let lines: Vec<String> =
            std::mem::take(&mut *self.stderr_panics.lock().unwrap_or_else(PoisonError::into_inner));
        for line in lines {
            self.record_error(&format!("stderr: {line}"));
        }
    }
}

/// Reads framed messages from the server's stdout until it closes or sends something that is
/// not a message.
fn read_messages(stdout: impl Read, sender: &std::sync::mpsc::Sender<Value>) {
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
        let Ok(message) = serde_json::from_slice::<Value>(&body) else {
            return;
        };
        if sender.send(message).is_err() {
            return;
        }
    }
}

/// Waits for the child to exit (at most [`TIMEOUT`]), returning its exit code.
pub fn wait_exit(child: &mut Child) -> Option<i32> {
    wait_exit_within(child, TIMEOUT)
}

/// Waits for the child to exit (at most `timeout`), returning its exit code.
pub fn wait_exit_within(child: &mut Child, timeout: Duration) -> Option<i32> {
    let deadline = Instant::now() + timeout;
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
        // A test that ends without `finish` still fails on a panic the server printed.
        if !std::thread::panicking() {
            self.check_errors();
        }
    }
}

/// `file://` URI of an absolute path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// A stand-in server: `sh` prints `stderr` to stderr, then writes `messages` framed to
    /// stdout, then waits for its stdin to close.
    fn fake_server(stderr: &str, messages: &[Value]) -> LspClient {
        let mut framed = String::new();
        for message in messages {
            let body = message.to_string();
            let _ = write!(framed, "Content-Length: {}\r\n\r\n{body}", body.len());
        }
        let script = r#"printf '%s\n' "$1" >&2; sleep 0.2; printf '%s' "$2"; cat >/dev/null"#;
        LspClient::spawn(Path::new("sh"), &["-c", script, "fake", stderr, &framed], Path::new("."))
    }

    fn log(kind: i64, text: &str) -> Value {
        json!({"jsonrpc": "2.0", "method": "window/logMessage", "params": {"type": kind, "message": text}})
    }

    fn marker() -> Value {
        json!({"jsonrpc": "2.0", "method": "test/marker", "params": null})
    }

    fn is_marker(message: &Value) -> bool {
        message["method"] == "test/marker"
    }

    #[test]
    #[should_panic(expected = "the server reported an error this test does not expect")]
    fn an_unexpected_error_log_fails_the_test() {
        let mut client = fake_server("", &[log(1, "textDocument/didOpen failed inside the server"), marker()]);
        client.wait_for(is_marker);
    }

    #[test]
    fn an_expected_error_log_and_warnings_pass() {
        let mut client = fake_server("", &[log(2, "a warning"), log(1, "request failed: boom"), marker()]);
        client.expect_error("boom");
        client.wait_for(is_marker);
        assert_eq!(client.errors_seen(), ["window/logMessage (ERROR): request failed: boom"]);
    }

    #[test]
    #[should_panic(expected = "stderr: thread 'main' panicked at")]
    fn a_panic_on_the_server_stderr_fails_the_test() {
        let mut client = fake_server("thread 'main' panicked at src/lsp/server.rs:1:1:", &[marker()]);
        client.wait_for(is_marker);
        std::thread::sleep(Duration::from_millis(100));
        client.errors_seen();
    }
}
