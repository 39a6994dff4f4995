//! The test host: makes `require('vscode')` return the stand-in in vscodeMock.ts (strictly: an
//! API it lacks throws instead of being undefined), loads the built extension from dist/, and
//! gives the tests small helpers (activate with a fake ExtensionContext, open a file in an
//! "editor", wait for a condition).

import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

import * as vscode from './vscodeMock';

/** editors/vscode (out/test/*.js are two levels below it). */
export const extensionRoot = path.resolve(__dirname, '..', '..');
export const repoRoot = path.resolve(extensionRoot, '..', '..');

const VSCODE_ID = path.join(extensionRoot, '__vscode_stand_in__.js');

/** Names looked up for feature detection or module interop; unknown ones read as undefined. */
const PASSTHROUGH = new Set(['__esModule', 'default', 'then', 'toJSON', 'constructor', 'prototype', 'inspect']);

export function installVscodeMock(): void {
    const strict = new Proxy(vscode, {
        get(target, property) {
            if (property in target || typeof property === 'symbol' || PASSTHROUGH.has(property)) {
                return Reflect.get(target, property) as unknown;
            }
            throw new Error(`vscode mock: vscode.${property} is not implemented`);
        },
    });
    const cached = new Module(VSCODE_ID);
    cached.filename = VSCODE_ID;
    cached.loaded = true;
    cached.exports = strict;
    require.cache[VSCODE_ID] = cached;
    const moduleWithResolver = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
    const resolve = moduleWithResolver._resolveFilename.bind(Module);
    moduleWithResolver._resolveFilename = (request: string, ...rest: unknown[]) => (request === 'vscode' ? VSCODE_ID : resolve(request, ...rest));
}

export interface ExtensionModule {
    activate(context: unknown): Promise<import('../src/extension').OpenSpecApi>;
    deactivate(): Promise<void>;
}

export function loadExtension(): ExtensionModule {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(extensionRoot, 'dist', 'extension.js')) as ExtensionModule;
}

export function fakeContext(): { subscriptions: { dispose(): unknown }[]; [key: string]: unknown } {
    const packageJSON: unknown = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8'));
    const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] };
    return {
        subscriptions: [],
        extensionPath: extensionRoot,
        extensionUri: vscode.Uri.file(extensionRoot),
        extension: { id: 'openspec-lsp.openspec-lsp', extensionPath: extensionRoot, packageJSON },
        asAbsolutePath: (relative: string) => path.join(extensionRoot, relative),
        globalState: memento,
        workspaceState: memento,
        storageUri: undefined,
        globalStorageUri: vscode.Uri.file(path.join(extensionRoot, 'out', 'storage')),
        logUri: vscode.Uri.file(path.join(extensionRoot, 'out', 'log')),
    };
}

/**
 * Activates the built extension on `workspaceDir` with the server at `serverBin` and default
 * settings; `stop` deactivates it, disposes what it registered and removes the folder.
 */
export async function startExtension(workspaceDir: string, serverBin: string): Promise<{ stop(): Promise<void> }> {
    vscode.host.workspaceFolders = [{ uri: vscode.Uri.file(workspaceDir), name: path.basename(workspaceDir), index: 0 }];
    vscode.host.settings = {
        openspec: { server: { path: serverBin }, strict: false, allRules: false, severity: {}, extraRoots: [], trace: { server: 'off' } },
    };
    const extension = loadExtension();
    const context = fakeContext();
    const api = await extension.activate(context);
    await api.ready;
    return {
        async stop() {
            await extension.deactivate();
            for (const disposable of context.subscriptions) {
                disposable.dispose();
            }
            fs.rmSync(workspaceDir, { recursive: true, force: true });
        },
    };
}

/** Opens a file and shows it in an editor tab, as a user would. */
export async function openInEditor(fsPath: string): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(fsPath));
    await vscode.window.showTextDocument(document);
    return document;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
    const code = diagnostic.code;
    if (code === undefined) {
        return undefined;
    }
    return typeof code === 'object' ? String(code.value) : String(code);
}

/** `line:col-line:col code` (0-based), one diagnostic a line, sorted: easy to read in a diff. */
export function renderDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string[] {
    return diagnostics
        .map((diagnostic) => {
            const { start, end } = diagnostic.range;
            return `${start.line}:${start.character}-${end.line}:${end.character} ${codeOf(diagnostic)}`;
        })
        .sort();
}
