//! A guard between stdio and tower-lsp's own transport: it frames incoming messages itself,
//! passes on every well-formed JSON-RPC message unchanged, and answers a malformed one (bad
//! header, bytes that are not JSON, JSON that is no message) with a parse error or an invalid
//! request error, then goes on reading. tower-lsp stops reading for good at the first message its
//! decoder rejects (tokio-util ends a framed stream at a decode error), so without this guard one
//! bad byte from a client ends the session. It never looks inside a well-formed message.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Larger messages are refused rather than buffered: a 50 MB spec opened in an editor is about
/// 55 MB of JSON, so this leaves ample room while a bogus `Content-Length` cannot exhaust memory.
const MAX_BODY: usize = 256 * 1024 * 1024;
/// Longer header lines are garbage.
const MAX_HEADER_LINE: u64 = 8 * 1024;
/// Room in the pipes between the guard and tower-lsp.
const PIPE_CAPACITY: usize = 64 * 1024;

/// The guarded transport: tower-lsp reads `server_input` and writes `server_output`; `writer`
/// ends once everything the server wrote has reached the real output.
pub struct Guarded {
    pub server_input: DuplexStream,
    pub server_output: DuplexStream,
    pub writer: JoinHandle<()>,
}

enum Outgoing {
    Frame(Vec<u8>),
    /// The server closed its output: nothing more will come.
    Closed,
}

/// Starts the guard between `input`/`output` (the process's stdio) and the returned pipes.
pub fn guard<R, W>(input: R, output: W) -> Guarded
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (server_input, to_server) = tokio::io::duplex(PIPE_CAPACITY);
    let (server_output, from_server) = tokio::io::duplex(PIPE_CAPACITY);
    let (outgoing, outgoing_rx) = mpsc::channel::<Outgoing>(64);
    tokio::spawn(read_client(input, to_server, outgoing.clone()));
    tokio::spawn(forward_server(from_server, outgoing));
    let writer = tokio::spawn(write_out(output, outgoing_rx));
    Guarded { server_input, server_output, writer }
}

/// Waits (a bounded time) for the last messages to be written after the server has stopped.
pub async fn flush(writer: JoinHandle<()>) {
    let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

fn error_frame(id: &Value, code: i64, message: &str) -> Vec<u8> {
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    frame(body.to_string().as_bytes())
}

/// What the header block of the next message said.
enum Header {
    Length(usize),
    /// The block ended without a usable `Content-Length`.
    Bad(String),
    Eof,
}

async fn read_header<R: AsyncRead + Unpin>(input: &mut BufReader<R>) -> Header {
    let mut length = None;
    let mut problem = None;
    let mut seen_any = false;
    loop {
        let mut line = Vec::new();
        match (&mut *input).take(MAX_HEADER_LINE).read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return Header::Eof,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !seen_any {
                // Stray line breaks between messages are harmless.
                continue;
            }
            return match (length, problem) {
                (Some(length), None) => Header::Length(length),
                (_, Some(problem)) => Header::Bad(problem),
                (None, None) => Header::Bad("a header without Content-Length".to_owned()),
            };
        }
        seen_any = true;
        // Resynchronise on garbage that runs into the next header (`junkContent-Length: 12`).
        let text = text.find("Content-Length:").map_or(text, |at| &text[at..]);
        let Some((name, value)) = text.split_once(':') else {
            problem.get_or_insert_with(|| format!("a malformed header line {text:?}"));
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            match value.trim().parse::<usize>() {
                Ok(parsed) => {
                    length = Some(parsed);
                    // A good length after garbage means the stream is back in step.
                    problem = None;
                }
                Err(_) => {
                    problem.get_or_insert_with(|| format!("an unreadable Content-Length {:?}", value.trim()));
                }
            }
        }
    }
}

