//! Integration test of the built extension (dist/extension.js) against the real openspec-lsp
//! binary, in Node with the vscode stand-in (VS Code itself cannot be downloaded here). It
//! activates the extension on a copy of examples/demo and drives what a user would: open files,
//! read diagnostics, run the commands, call the language features through the providers that
//! vscode-languageclient registered. The server binary comes from OPENSPEC_LSP_BIN, else
//! target/debug/openspec-lsp.

import assert from 'node:assert/strict';
import { type ChildProcess, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
    type ExtensionModule,
    codeOf,
    extensionRoot,
    fakeContext,
    installVscodeMock,
    loadExtension,
    openInEditor,
    renderDiagnostics,
    repoRoot,
    waitFor,
} from './host';
import * as vscode from './vscodeMock';

installVscodeMock();

// Every server process the extension starts, to check that none outlives deactivation.
// The module object is shared with the bundled extension, which reads `spawn` at call time.
const spawned: ChildProcess[] = [];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcessModule = require('node:child_process') as typeof import('node:child_process');
const realSpawn = childProcessModule.spawn;
childProcessModule.spawn = ((...args: Parameters<typeof realSpawn>) => {
    const child = realSpawn(...args);
    spawned.push(child);
    return child;
}) as typeof realSpawn;

const serverBin = process.env.OPENSPEC_LSP_BIN ?? path.join(repoRoot, 'target', 'debug', 'openspec-lsp');
const CLIENT_COMMANDS = ['openspec.restartServer', 'openspec.checkWorkspace', 'openspec.previewArchive', 'openspec.showOutput', 'openspec.history'];

let extension: ExtensionModule;
let api: Awaited<ReturnType<ExtensionModule['activate']>>;
let context: ReturnType<typeof fakeContext>;
let workspaceDir: string;

function settings(overrides: Record<string, unknown> = {}, serverPath: string = serverBin): Record<string, unknown> {
    return {
        openspec: {
            server: { path: serverPath },
            strict: false,
            allRules: false,
            severity: {},
            extraRoots: [],
            trace: { server: process.env.OPENSPEC_TRACE ? 'verbose' : 'off' },
            ...overrides,
        },
    };
}

function file(relative: string): string {
    return path.join(workspaceDir, ...relative.split('/'));
}

function provider(kind: string): vscode.Registration['provider'] {
    const registration = vscode.host.registrations.find((known) => known.kind === kind);
    assert.ok(registration, `vscode-languageclient registered no ${kind} provider; registered: ${vscode.host.registrations.map((known) => known.kind).join(', ')}`);
    return registration.provider;
}

const token = new vscode.CancellationTokenSource().token;

before(async () => {
    assert.ok(fs.existsSync(serverBin), `no server binary at ${serverBin}; build it (cargo build) or set OPENSPEC_LSP_BIN`);
    workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-vscode-'));
    fs.cpSync(path.join(repoRoot, 'examples', 'demo'), workspaceDir, { recursive: true });
    vscode.host.workspaceFolders = [{ uri: vscode.Uri.file(workspaceDir), name: 'demo', index: 0 }];
    vscode.host.settings = settings();
    extension = loadExtension();
    context = fakeContext();
    api = await extension.activate(context);
    await api.ready;
});

after(async () => {
    await extension?.deactivate();
    if (process.env.OPENSPEC_TRACE) {
        console.log(vscode.host.output.join('\n'));
    }
    for (const disposable of context?.subscriptions ?? []) {
        disposable.dispose();
    }
    if (workspaceDir !== undefined) {
        fs.rmSync(workspaceDir, { recursive: true, force: true });
    }
});

