//! Accepting a completion inserts what its label promises, through the built extension and
//! vscode-languageclient's conversion (the vscode stand-in; see host.ts): a multi-word and a
//! CJK requirement name go in whole, and the item that copies the current requirement has a
//! label of its own and inserts the requirement. The server binary comes from
//! OPENSPEC_LSP_BIN, else target/debug/openspec-lsp.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import { installVscodeMock, openInEditor, repoRoot, startExtension } from './host';
import * as vscode from './vscodeMock';

installVscodeMock();

const serverBin = process.env.OPENSPEC_LSP_BIN ?? path.join(repoRoot, 'target', 'debug', 'openspec-lsp');

const BASE = [
    '# auth Specification',
    '',
    '## Purpose',
    'Sign-in and paths work the same for every user on every supported platform.',
    '',
    '## Requirements',
    '### Requirement: Cross-platform path handling',
    'The system SHALL handle paths the same way everywhere, $HOME included.',
    '',
    '#### Scenario: Windows paths',
    '- **WHEN** a path uses backslashes',
    '- **THEN** it is read as on Linux',
    '',
    '### Requirement: 登录 流程 安全',
    'The system SHALL keep sign-in safe.',
    '',
    '#### Scenario: 登录',
    '- **WHEN** a user signs in',
    '- **THEN** the session starts',
    '',
].join('\n');

let running: Awaited<ReturnType<typeof startExtension>> | undefined;
let workspaceDir: string;
let deltaPath: string;

before(async () => {
    assert.ok(fs.existsSync(serverBin), `no server binary at ${serverBin}; build it (cargo build) or set OPENSPEC_LSP_BIN`);
    workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-vscode-completion-'));
    const write = (relative: string, text: string) => {
        const target = path.join(workspaceDir, ...relative.split('/'));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
        return target;
    };
    write('openspec/specs/auth/spec.md', BASE);
    deltaPath = write('openspec/changes/c/specs/auth/spec.md', '## MODIFIED Requirements\n### Requirement: \n');
    running = await startExtension(workspaceDir, serverBin);
});

after(async () => {
    await running?.stop();
});

/** The text VS Code inserts for a snippet without tabstops: its escapes resolved. */
function snippetText(value: string): string {
    assert.doesNotMatch(value.replace(/\\[\\$}]/g, ''), /\$/, `unexpected snippet syntax in ${value}`);
    return value.replace(/\\([\\$}])/g, '$1');
}

function labelOf(item: vscode.CompletionItem): string {
    return typeof item.label === 'string' ? item.label : item.label.label;
}

/**
 * Sets line 1 of the delta to `typed`, asks for completions at its end, and applies the item
 * labelled `label` as VS Code does (its text over its range). Returns the labels offered.
 */
async function accept(typed: string, label: string): Promise<string[]> {
    const document = await openInEditor(deltaPath);
    const reset = new vscode.WorkspaceEdit();
    reset.replace(document.uri, new vscode.Range(1, 0, document.lineCount, 0), `${typed}\n`);
    await vscode.workspace.applyEdit(reset);
    const registration = vscode.host.registrations.find((known) => known.kind === 'CompletionItem');
    assert.ok(registration, 'vscode-languageclient registered no completion provider');
    const token = new vscode.CancellationTokenSource().token;
    const result = (await registration.provider.provideCompletionItems(document, new vscode.Position(1, typed.length), token, {
        triggerKind: vscode.CompletionTriggerKind.Invoke,
    })) as vscode.CompletionList | vscode.CompletionItem[] | undefined;
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    const labels = items.map(labelOf);
    const item = items.find((candidate) => labelOf(candidate) === label);
    assert.ok(item, `no item ${label}; labels: ${labels.join(' | ')}`);
    const text = item.insertText instanceof vscode.SnippetString ? snippetText(item.insertText.value) : (item.insertText ?? labelOf(item));
    const range = item.range === undefined ? undefined : 'replacing' in item.range ? item.range.replacing : item.range;
    assert.ok(range, `item ${label} has no range`);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, range, text);
    await vscode.workspace.applyEdit(edit);
    return labels;
}

test('a multi-word name goes in whole, and the copy item has its own label', async () => {
    const labels = await accept('### Requirement: Cross-pl', 'Cross-platform path handling');
    assert.equal(new Set(labels).size, labels.length, `duplicate labels: ${labels.join(' | ')}`);
    assert.ok(labels.includes('Cross-platform path handling (copy current requirement)'), labels.join(' | '));
    const document = await openInEditor(deltaPath);
    assert.equal(document.lineAt(1).text, '### Requirement: Cross-platform path handling');
});

test('a CJK name with spaces goes in whole', async () => {
    await accept('### Requirement: 登录', '登录 流程 安全');
    const document = await openInEditor(deltaPath);
    assert.equal(document.lineAt(1).text, '### Requirement: 登录 流程 安全');
});

test('the copy item inserts the current requirement, `$` and all', async () => {
    await accept('### Requirement: Cross', 'Cross-platform path handling (copy current requirement)');
    const document = await openInEditor(deltaPath);
    const lines = document.getText().split('\n').slice(1, 7);
    assert.deepEqual(lines, BASE.split('\n').slice(6, 12));
});