/// Reads framed messages from the client and passes the well-formed ones to the server.
async fn read_client<R: AsyncRead + Unpin>(input: R, mut to_server: DuplexStream, outgoing: mpsc::Sender<Outgoing>) {
    let mut input = BufReader::new(input);
    loop {
        let length = match read_header(&mut input).await {
            Header::Eof => break,
            Header::Bad(problem) => {
                let reply = error_frame(&Value::Null, -32700, &format!("Parse error: {problem}"));
                if outgoing.send(Outgoing::Frame(reply)).await.is_err() {
                    break;
                }
                continue;
            }
            Header::Length(length) => length,
        };
        if length > MAX_BODY {
            // Skip the body without keeping it.
            let skipped = tokio::io::copy(&mut (&mut input).take(length as u64), &mut tokio::io::sink()).await;
            let message = format!("Invalid request: a message of {length} bytes is over the limit of {MAX_BODY}");
            if skipped.is_err()
                || outgoing.send(Outgoing::Frame(error_frame(&Value::Null, -32600, &message))).await.is_err()
            {
                break;
            }
            continue;
        }
        let mut body = vec![0; length];
        if input.read_exact(&mut body).await.is_err() {
            break;
        }
        let mut repaired = None;
        let checked = match check_message(&body) {
            Ok(()) => Ok(body),
            Err(reply) => match replace_lone_surrogates(&body) {
                Some((fixed, count)) if check_message(&fixed).is_ok() => {
                    repaired = Some(count);
                    Ok(fixed)
                }
                _ => Err((reply, lost_edit_notice(&body))),
            },
        };
        match checked {
            Ok(body) => {
                if let Some(count) = repaired {
                    // The client's own conversion does the same; its log says it happened.
                    let message = format!(
                        "openspec-lsp: a message held {count} unpaired UTF-16 surrogate escape(s) (\\uD800-\\uDFFF); \
                         each was read as U+FFFD"
                    );
                    let note = json!({"jsonrpc": "2.0", "method": "window/logMessage", "params": {"type": 3, "message": message}});
                    if outgoing.send(Outgoing::Frame(frame(note.to_string().as_bytes()))).await.is_err() {
                        break;
                    }
                }
                if to_server.write_all(&frame(&body)).await.is_err() {
                    break;
                }
            }
            Err((reply, notice)) => {
                if outgoing.send(Outgoing::Frame(reply)).await.is_err() {
                    break;
                }
                if let Some(notice) = notice
                    && outgoing.send(Outgoing::Frame(notice)).await.is_err()
                {
                    break;
                }
            }
        }
    }
    // End of input: the server sees its input close, as it would have without the guard.
    let _ = to_server.shutdown().await;
}

/// `Ok` for a message tower-lsp can decode; otherwise the error response it deserves: a parse
/// error for text that is not JSON, an invalid request (with the message's id when it has a
/// usable one) for JSON that is no JSON-RPC message.
fn check_message(body: &[u8]) -> Result<(), Vec<u8>> {
    if serde_json::from_slice::<Request>(body).is_ok() || serde_json::from_slice::<Response>(body).is_ok() {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err(error_frame(&Value::Null, -32700, "Parse error: the message is not valid JSON"));
    };
    let id = value.get("id").filter(|id| id.is_string() || id.is_i64() || id.is_u64()).cloned().unwrap_or(Value::Null);
    Err(error_frame(&id, -32600, "Invalid request: not a JSON-RPC 2.0 request, notification or response"))
}

/// A `window/showMessage` error for a rejected message that looks like an edit: the client
/// would not see the error response to a notification, and its buffer and the server's now
/// differ until the document is opened again.
fn lost_edit_notice(body: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(body);
    if !text.contains("textDocument/didChange") {
        return None;
    }
    let message = "openspec-lsp could not read an edit (the message was not valid JSON), so its copy of the document \
                   may differ from the editor's: close and reopen the file to resynchronise";
    let note = json!({"jsonrpc": "2.0", "method": "window/showMessage", "params": {"type": 1, "message": message}});
    Some(frame(note.to_string().as_bytes()))
}

/// The body with every unpaired UTF-16 surrogate escape (`\uD83D` with no low surrogate
/// escape after it, or a lone `\uDC00`) replaced by `\uFFFD`, and how many there were; `None`
/// when there are none. JSON has backslashes only inside strings, so every backslash starts an
/// escape and the scan needs no string tracking.
fn replace_lone_surrogates(body: &[u8]) -> Option<(Vec<u8>, usize)> {
    fn unit_at(body: &[u8], at: usize) -> Option<u16> {
        let escape = body.get(at..at + 6)?;
        if escape[0] != b'\\' || escape[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&escape[2..]).ok()?, 16).ok()
    }
    let mut out = Vec::with_capacity(body.len());
    let mut count = 0;
    let mut at = 0;
    while at < body.len() {
        if body[at] != b'\\' {
            out.push(body[at]);
            at += 1;
            continue;
        }
        match unit_at(body, at) {
            Some(0xD800..=0xDBFF) if unit_at(body, at + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) => {
                out.extend_from_slice(&body[at..at + 12]);
                at += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.extend_from_slice(b"\\uFFFD");
                count += 1;
                at += 6;
            }
            _ => {
                // Any other escape: copy it whole, so `\\` never starts a second one.
                let end = (at + 2).min(body.len());
                out.extend_from_slice(&body[at..end]);
                at = end;
            }
        }
    }
    (count > 0).then_some((out, count))
}

