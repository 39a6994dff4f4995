//! The archive diff view (`openspec.previewArchiveDiff`) of the built extension against the real
//! openspec-lsp binary, in Node with the vscode stand-in: on a copy of examples/demo it must
//! open VS Code's diff editor between each main spec as it is and as `openspec archive` would
//! leave it, with created files against an empty side, and show archive's refusals.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { installVscodeMock, repoRoot, startExtension } from './host';
import * as vscode from './vscodeMock';

installVscodeMock();

const serverBin = process.env.OPENSPEC_LSP_BIN ?? path.join(repoRoot, 'target', 'debug', 'openspec-lsp');

let running: Awaited<ReturnType<typeof startExtension>> | undefined;
let workspaceDir: string;

before(async () => {
    assert.ok(fs.existsSync(serverBin), `no server binary at ${serverBin}; build it (cargo build) or set OPENSPEC_LSP_BIN`);
    workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-vscode-preview-'));
    fs.cpSync(path.join(repoRoot, 'examples', 'demo'), workspaceDir, { recursive: true });
    // A change archive refuses: it modifies a requirement the main spec does not have.
    const refused = path.join(workspaceDir, 'openspec', 'changes', 'modify-missing', 'specs', 'auth');
    fs.mkdirSync(refused, { recursive: true });
    fs.writeFileSync(
        path.join(refused, 'spec.md'),
        '## MODIFIED Requirements\n### Requirement: Passkeys\nThe system SHALL accept passkeys.\n\n#### Scenario: Passkey\n- **WHEN** a passkey is used\n- **THEN** the customer is signed in\n',
    );
    // A new capability: its diff is against an empty side.
    const created = path.join(workspaceDir, 'openspec', 'changes', 'add-two-factor-auth', 'specs', 'audit');
    fs.mkdirSync(created, { recursive: true });
    fs.writeFileSync(
        path.join(created, 'spec.md'),
        '## ADDED Requirements\n### Requirement: Sign-in audit\nThe system SHALL record every sign-in.\n\n#### Scenario: Recorded\n- **WHEN** a customer signs in\n- **THEN** the sign-in is recorded\n',
    );
    running = await startExtension(workspaceDir, serverBin);
});

after(async () => {
    await running?.stop();
});

/** The text the extension's content provider serves for `uri`. */
async function served(uri: unknown): Promise<string> {
    const provider = vscode.host.contentProviders.get('openspec-preview');
    assert.ok(provider, 'no openspec-preview content provider');
    assert.ok(uri instanceof vscode.Uri, `not a URI: ${String(uri)}`);
    return await provider.provideTextDocumentContent(uri, new vscode.CancellationTokenSource().token);
}

describe('openspec.previewArchiveDiff', () => {
    test('opens a diff per main spec: the spec now against the spec after archive', async () => {
        const before = vscode.host.builtinCommands.length;
        await vscode.commands.executeCommand('openspec.previewArchiveDiff', { change: 'add-two-factor-auth' });
        const diffs = vscode.host.builtinCommands.slice(before).filter((command) => command.id === 'vscode.diff');
        const errors = vscode.host.messages.filter((message) => message.level === 'error').map((message) => message.message);
        assert.equal(diffs.length, 2, `expected the audit and auth diffs; errors: ${errors.join(' | ')}`);

        const [auditCurrent, auditMerged, auditTitle] = diffs[0].args;
        assert.equal(auditTitle, 'openspec/specs/audit/spec.md (create) ↔ after archiving add-two-factor-auth');
        assert.equal(await served(auditCurrent), '');
        assert.match(await served(auditMerged), /^# audit Specification\n[\s\S]*### Requirement: Sign-in audit/);

        const [authCurrent, authMerged, authTitle] = diffs[1].args;
        assert.equal(authTitle, 'openspec/specs/auth/spec.md (modify) ↔ after archiving add-two-factor-auth');
        const onDisk = fs.readFileSync(path.join(workspaceDir, 'openspec', 'specs', 'auth', 'spec.md'), 'utf8');
        assert.equal(await served(authCurrent), onDisk);
        const merged = await served(authMerged);
        assert.match(merged, /### Requirement: Password sign-in[\s\S]*### Requirement: One-time code/);
        assert.ok(authMerged instanceof vscode.Uri && authMerged.path.endsWith('spec.md'), 'the merged side is Markdown');
    });

    test("shows archive's refusal with its location", async () => {
        const before = vscode.host.messages.length;
        const opened = (await vscode.commands.executeCommand('openspec.previewArchiveDiff', { change: 'modify-missing' })) as unknown[];
        const warnings = vscode.host.messages.slice(before).filter((message) => message.level === 'warning');
        assert.equal(warnings.length, 1, `expected one warning, saw ${JSON.stringify(vscode.host.messages.slice(before))}`);
        assert.match(
            warnings[0].message,
            /openspec archive modify-missing` would refuse:\nopenspec\/changes\/modify-missing\/specs\/auth\/spec\.md:2:1: auth MODIFIED failed for header "### Requirement: Passkeys" - not found/,
        );
        assert.deepEqual(opened, []);
    });
});
