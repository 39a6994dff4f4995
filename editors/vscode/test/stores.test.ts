//! Stores in VS Code (the built extension with the vscode stand-in, against the real server): an
//! application workspace whose config references a registered store, checked out OUTSIDE the
//! workspace folder, and an unregistered one. The unregistered reference's finding shows and its
//! code action copies the register command to the clipboard (`openspec.copyToClipboard`, run by
//! the extension); go to definition on the store id leads to the store's identity file, and the
//! files of the checkout (that file, a spec found through workspace symbols) are documents the
//! client serves (its selector matches them), with hover working. The registry lives in a temp
//! XDG_DATA_HOME, which the server inherits.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';

import { type ExtensionModule, codeOf, fakeContext, installVscodeMock, loadExtension, openInEditor, repoRoot, waitFor } from './host';
import * as vscode from './vscodeMock';

installVscodeMock();

const serverBin = process.env.OPENSPEC_LSP_BIN ?? path.join(repoRoot, 'target', 'debug', 'openspec-lsp');
const token = new vscode.CancellationTokenSource().token;

let extension: ExtensionModule;
let context: ReturnType<typeof fakeContext>;
let top: string;

function write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
}

const app = () => path.join(top, 'app');
const team = () => path.join(top, 'team-specs');
const config = () => path.join(app(), 'openspec', 'config.yaml');

function provider(kind: string): vscode.Registration {
    const registration = vscode.host.registrations.find((known) => known.kind === kind);
    assert.ok(registration, `no ${kind} provider registered`);
    return registration;
}

before(async () => {
    assert.ok(fs.existsSync(serverBin), `no server binary at ${serverBin}; build it (cargo build) or set OPENSPEC_LSP_BIN`);
    top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'openspec-vscode-stores-')));
    write(config(), 'schema: spec-driven\nreferences:\n  - team-specs\n  - ghost\n');
    write(path.join(team(), '.openspec-store', 'store.yaml'), 'version: 1\nid: team-specs\n');
    write(path.join(team(), 'openspec', 'config.yaml'), 'schema: spec-driven\n');
    write(
        path.join(team(), 'openspec', 'specs', 'auth', 'spec.md'),
        '## Purpose\nSign-in keeps every account safe for the people who use the product.\n\n## Requirements\n### Requirement: Login\nThe system SHALL let people sign in.\n\n#### Scenario: Good password\n- **WHEN** the password matches\n- **THEN** the session starts\n',
    );
    write(
        path.join(top, 'data', 'openspec', 'stores', 'registry.yaml'),
        `version: 1\nstores:\n  team-specs:\n    backend:\n      type: git\n      local_path: ${team()}\n`,
    );
    process.env.XDG_DATA_HOME = path.join(top, 'data');
    vscode.host.workspaceFolders = [{ uri: vscode.Uri.file(app()), name: 'app', index: 0 }];
    vscode.host.settings = { openspec: { server: { path: serverBin }, strict: false, allRules: false, severity: {}, extraRoots: [], trace: { server: 'off' } } };
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
    if (top !== undefined) {
        fs.rmSync(top, { recursive: true, force: true });
    }
});

test('the unregistered reference shows, and its code action copies the register command', async () => {
    const document = await openInEditor(config());
    const finding = await waitFor('the store finding', () =>
        vscode.diagnosticsFor(document.uri).find((diagnostic) => codeOf(diagnostic) === 'store/reference-unresolved'),
    );
    assert.deepEqual([finding.range.start.line, finding.range.start.character], [3, 4]);
    const actions = (await provider('CodeActions').provider.provideCodeActions(document, finding.range, { diagnostics: [finding], only: undefined, triggerKind: 1 }, token)) as
        | { title: string; command?: { command: string; arguments?: unknown[] } }[]
        | undefined;
    const action = (actions ?? []).find((candidate) => candidate.title === "Copy the command that registers store 'ghost'");
    assert.ok(action?.command, `no copy action: ${JSON.stringify(actions)}`);
    assert.equal(action.command.command, 'openspec.copyToClipboard');
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    assert.equal(vscode.host.clipboard, 'openspec store register <path> --id ghost');
});

test("go to definition on a store id opens the store's identity file, which the client serves", async () => {
    const document = await openInEditor(config());
    const result = (await provider('Definition').provider.provideDefinition(document, new vscode.Position(2, 6), token)) as
        | (vscode.Location | { targetUri: vscode.Uri })[]
        | undefined;
    const first = result?.[0];
    assert.ok(first, 'no definition');
    const uri = 'targetUri' in first ? first.targetUri : first.uri;
    assert.equal(uri.fsPath, path.join(team(), '.openspec-store', 'store.yaml'));
    const identity = await openInEditor(uri.fsPath);
    assert.ok(vscode.languages.match(provider('Hover').selector, identity) > 0, 'the identity file is not served');
});

test("a workspace symbol leads into the store's checkout, read-only context with hover", async () => {
    // `registerWorkspaceSymbolProvider(provider)` takes no selector: the stand-in records the
    // provider in the selector's place.
    const symbolRegistration = provider('WorkspaceSymbol');
    const symbolProvider = symbolRegistration.provider ?? (symbolRegistration.selector as vscode.Registration["provider"]);
    const symbols = (await symbolProvider.provideWorkspaceSymbols('Login', token)) as
        | { name: string; containerName?: string; location: vscode.Location }[]
        | undefined;
    const symbol = (symbols ?? []).find((candidate) => (candidate.containerName ?? '').startsWith('[store team-specs, read-only]'));
    assert.ok(symbol, `no labelled symbol: ${JSON.stringify(symbols?.map((found) => [found.name, found.containerName]))}`);
    const spec = await openInEditor(symbol.location.uri.fsPath);
    const hoverRegistration = provider('Hover');
    assert.ok(vscode.languages.match(hoverRegistration.selector, spec) > 0, 'the store spec is not served');
    const hover = (await hoverRegistration.provider.provideHover(spec, new vscode.Position(symbol.location.range.start.line, 20), token)) as
        | { contents: ({ value: string } | string)[] }
        | undefined;
    const text = (hover?.contents ?? []).map((content) => (typeof content === 'string' ? content : content.value)).join('\n');
    assert.ok(text.includes('The system SHALL let people sign in.'), text);
});
