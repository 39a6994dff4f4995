#!/usr/bin/env bash
# scripts/bump-version on a copy of the release set's files: afterwards Cargo (workspace
# version, the crates' exact pins, the lockfiles' own packages only), the extension, its lockfile,
# the npm launcher and its pins all carry the new version, and CHANGELOG.md's Unreleased entries
# moved under the new version.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for file in Cargo.toml Cargo.lock fuzz/Cargo.lock CHANGELOG.md editors/vscode/package.json editors/vscode/package-lock.json npm/openspec-lsp/package.json; do
    mkdir -p "$work/$(dirname "$file")"
    cp "$repo/$file" "$work/$file"
done
# Something to release: an entry under Unreleased.
python3 - "$work/CHANGELOG.md" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(text.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n\n- A bug.\n", 1))
PY
"$repo/scripts/bump-version" 9.8.7 --date 2030-01-02 --root "$work"
if "$repo/scripts/bump-version" 9.8.7 --root "$work" 2>/dev/null; then
    echo "bump.sh: bumping to the current version again should fail" >&2
    exit 1
fi
python3 - "$repo" "$work" <<'PY'
import json, re, sys
repo, work = sys.argv[1], sys.argv[2]
def read(root, path):
    return open(f"{root}/{path}", encoding="utf-8").read()
def js(path):
    return json.loads(read(work, path))
new = "9.8.7"
toml = read(work, "Cargo.toml")
assert re.search(r'^\[workspace\.package\]\nversion = "9\.8\.7"$', toml, re.M), "workspace version"
assert toml.count('version = "=9.8.7"') == 2, "the crates' exact pins"
# The workspace's own packages are the ones without a `source` (not from a registry or git).
for old_block, new_block in zip(read(repo, "Cargo.lock").split("[[package]]"), read(work, "Cargo.lock").split("[[package]]")):
    name = re.search(r'name = "([^"]+)"', old_block)
    if name and "\nsource = " not in old_block:
        assert f'version = "{new}"' in new_block, f"Cargo.lock: {name.group(1)}"
    else:
        assert old_block == new_block, f"Cargo.lock changed a dependency: {old_block[:60]}"
# The fuzz crate's lockfile: the workspace crates it uses carry the new version, the fuzz crate
# itself (never released) keeps 0.0.0, and its dependencies are untouched.
fuzz_own = []
for old_block, new_block in zip(read(repo, "fuzz/Cargo.lock").split("[[package]]"), read(work, "fuzz/Cargo.lock").split("[[package]]")):
    name = re.search(r'name = "([^"]+)"', old_block)
    if name and "\nsource = " not in old_block and name.group(1) != "openspec-fuzz":
        assert f'version = "{new}"' in new_block, f"fuzz/Cargo.lock: {name.group(1)}"
        fuzz_own.append(name.group(1))
    else:
        assert old_block == new_block, f"fuzz/Cargo.lock changed: {old_block[:60]}"
assert {"openspec-syntax", "openspec-ide"} <= set(fuzz_own), f"fuzz/Cargo.lock: {fuzz_own}"
assert js("editors/vscode/package.json")["version"] == new
lock = js("editors/vscode/package-lock.json")
assert lock["version"] == new and lock["packages"][""]["version"] == new
launcher = js("npm/openspec-lsp/package.json")
assert launcher["version"] == new and set(launcher["optionalDependencies"].values()) == {new}
assert len(launcher["optionalDependencies"]) == 5
changelog = read(work, "CHANGELOG.md")
assert "## [Unreleased]\n\n## [9.8.7] - 2030-01-02\n\n### Fixed\n\n- A bug.\n" in changelog, changelog[:600]
print("bump.sh: 9.8.7 everywhere, Cargo.lock's dependencies untouched, CHANGELOG entry moved")
PY
