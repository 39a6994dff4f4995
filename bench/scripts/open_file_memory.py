#!/usr/bin/env python3
"""Memory and latency of one huge open spec: writes a spec of MB megabytes into a temporary
workspace, starts the server (BINARY) over stdio, opens the spec, then types and deletes a
character KEYSTROKES times in a requirement near the top, each followed by a
`textDocument/diagnostic` pull (answered once that version's findings are in, so every
keystroke costs the server its whole re-check), and prints one JSON line: the open time, the
median and slowest keystroke round trip, the server's CPU time for the open and per keystroke
(what they cost on a machine busy with other work), VmRSS before the open (once the server has read and checked the
workspace at start and idled), after the open, 1 s after the edits and
after IDLE seconds more of idling (the plateau an open buffer holds), the peak (VmHWM), the
growth per edit after the first few (the warm-up, where the allocator reaches its working
set), and the notices the server showed.

usage: open_file_memory.py BINARY MB [KEYSTROKES] [LARGE_FILE_BYTES] [--max-growth-kib N] [--max-rss-ratio R] [--idle S]
  LARGE_FILE_BYTES is sent as the `largeFileBytes` setting (default: the server's own).
  --max-growth-kib N: exit 1 when the growth per edit after the warm-up exceeds N KiB.
  --max-rss-ratio R: exit 1 when VmRSS after the idle time exceeds R times the spec's size
  (plus the server's own footprint before the open).
  --idle S: seconds of idling before the baseline and after the edits (default 6).
Used for the "huge open files" figures in docs/performance.md and as the memory regression
check listed in docs/testing.md."""
import json, os, shutil, subprocess, sys, tempfile, time, threading, queue

args = [a for a in sys.argv[1:]]
limits = {}
for flag in ("--max-growth-kib", "--max-rss-ratio", "--idle"):
    if flag in args:
        at = args.index(flag)
        limits[flag] = float(args[at + 1])
        del args[at:at + 2]
binary, mb = args[0], float(args[1])
keys = int(args[2]) if len(args) > 2 else 20
options = {"largeFileBytes": int(args[3])} if len(args) > 3 else {}
WARMUP = min(6, keys // 2)

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


def cpu_s():
    # utime + stime of the server (fields 14 and 15 of /proc/PID/stat, in clock ticks): what a
    # step cost the server whatever else the machine was doing
    fields = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss():
    s = open(f"/proc/{p.pid}/status").read()
    return {k: int(l.split()[1]) for l in s.splitlines() for k in ("VmRSS", "VmHWM") if l.startswith(k + ":")}


notices = []


def wait(pred, timeout=900):
    end = time.time() + timeout
    while time.time() < end:
        try: m = q.get(timeout=1)
        except queue.Empty: continue
        if "id" in m and "method" in m: send({"jsonrpc": "2.0", "id": m["id"], "result": None}); continue
        if m.get("method") == "window/showMessage": notices.append(m["params"]["message"])
        if pred(m): return m
    p.kill()
    raise SystemExit("timeout")


uri = "file://" + path
capabilities = {"window": {"showMessage": {}}, "textDocument": {"diagnostic": {}}}
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": capabilities, "initializationOptions": options, "workspaceFolders": [{"uri": "file://" + ws, "name": "w"}]}})
wait(lambda m: m.get("id") == 1)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
# The server reads and checks the workspace (the spec on disk) at start: the baseline is taken
# once that check is done (a pull for the closed file answers then) and the server has idled.
send({"jsonrpc": "2.0", "id": 3, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": "file://" + path}}})
wait(lambda m: m.get("id") == 3)
time.sleep(limits.get("--idle", 6))
base = rss()
t = time.time(); cpu_open = cpu_s()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
# answered once the open buffer's findings are in
send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": uri}}})
wait(lambda m: m.get("id") == 2)
opened = time.time() - t; after_open = rss(); cpu_open = cpu_s() - cpu_open
cpu_keys = cpu_s()
line = 7
times = []
warm = after_open
for k in range(keys):
    v = 2 + k
    t = time.time()
    # type "x" at column 5 of line `line`, alternating with deleting it
    if k % 2 == 0: ch = {"range": {"start": {"line": line, "character": 5}, "end": {"line": line, "character": 5}}, "text": "x"}
    else: ch = {"range": {"start": {"line": line, "character": 5}, "end": {"line": line, "character": 6}}, "text": ""}
    send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": v}, "contentChanges": [ch]}})
    send({"jsonrpc": "2.0", "id": 100 + k, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": uri}}})
    wait(lambda m: m.get("id") == 100 + k)
    times.append(time.time() - t)
    if k + 1 == WARMUP: warm = rss()
cpu_keys = cpu_s() - cpu_keys
time.sleep(1)
end = rss()
time.sleep(limits.get("--idle", 6))
idle = rss()
growth = (end["VmRSS"] - warm["VmRSS"]) // max(keys - WARMUP, 1)
result = {"mb": round(len(text) / 1e6, 1), "open_s": round(opened, 2),
          "keystroke_s_median": round(sorted(times)[len(times) // 2], 3) if times else None,
          "keystroke_s_max": round(max(times), 3) if times else None,
          "open_cpu_s": round(cpu_open, 2), "keystroke_cpu_s_mean": round(cpu_keys / max(keys, 1), 3),
          "rss_before_open_mib": base["VmRSS"] // 1024, "rss_after_open_mib": after_open["VmRSS"] // 1024,
          "rss_after_warmup_mib": warm["VmRSS"] // 1024, "rss_after_edits_mib": end["VmRSS"] // 1024,
          "rss_idle_mib": idle["VmRSS"] // 1024,
          "peak_mib": idle["VmHWM"] // 1024, "growth_per_edit_kib": growth, "notices": notices}
print(json.dumps(result))
send({"jsonrpc": "2.0", "id": 9999, "method": "shutdown"}); send({"jsonrpc": "2.0", "method": "exit"})
try: p.wait(timeout=60)
except subprocess.TimeoutExpired: p.kill()
shutil.rmtree(ws, ignore_errors=True)
failed = []
if "--max-growth-kib" in limits and growth > limits["--max-growth-kib"]:
    failed.append(f"memory grew {growth} KiB per edit (limit {limits['--max-growth-kib']:g})")
if "--max-rss-ratio" in limits:
    allowed = base["VmRSS"] + limits["--max-rss-ratio"] * len(text) / 1024
    if idle["VmRSS"] > allowed:
        failed.append(f"VmRSS {idle['VmRSS'] // 1024} MiB idle after the edits, over {allowed / 1024:.0f} MiB "
                      f"({limits['--max-rss-ratio']:g}x the {len(text) / 1e6:.1f} MB spec above the start)")
if failed:
    print("open_file_memory: " + "; ".join(failed), file=sys.stderr)
    sys.exit(1)
