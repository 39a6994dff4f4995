//! Requirement history (`openspec.history`) of the built extension against the real
//! openspec-lsp binary, in Node with the vscode stand-in: on a workspace whose archive renames
//! a requirement and has an undated folder, the quick pick lists the timeline oldest first and
//! picking an entry opens the delta spec; from the cursor in the main spec, the same timeline.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { installVscodeMock, repoRoot, startExtension } from './host';
import * as vscode from './vscodeMock';

installVscodeMock();

const serverBin = process.env.OPENSPEC_LSP_BIN ?? path.join(repoRoot, 'target', 'debug', 'openspec-lsp');

const FILES: Record<string, string> = {
    'openspec/specs/auth/spec.md':
        '# auth Specification\n\n## Purpose\nSign-in keeps accounts safe for everyone who uses the product.\n\n## Requirements\n### Requirement: Sign in\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n',
    'openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md': '## ADDED Requirements\n### Requirement: Login\nThe system SHALL let people log in.\n',
    'openspec/changes/archive/2024-02-01-rename-login/specs/auth/spec.md':
        '## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign in`\n',
    'openspec/changes/archive/by-hand/specs/auth/spec.md': '## MODIFIED Requirements\n### Requirement: Sign in\nThe system SHALL let people sign in.\n',
};

const TIMELINE = [
    '2024-01-05  ADDED  add-login',
    '2024-02-01  RENAMED FROM  rename-login',
    '2024-02-01  RENAMED TO  rename-login',
    'no date  MODIFIED  by-hand',
    'now  main spec',
];

let running: { stop(): Promise<void> } | undefined;
let workspaceDir: string;

before(async () => {
    assert.ok(fs.existsSync(serverBin), `no server binary at ${serverBin}; build it (cargo build) or set OPENSPEC_LSP_BIN`);
    workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-vscode-history-'));
    for (const [file, text] of Object.entries(FILES)) {
        fs.mkdirSync(path.dirname(path.join(workspaceDir, file)), { recursive: true });
        fs.writeFileSync(path.join(workspaceDir, file), text);
    }
    running = await startExtension(workspaceDir, serverBin);
});

after(async () => {
    await running?.stop();
});

describe('openspec.history', () => {
    test('lists the timeline oldest first and opens the picked change', async () => {
        vscode.host.quickPickAnswers.push('2024-01-05  ADDED  add-login');
        await vscode.commands.executeCommand('openspec.history', { capability: 'auth', requirement: 'Sign in' });
        const pick = vscode.host.quickPicks.at(-1);
        assert.deepEqual(pick?.items, TIMELINE);
        const shown = vscode.host.shownDocuments.at(-1);
        assert.equal(shown?.uri.fsPath, path.join(workspaceDir, 'openspec/changes/archive/2024-01-05-add-login/specs/auth/spec.md'));
    });

    test('from the cursor on a main-spec requirement', async () => {
        const spec = vscode.Uri.file(path.join(workspaceDir, 'openspec/specs/auth/spec.md'));
        const editor = (await vscode.window.showTextDocument(spec)) as { selection: vscode.Selection };
        editor.selection = new vscode.Selection(new vscode.Position(7, 4), new vscode.Position(7, 4));
        vscode.host.quickPickAnswers.push(undefined);
        const picked = await vscode.commands.executeCommand('openspec.history');
        assert.equal(picked, undefined, 'cancelled');
        assert.deepEqual(vscode.host.quickPicks.at(-1)?.items, TIMELINE);
    });

    test('says so when the cursor is on no requirement', async () => {
        const spec = vscode.Uri.file(path.join(workspaceDir, 'openspec/specs/auth/spec.md'));
        const editor = (await vscode.window.showTextDocument(spec)) as { selection: vscode.Selection };
        editor.selection = new vscode.Selection(new vscode.Position(0, 0), new vscode.Position(0, 0));
        const before = vscode.host.messages.length;
        await vscode.commands.executeCommand('openspec.history');
        const errors = vscode.host.messages.slice(before).filter((message) => message.level === 'error');
        assert.equal(errors.length, 1);
        assert.match(errors[0].message, /no history: no requirement at the cursor/);
    });
});
