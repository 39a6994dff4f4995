#!/usr/bin/env bash
# The npm packages as a user gets them: installs the .tgz set that scripts/package wrote into a
# temporary project (npm install from the local tarballs; nothing is fetched but the registry's
# metadata for the platforms that were not built), then checks that
#   * `npx openspec-lsp check examples/demo` prints the same report, with the same exit code, as
#     the cargo-built binary ($OPENSPEC_LSP_BIN);
#   * `npx openspec-lsp --version` names the release version;
#   * without the platform package (npm install --omit=optional) the launcher exits 2 and says
#     which package is missing and the command that installs it.
# Usage: npm/test/install.sh DIST_DIR   (the --out folder of scripts/package)
set -euo pipefail

dist="$(cd "$1" && pwd)"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${OPENSPEC_LSP_BIN:?set OPENSPEC_LSP_BIN to the cargo-built binary}"

version="$(node -p "require('$repo/npm/openspec-lsp/package.json').version")"
platform="$(node -p 'process.platform + "-" + process.arch')"
launcher="$dist/npm/openspec-lsp-$version.tgz"
native="$dist/npm/openspec-lsp-$platform-$version.tgz"
for tarball in "$launcher" "$native"; do
    [[ -f "$tarball" ]] || { echo "install.sh: $tarball is missing; run scripts/package first" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$repo/examples/demo" "$work/demo"

# A project like a user's: the launcher from its tarball, and the platform package pinned to
# its local tarball through `overrides`, so npm takes it instead of asking the registry.
mkdir "$work/project"
cat >"$work/project/package.json" <<JSON
{
  "private": true,
  "devDependencies": { "openspec-lsp": "file:$launcher" },
  "overrides": { "openspec-lsp-$platform": "file:$native" }
}
JSON
(cd "$work/project" && npm install --no-audit --no-fund --loglevel=error)

expected_status=0
"$OPENSPEC_LSP_BIN" check "$work/demo" >"$work/expected.txt" 2>&1 || expected_status=$?
actual_status=0
(cd "$work/project" && NO_COLOR=1 npx --no-install openspec-lsp check "$work/demo") >"$work/actual.txt" 2>&1 || actual_status=$?
if ! diff -u "$work/expected.txt" "$work/actual.txt"; then
    echo "install.sh: npx openspec-lsp check differs from the cargo-built binary (diff above)" >&2
    exit 1
fi
if [[ "$expected_status" != "$actual_status" ]]; then
    echo "install.sh: exit code $actual_status through npx, $expected_status from the binary" >&2
    exit 1
fi
echo "install.sh: npx openspec-lsp check examples/demo = the cargo-built report ($(wc -l <"$work/actual.txt") lines, exit $actual_status)"
reported="$(cd "$work/project" && npx --no-install openspec-lsp --version)"
[[ "$reported" == *"$version"* ]] || { echo "install.sh: --version says '$reported', not $version" >&2; exit 1; }

# The launcher alone (optional dependencies skipped): a clear message, exit code 2.
mkdir "$work/bare"
echo '{ "private": true }' >"$work/bare/package.json"
(cd "$work/bare" && npm install --no-audit --no-fund --loglevel=error --omit=optional "$launcher")
bare_status=0
(cd "$work/bare" && npx --no-install openspec-lsp check "$work/demo") >"$work/bare.txt" 2>&1 || bare_status=$?
if [[ "$bare_status" != 2 ]] || ! grep -qF "npm install --save-dev openspec-lsp@$version openspec-lsp-$platform@$version" "$work/bare.txt"; then
    echo "install.sh: without the platform package, expected exit 2 and the install command; got exit $bare_status:" >&2
    cat "$work/bare.txt" >&2
    exit 1
fi
echo "install.sh: without the platform package: $(head -n 1 "$work/bare.txt")"
