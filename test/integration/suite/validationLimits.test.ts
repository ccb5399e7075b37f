import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../../src/constants';
import { waitFor } from '../batchesFixture';

// What one document publishes in a real VS Code: at most 10,000 problems and a note, and a BOM with its quick fix.

const VALID = JSON.stringify({
  custom_id: 'a',
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: 'deepseek-ai/DeepSeek-V3', messages: [{ role: 'user', content: 'Hi' }] },
});

function kluster(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kluster.ai');
}

describe('Batch JSONL validation limits in VS Code', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    dir = fs.mkdtempSync(path.join(process.env.KLUSTER_TEST_WORKSPACE ?? os.tmpdir(), 'validation-limits-'));
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('publishes the first 10,000 problems of a document, then one note with the count and the CLI command', async () => {
    const file = path.join(dir, 'many.jsonl');
    // 3 problems a line (no method, url, body): 12,000 in all.
    fs.writeFileSync(file, Array.from({ length: 4000 }, (_, i) => `{"custom_id":"${i}"}`).join('\n') + '\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    const published = await waitFor(
      'the capped diagnostics',
      () => {
        const all = kluster(document.uri);
        return all.length > 10_000 && all;
      },
      60_000,
      () => kluster(document.uri).length,
    );
    assert.strictEqual(published.length, 10_001);
    const note = published[published.length - 1]!;
    assert.strictEqual(note.code, 'kluster.moreProblems');
    assert.strictEqual(note.severity, vscode.DiagnosticSeverity.Information);
    assert.strictEqual(
      note.message,
      `2,000 more problems not shown: the first 10,000 are. The kluster CLI lists them all: node dist/cli.js validate ${JSON.stringify(file)}`,
    );
    // The note sits where the first problem left out is: line 3334 (0-based 3333), after the 10,000 shown.
    assert.strictEqual(note.range.start.line, 3333);
    assert.strictEqual(published.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length, 10_000);
  });

  it('warns about a byte order mark, and its quick fix saves the file without one', async () => {
    const file = path.join(dir, 'bom.jsonl');
    fs.writeFileSync(file, `\uFEFF${VALID}\n`);
    const uri = vscode.Uri.file(file);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.strictEqual(document.lineAt(0).text, VALID, 'VS Code keeps the BOM out of the text');
    const [warning] = await waitFor(
      'the BOM warning',
      () => {
        const found = kluster(uri).filter((d) => d.code === 'kluster.byteOrderMark');
        return found.length > 0 && found;
      },
      15_000,
      () => kluster(uri).map((d) => d.code),
    );
    assert.strictEqual(warning!.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepStrictEqual([warning!.range.start.line, warning!.range.start.character, warning!.range.end.character], [0, 0, 1]);
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        warning!.range,
        vscode.CodeActionKind.QuickFix.value,
      )) ?? [];
    const fix = actions.find((a) => a.title === 'Remove the byte order mark (saves the file as UTF-8)');
    assert.ok(fix?.command, `quick fixes: ${actions.map((a) => a.title).join(', ')}`);
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.deepStrictEqual(fs.readFileSync(file), Buffer.from(`${VALID}\n`), 'the file lost its BOM and nothing else');
    await waitFor(
      'the warning to go',
      () => kluster(uri).length === 0,
      15_000,
      () => kluster(uri).map((d) => d.code),
    );
    assert.strictEqual(document.getText(), `${VALID}\n`);
  });
});
