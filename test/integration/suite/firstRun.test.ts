// First run: New Batch File gives an untitled batch file that validates clean.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../../src/constants';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';
import type { NewFileOutcome } from '../../../src/firstRun/newBatchFile';
import { waitFor } from '../batchesFixture';

const kluster = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kluster.ai');

describe('First run: New Batch File', function () {
  this.timeout(60_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('opens an untitled JSON Lines file with two valid request lines and no diagnostics', async () => {
    const outcome = (await vscode.commands.executeCommand<NewFileOutcome>(Commands.newBatchFile))!;
    assert.strictEqual(outcome.status, 'created');
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(document, 'the new file is the active editor');
    assert.strictEqual(document.uri.toString(), outcome.uri);
    assert.strictEqual(document.uri.scheme, 'untitled');
    assert.strictEqual(document.languageId, 'jsonl');
    const lines = document.getText().trimEnd().split('\n');
    assert.strictEqual(lines.length, 2, document.getText());
    // No key in this suite: the catalog stands in with the documented models.
    assert.ok(DOCUMENTED_MODEL_IDS.has(outcome.model), outcome.model);
    for (const line of lines) assert.strictEqual((JSON.parse(line) as { body: { model: string } }).body.model, outcome.model);

    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the validator's debounce
    assert.deepStrictEqual(vscode.languages.getDiagnostics(document.uri), [], 'no diagnostics of any source');

    // The validator does watch this document: a broken line gets a squiggle.
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((edit) => edit.insert(document.lineAt(document.lineCount - 1).range.end, '{"custom_id": "request-1"}'));
    await waitFor('a diagnostic on the broken line', () => kluster(document.uri).some((d) => d.range.start.line === 2));
  });
});
