//! The archive preview: which change and capability to preview (quick picks over the delta
//! specs in the workspace), and the read-only `openspec-preview:` documents that show the
//! merged spec the server computed. It never writes a file.

import * as vscode from 'vscode';

export const PREVIEW_SCHEME = 'openspec-preview';

/** Arguments of the server command `openspec.previewArchive`. */
export interface PreviewTarget {
    change: string;
    capability: string;
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
            path: `/${target.change}/specs/${target.capability}/spec.md`,
        });
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

/** Every active change with the capabilities its delta specs touch, from the workspace files. */
export async function listDeltaSpecs(): Promise<Map<string, string[]>> {
    const files = await vscode.workspace.findFiles('**/openspec/changes/*/specs/**/spec.md', '**/node_modules/**');
    const byChange = new Map<string, Set<string>>();
    for (const file of files) {
        const target = targetOf(file.path);
        if (target === undefined) {
            continue;
        }
        const capabilities = byChange.get(target.change) ?? new Set<string>();
        capabilities.add(target.capability);
        byChange.set(target.change, capabilities);
    }
    const sorted = new Map<string, string[]>();
    for (const change of [...byChange.keys()].sort()) {
        sorted.set(change, [...(byChange.get(change) ?? [])].sort());
    }
    return sorted;
}

/** `…/openspec/changes/<id>/specs/<capability path>/spec.md` -> change and capability. */
export function targetOf(filePath: string): PreviewTarget | undefined {
    const match = /\/openspec\/changes\/([^/]+)\/specs\/(.+)\/spec\.md$/.exec(filePath.replace(/\\/g, '/'));
    if (match === null || match[1] === 'archive' || match[1].startsWith('.')) {
        return undefined;
    }
    return { change: match[1], capability: match[2] };
}

/**
 * Asks for the change and capability with quick picks, preselecting the delta spec in the active
 * editor. Returns undefined when the user cancels or there is nothing to preview.
 */
export async function pickTarget(): Promise<PreviewTarget | undefined> {
    const deltas = await listDeltaSpecs();
    if (deltas.size === 0) {
        void vscode.window.showInformationMessage('OpenSpec: no active change has delta specs to preview.');
        return undefined;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const current = active?.scheme === 'file' ? targetOf(active.path) : undefined;
    if (current !== undefined && deltas.get(current.change)?.includes(current.capability)) {
        const useCurrent = `${current.change} → ${current.capability}`;
        const picked = await vscode.window.showQuickPick([useCurrent, 'Another change…'], {
            title: 'OpenSpec: preview the archived spec',
            placeHolder: 'Preview the delta spec in the editor?',
        });
        if (picked === undefined) {
            return undefined;
        }
        if (picked === useCurrent) {
            return current;
        }
    }
    const changeItems = [...deltas.entries()].map(([change, capabilities]) => ({
        label: change,
        description: capabilities.join(', '),
    }));
    const change = await vscode.window.showQuickPick(changeItems, {
        title: 'OpenSpec: preview the archived spec',
        placeHolder: 'Change to archive',
    });
    if (change === undefined) {
        return undefined;
    }
    const capabilities = deltas.get(change.label) ?? [];
    if (capabilities.length === 1) {
        return { change: change.label, capability: capabilities[0] };
    }
    const capability = await vscode.window.showQuickPick(capabilities, {
        title: `OpenSpec: preview ${change.label}`,
        placeHolder: 'Capability whose merged spec to show',
    });
    return capability === undefined ? undefined : { change: change.label, capability };
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
