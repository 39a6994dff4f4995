//! Requirement history (`openspec.history`): asks the server for the timeline of the requirement
//! under the cursor (or one named by the caller) and lists it in a quick pick, oldest first;
//! picking an entry opens the delta spec at it. It never writes a file.

import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';

/** Arguments of the server command: a requirement by name, or the one under a cursor. */
export type HistoryTarget = { capability: string; requirement?: string; root?: string } | { uri: string; position: { line: number; character: number } };

interface Location {
    path: string;
    uri: string;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

interface HistoryEvent {
    change: string;
    change_name: string;
    archived: boolean;
    date: string | null;
    kind: string;
    requirement: string;
    partner: string | null;
    location: Location;
}

interface RequirementHistory {
    requirement: string;
    main_spec: Location | null;
    summary: string;
    archived: HistoryEvent[];
    active: HistoryEvent[];
}

export interface HistoryItem extends vscode.QuickPickItem {
    location: Location;
}

/** One quick pick item per event (then the main spec's requirement), oldest first. */
export function historyItems(result: unknown): HistoryItem[] {
    const requirements = (result as { requirements?: unknown } | null)?.requirements;
    if (!Array.isArray(requirements)) {
        return [];
    }
    const items: HistoryItem[] = [];
    for (const history of requirements as RequirementHistory[]) {
        for (const event of [...history.archived, ...history.active]) {
            const when = event.archived ? (event.date ?? 'no date') : 'active';
            const renamed = event.partner === null ? '' : event.kind === 'RENAMED FROM' ? ` → ${event.partner}` : ` ← ${event.partner}`;
            items.push({
                label: `${when}  ${event.kind}  ${event.change_name}`,
                description: `${event.requirement}${renamed}`,
                detail: event.location.path,
                location: event.location,
            });
        }
        if (history.main_spec !== null) {
            items.push({ label: `now  main spec`, description: `${history.requirement} · ${history.summary}`, detail: history.main_spec.path, location: history.main_spec });
        }
    }
    return items;
}

/** The requirement under the active editor's cursor, as the server command's argument. */
function cursorTarget(): HistoryTarget | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
        return undefined;
    }
    const at = editor.selection.active;
    return { uri: editor.document.uri.toString(), position: { line: at.line, character: at.character } };
}

export async function showHistory(client: LanguageClient | undefined, argument?: HistoryTarget): Promise<HistoryItem | undefined> {
    const target = argument ?? cursorTarget();
    if (target === undefined) {
        void vscode.window.showErrorMessage('OpenSpec: put the cursor on a requirement to see its history.');
        return undefined;
    }
    if (client === undefined || !client.isRunning()) {
        void vscode.window.showErrorMessage('OpenSpec: the language server is not running; the history needs it.');
        return undefined;
    }
    let result: unknown;
    try {
        result = await client.sendRequest(ExecuteCommandRequest.type, { command: 'openspec.history', arguments: [target] });
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(`OpenSpec: no history: ${reason}`);
        return undefined;
    }
    const items = historyItems(result);
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Requirement history, oldest first: pick one to open it', matchOnDescription: true, matchOnDetail: true });
    if (picked === undefined) {
        return undefined;
    }
    const { start, end } = picked.location.range;
    const selection = new vscode.Range(start.line, start.character, end.line, end.character);
    await vscode.window.showTextDocument(vscode.Uri.parse(picked.location.uri), { selection, preview: true });
    return picked;
}
