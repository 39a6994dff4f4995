//! The "OpenSpec" view in the Explorer sidebar: the server's `openspec/outline` as a tree (roots >
//! specs and active changes > the capabilities a change touches), refreshed when the server sends
//! `openspec/outlineChanged`. Clicking opens the file; the context menu previews a change's
//! archive and checks an item. All OpenSpec knowledge is in the server; this file only draws.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { showHistory } from './history';

export const VIEW_ID = 'openspec.outline';

interface Verdict {
    valid: boolean;
    errors: number;
    warnings: number;
}
interface SpecOutline {
    capability: string;
    uri: string | null;
    requirements: number;
    verdict: Verdict;
}
interface TouchedCapability {
    capability: string;
    uri: string | null;
    existing: boolean;
}
interface ChangeOutline {
    id: string;
    uri: string | null;
    verdict: Verdict;
    tasks: { done: number; total: number } | null;
    ready: boolean;
    readiness: string;
    capabilities: TouchedCapability[];
}
interface RootOutline {
    uri: string | null;
    name: string;
    specs: SpecOutline[];
    changes: ChangeOutline[];
}
export interface OutlineAnswer {
    roots: RootOutline[];
}

/** One row of the tree; `contextValue` drives the context menu (see package.json). */
export type OutlineNode =
    | { kind: 'root'; root: RootOutline }
    | { kind: 'spec'; root: RootOutline; spec: SpecOutline }
    | { kind: 'change'; root: RootOutline; change: ChangeOutline }
    | { kind: 'delta'; root: RootOutline; change: ChangeOutline; touched: TouchedCapability };

