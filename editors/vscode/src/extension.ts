//! The VS Code client for openspec-lsp: finds the server binary, starts it over stdio with
//! vscode-languageclient, and adds the commands that need the editor (restart, check in a task,
//! archive preview, output). All OpenSpec knowledge lives in the server; this file only wires.

import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
    type DynamicFeature,
    ExecuteCommandRequest,
    type ExecuteCommandRegistrationOptions,
    LanguageClient,
    type LanguageClientOptions,
    type RegistrationData,
    type ServerOptions,
    type StaticFeature,
} from 'vscode-languageclient/node';

import { changeOf, OutlineProvider, rootFolderOf, showSpecHistory, VIEW_ID } from './explorer';
import { PREVIEW_SCHEME, PreviewContentProvider, type PreviewTarget, pickTarget, previewArchiveDiff, previewText } from './preview';
import { type HistoryTarget, showHistory } from './history';
import { COMMAND as RENAME_THROUGH_CHANGE, renameThroughChange } from './renameThroughChange';
import { bundledServerPath, findServer, type ServerLookup } from './serverPath';

/** VS Code commands this extension registers itself; the server's same-named commands are called by them. */
const CLIENT_COMMANDS = new Set(['openspec.restartServer', 'openspec.checkWorkspace', 'openspec.previewArchive', 'openspec.showOutput', 'openspec.history']);

/** The command the missing-server message offers; the npm package needs no Rust toolchain. */
export const INSTALL_COMMAND = 'npm install --global openspec-lsp';

/** Where `openspec.server.path` goes in a remote window, where User settings do not apply to it. */
const REMOTE_SETTING_NOTE =
    'In a remote window (code-server, Remote-SSH, WSL, Codespaces) set it in the Remote or Workspace settings: User settings do not reach the remote machine.';

/** How each lookup source reads in the output channel. */
const SOURCE_NAMES = { setting: 'openspec.server.path', bundled: 'the server bundled with this extension', PATH: 'PATH' } as const;

/** Documents the server cares about (the same globs the server watches). */
export const DOCUMENT_SELECTOR: { scheme: string; language?: string; pattern: string }[] = [
    { scheme: 'file', language: 'markdown', pattern: '**/openspec/**' },
    { scheme: 'file', pattern: '**/openspec/config.yaml' },
    { scheme: 'file', pattern: '**/openspec/config.yml' },
    { scheme: 'file', pattern: '**/.openspec.yaml' },
    { scheme: 'file', pattern: '**/openspec/schemas/**/schema.yaml' },
    // A store's identity file: where go to definition on a store id lands (often outside the
    // workspace folders; the patterns match absolute paths, so store checkouts anywhere attach).
    { scheme: 'file', pattern: '**/.openspec-store/store.yaml' },
];

/** What `activate` returns; tests and other extensions use it to reach the running client. */
export interface OpenSpecApi {
    /** The client while the server runs, otherwise undefined. */
    readonly client: LanguageClient | undefined;
    /** Settles when the current start attempt has finished (started, or given up). */
    readonly ready: Promise<void>;
}

/**
 * vscode-languageclient registers every command the server lists in `executeCommandProvider`
 * as a VS Code command of the same name. `openspec.previewArchive` is both a server command and
 * this extension's UI command (which asks for its arguments first), so registering it twice
 * would throw and stop the client. This client skips the extension's own names when it
 * registers the server's commands; the UI commands call the server with `sendRequest`.
 */
class OpenSpecLanguageClient extends LanguageClient {
    override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
        if ('registrationType' in feature && feature.registrationType.method === ExecuteCommandRequest.method) {
            const commandFeature = feature as DynamicFeature<ExecuteCommandRegistrationOptions>;
            const register = commandFeature.register.bind(commandFeature);
            commandFeature.register = (data: RegistrationData<ExecuteCommandRegistrationOptions>) => {
                const commands = data.registerOptions.commands.filter((command) => !CLIENT_COMMANDS.has(command));
                register({ ...data, registerOptions: { ...data.registerOptions, commands } });
            };
        }
        super.registerFeature(feature);
    }
}

