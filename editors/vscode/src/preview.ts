//! The archive preview: which change and capability to preview (quick picks over the delta
//! specs in the workspace), the read-only `openspec-preview:` documents that show the merged
//! spec the server computed, and the diff editor between each main spec as it is and as
//! `openspec archive` would leave it (`openspec.previewArchiveDiff`). It never writes a file.

import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';

export const PREVIEW_SCHEME = 'openspec-preview';

/** Arguments of the server command `openspec.previewArchive`. */
export interface PreviewTarget {
    change: string;
    /** Omitted: every capability the change touches, one after the other. */
    capability?: string;
    /** URI of the folder holding `openspec/`; tells roots apart in a monorepo. */
    root?: string;
}

/** Holds the text of every preview opened in this session, keyed by URI. */
export class PreviewContentProvider implements vscode.TextDocumentContentProvider {
    private readonly texts = new Map<string, string>();
    private readonly changed = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.changed.event;

    provideTextDocumentContent(uri: vscode.Uri): string {
        return this.texts.get(uri.toString()) ?? '';
    }

    /** Stores (or refreshes) a preview and returns its URI. */
    set(target: PreviewTarget, text: string): vscode.Uri {
        // The path ends in `spec.md`, so VS Code picks the Markdown language mode by itself.
        const uri = vscode.Uri.from({
            scheme: PREVIEW_SCHEME,
            path: target.capability === undefined ? `/${target.change}/all-specs.md` : `/${target.change}/specs/${target.capability}/spec.md`,
        });
        return this.put(uri, text);
    }

    /** Stores (or refreshes) the text of `uri`, a URI of this provider's scheme. */
    put(uri: vscode.Uri, text: string): vscode.Uri {
        const key = uri.toString();
        const known = this.texts.has(key);
        this.texts.set(key, text);
        if (known) {
            this.changed.fire(uri);
        }
        return uri;
    }

    dispose(): void {
        this.changed.dispose();
    }
}

/** An active change of one OpenSpec root, with the capabilities its delta specs touch. */
export interface ChangeDeltas {
    /** The folder holding `openspec/`. */
    root: vscode.Uri;
    change: string;
    capabilities: string[];
}

/** Every active change with delta specs in the workspace, sorted by change id. */
export async function listDeltaSpecs(): Promise<ChangeDeltas[]> {
    const files = await vscode.workspace.findFiles('**/openspec/changes/*/specs/**/spec.md', '**/node_modules/**');
    const byChange = new Map<string, ChangeDeltas>();
    for (const file of files) {
        const located = locateDelta(file.path);
        if (located === undefined) {
            continue;
        }
        const root = file.with({ path: located.rootPath });
        const key = `${root.toString()}\0${located.change}`;
        const entry = byChange.get(key) ?? { root, change: located.change, capabilities: [] };
        entry.capabilities.push(located.capability);
        byChange.set(key, entry);
    }
    const entries = [...byChange.values()];
    entries.forEach((entry) => entry.capabilities.sort());
    return entries.sort((a, b) => a.change.localeCompare(b.change) || a.root.path.localeCompare(b.root.path));
}

/** `<root>/openspec/changes/<id>/specs/<capability path>/spec.md` -> root path, change and capability. */
export function locateDelta(filePath: string): { rootPath: string; change: string; capability: string } | undefined {
    const normalized = filePath.replace(/\\/g, '/');
    const match = /^(.*)\/openspec\/changes\/([^/]+)\/specs\/(.+)\/spec\.md$/.exec(normalized);
    if (match === null || match[2] === 'archive' || match[2].startsWith('.')) {
        return undefined;
    }
    return { rootPath: match[1], change: match[2], capability: match[3] };
}

const ALL_CAPABILITIES = 'All capabilities';

/**
 * Asks for the change and capability with quick picks, offering the delta spec in the active
 * editor first. Returns undefined when the user cancels or there is nothing to preview.
 */
