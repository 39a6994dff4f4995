#!/usr/bin/env python3
"""Memory and latency of one huge open spec: writes a spec of MB megabytes into a temporary
workspace, starts the server (BINARY) over stdio, opens the spec, then types and deletes a
character KEYSTROKES times (each followed by a hover, to wait until the edit is in), and prints
one JSON line: the open time, the median keystroke round trip, VmRSS before the open, after it
and after the edits, the peak (VmHWM), the growth per edit, and the notices the server showed.

usage: open_file_memory.py BINARY MB [KEYSTROKES] [LARGE_FILE_BYTES]
  LARGE_FILE_BYTES is sent as the `largeFileBytes` setting (default: the server's own).
Used for the "huge open files" figures in docs/performance.md."""
import json, os, shutil, subprocess, sys, tempfile, time, threading, queue
binary, mb = sys.argv[1], float(sys.argv[2]); keys = int(sys.argv[3]) if len(sys.argv) > 3 else 20
options = {"largeFileBytes": int(sys.argv[4])} if len(sys.argv) > 4 else {}
ws = tempfile.mkdtemp()
spec_dir = os.path.join(ws, "openspec/specs/huge"); os.makedirs(spec_dir)
os.makedirs(os.path.join(ws, "openspec/changes"))
parts = ["# huge Specification\n\n## Purpose\nA spec large enough to stress the server's memory use.\n\n## Requirements\n"]
size = len(parts[0]); i = 0
while size < mb * 1e6:
    block = f"### Requirement: Rule {i}\nThe system SHALL keep rule {i} for everyone.\n\n#### Scenario: Case {i}\n- **WHEN** rule {i} applies\n- **THEN** it holds\n\n"
    parts.append(block); size += len(block); i += 1
text = "".join(parts)
path = os.path.join(spec_dir, "spec.md")
open(path, "w").write(text)
p = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
q = queue.Queue()
def reader():
    f = p.stdout
    while True:
        length = None
        while True:
            line = f.readline()
            if not line: return
            line = line.strip()
            if not line: break
            if line.lower().startswith(b"content-length:"): length = int(line.split(b":")[1])
        q.put(json.loads(f.read(length)))
threading.Thread(target=reader, daemon=True).start()
def send(msg):
    body = json.dumps(msg).encode(); p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body); p.stdin.flush()
def rss():
    s = open(f"/proc/{p.pid}/status").read()
    return {k: int(l.split()[1]) for l in s.splitlines() for k in ("VmRSS", "VmHWM") if l.startswith(k + ":")}
def wait(pred, timeout=600):
    end = time.time() + timeout
    while time.time() < end:
        try: m = q.get(timeout=1)
        except queue.Empty: continue
        if "id" in m and "method" in m: send({"jsonrpc": "2.0", "id": m["id"], "result": None}); continue
        if pred(m): return m
    raise SystemExit("timeout")
uri = "file://" + path
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {"window": {"showMessage": {}}}, "initializationOptions": options, "workspaceFolders": [{"uri": "file://" + ws, "name": "w"}]}})
wait(lambda m: m.get("id") == 1)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
time.sleep(0.5)
base = rss()
t = time.time()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
notices = []
def is_diag(v):
    def f(m):
        if m.get("method") == "window/showMessage": notices.append(m["params"]["message"]); return False
        return m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri and m["params"].get("version") == v
    return f
# the file has no findings: ask for something that answers after the open is processed
send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}})
wait(lambda m: m.get("id") == 2 or (m.get("method") == "window/showMessage" and notices.append(m["params"]["message"])))
opened = time.time() - t; after_open = rss()
line = 7
times = []
for k in range(keys):
    v = 2 + k
    t = time.time()
    # type "x" at the end of line `line`, alternating with deleting it
    if k % 2 == 0: ch = {"range": {"start": {"line": line, "character": 5}, "end": {"line": line, "character": 5}}, "text": "x"}
    else: ch = {"range": {"start": {"line": line, "character": 5}, "end": {"line": line, "character": 6}}, "text": ""}
    send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": v}, "contentChanges": [ch]}})
    send({"jsonrpc": "2.0", "id": 100 + k, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 20}}})
    wait(lambda m: m.get("id") == 100 + k)
    times.append(time.time() - t)
time.sleep(1)
end = rss()
print(json.dumps({"mb": round(len(text) / 1e6, 1), "open_s": round(opened, 2), "keystroke_s_median": round(sorted(times)[len(times)//2], 3) if times else None,
    "rss_before_open_mib": base["VmRSS"] // 1024, "rss_after_open_mib": after_open["VmRSS"] // 1024, "rss_after_edits_mib": end["VmRSS"] // 1024,
    "peak_mib": end["VmHWM"] // 1024, "growth_per_edit_kib": (end["VmRSS"] - after_open["VmRSS"]) // max(keys, 1), "notices": notices}))
send({"jsonrpc": "2.0", "id": 9999, "method": "shutdown"}); send({"jsonrpc": "2.0", "method": "exit"})
p.wait(timeout=60)
shutil.rmtree(ws, ignore_errors=True)