class Extension implements OpenSpecApi {
    client: LanguageClient | undefined;
    ready: Promise<void> = Promise.resolve();
    private readonly output: vscode.OutputChannel;
    private readonly preview = new PreviewContentProvider();
    private readonly outline = new OutlineProvider(() => this.client);
    private readonly serverProcesses = new Set<ChildProcess>();
    private missingBinaryShown = false;
    private waitingForDocument: vscode.Disposable | undefined;

    constructor(private readonly context: vscode.ExtensionContext) {
        this.output = vscode.window.createOutputChannel('OpenSpec');
        context.subscriptions.push(
            this.output,
            this.preview,
            vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this.preview),
            vscode.commands.registerCommand('openspec.restartServer', () => this.restart()),
            vscode.commands.registerCommand('openspec.checkWorkspace', () => this.checkWorkspace()),
            vscode.commands.registerCommand('openspec.previewArchive', (target?: PreviewTarget) => this.previewArchive(target)),
            vscode.commands.registerCommand('openspec.previewArchiveDiff', (target?: PreviewTarget) => previewArchiveDiff(this.preview, this.client, target)),
            vscode.commands.registerCommand('openspec.showOutput', () => this.output.show(true)),
            vscode.commands.registerCommand('openspec.history', (target?: HistoryTarget) => showHistory(this.client, target)),
            ...this.registerExplorer(),
            // The server's code lenses ("2 scenarios", "1 active change: …") carry this command
            // with LSP-typed arguments; it is not in the command palette.
            vscode.commands.registerCommand('openspec.showLocations', (uri: unknown, position: unknown, locations: unknown) =>
                this.showLocations(uri, position, locations),
            ),
            // The code action on an unregistered store reference carries this command with the
            // register command to copy; it edits nothing. Not in the command palette.
            vscode.commands.registerCommand('openspec.copyToClipboard', (text: unknown) => copyToClipboard(text)),
            vscode.tasks.registerTaskProvider('openspec', {
                provideTasks: () => this.checkTasks(),
                resolveTask: (task) => this.resolveCheckTask(task),
            }),
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (event.affectsConfiguration('openspec.server.path')) {
                    void this.restart();
                }
            }),
            {
                dispose: () => {
                    this.waitingForDocument?.dispose();
                },
            },
        );
    }

    /**
     * Starts the server now when the workspace has an OpenSpec folder or an OpenSpec document is
     * open. Otherwise (activated only because some Markdown file opened) it waits for the first
     * OpenSpec document, so a Markdown-only workspace never runs the server or sees an error.
     */
    async activate(): Promise<void> {
        if (await this.workspaceHasOpenSpec()) {
            return this.start();
        }
        this.waitingForDocument = vscode.workspace.onDidOpenTextDocument((document) => {
            if (vscode.languages.match(DOCUMENT_SELECTOR, document) > 0) {
                this.waitingForDocument?.dispose();
                this.waitingForDocument = undefined;
                void this.start();
            }
        });
    }

    private async workspaceHasOpenSpec(): Promise<boolean> {
        if (vscode.workspace.textDocuments.some((document) => vscode.languages.match(DOCUMENT_SELECTOR, document) > 0)) {
            return true;
        }
        const found = await vscode.workspace.findFiles('**/openspec/{specs,changes}/**', '**/node_modules/**', 1);
        if (found.length > 0) {
            return true;
        }
        const configs = await vscode.workspace.findFiles('**/openspec/config.{yaml,yml}', '**/node_modules/**', 1);
        return configs.length > 0;
    }

    start(): Promise<void> {
        this.ready = this.startClient();
        return this.ready;
    }

    private async startClient(): Promise<void> {
        const lookup = this.lookupServer();
        if (lookup.kind !== 'found') {
            this.reportMissingServer(lookup);
            return;
        }
        this.output.appendLine(`Starting ${lookup.path} (found via ${SOURCE_NAMES[lookup.source]}).`);
        const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        // The extension spawns the server itself (rather than handing vscode-languageclient a
        // command) so that it holds the process: the client's own clean-up after `exit` runs a
        // shell script that bundling leaves behind, and a server that missed `exit` would
        // outlive the window. See `reapServers`.
        const serverOptions: ServerOptions = () => {
            const child = spawn(lookup.path, ['serve'], {
                cwd,
                env: { ...process.env, RUST_BACKTRACE: process.env.RUST_BACKTRACE ?? '1' },
                stdio: 'pipe',
            });
            this.serverProcesses.add(child);
            child.on('exit', () => this.serverProcesses.delete(child));
            child.on('error', (error) => this.output.appendLine(`The server process failed: ${error.message}`));
            return Promise.resolve(child);
        };
        const clientOptions: LanguageClientOptions = {
            documentSelector: DOCUMENT_SELECTOR,
            outputChannel: this.output,
            traceOutputChannel: this.output,
            initializationOptions: serverSettings(vscode.workspace.getConfiguration().get('openspec')),
            synchronize: { configurationSection: 'openspec' },
            middleware: {
                workspace: {
                    // The server reads the `openspec` section; hand it the server's keys only,
                    // with `extraRoots` made absolute against the first workspace folder.
                    configuration: async (params, token, next) => {
                        const values = await next(params, token);
                        if (!Array.isArray(values)) {
                            return values;
                        }
                        return values.map((value: unknown, index: number) =>
                            params.items[index]?.section === 'openspec' ? serverSettings(value) : value,
                        );
                    },
                },
            },
        };
        const client = new OpenSpecLanguageClient('openspec', 'OpenSpec', serverOptions, clientOptions);
        client.registerFeature(EXPERIMENTAL_FEATURE);
        this.client = client;
        try {
            await client.start();
            client.onNotification('openspec/outlineChanged', () => this.outline.refresh());
            void vscode.commands.executeCommand('setContext', 'openspec.active', true);
            this.outline.refresh();
        } catch (error) {
            this.client = undefined;
            this.output.appendLine(`The server failed to start: ${String(error)}`);
            const choice = await vscode.window.showErrorMessage(
                `OpenSpec: the language server (${lookup.path}) failed to start. See the output for details.`,
                'Show Output',
            );
            if (choice === 'Show Output') {
                this.output.show(true);
            }
        }
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client !== undefined) {
            await client.stop().catch((error: unknown) => this.output.appendLine(`Stopping the server failed: ${String(error)}`));
        }
        await this.reapServers();
    }

    /**
     * Makes sure no server process outlives its client: closes stdin (end of input also stops a
     * server), waits up to two seconds, then kills what is left.
     */
    private async reapServers(): Promise<void> {
        const alive = [...this.serverProcesses].filter((child) => child.exitCode === null && child.signalCode === null);
        await Promise.all(
            alive.map(
                (child) =>
                    new Promise<void>((resolve) => {
                        const timer = setTimeout(() => {
                            this.output.appendLine(`The server (pid ${child.pid}) did not exit after shutdown; killing it.`);
                            child.kill('SIGKILL');
                        }, 2000);
                        child.once('exit', () => {
                            clearTimeout(timer);
                            resolve();
                        });
                        child.stdin?.end();
                    }),
            ),
        );
        this.serverProcesses.clear();
    }

    private async restart(): Promise<void> {
        this.waitingForDocument?.dispose();
        this.waitingForDocument = undefined;
        this.missingBinaryShown = false;
        await this.stop();
        await this.start();
    }

    private lookupServer(): ServerLookup {
        const configured = vscode.workspace.getConfiguration('openspec').get<string | null>('server.path');
        return findServer(
            configured,
            vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
            process.env,
            bundledServerPath(this.context.extensionUri.fsPath),
        );
    }

    private reportMissingServer(lookup: Exclude<ServerLookup, { kind: 'found' }>): void {
        const message =
            lookup.kind === 'badSetting'
                ? `OpenSpec: "openspec.server.path" is set to ${lookup.configured}, but ${lookup.resolved} is not an executable file. ${REMOTE_SETTING_NOTE}`
                : 'OpenSpec: the language server `openspec-lsp` was not found: "openspec.server.path" is not set, this build of the extension carries no server, and there is none on PATH. ' +
                  `Install it with \`${INSTALL_COMMAND}\` and run "OpenSpec: Restart Server", or set "openspec.server.path" to the binary. ${REMOTE_SETTING_NOTE}`;
        this.output.appendLine(message);
        if (this.missingBinaryShown) {
            return;
        }
        this.missingBinaryShown = true;
        void vscode.window.showErrorMessage(message, 'Install Instructions', 'Open Settings').then((choice) => {
            if (choice === 'Install Instructions') {
                void this.openInstallInstructions();
            } else if (choice === 'Open Settings') {
                void vscode.commands.executeCommand('workbench.action.openSettings', 'openspec.server.path');
            }
        });
    }

    /**
     * Opens the README that ships inside the extension (its first section is "Install"), rendered
     * by VS Code's Markdown preview, so the instructions are there offline and match this version.
     */
    private async openInstallInstructions(): Promise<void> {
        const readme = vscode.Uri.joinPath(this.context.extensionUri, 'README.md');
        try {
            await vscode.commands.executeCommand('markdown.showPreview', readme);
        } catch {
            await vscode.window.showTextDocument(readme);
        }
    }

    /** The OpenSpec view (`explorer.ts`), its context actions and "Rename through change...". */
    private registerExplorer(): vscode.Disposable[] {
        const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.outline, showCollapseAll: true });
        this.outline.onInvalidCount = (count) => {
            view.badge = count > 0 ? { value: count, tooltip: `${count} invalid OpenSpec item${count === 1 ? '' : 's'}` } : undefined;
        };
        return [
            this.outline,
            view,
            vscode.commands.registerCommand('openspec.explorer.refresh', () => this.outline.refresh()),
            vscode.commands.registerCommand('openspec.explorer.previewArchive', (node: unknown) => {
                const target = changeOf(node);
                return target === undefined ? undefined : this.previewArchive(target);
            }),
            vscode.commands.registerCommand('openspec.explorer.check', (node: unknown) => this.checkItem(node)),
            vscode.commands.registerCommand('openspec.explorer.history', (node: unknown) => showSpecHistory(this.client, node)),
            vscode.commands.registerCommand(RENAME_THROUGH_CHANGE, (argument: unknown) => renameThroughChange(this.client, argument)),
        ];
    }

    /** From the OpenSpec view: `check --archive-ready <id>` for a change, `check` of the root otherwise. */
    private async checkItem(node: unknown): Promise<void> {
        const folder = rootFolderOf(node);
        const lookup = this.lookupServer();
        if (folder === undefined || lookup.kind !== 'found') {
            return lookup.kind === 'found' ? this.checkWorkspace() : this.reportMissingServer(lookup);
        }
        const change = changeOf(node)?.change;
        const args = change === undefined ? ['check', folder] : ['check', '--archive-ready', change, folder];
        const execution = new vscode.ProcessExecution(lookup.path, args, { cwd: folder });
        const scope = vscode.workspace.workspaceFolders?.[0] ?? vscode.TaskScope.Workspace;
        const task = new vscode.Task({ type: 'openspec', command: 'check' }, scope, change === undefined ? 'check' : `check ${change}`, 'openspec', execution, []);
        task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
        await vscode.tasks.executeTask(task);
    }

    private async checkWorkspace(): Promise<void> {
        const folders = vscode.workspace.workspaceFolders ?? [];
        const folder = folders.length <= 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to check' });
        if (folder === undefined) {
            if (folders.length === 0) {
                void vscode.window.showWarningMessage('OpenSpec: open a folder to check it.');
            }
            return;
        }
        const task = this.checkTask(folder);
        if (task !== undefined) {
            await vscode.tasks.executeTask(task);
        }
    }

    private checkTasks(): vscode.Task[] {
        return (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => this.checkTask(folder) ?? []);
    }

    private resolveCheckTask(task: vscode.Task): vscode.Task | undefined {
        const folder = task.scope;
        if (typeof folder !== 'object' || !('uri' in folder)) {
            return undefined;
        }
        return this.checkTask(folder, task.definition);
    }

    /** `openspec-lsp check [--strict] [--all-rules] <folder>` as a task, so its output lands in a terminal. */
    private checkTask(folder: vscode.WorkspaceFolder, definition?: vscode.TaskDefinition): vscode.Task | undefined {
        const lookup = this.lookupServer();
        if (lookup.kind !== 'found') {
            this.reportMissingServer(lookup);
            return undefined;
        }
        const settings = vscode.workspace.getConfiguration('openspec', folder.uri);
        const args = ['check'];
        if (settings.get<boolean>('strict')) {
            args.push('--strict');
        }
        if (settings.get<boolean>('allRules')) {
            args.push('--all-rules');
        }
        args.push(folder.uri.fsPath);
        const execution = new vscode.ProcessExecution(lookup.path, args, { cwd: folder.uri.fsPath });
        const task = new vscode.Task(definition ?? { type: 'openspec', command: 'check' }, folder, 'check', 'openspec', execution, []);
        task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
        return task;
    }

    private async showLocations(uri: unknown, position: unknown, locations: unknown): Promise<void> {
        const client = this.client;
        if (client === undefined || typeof uri !== 'string' || !Array.isArray(locations)) {
            return;
        }
        const converter = client.protocol2CodeConverter;
        await vscode.commands.executeCommand(
            'editor.action.showReferences',
            converter.asUri(uri),
            converter.asPosition(position as Parameters<typeof converter.asPosition>[0]),
            locations.map((location) => converter.asLocation(location as Parameters<typeof converter.asLocation>[0])),
        );
    }

    private async previewArchive(argument?: PreviewTarget): Promise<vscode.TextDocument | undefined> {
        const target = isPreviewTarget(argument) ? argument : await pickTarget();
        if (target === undefined) {
            return undefined;
        }
        const client = this.client;
        if (client === undefined || !client.isRunning()) {
            void vscode.window.showErrorMessage('OpenSpec: the language server is not running; the archive preview needs it.');
            return undefined;
        }
        let result: unknown;
        try {
            result = await client.sendRequest(ExecuteCommandRequest.type, { command: 'openspec.previewArchive', arguments: [target] });
        } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            void vscode.window.showErrorMessage(`OpenSpec: cannot preview ${describe(target)}: ${reason}`);
            return undefined;
        }
        const text = previewText(result);
        if (text === undefined) {
            void vscode.window.showErrorMessage(`OpenSpec: the server returned no preview for ${describe(target)}.`);
            return undefined;
        }
        const uri = this.preview.set(target, text);
        const document = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        return document;
    }
}