/// Passes what the server writes on, message by message, and says when it stops.
async fn forward_server(from_server: DuplexStream, outgoing: mpsc::Sender<Outgoing>) {
    let mut from_server = BufReader::new(from_server);
    loop {
        // The server's own output is well-formed; a failure here means it has closed.
        let Header::Length(length) = read_header(&mut from_server).await else { break };
        let mut body = vec![0; length];
        if from_server.read_exact(&mut body).await.is_err()
            || outgoing.send(Outgoing::Frame(frame(&body))).await.is_err()
        {
            break;
        }
    }
    let _ = outgoing.send(Outgoing::Closed).await;
}

/// The only writer of the real output, so replies from the guard never split a server message.
async fn write_out<W: AsyncWrite + Unpin>(mut output: W, mut outgoing: mpsc::Receiver<Outgoing>) {
    while let Some(Outgoing::Frame(bytes)) = outgoing.recv().await {
        if output.write_all(&bytes).await.is_err() || output.flush().await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::guard;

    /// Feeds `input` through the guard, echoing what reaches the server back out as the server
    /// would, and returns everything written to the output.
    async fn run(input: &[u8]) -> String {
        let (client_input, mut client_writer) = tokio::io::duplex(1 << 20);
        let (client_output, mut client_reader) = tokio::io::duplex(1 << 20);
        let guarded = guard(client_input, client_output);
        let (mut server_input, mut server_output) = (guarded.server_input, guarded.server_output);
        client_writer.write_all(input).await.expect("write input");
        drop(client_writer);
        let mut received = Vec::new();
        server_input.read_to_end(&mut received).await.expect("read server input");
        server_output.write_all(&received).await.expect("echo");
        drop(server_output);
        super::flush(guarded.writer).await;
        let mut out = String::new();
        client_reader.read_to_string(&mut out).await.expect("read output");
        out
    }

    #[test]
    fn lone_surrogate_escapes_become_replacement_characters() {
        let body = br#"{"a":"\ud83d x \udc00 \ud83d\ude00 \\ud83d \u0041 \""}"#;
        let (fixed, count) = super::replace_lone_surrogates(body).expect("two lone escapes");
        assert_eq!(count, 2);
        assert_eq!(String::from_utf8_lossy(&fixed), r#"{"a":"\uFFFD x \uFFFD \ud83d\ude00 \\ud83d \u0041 \""}"#);
        let value: serde_json::Value = serde_json::from_slice(&fixed).expect("valid JSON now");
        assert_eq!(value["a"], "\u{FFFD} x \u{FFFD} 😀 \\ud83d A \"");
        assert_eq!(super::replace_lone_surrogates(br#"{"a":"\ud83d\ude00"}"#), None);
        // A truncated escape at the very end stays as it is.
        assert_eq!(super::replace_lone_surrogates(br#"\ud8"#), None);
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn good_messages_pass_and_bad_ones_are_answered() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
        let input = [
            framed("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": "),
            framed(good),
            framed("[1, 2, 3]"),
            framed(r#"{"jsonrpc":"2.0","id":7,"method":42}"#),
            "garbage without a header".to_owned(),
            framed(good),
            "Content-Length: twelve\r\n\r\n".to_owned(),
            "Content-Type: application/vscode-jsonrpc; charset=latin1\r\n".to_owned() + &framed(good),
        ]
        .concat();
        let out = run(input.as_bytes()).await;
        expect_test::expect![[r#"
            Content-Length: 106

            {"error":{"code":-32700,"message":"Parse error: the message is not valid JSON"},"id":null,"jsonrpc":"2.0"}Content-Length: 133

            {"error":{"code":-32600,"message":"Invalid request: not a JSON-RPC 2.0 request, notification or response"},"id":null,"jsonrpc":"2.0"}Content-Length: 130

            {"error":{"code":-32600,"message":"Invalid request: not a JSON-RPC 2.0 request, notification or response"},"id":7,"jsonrpc":"2.0"}Content-Length: 116

            {"error":{"code":-32700,"message":"Parse error: an unreadable Content-Length \"twelve\""},"id":null,"jsonrpc":"2.0"}Content-Length: 58

            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}Content-Length: 58

            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}Content-Length: 58

            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#]]
        .assert_eq(&out.replace("\r\n", "\n"));
    }
}
