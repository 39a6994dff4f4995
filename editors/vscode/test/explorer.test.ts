//! The OpenSpec view and "Rename through change..." of the built extension against the real
//! openspec-lsp binary, in Node with the vscode stand-in: the tree lists the active changes and
//! specs with their counts and verdicts, follows an edit through `openspec/outlineChanged`, its
//! context actions preview and check a change, and the rename code action asks for a name and a
//! change, then the server's edit lands in that change's delta spec.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { installVscodeMock, openInEditor, repoRoot, startExtension, waitFor } from './host';
import * as vscode from './vscodeMock';

installVscodeMock();

const serverBin = process.env.OPENSPEC_LSP_BIN ?? path.join(repoRoot, 'target', 'debug', 'openspec-lsp');
const token = new vscode.CancellationTokenSource().token;

const FILES: Record<string, string> = {
    'openspec/specs/auth/spec.md':
        '# auth\n\n## Purpose\nAuthentication of the users of the system, so that only they can sign in.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log users in.\n\n#### Scenario: ok\n- **WHEN** a user logs in\n- **THEN** it works\n',
    'openspec/changes/add-2fa/proposal.md':
        '## Why\nAccounts are taken over too easily with a password alone; a second factor stops that.\n\n## What Changes\n- Add a second factor to login.\n',
    'openspec/changes/add-2fa/tasks.md': '## 1. Build\n- [x] 1.1 Write it\n- [ ] 1.2 Test it\n',
    'openspec/changes/add-2fa/specs/auth/spec.md':
        '## MODIFIED Requirements\n### Requirement: Login\nThe system SHALL log users in with a second factor.\n\n#### Scenario: ok\n- **WHEN** a user logs in\n- **THEN** it works\n',
};

let running: Awaited<ReturnType<typeof startExtension>> | undefined;
let workspaceDir: string;

interface Provider {
    getChildren(node?: unknown): Promise<unknown[]>;
    getTreeItem(node: unknown): vscode.TreeItem;
    onDidChangeTreeData(listener: () => void): { dispose(): void };
}

function view(): { provider: Provider; badge?: { value: number } } {
    const found = vscode.host.treeViews.find((known) => known.id === 'openspec.outline');
    assert.ok(found, 'no openspec.outline tree view');
    return { provider: found.options.treeDataProvider as Provider, badge: found.badge };
}

/** The tree as the user sees it: `label — description`, children indented. */
async function rendered(provider: Provider, node?: unknown, depth = 0): Promise<string[]> {
    const lines: string[] = [];
    for (const child of await provider.getChildren(node)) {
        const item = provider.getTreeItem(child);
        lines.push(`${'  '.repeat(depth)}${item.label} — ${String(item.description)} [${item.contextValue}]`);
        lines.push(...(await rendered(provider, child, depth + 1)));
    }
    return lines;
}

before(async () => {
    assert.ok(fs.existsSync(serverBin), `no server binary at ${serverBin}; build it (cargo build) or set OPENSPEC_LSP_BIN`);
    workspaceDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-vscode-explorer-')));
    for (const [relative, text] of Object.entries(FILES)) {
        fs.mkdirSync(path.dirname(path.join(workspaceDir, relative)), { recursive: true });
        fs.writeFileSync(path.join(workspaceDir, relative), text);
    }
    running = await startExtension(workspaceDir, serverBin);
});

after(async () => {
    await running?.stop();
});

