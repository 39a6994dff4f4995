//! "Rename through change...": the command the server's code action on a main-spec requirement
//! carries. Asks for the new name and the change that takes the `## RENAMED Requirements` entry
//! (an active change touching the capability, or a new one), then has the server compute the
//! edit (`openspec.applyRenameThroughChange`), which it applies through `workspace/applyEdit`.

import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';

export const COMMAND = 'openspec.renameThroughChange';

/** What the code action passes (see the server's `lsp/explorer.rs`). */
interface RenameArgument {
    uri: string;
    position: { line: number; character: number };
    capability: string;
    requirement: string;
    changes: string[];
    canCreate: boolean;
}

const NEW_CHANGE = '$(add) New change…';

/** A change id suggestion from the new name: `rename-<kebab of the name>`. */
export function suggestedChangeId(newName: string): string {
    const kebab = newName
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '');
    return kebab === '' ? 'rename-requirement' : `rename-${kebab}`;
}

function isArgument(value: unknown): value is RenameArgument {
    const argument = value as Partial<RenameArgument> | undefined;
    return typeof argument?.uri === 'string' && typeof argument.requirement === 'string' && Array.isArray(argument.changes);
}

export async function renameThroughChange(client: LanguageClient | undefined, argument: unknown): Promise<void> {
    if (client === undefined || !client.isRunning() || !isArgument(argument)) {
        void vscode.window.showErrorMessage('OpenSpec: rename through a change needs the running language server.');
        return;
    }
    const newName = await vscode.window.showInputBox({
        prompt: `New name of requirement "${argument.requirement}" (${argument.capability}), renamed through a change`,
        value: argument.requirement,
    });
    if (newName === undefined || newName.trim() === '' || newName.trim() === argument.requirement) {
        return;
    }
    const picks = [
        ...argument.changes.map((id) => ({ label: id, description: `adds a RENAMED entry to ${id}` })),
        ...(argument.canCreate ? [{ label: NEW_CHANGE, description: 'a new change folder with a proposal and the delta' }] : []),
    ];
    const picked = await vscode.window.showQuickPick(picks, { placeHolder: `Change that renames "${argument.requirement}"` });
    if (picked === undefined) {
        return;
    }
    let target: { change: string } | { newChange: string };
    if (picked.label === NEW_CHANGE) {
        const id = await vscode.window.showInputBox({ prompt: 'Id of the new change (kebab-case)', value: suggestedChangeId(newName) });
        if (id === undefined || id.trim() === '') {
            return;
        }
        target = { newChange: id.trim() };
    } else {
        target = { change: picked.label };
    }
    let result: unknown;
    try {
        result = await client.sendRequest(ExecuteCommandRequest.type, {
            command: 'openspec.applyRenameThroughChange',
            arguments: [{ uri: argument.uri, position: argument.position, newName, ...target }],
        });
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(`OpenSpec: cannot rename "${argument.requirement}": ${reason}`);
        return;
    }
    const answer = result as { applied?: boolean; uri?: string | null } | null;
    if (answer?.applied !== true) {
        void vscode.window.showErrorMessage(`OpenSpec: the rename of "${argument.requirement}" was not applied.`);
        return;
    }
    if (typeof answer.uri === 'string') {
        await vscode.window.showTextDocument(vscode.Uri.parse(answer.uri), { preview: false });
    }
}
