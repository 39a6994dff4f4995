#!/usr/bin/env python3
"""Hover latency with a big CODEOWNERS, and the server's peak memory (docs/performance.md).

Writes `<workspace>/.github/CODEOWNERS` with PATTERNS gitignore-style patterns (plus one that
owns every spec), starts BINARY over stdio on the workspace (e.g. one written by
`openspec-bench gen`), hovers HOVERS times over a main-spec requirement header (whose hover
lists the spec's owners) and prints the latency and VmHWM as JSON. Linux only (/proc)."""
import argparse, glob, json, os, subprocess, time

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("workspace")
parser.add_argument("--patterns", type=int, default=10000)
parser.add_argument("--hovers", type=int, default=20)
args = parser.parse_args()
root = os.path.abspath(args.workspace)

lines = [f"# {args.patterns} patterns"]
for i in range(args.patterns):
    lines.append([f"/openspec/specs/area-{i}/ @team-{i % 97}", f"openspec/changes/*-{i}/ @org/group-{i % 13}",
                  f"*.generated-{i}.md @bot-{i % 7}", f"docs/**/page-{i}.md @docs-{i % 5} @writer-{i % 11}"][i % 4])
lines.append("/openspec/specs/ @spec-owners")
os.makedirs(os.path.join(root, ".github"), exist_ok=True)
with open(os.path.join(root, ".github", "CODEOWNERS"), "w") as out:
    out.write("\n".join(lines) + "\n")

server = subprocess.Popen([args.binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def send(message):
    body = json.dumps(message).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()


def receive():
    length = 0
    while True:
        line = server.stdout.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(server.stdout.read(length))


def request(request_id, method, params):
    send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
    while True:
        message = receive()
        if message.get("id") == request_id and "method" not in message:
            return message
        if "method" in message and "id" in message:
            send({"jsonrpc": "2.0", "id": message["id"], "result": None})


request(1, "initialize", {"capabilities": {}, "workspaceFolders": [{"uri": "file://" + root, "name": "w"}]})
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
spec = next(path for path in sorted(glob.glob(root + "/openspec/specs/*/spec.md")) if "### Requirement:" in open(path).read())
line = next(number for number, text in enumerate(open(spec)) if text.startswith("### Requirement:"))
params = {"textDocument": {"uri": "file://" + spec}, "position": {"line": line, "character": 20}}
request(2, "textDocument/hover", params)  # waits for the index; compiles CODEOWNERS once (or not)
samples = []
for n in range(args.hovers):
    started = time.perf_counter()
    answer = request(10 + n, "textDocument/hover", params)
    samples.append(time.perf_counter() - started)
status = {key: value for key, value in (line.split(":", 1) for line in open(f"/proc/{server.pid}/status"))}
server.kill()
samples.sort()
print(json.dumps({
    "patterns": args.patterns,
    "hovers": args.hovers,
    "mean_ms": round(1000 * sum(samples) / len(samples), 1),
    "p50_ms": round(1000 * samples[len(samples) // 2], 1),
    "max_ms": round(1000 * samples[-1], 1),
    "owners_shown": "Owners" in json.dumps(answer),
    "peak_rss_kib": int(status["VmHWM"].split()[0]),
}))
