//! Review criteria through the extension: with an `openspec-lsp.toml` that enables
//! `review/weak-modal`, the finding shows on the delta and its quick fix (offered through
//! vscode-languageclient's code action provider) replaces the word with SHALL, after which the
//! finding goes. Same harness as extension.test.ts: the built extension in Node with the vscode
//! stand-in, the real server.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import { codeOf, installVscodeMock, openInEditor, repoRoot, startExtension, waitFor } from './host';
import * as vscode from './vscodeMock';

installVscodeMock();

const serverBin = process.env.OPENSPEC_LSP_BIN ?? path.join(repoRoot, 'target', 'debug', 'openspec-lsp');
const DELTA = '## ADDED Requirements\n### Requirement: One-time code\nThe system should ask for a one-time code.\n\n#### Scenario: Code required\n- **WHEN** a user enters the right password\n- **THEN** they are asked for a code\n';

let running: Awaited<ReturnType<typeof startExtension>> | undefined;
let workspaceDir: string;
let deltaPath: string;

before(async () => {
    assert.ok(fs.existsSync(serverBin), `no server binary at ${serverBin}; build it (cargo build) or set OPENSPEC_LSP_BIN`);
    workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-vscode-review-'));
    deltaPath = path.join(workspaceDir, 'openspec', 'changes', 'add-2fa', 'specs', 'auth', 'spec.md');
    fs.mkdirSync(path.dirname(deltaPath), { recursive: true });
    fs.mkdirSync(path.join(workspaceDir, 'openspec', 'specs'), { recursive: true });
    fs.writeFileSync(deltaPath, DELTA);
    fs.writeFileSync(path.join(workspaceDir, 'openspec-lsp.toml'), '[severity]\n"review/weak-modal" = "warning"\n');
    running = await startExtension(workspaceDir, serverBin);
});

after(async () => {
    await running?.stop();
});

function weakModals(): vscode.Diagnostic[] {
    return vscode.diagnosticsFor(vscode.Uri.file(deltaPath)).filter((diagnostic) => codeOf(diagnostic) === 'review/weak-modal');
}

test('a review finding shows and its quick fix replaces the weak modal with SHALL', async () => {
    const document = await openInEditor(deltaPath);
    const [finding] = await waitFor('the review/weak-modal finding', () => {
        const found = weakModals();
        return found.length > 0 ? found : undefined;
    });
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual([finding.range.start.line, finding.range.start.character, finding.range.end.character], [2, 11, 17]);
    const registration = vscode.host.registrations.find((known) => known.kind === 'CodeActions');
    assert.ok(registration, `vscode-languageclient registered no code action provider: ${vscode.host.registrations.map((known) => known.kind).join(', ')}`);
    const token = new vscode.CancellationTokenSource().token;
    const actions = (await registration.provider.provideCodeActions(document, finding.range, { diagnostics: [finding], only: undefined, triggerKind: 1 }, token)) as (vscode.CodeAction | { title: string })[] | undefined;
    const titles = (actions ?? []).map((action) => action.title);
    const fix = (actions ?? []).find((action): action is vscode.CodeAction => action.title === 'Replace "should" with SHALL');
    assert.ok(fix?.edit, `no weak-modal quick fix; offered: ${titles.join(' | ')}`);
    assert.equal(fix.isPreferred, true);
    await vscode.workspace.applyEdit(fix.edit);
    assert.equal(document.lineAt(2).text, 'The system SHALL ask for a one-time code.');
    await waitFor('the finding to go', () => (weakModals().length === 0 ? true : undefined));
});
