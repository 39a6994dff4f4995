//! Diagnostics through the extension (vscode-languageclient, which offers both push and pull):
//! each finding shows once, in whichever collection holds it, also for a file pushed before it
//! was opened; an unsaved rename in a base spec updates an open delta within a second, and
//! undoing it restores the delta's findings, without touching the delta. Same harness as
//! extension.test.ts: the built extension in Node with the vscode stand-in, the real server.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import { type ExtensionModule, fakeContext, installVscodeMock, loadExtension, openInEditor, renderDiagnostics, repoRoot, waitFor } from './host';
import * as vscode from './vscodeMock';

installVscodeMock();

const serverBin = process.env.OPENSPEC_LSP_BIN ?? path.join(repoRoot, 'target', 'debug', 'openspec-lsp');
const DELTA = 'openspec/changes/rework-notifications/specs/notifications/spec.md';
const BASE = 'openspec/specs/notifications/spec.md';

let extension: ExtensionModule;
let context: ReturnType<typeof fakeContext>;
let workspaceDir: string;

function file(relative: string): string {
    return path.join(workspaceDir, ...relative.split('/'));
}

/** Every diagnostic of `relative` over all collections, as `line code`, sorted. */
function shown(relative: string): string[] {
    return renderDiagnostics(vscode.diagnosticsFor(vscode.Uri.file(file(relative)))).map((line) => line.replace(/:\d+-\d+:\d+ /, ' '));
}

before(async () => {
    assert.ok(fs.existsSync(serverBin), `no server binary at ${serverBin}; build it (cargo build) or set OPENSPEC_LSP_BIN`);
    workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-vscode-diagnostics-'));
    fs.cpSync(path.join(repoRoot, 'examples', 'demo'), workspaceDir, { recursive: true });
    vscode.host.workspaceFolders = [{ uri: vscode.Uri.file(workspaceDir), name: 'demo', index: 0 }];
    vscode.host.settings = { openspec: { server: { path: serverBin }, severity: {}, extraRoots: [], trace: { server: 'off' } } };
    extension = loadExtension();
    context = fakeContext();
    const api = await extension.activate(context);
    await api.ready;
});

after(async () => {
    await extension?.deactivate();
    for (const disposable of context?.subscriptions ?? []) {
        disposable.dispose();
    }
    fs.rmSync(workspaceDir, { recursive: true, force: true });
});

test('a delta opened after its findings were pushed shows each finding once', async () => {
    await waitFor('the pushed findings of the unopened delta', () => (shown(DELTA).includes('1 delta/scenario-loss') ? true : undefined));
    await openInEditor(file(DELTA));
    // Long enough for a pull (or another push) to land.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const lines = shown(DELTA);
    assert.equal(lines.filter((line) => line === '1 delta/scenario-loss').length, 1, lines.join('\n'));
    assert.equal(lines.filter((line) => line === '11 delta/missing-shall-must').length, 1, lines.join('\n'));
});

test('an unsaved rename in the base spec updates the open delta within a second, and undo restores it', async () => {
    const delta = await openInEditor(file(DELTA));
    const before = await waitFor('the delta findings', () => (shown(DELTA).includes('1 delta/scenario-loss') ? shown(DELTA) : undefined));
    const base = await openInEditor(file(BASE));
    const row = base.getText().split('\n').indexOf('### Requirement: Shipping email');
    assert.ok(row >= 0, base.getText());
    const name = new vscode.Range(new vscode.Position(row, '### Requirement: '.length), new vscode.Position(row, '### Requirement: Shipping email'.length));
    const rename = new vscode.WorkspaceEdit();
    rename.replace(base.uri, name, 'Dispatch email');
    await vscode.workspace.applyEdit(rename);
    const changed = await waitFor('the delta findings to change', () => {
        const now = shown(DELTA);
        return now.join('\n') !== before.join('\n') ? now : undefined;
    }, 1000);
    assert.ok(!changed.includes('1 delta/scenario-loss'), changed.join('\n'));
    const undo = new vscode.WorkspaceEdit();
    undo.replace(base.uri, new vscode.Range(name.start, new vscode.Position(row, '### Requirement: Dispatch email'.length)), 'Shipping email');
    await vscode.workspace.applyEdit(undo);
    await waitFor('the delta findings to come back', () => (shown(DELTA).join('\n') === before.join('\n') ? true : undefined), 1000);
    assert.equal(delta.isDirty, false, 'the delta was not touched');
});