/** Declares `experimental.openspec`: the server then sends `openspec/outlineChanged` and offers "Rename through change...". */
const EXPERIMENTAL_FEATURE: StaticFeature = {
    fillClientCapabilities(capabilities) {
        const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>;
        capabilities.experimental = { ...experimental, openspec: { outlineChanged: true, renameThroughChange: true } };
    },
    initialize: () => undefined,
    getState: () => ({ kind: 'static' }),
    clear: () => undefined,
};

/** Puts `text` on the clipboard and says so. */
export async function copyToClipboard(text: unknown): Promise<void> {
    if (typeof text !== 'string') {
        return;
    }
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(`OpenSpec: copied to the clipboard: ${text}`);
}

function describe(target: PreviewTarget): string {
    return target.capability === undefined ? target.change : `${target.change} → ${target.capability}`;
}

function isPreviewTarget(value: unknown): value is PreviewTarget {
    if (typeof value !== 'object' || value === null) {
        return false;
    }
    const target = value as Partial<PreviewTarget>;
    return typeof target.change === 'string' && (target.capability === undefined || typeof target.capability === 'string');
}

/** The `openspec` settings the server understands, with relative `extraRoots` made absolute. */
export function serverSettings(section: unknown): Record<string, unknown> {
    const value = typeof section === 'object' && section !== null ? (section as Record<string, unknown>) : {};
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const extraRoots = Array.isArray(value.extraRoots)
        ? value.extraRoots
              .filter((root): root is string => typeof root === 'string')
              .map((root) => (base !== undefined && !path.isAbsolute(root) ? path.resolve(base, root) : root))
        : [];
    return {
        strict: value.strict === true,
        allRules: value.allRules === true,
        severity: typeof value.severity === 'object' && value.severity !== null ? value.severity : {},
        extraRoots,
    };
}

let extension: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<OpenSpecApi> {
    extension = new Extension(context);
    await extension.activate();
    return extension;
}

export async function deactivate(): Promise<void> {
    await extension?.stop();
    extension = undefined;
}
