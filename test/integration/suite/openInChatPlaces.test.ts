// Where Open in Chat is offered on a request line in a real VS Code: the CodeLens as `kluster.codeLens` says
// (cursor line, every line, none), and always in the hover and the light-bulb menu.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../../src/constants';
import { MODEL, waitFor, writeWorkspaceFile } from '../batchesFixture';

const request = (id: string) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: MODEL, messages: [{ role: 'user', content: id }] },
  });

async function lensLines(uri: vscode.Uri): Promise<number[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.filter((l) => l.command?.command === Commands.openInChat).map((l) => l.range.start.line);
}

/** Polls until the lenses are on `lines` (the provider is asked again after a cursor move or a setting). */
function lensesOn(uri: vscode.Uri, lines: number[]): Promise<number[]> {
  return waitFor(
    `lenses on lines ${JSON.stringify(lines)}`,
    async () => {
      const seen = await lensLines(uri);
      return JSON.stringify(seen) === JSON.stringify(lines) && seen;
    },
    15_000,
    () => lensLines(uri),
  );
}

describe('Open in Chat on request lines: CodeLens, hover, light bulb', function () {
  this.timeout(60_000);
  const setting = () => vscode.workspace.getConfiguration('kluster');

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  after(async () => {
    await setting().update('codeLens', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the lens on the request line under the cursor by default, on every one with `all`, on none with `off`', async () => {
    assert.strictEqual(setting().inspect('codeLens')?.defaultValue, 'cursor');
    const uri = await writeWorkspaceFile('places/requests.jsonl', [request('a'), '{"not": "a request"}', request('b'), request('c')]);
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(2, 5, 2, 5);
    await lensesOn(uri, [2]);
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    await lensesOn(uri, [3]);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await lensesOn(uri, []);

    await setting().update('codeLens', 'all', vscode.ConfigurationTarget.Global);
    await lensesOn(uri, [0, 2, 3]);
    await setting().update('codeLens', 'off', vscode.ConfigurationTarget.Global);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await lensesOn(uri, []);
  });

  it('offers Open in Chat in the hover and the light bulb of a request line, whatever the setting', async () => {
    await setting().update('codeLens', 'off', vscode.ConfigurationTarget.Global);
    const uri = await writeWorkspaceFile('places/hover.jsonl', ['{"not": "a request"}', request('h')]);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);

    const hoverText = async (line: number) =>
      ((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 3))) ?? [])
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : c.value))
        .join('\n');
    const hover = await waitFor('the request hover', async () => {
      const text = await hoverText(1);
      return text.includes('**h**') && text;
    });
    const link = /\[Open in Chat\]\(command:kluster\.openInChat\?([^ )]+)/.exec(hover);
    assert.ok(link, hover);
    assert.deepStrictEqual(JSON.parse(decodeURIComponent(link[1]!)), [uri.toString(), 1]);
    assert.doesNotMatch(await hoverText(0), /Open in Chat/, 'not on a line that is no request');

    const actions = async (line: number) =>
      (
        (await vscode.commands.executeCommand<vscode.CodeAction[]>(
          'vscode.executeCodeActionProvider',
          uri,
          new vscode.Range(line, 2, line, 2),
        )) ?? []
      ).filter((a) => a.title === 'Open in Chat');
    const [action] = await actions(1);
    assert.ok(action, 'in the light bulb');
    assert.strictEqual(action.kind?.value, 'refactor.rewrite.kluster.openInChat');
    assert.deepStrictEqual(
      [action.command?.command, ...(action.command?.arguments ?? []).map(String)],
      [Commands.openInChat, uri.toString(), '1'],
    );
    assert.deepStrictEqual(await actions(0), []);
  });
});