describe('package.json', () => {
    test('declares the commands the extension registers, the activation events and the grammar', () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8')) as {
            activationEvents: string[];
            contributes: { commands: { command: string }[]; grammars: { path: string; injectTo: string[] }[]; configuration: { properties: Record<string, unknown> } };
        };
        assert.deepEqual(manifest.contributes.commands.map((command) => command.command).sort(), [...CLIENT_COMMANDS].sort());
        assert.deepEqual(manifest.activationEvents, ['workspaceContains:**/openspec/**', 'onLanguage:markdown']);
        for (const key of ['openspec.server.path', 'openspec.strict', 'openspec.allRules', 'openspec.severity', 'openspec.extraRoots', 'openspec.trace.server']) {
            assert.ok(key in manifest.contributes.configuration.properties, `setting ${key} is not contributed`);
        }
        const grammar = manifest.contributes.grammars[0];
        assert.deepEqual(grammar.injectTo, ['text.html.markdown']);
        assert.ok(fs.existsSync(path.join(extensionRoot, grammar.path)), `${grammar.path} is missing (npm run compile copies it)`);
    });
});

describe('activation', () => {
    test('starts the server from openspec.server.path and registers the commands', () => {
        const client = api.client;
        assert.ok(client, 'no client after activation');
        assert.ok(client.isRunning(), 'the client is not running');
        assert.equal(client.initializeResult?.serverInfo?.name, 'openspec-lsp');
        for (const command of CLIENT_COMMANDS) {
            assert.ok(vscode.host.commands.has(command), `command ${command} is not registered`);
        }
        assert.deepEqual(
            vscode.host.messages.filter((message) => message.level === 'error'),
            [],
        );
    });
});

describe('diagnostics', () => {
    test('arrive for an open tasks.md, with codes and 0-based ranges', async () => {
        const document = await openInEditor(file('openspec/changes/rework-notifications/tasks.md'));
        const rendered = await waitFor('diagnostics of tasks.md', () => {
            const found = renderDiagnostics(vscode.diagnosticsFor(document.uri));
            return found.length >= 2 ? found : undefined;
        });
        assert.deepEqual(rendered, ['4:6-4:9 tasks/duplicate-id', '8:6-8:9 tasks/group-mismatch']);
        const duplicate = vscode.diagnosticsFor(document.uri).find((diagnostic) => codeOf(diagnostic) === 'tasks/duplicate-id');
        assert.equal(duplicate?.severity, vscode.DiagnosticSeverity.Warning);
        assert.equal(duplicate?.source, 'openspec');
    });

    test('are pushed for files that are not open, and follow the severity setting', async () => {
        const delta = vscode.Uri.file(file('openspec/changes/rework-notifications/specs/notifications/spec.md'));
        const before = await waitFor('diagnostics of the unopened delta spec', () => {
            const found = renderDiagnostics(vscode.diagnosticsFor(delta));
            return found.some((line) => line.endsWith('delta/scenario-loss')) ? found : undefined;
        });
        assert.ok(before.includes('1:0-1:31 delta/scenario-loss'), before.join('\n'));
        vscode.updateSettings(settings({ severity: { 'delta/scenario-loss': 'off' } }), ['openspec.severity']);
        await waitFor('delta/scenario-loss to be switched off', () =>
            renderDiagnostics(vscode.diagnosticsFor(delta)).some((line) => line.endsWith('delta/scenario-loss')) ? undefined : true,
        );
        vscode.updateSettings(settings(), ['openspec.severity']);
        await waitFor('delta/scenario-loss to come back', () =>
            renderDiagnostics(vscode.diagnosticsFor(delta)).some((line) => line.endsWith('delta/scenario-loss')) ? true : undefined,
        );
    });
});

