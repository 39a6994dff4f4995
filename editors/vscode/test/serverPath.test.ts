// The order in which the extension looks for the server: `openspec.server.path`, then the
// server bundled in a platform-specific .vsix, then PATH (src/serverPath.ts). Plain files in a
// temporary folder stand in for the binaries; no server runs here.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

import { bundledServerPath, findServer } from '../src/serverPath';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-server-path-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const executableName = process.platform === 'win32' ? 'openspec-lsp.exe' : 'openspec-lsp';

/** Writes an executable file at `relative` under the temporary folder and returns its path. */
function binary(relative: string, mode = 0o755): string {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\n');
    fs.chmodSync(file, mode);
    return file;
}

const configured = binary(`configured/${executableName}`);
const extensionDir = path.join(root, 'extension');
const bundled = binary(path.relative(root, bundledServerPath(extensionDir)));
const onPath = binary(`bin/${executableName}`);
const env = { PATH: path.join(root, 'bin') };

describe('findServer', () => {
    test('puts the bundled server in server/ of the extension, with .exe on Windows', () => {
        assert.equal(bundledServerPath('/ext', 'linux'), path.join('/ext', 'server', 'openspec-lsp'));
        assert.equal(bundledServerPath('/ext', 'win32'), path.join('/ext', 'server', 'openspec-lsp.exe'));
    });

    test('prefers openspec.server.path over the bundled server and PATH', () => {
        assert.deepEqual(findServer(configured, undefined, env, bundled), { kind: 'found', path: configured, source: 'setting' });
    });

    test('a bad setting is reported, not replaced by the bundled server', () => {
        const missing = path.join(root, 'nowhere', executableName);
        assert.deepEqual(findServer(missing, undefined, env, bundled), { kind: 'badSetting', configured: missing, resolved: missing });
    });

    test('uses the bundled server before PATH when the setting is empty', () => {
        assert.deepEqual(findServer('  ', undefined, env, bundled), { kind: 'found', path: bundled, source: 'bundled' });
        assert.deepEqual(findServer(null, undefined, env, bundled), { kind: 'found', path: bundled, source: 'bundled' });
    });

    test('falls back to PATH when the extension carries no server (the universal .vsix)', () => {
        const universal = bundledServerPath(path.join(root, 'universal-extension'));
        assert.deepEqual(findServer(undefined, undefined, env, universal), { kind: 'found', path: onPath, source: 'PATH' });
        assert.deepEqual(findServer(undefined, undefined, { PATH: path.join(root, 'empty') }, universal), { kind: 'notOnPath' });
    });

    test('skips a bundled file that cannot be executed', () => {
        const notExecutable = binary(`plain/server/${executableName}`, 0o644);
        assert.deepEqual(findServer(undefined, undefined, env, notExecutable), { kind: 'found', path: onPath, source: 'PATH' });
    });
});