export async function pickTarget(): Promise<PreviewTarget | undefined> {
    const changes = await listDeltaSpecs();
    if (changes.length === 0) {
        void vscode.window.showInformationMessage('OpenSpec: no active change has delta specs to preview.');
        return undefined;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const current = active?.scheme === 'file' ? locateDelta(active.path) : undefined;
    if (current !== undefined && active !== undefined) {
        const useCurrent = `${current.change} → ${current.capability}`;
        const picked = await vscode.window.showQuickPick([useCurrent, 'Another change…'], {
            title: 'OpenSpec: preview the archived spec',
            placeHolder: 'Preview the delta spec in the editor?',
        });
        if (picked === undefined) {
            return undefined;
        }
        if (picked === useCurrent) {
            return { change: current.change, capability: current.capability, root: active.with({ path: current.rootPath }).toString() };
        }
    }
    const roots = new Set(changes.map((entry) => entry.root.toString()));
    const changeItems = changes.map((entry) => ({
        label: entry.change,
        description: entry.capabilities.join(', '),
        detail: roots.size > 1 ? vscode.workspace.asRelativePath(entry.root) : undefined,
        entry,
    }));
    const picked = await vscode.window.showQuickPick(changeItems, {
        title: 'OpenSpec: preview the archived spec',
        placeHolder: 'Change to archive',
    });
    if (picked === undefined) {
        return undefined;
    }
    const { entry } = picked;
    const root = entry.root.toString();
    if (entry.capabilities.length === 1) {
        return { change: entry.change, capability: entry.capabilities[0], root };
    }
    const capability = await vscode.window.showQuickPick([...entry.capabilities, ALL_CAPABILITIES], {
        title: `OpenSpec: preview ${entry.change}`,
        placeHolder: 'Capability whose merged spec to show',
    });
    if (capability === undefined) {
        return undefined;
    }
    return capability === ALL_CAPABILITIES ? { change: entry.change, root } : { change: entry.change, capability, root };
}

/** Reads the server's answer: a string, or (leniently) an object carrying the text. */
export function previewText(result: unknown): string | undefined {
    if (typeof result === 'string') {
        return result;
    }
    if (typeof result === 'object' && result !== null) {
        const text = (result as { text?: unknown }).text;
        if (typeof text === 'string') {
            return text;
        }
    }
    return undefined;
}

/** A refusal in the server's JSON preview: archive's message and where it points (1-based). */
export interface PreviewRefusal {
    path: string;
    line: number;
    column: number;
    step: string;
    message: string;
}

/** One main spec in the server's JSON preview. */
export interface CapabilityPreview {
    capability: string;
    path: string;
    action: 'create' | 'modify' | 'delete' | 'unchanged';
    /** The file after archive; null when it is deleted (or never created). */
    text: string | null;
    /** The file now; null when the capability has no main spec. */
    current: string | null;
    refusals: PreviewRefusal[];
}

/** `openspec.previewArchive` with `"format": "json"` (= `openspec-lsp preview --format json`). */
export interface ArchivePreview {
    change: string;
    wouldRefuse: boolean;
    capabilities: CapabilityPreview[];
    refusals: PreviewRefusal[];
}

/** Reads the server's JSON preview; undefined when the answer has another shape. */
export function parseArchivePreview(result: unknown): ArchivePreview | undefined {
    if (typeof result !== 'object' || result === null) {
        return undefined;
    }
    const preview = result as Partial<ArchivePreview>;
    if (typeof preview.change !== 'string' || !Array.isArray(preview.capabilities)) {
        return undefined;
    }
    return { change: preview.change, wouldRefuse: preview.wouldRefuse === true, capabilities: preview.capabilities, refusals: preview.refusals ?? [] };
}

/** The two sides of one capability's diff: the main spec now, and after archive. */
export function diffUris(change: string, capability: string): { current: vscode.Uri; merged: vscode.Uri } {
    return {
        current: vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${change}/current/${capability}/spec.md` }),
        merged: vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${change}/archived/${capability}/spec.md` }),
    };
}

/** `path:line:column: message` for every refusal, change-wide ones first. */
export function describeRefusals(preview: ArchivePreview): string[] {
    const all = [...preview.refusals, ...preview.capabilities.flatMap((capability) => capability.refusals)];
    return all.map((refusal) => `${refusal.path}:${refusal.line}:${refusal.column}: ${refusal.message}`);
}

/**
 * `openspec.previewArchiveDiff`: asks the server what archiving the change would do and opens
 * VS Code's diff editor between each main spec as it is and as archive would leave it (an
 * empty side for a created or deleted file; unchanged specs are skipped). Refusals are shown
 * as a warning. Returns the archived side of every diff opened.
 */
export async function previewArchiveDiff(
    provider: PreviewContentProvider,
    client: LanguageClient | undefined,
    argument?: PreviewTarget,
): Promise<vscode.Uri[]> {
    const target = argument ?? (await pickTarget());
    if (target === undefined) {
        return [];
    }
    if (client === undefined || !client.isRunning()) {
        void vscode.window.showErrorMessage('OpenSpec: the language server is not running; the archive preview needs it.');
        return [];
    }
    let preview: ArchivePreview | undefined;
    try {
        const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
            command: 'openspec.previewArchive',
            arguments: [{ ...target, format: 'json' }],
        });
        preview = parseArchivePreview(result);
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(`OpenSpec: cannot preview ${target.change}: ${reason}`);
        return [];
    }
    if (preview === undefined) {
        void vscode.window.showErrorMessage(`OpenSpec: the server returned no preview for ${target.change}.`);
        return [];
    }
    const refusals = describeRefusals(preview);
    if (refusals.length > 0) {
        void vscode.window.showWarningMessage(`OpenSpec: \`openspec archive ${preview.change}\` would refuse:\n${refusals.join('\n')}`);
    }
    const opened: vscode.Uri[] = [];
    for (const capability of preview.capabilities) {
        if (capability.action === 'unchanged') {
            continue;
        }
        const { current, merged } = diffUris(preview.change, capability.capability);
        provider.put(current, capability.current ?? '');
        provider.put(merged, capability.text ?? '');
        const title = `${capability.path} (${capability.action}) ↔ after archiving ${preview.change}`;
        await vscode.commands.executeCommand('vscode.diff', current, merged, title, { preview: preview.capabilities.length === 1 });
        opened.push(merged);
    }
    if (opened.length === 0 && refusals.length === 0) {
        void vscode.window.showInformationMessage(`OpenSpec: archiving ${preview.change} leaves every main spec as it is.`);
    }
    return opened;
}