describe('commands', () => {
    test('openspec.previewArchive with arguments opens the merged spec read-only', async () => {
        const shown = vscode.host.shownDocuments.length;
        const document = (await vscode.commands.executeCommand('openspec.previewArchive', {
            change: 'add-two-factor-auth',
            capability: 'auth',
        })) as vscode.TextDocument | undefined;
        const errors = vscode.host.messages.filter((message) => message.level === 'error').map((message) => message.message);
        assert.ok(document, `no preview document; error messages: ${errors.join(' | ')}`);
        assert.equal(document.uri.scheme, 'openspec-preview');
        assert.equal(document.languageId, 'markdown');
        assert.equal(vscode.host.shownDocuments.length, shown + 1);
        const text = document.getText();
        assert.match(text, /### Requirement: Password sign-in/);
        assert.match(text, /### Requirement: Session expiry/);
        assert.match(text, /### Requirement: One-time code/);
    });

    test('openspec.previewArchive without arguments asks with quick picks', async () => {
        const picks = vscode.host.quickPicks.length;
        // The demo's only change with one capability: the capability pick is skipped.
        vscode.host.quickPickAnswers.push('add-two-factor-auth');
        const document = (await vscode.commands.executeCommand('openspec.previewArchive')) as vscode.TextDocument | undefined;
        const asked = vscode.host.quickPicks.slice(picks);
        assert.ok(asked.length >= 1, 'no quick pick was shown');
        assert.deepEqual(asked[asked.length - 1].items, ['add-two-factor-auth', 'rework-notifications']);
        assert.ok(document, 'no preview document after picking a change');
        assert.match(document.getText(), /### Requirement: One-time code/);
    });

    test('openspec.checkWorkspace runs `openspec-lsp check <folder>` as a task', async () => {
        await vscode.commands.executeCommand('openspec.checkWorkspace');
        const task = vscode.host.executedTasks.at(-1);
        assert.ok(task, 'no task was executed');
        assert.ok(task.execution instanceof vscode.ProcessExecution);
        assert.equal(task.execution.process, serverBin);
        assert.deepEqual(task.execution.args, ['check', workspaceDir]);
        // Run it for real: the demo has one invalid change, so the check exits 1.
        const run = spawnSync(task.execution.process, task.execution.args, { cwd: task.execution.options?.cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stdout, /rework-notifications/);
    });

    test('openspec.showOutput is wired to the output channel', async () => {
        await vscode.commands.executeCommand('openspec.showOutput');
        assert.ok(vscode.host.output.some((line) => line.includes(`Starting ${serverBin}`)), vscode.host.output.join('\n'));
    });
});

describe('language features through vscode-languageclient', () => {
    const deltaPath = () => file('openspec/changes/rework-notifications/specs/notifications/spec.md');

    test('go to definition from a MODIFIED header lands on the base requirement', async () => {
        const document = await openInEditor(deltaPath());
        const result = (await provider('Definition').provideDefinition(document, new vscode.Position(1, 20), token)) as
            | vscode.Location
            | (vscode.Location | { targetUri: vscode.Uri; targetRange: vscode.Range; targetSelectionRange?: vscode.Range })[]
            | undefined;
        const first = Array.isArray(result) ? result[0] : result;
        assert.ok(first, 'no definition');
        const uri = 'targetUri' in first ? first.targetUri : first.uri;
        const range = 'targetUri' in first ? (first.targetSelectionRange ?? first.targetRange) : first.range;
        assert.equal(uri.fsPath, file('openspec/specs/notifications/spec.md'));
        assert.equal(range.start.line, 7);
    });

    test('completion in a MODIFIED section offers the base requirement names not yet modified', async () => {
        const document = await openInEditor(deltaPath());
        await vscode.workspace.applyEdit(editInserting(document, 9, '### Requirement: \n\n'));
        const result = (await provider('CompletionItem').provideCompletionItems(document, new vscode.Position(9, 17), token, {
            triggerKind: vscode.CompletionTriggerKind.Invoke,
        })) as vscode.CompletionList | vscode.CompletionItem[] | undefined;
        const items = Array.isArray(result) ? result : (result?.items ?? []);
        const labels = items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
        assert.ok(labels.includes('Unsubscribe'), `labels: ${labels.join(', ')}`);
        // "Shipping email" is already MODIFIED in this section, so it is not offered again.
        assert.ok(!labels.includes('Shipping email'), `labels: ${labels.join(', ')}`);
        await vscode.workspace.applyEdit(editDeleting(document, 9, 11));
    });

    test('document symbols list the requirements of a spec', async () => {
        const document = await openInEditor(file('openspec/specs/auth/spec.md'));
        const symbols = (await provider('DocumentSymbol').provideDocumentSymbols(document, token)) as (vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined;
        const names: string[] = [];
        const collect = (list: (vscode.DocumentSymbol | vscode.SymbolInformation)[]) => {
            for (const symbol of list) {
                names.push(symbol.name);
                if (symbol instanceof vscode.DocumentSymbol) {
                    collect(symbol.children);
                }
            }
        };
        collect(symbols ?? []);
        assert.ok(names.some((name) => name.includes('Password sign-in')), `symbols: ${names.join(', ')}`);
        assert.ok(names.some((name) => name.includes('Wrong password')), `symbols: ${names.join(', ')}`);
    });

    test('code lenses run openspec.showLocations, which shows the places with VS Code references view', async () => {
        const document = await openInEditor(file('openspec/specs/notifications/spec.md'));
        const codeLensProvider = provider('CodeLens');
        const lenses = (await codeLensProvider.provideCodeLenses(document, token)) as vscode.CodeLens[] | undefined;
        const titles = (lenses ?? []).map((lens) => lens.command?.title ?? '(unresolved)');
        const lens = (lenses ?? []).find((candidate) => candidate.command?.title.includes('rework-notifications'));
        assert.ok(lens?.command, `no lens naming rework-notifications; lenses: ${titles.join(' | ')}`);
        assert.equal(lens.command.command, 'openspec.showLocations');
        const shown = vscode.host.builtinCommands.length;
        await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
        const call = vscode.host.builtinCommands.slice(shown).find((command) => command.id === 'editor.action.showReferences');
        assert.ok(call, 'editor.action.showReferences was not called');
        const [uri, position, locations] = call.args as [vscode.Uri, vscode.Position, vscode.Location[]];
        assert.equal(uri.fsPath, document.uri.fsPath);
        assert.ok(position instanceof vscode.Position);
        assert.ok(locations.some((location) => location.uri.fsPath === file('openspec/changes/rework-notifications/specs/notifications/spec.md')));
    });
});

describe('a missing server binary', () => {
    test('shows an error with a link to the install instructions, and restarting recovers', async () => {
        vscode.host.settings = settings({}, path.join(workspaceDir, 'no-such-binary'));
        vscode.host.messageAnswers.push('Install Instructions');
        await vscode.commands.executeCommand('openspec.restartServer');
        assert.equal(api.client, undefined);
        const error = vscode.host.messages.find((message) => message.level === 'error' && message.message.includes('no-such-binary'));
        assert.ok(error, 'no error message about the missing binary');
        assert.deepEqual(error.items, ['Install Instructions', 'Open Settings']);
        assert.match(error.message, /Remote or Workspace settings/);
        // The button opens the README inside the extension (offline, this version's), not a URL.
        const readme = await waitFor('the install instructions to open', () =>
            vscode.host.builtinCommands.find((command) => command.id === 'markdown.showPreview'),
        );
        assert.equal((readme.args[0] as vscode.Uri).fsPath, path.join(extensionRoot, 'README.md'));
        assert.deepEqual(vscode.host.openedExternal, []);

        vscode.host.settings = settings();
        await vscode.commands.executeCommand('openspec.restartServer');
        assert.ok(currentClient()?.isRunning(), 'the server did not come back after a restart');
    });
});

/** Reads `api.client` afresh (TypeScript would keep an earlier narrowing of it). */
function currentClient(): typeof api.client {
    return api.client;
}

describe('deactivation', () => {
    test('stops every server process the extension started', async () => {
        assert.ok(spawned.length >= 2, `expected a server per start, saw ${spawned.length}`);
        await extension.deactivate();
        for (const child of spawned) {
            assert.ok(child.exitCode !== null || child.signalCode !== null, `server pid ${child.pid} (${spawned.indexOf(child)} of ${spawned.length}: ${String(child.spawnargs)}) is still running`);
        }
    });
});

function editInserting(document: vscode.TextDocument, line: number, text: string): vscode.WorkspaceEdit {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(line, 0), text);
    return edit;
}

function editDeleting(document: vscode.TextDocument, fromLine: number, toLine: number): vscode.WorkspaceEdit {
    const edit = new vscode.WorkspaceEdit();
    edit.delete(document.uri, new vscode.Range(fromLine, 0, toLine, 0));
    return edit;
}