describe('the OpenSpec view', () => {
    test('lists changes and specs with counts and verdicts, and follows an edit', async () => {
        const { provider } = view();
        assert.deepEqual(await rendered(provider), [
            'add-2fa — 1/2 tasks · valid · not ready [openspecChange]',
            '  auth — delta [openspecDelta]',
            'auth — 1 requirement · valid [openspecSpec]',
        ]);
        const [change] = await provider.getChildren();
        const item = provider.getTreeItem(change);
        assert.equal(item.command?.command, 'vscode.open');
        assert.equal((item.command?.arguments?.[0] as vscode.Uri).fsPath, path.join(workspaceDir, 'openspec/changes/add-2fa/proposal.md'));
        assert.equal(view().badge, undefined, 'no invalid item, no badge');

        // Checking the last task: the server announces the change, the view asks again.
        let fired = false;
        const listening = provider.onDidChangeTreeData(() => {
            fired = true;
        });
        const tasks = await openInEditor(path.join(workspaceDir, 'openspec/changes/add-2fa/tasks.md'));
        const edit = new vscode.WorkspaceEdit();
        edit.replace(tasks.uri, new vscode.Range(2, 3, 2, 4), 'x');
        await vscode.workspace.applyEdit(edit);
        await waitFor('openspec/outlineChanged', () => (fired ? true : undefined));
        listening.dispose();
        assert.equal((await rendered(provider))[0], 'add-2fa — 2/2 tasks · valid · ready to archive [openspecChange]');
    });

    test('context actions: preview the archive, check the change', async () => {
        const { provider } = view();
        const [change] = await provider.getChildren();
        const shown = vscode.host.shownDocuments.length;
        await vscode.commands.executeCommand('openspec.explorer.previewArchive', change);
        const preview = vscode.host.shownDocuments.slice(shown).find((document) => document.uri.scheme === 'openspec-preview');
        assert.ok(preview, `no preview shown; messages: ${JSON.stringify(vscode.host.messages)}`);
        assert.match(preview.getText(), /### Requirement: Login\nThe system SHALL log users in with a second factor\./);

        // History of the spec: the active change's MODIFIED entry, opened when picked.
        const spec = (await provider.getChildren()).find((node) => provider.getTreeItem(node).contextValue === 'openspecSpec');
        vscode.host.quickPickAnswers.push('active  MODIFIED  add-2fa');
        await vscode.commands.executeCommand('openspec.explorer.history', spec);
        assert.deepEqual(vscode.host.quickPicks.at(-1)?.items, ['active  MODIFIED  add-2fa', 'now  main spec']);
        assert.equal(vscode.host.shownDocuments.at(-1)?.uri.fsPath, path.join(workspaceDir, 'openspec/changes/add-2fa/specs/auth/spec.md'));

        await vscode.commands.executeCommand('openspec.explorer.check', change);
        const task = vscode.host.executedTasks.at(-1);
        assert.ok(task?.execution instanceof vscode.ProcessExecution);
        assert.deepEqual(task.execution.args, ['check', '--archive-ready', 'add-2fa', workspaceDir]);
    });
});

describe('Rename through change...', () => {
    test('the code action asks for a name and a change, and the edit lands in its delta', async () => {
        const spec = await openInEditor(path.join(workspaceDir, 'openspec/specs/auth/spec.md'));
        const registration = vscode.host.registrations.find((known) => known.kind === 'CodeActions');
        assert.ok(registration, 'no code action provider');
        const at = new vscode.Range(6, 20, 6, 20);
        const actions = (await registration.provider.provideCodeActions(spec, at, { diagnostics: [], triggerKind: 1 }, token)) as {
            title: string;
            command?: { command: string; arguments?: unknown[] };
        }[];
        const action = actions.find((candidate) => candidate.command?.command === 'openspec.renameThroughChange');
        assert.ok(action?.command, `no rename-through-change action among ${actions.map((candidate) => candidate.title).join(', ')}`);

        vscode.host.inputBoxAnswers.push('Sign in');
        vscode.host.quickPickAnswers.push('add-2fa');
        await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
        assert.deepEqual(vscode.host.quickPicks.at(-1)?.items, ['add-2fa', '$(add) New change…']);
        const deltaPath = path.join(workspaceDir, 'openspec/changes/add-2fa/specs/auth/spec.md');
        const delta = vscode.host.documents.get(vscode.Uri.file(deltaPath).toString());
        assert.ok(delta, 'the delta spec was not edited');
        assert.equal(
            delta.getText(),
            '## MODIFIED Requirements\n### Requirement: Sign in\nThe system SHALL log users in with a second factor.\n\n#### Scenario: ok\n- **WHEN** a user logs in\n- **THEN** it works\n\n## RENAMED Requirements\n- FROM: `### Requirement: Login`\n- TO: `### Requirement: Sign in`\n',
        );
        assert.equal(vscode.host.shownDocuments.at(-1)?.uri.fsPath, deltaPath, 'the delta spec is shown');
        assert.equal(spec.getText(), FILES['openspec/specs/auth/spec.md'], 'the main spec is left to archive');
    });
});