function plural(count: number, word: string): string {
    return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function verdictText(verdict: Verdict): string {
    if (verdict.valid) {
        return verdict.warnings > 0 ? `valid, ${plural(verdict.warnings, 'warning')}` : 'valid';
    }
    return `invalid: ${plural(verdict.errors, 'error')}`;
}

function fileUri(uri: string | null): vscode.Uri | undefined {
    return uri === null ? undefined : vscode.Uri.parse(uri);
}

function openCommand(uri: string | null): vscode.Command | undefined {
    const target = fileUri(uri);
    return target === undefined ? undefined : { title: 'Open', command: 'vscode.open', arguments: [target] };
}

/** The tree row of a node (exported for the tests: what the user sees). */
export function treeItem(node: OutlineNode): vscode.TreeItem {
    const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    const none = vscode.TreeItemCollapsibleState.None;
    switch (node.kind) {
        case 'root': {
            const item = new vscode.TreeItem(node.root.name, vscode.TreeItemCollapsibleState.Expanded);
            item.description = `${plural(node.root.specs.length, 'spec')}, ${plural(node.root.changes.length, 'active change')}`;
            item.contextValue = 'openspecRoot';
            item.iconPath = new vscode.ThemeIcon('root-folder');
            return item;
        }
        case 'spec': {
            const { spec } = node;
            const item = new vscode.TreeItem(spec.capability, none);
            item.description = `${plural(spec.requirements, 'requirement')} · ${verdictText(spec.verdict)}`;
            item.tooltip = `Spec ${spec.capability}: ${item.description}`;
            item.contextValue = 'openspecSpec';
            item.iconPath = new vscode.ThemeIcon(spec.verdict.valid ? 'book' : 'error');
            item.command = openCommand(spec.uri);
            item.resourceUri = fileUri(spec.uri);
            return item;
        }
        case 'change': {
            const { change } = node;
            const item = new vscode.TreeItem(change.id, change.capabilities.length > 0 ? collapsed : none);
            const tasks = change.tasks === null ? 'no tasks' : `${change.tasks.done}/${change.tasks.total} tasks`;
            item.description = `${tasks} · ${verdictText(change.verdict)} · ${change.ready ? 'ready to archive' : 'not ready'}`;
            item.tooltip = `Change ${change.id}: ${verdictText(change.verdict)}; ${tasks}; ${change.readiness}; touches ${
                change.capabilities.map((touched) => touched.capability).join(', ') || 'no capability'
            }`;
            item.contextValue = 'openspecChange';
            item.iconPath = new vscode.ThemeIcon(change.ready ? 'pass' : change.verdict.valid ? 'git-pull-request' : 'error');
            item.command = openCommand(change.uri);
            return item;
        }
        case 'delta': {
            const { touched } = node;
            const item = new vscode.TreeItem(touched.capability, none);
            item.description = touched.existing ? 'delta' : 'delta (new spec)';
            item.contextValue = 'openspecDelta';
            item.iconPath = new vscode.ThemeIcon('diff');
            item.command = openCommand(touched.uri);
            item.resourceUri = fileUri(touched.uri);
            return item;
        }
    }
}

export class OutlineProvider implements vscode.TreeDataProvider<OutlineNode>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<OutlineNode | undefined>();
    readonly onDidChangeTreeData = this.changed.event;
    /** Set by `extension.ts`; receives the number of invalid items (the view's badge). */
    onInvalidCount: (count: number) => void = () => undefined;

    constructor(private readonly client: () => LanguageClient | undefined) {}

    refresh(): void {
        this.changed.fire(undefined);
    }

    dispose(): void {
        this.changed.dispose();
    }

    getTreeItem(node: OutlineNode): vscode.TreeItem {
        return treeItem(node);
    }

    async getChildren(node?: OutlineNode): Promise<OutlineNode[]> {
        if (node === undefined) {
            const roots = await this.fetch();
            const invalid = roots.flatMap((root) => [...root.specs, ...root.changes]).filter((item) => !item.verdict.valid).length;
            this.onInvalidCount(invalid);
            // One root (the usual case): its items at the top, no extra level.
            return roots.length === 1 ? this.itemsOf(roots[0]) : roots.map((root) => ({ kind: 'root', root }));
        }
        switch (node.kind) {
            case 'root':
                return this.itemsOf(node.root);
            case 'change':
                return node.change.capabilities.map((touched) => ({ kind: 'delta', root: node.root, change: node.change, touched }));
            default:
                return [];
        }
    }

    private itemsOf(root: RootOutline): OutlineNode[] {
        return [
            ...root.changes.map((change): OutlineNode => ({ kind: 'change', root, change })),
            ...root.specs.map((spec): OutlineNode => ({ kind: 'spec', root, spec })),
        ];
    }

    private async fetch(): Promise<RootOutline[]> {
        const client = this.client();
        if (client === undefined || !client.isRunning()) {
            return [];
        }
        try {
            const answer = await client.sendRequest<OutlineAnswer>('openspec/outline', {});
            return Array.isArray(answer?.roots) ? answer.roots : [];
        } catch {
            return [];
        }
    }
}

/** `[uri of the root, change id]` for the context actions on a change or one of its deltas. */
export function changeOf(node: unknown): { change: string; root?: string } | undefined {
    const value = node as OutlineNode | undefined;
    if (value?.kind === 'change' || value?.kind === 'delta') {
        return { change: value.change.id, root: value.root.uri ?? undefined };
    }
    return undefined;
}

/** The folder of the root a node belongs to, for `check`. */
export function rootFolderOf(node: unknown): string | undefined {
    const value = node as OutlineNode | undefined;
    const uri = value?.root?.uri;
    return typeof uri === 'string' ? vscode.Uri.parse(uri).fsPath : undefined;
}

/** The "History" action on a spec: every requirement's timeline, in the history quick pick (`history.ts`). */
export async function showSpecHistory(client: LanguageClient | undefined, node: unknown): Promise<void> {
    const value = node as OutlineNode | undefined;
    if (value?.kind !== 'spec') {
        return;
    }
    await showHistory(client, { capability: value.spec.capability, root: value.root.uri ?? undefined });
}
