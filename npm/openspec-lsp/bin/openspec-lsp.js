#!/usr/bin/env node
// The `openspec-lsp` command of the npm package: runs the binary that npm installed with the
// platform package (`openspec-lsp-<platform>-<arch>`, an optional dependency whose `os`/`cpu`
// fields match only this machine), passing the arguments, standard streams and exit code
// through. When no platform package fits or it is missing, it says why and what to run.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const launcher = require('../package.json');

/** Exit code of `openspec-lsp` when it cannot run at all (the CLI's own code for that). */
const CANNOT_RUN = 2;

function fail(lines) {
    process.stderr.write(`openspec-lsp: ${lines.join('\n  ')}\n`);
    process.exit(CANNOT_RUN);
}

/** True on Linux with musl libc (Alpine), where the glibc builds cannot run. */
function isMusl() {
    if (process.platform !== 'linux') {
        return false;
    }
    try {
        const report = process.report && process.report.getReport();
        return Boolean(report && report.header && report.header.glibcVersionRuntime === undefined);
    } catch {
        return false;
    }
}

function binaryPath() {
    const platform = `${process.platform}-${process.arch}`;
    const name = `openspec-lsp-${platform}`;
    const supported = Object.keys(launcher.optionalDependencies || {}).map((dependency) => dependency.replace(/^openspec-lsp-/, ''));
    if (!supported.includes(platform)) {
        fail([
            `no prebuilt binary for ${platform} (there are binaries for ${supported.join(', ')}).`,
            'Build it from source with Rust 1.90 or newer: cargo install --locked openspec-lsp',
        ]);
    }
    if (isMusl()) {
        fail([
            `the prebuilt ${platform} binary needs glibc, and this Linux uses musl (Alpine).`,
            'Use a glibc-based image (e.g. node:22-bookworm-slim), or build from source: cargo install --locked openspec-lsp',
        ]);
    }
    let packageDir;
    try {
        packageDir = path.dirname(require.resolve(`${name}/package.json`));
    } catch {
        fail([
            `the package ${name}@${launcher.version}, which holds the binary for this platform, is not installed.`,
            'npm installs it as an optional dependency of openspec-lsp; it was skipped (--omit=optional, or a lockfile made on another platform).',
            `Install it: npm install --save-dev openspec-lsp@${launcher.version} ${name}@${launcher.version}`,
        ]);
    }
    const binary = path.join(packageDir, process.platform === 'win32' ? 'openspec-lsp.exe' : 'openspec-lsp');
    if (!fs.existsSync(binary)) {
        fail([`${name} is installed at ${packageDir} but has no ${path.basename(binary)}; reinstall it.`]);
    }
    return binary;
}

const binary = binaryPath();
const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit', windowsHide: true });
if (result.error) {
    fail([`cannot run ${binary}: ${result.error.message}`]);
}
if (result.signal) {
    // The shell's convention for a process killed by a signal.
    process.exit(128 + (os.constants.signals[result.signal] || 0));
}
process.exit(result.status === null ? CANNOT_RUN : result.status);
