import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../../src/constants';
import { waitFor } from '../batchesFixture';

// Batch JSONL validation in a real VS Code: diagnostics (ranges and codes), quick fixes, hover, incremental edits.

const MODEL = 'deepseek-ai/DeepSeek-V3';
const req = (id: string, body: Record<string, unknown> = {}, top: Record<string, unknown> = {}): string =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: MODEL, messages: [{ role: 'user', content: 'Hi' }], ...body },
    ...top,
  });

let dir: string;
let counter = 0;

async function openJsonl(lines: string[]): Promise<vscode.TextDocument> {
  const file = path.join(dir, `case-${++counter}.jsonl`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  assert.strictEqual(document.languageId, 'jsonl');
  await vscode.window.showTextDocument(document);
  return document;
}

type Seen = [line: number, code: string, covered: string];

function kluster(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kluster.ai');
}

function describeAll(document: vscode.TextDocument): Seen[] {
  return kluster(document.uri)
    .map((d): Seen => [d.range.start.line, String(d.code), document.getText(d.range)])
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

/** Polls until the diagnostics satisfy `ready` (they are published after a short debounce). */
function waitForDiagnostics(document: vscode.TextDocument, ready: (seen: Seen[]) => boolean, what: string): Promise<Seen[]> {
  return waitFor(
    what,
    () => {
      const seen = describeAll(document);
      return ready(seen) && seen;
    },
    15_000,
    () => describeAll(document),
  );
}

/**
 * Resolves with the URI of case file `n` the first time kluster diagnostics are published for it (subscribe before
 * opening the document, so the publication cannot be missed).
 */
function firstPublication(n: number): Promise<vscode.Uri> {
  const file = path.join(dir, `case-${n}.jsonl`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no kluster diagnostics published for ${file} within 15 s`));
    }, 15_000);
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      const uri = event.uris.find((u) => u.fsPath === file);
      if (!uri || kluster(uri).length === 0) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(uri);
    });
  });
}

async function quickFixesAt(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    document.uri,
    range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return actions ?? [];
}

/** Applies the one quick fix offered for the `code` diagnostic on `line`; checks its title; returns the new line. */
async function applyFix(document: vscode.TextDocument, code: string, line: number, title: string): Promise<string> {
  const diagnostic = kluster(document.uri).find((d) => d.code === code && d.range.start.line === line);
  assert.ok(diagnostic, `${code} on line ${line}`);
  const actions = await quickFixesAt(document, diagnostic.range);
  assert.deepStrictEqual(
    actions.map((a) => a.title),
    [title],
    `quick fixes for ${code}`,
  );
  assert.ok(actions[0]!.edit, 'the fix carries an edit');
  assert.ok(await vscode.workspace.applyEdit(actions[0]!.edit));
  return document.lineAt(line).text;
}

describe('Batch JSONL validation in VS Code', function () {
  this.timeout(60_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    dir = fs.mkdtempSync(path.join(process.env.KLUSTER_TEST_WORKSPACE ?? os.tmpdir(), 'validation-'));
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reports each problem at its exact key or value, with a stable code', async () => {
    const document = await openJsonl([
      req('a'),
      '{"custom_id":"b",}',
      req('c', { temperature: 2.5, max_tokens: 10, n: 2 }),
      req('a', { model: 'gpt-4o' }),
      req('d', {}, { method: 'GET', url: undefined }),
    ]);
    const seen = await waitForDiagnostics(document, (s) => s.length === 8, 'eight diagnostics');
    assert.deepStrictEqual(seen, [
      [1, 'kluster.invalidJson', ','],
      [2, 'kluster.deprecatedMaxTokens', '"max_tokens"'],
      [2, 'kluster.temperatureRange', '2.5'],
      [2, 'kluster.unsupportedParameter', '"n"'],
      [3, 'kluster.duplicateCustomId', '"a"'],
      [3, 'kluster.unknownModel', '"gpt-4o"'],
      [4, 'kluster.invalidMethod', '"GET"'],
      [4, 'kluster.missingUrl', '{"custom_id"'],
    ]);
    const all = kluster(document.uri);
    const duplicate = all.find((d) => d.code === 'kluster.duplicateCustomId')!;
    assert.strictEqual(duplicate.severity, vscode.DiagnosticSeverity.Error);
    assert.deepStrictEqual(
      duplicate.relatedInformation?.map((r) => [
        r.location.uri.toString(),
        r.location.range.start.line,
        document.getText(r.location.range),
      ]),
      [[document.uri.toString(), 0, '"a"']],
    );
    assert.strictEqual(all.find((d) => d.code === 'kluster.unknownModel')!.severity, vscode.DiagnosticSeverity.Warning);
    const range = all.find((d) => d.code === 'kluster.temperatureRange')!.range;
    const column = document.lineAt(2).text.indexOf('2.5');
    assert.deepStrictEqual([range.start.character, range.end.character], [column, column + 3]);
  });

  it('re-validates edited lines and shifts the rest', async () => {
    const document = await openJsonl([req('x'), req('y', { temperature: 9 }), req('x')]);
    await waitForDiagnostics(document, (s) => s.length === 2, 'initial diagnostics');
    // Insert a line above: everything moves down one line.
    let edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(0, 0), req('new') + '\n');
    await vscode.workspace.applyEdit(edit);
    await waitForDiagnostics(
      document,
      (s) =>
        JSON.stringify(s) ===
        JSON.stringify([
          [2, 'kluster.temperatureRange', '9'],
          [3, 'kluster.duplicateCustomId', '"x"'],
        ]),
      'shifted diagnostics',
    );
    // Fix the temperature by typing over the value.
    const line = document.lineAt(2).text;
    const at = line.indexOf('9');
    edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(2, at, 2, at + 1), '0.7');
    await vscode.workspace.applyEdit(edit);
    await waitForDiagnostics(
      document,
      (s) => JSON.stringify(s) === JSON.stringify([[3, 'kluster.duplicateCustomId', '"x"']]),
      'temperature fixed',
    );
    // Delete the first use of "x": the duplicate disappears.
    edit = new vscode.WorkspaceEdit();
    edit.delete(document.uri, new vscode.Range(1, 0, 2, 0));
    await vscode.workspace.applyEdit(edit);
    await waitForDiagnostics(document, (s) => s.length === 0, 'no diagnostics');
  });

  it('quick-fixes a missing custom_id', async () => {
    const document = await openJsonl([req('request-1'), req('', {}, { custom_id: undefined })]);
    await waitForDiagnostics(document, (s) => s.some(([, code]) => code === 'kluster.missingCustomId'), 'missingCustomId');
    const fixed = await applyFix(document, 'kluster.missingCustomId', 1, 'Add "custom_id": "request-2"');
    assert.strictEqual(fixed, req('request-2'));
    await waitForDiagnostics(document, (s) => s.length === 0, 'clean file');
  });

  it('quick-fixes a duplicate custom_id', async () => {
    const document = await openJsonl([req('q'), req('q'), req('q-2')]);
    await waitForDiagnostics(document, (s) => s.length === 1, 'duplicate');
    assert.strictEqual(await applyFix(document, 'kluster.duplicateCustomId', 1, 'Rename custom_id to "q-3"'), req('q-3'));
    await waitForDiagnostics(document, (s) => s.length === 0, 'clean file');
  });

  it('quick-fixes max_tokens to max_completion_tokens', async () => {
    const document = await openJsonl([req('m', { max_tokens: 300 })]);
    await waitForDiagnostics(document, (s) => s.length === 1, 'deprecatedMaxTokens');
    assert.strictEqual(
      await applyFix(document, 'kluster.deprecatedMaxTokens', 0, 'Rename max_tokens to max_completion_tokens'),
      req('m', { max_completion_tokens: 300 }),
    );
    await waitForDiagnostics(document, (s) => s.length === 0, 'clean file');
  });

  it('quick-fixes a wrong method and a missing url', async () => {
    const document = await openJsonl([req('u', {}, { method: 'PUT', url: undefined })]);
    await waitForDiagnostics(document, (s) => s.length === 2, 'method and url');
    await applyFix(document, 'kluster.invalidMethod', 0, 'Set "method" to "POST"');
    await waitForDiagnostics(document, (s) => s.length === 1, 'method fixed');
    assert.strictEqual(await applyFix(document, 'kluster.missingUrl', 0, 'Add "url": "/v1/chat/completions"'), req('u'));
    await waitForDiagnostics(document, (s) => s.length === 0, 'clean file');
  });

  it('quick-fixes a number in quotes, then the value out of range it turns out to be', async () => {
    const document = await openJsonl([req('t', { temperature: '0.5', top_p: '7' })]);
    await waitForDiagnostics(document, (s) => s.length === 2, 'two invalidType');
    const top = document.lineAt(0).text.indexOf('"7"');
    const onTopP = kluster(document.uri).find((d) => d.range.start.character === top)!;
    const titles = (await quickFixesAt(document, onTopP.range)).map((a) => a.title);
    assert.deepStrictEqual(titles, ['Write 7 as a number']);
    const temperature = kluster(document.uri).find((d) => d.range.start.character !== top)!;
    const [unquote] = await quickFixesAt(document, temperature.range);
    assert.strictEqual(unquote?.title, 'Write 0.5 as a number');
    assert.strictEqual(unquote.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(unquote.edit!));
    await waitForDiagnostics(document, (s) => s.length === 1, 'temperature unquoted');
    const [unquoteTopP] = await quickFixesAt(document, kluster(document.uri)[0]!.range);
    assert.ok(await vscode.workspace.applyEdit(unquoteTopP!.edit!));
    await waitForDiagnostics(document, (s) => s.length === 1 && s[0]![1] === 'kluster.topPRange', 'top_p out of range');
    assert.strictEqual(
      await applyFix(document, 'kluster.topPRange', 0, 'Set top_p to 1 (the maximum)'),
      req('t', { temperature: 0.5, top_p: 1 }),
    );
    await waitForDiagnostics(document, (s) => s.length === 0, 'clean file');
  });

  it('offers the closest known models for an unknown model, none preferred', async () => {
    const document = await openJsonl([req('m', { model: 'deepseek-v3' })]);
    await waitForDiagnostics(document, (s) => s.length === 1, 'unknownModel');
    const actions = await quickFixesAt(document, kluster(document.uri)[0]!.range);
    assert.deepStrictEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [
        ['Change the model to "deepseek-ai/DeepSeek-V3"', false],
        ['Change the model to "deepseek-ai/DeepSeek-V3-0324"', false],
        ['Change the model to "deepseek-ai/DeepSeek-R1"', false],
      ],
    );
    assert.ok(await vscode.workspace.applyEdit(actions[1]!.edit!));
    assert.strictEqual(document.lineAt(0).text, req('m', { model: 'deepseek-ai/DeepSeek-V3-0324' }));
    await waitForDiagnostics(document, (s) => s.length === 0, 'clean file');
  });

  it('shows a summary of the request line on hover', async () => {
    const document = await openJsonl([
      req('h1', {
        messages: [
          { role: 'system', content: 'x'.repeat(40) },
          { role: 'user', content: 'y'.repeat(40) },
        ],
        max_completion_tokens: 64,
      }),
    ]);
    await waitForDiagnostics(document, (s) => s.length === 0, 'clean file');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(0, 5),
    );
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(text, /\*\*h1\*\*/);
    // Inside a code span a backslash escape shows as a backslash: the model name goes in as it is.
    assert.ok(text.includes('model `deepseek-ai/DeepSeek-V3`'), text);
    assert.match(text, /2 messages/);
    assert.match(text, /≈ 20 prompt tokens/);
    assert.match(text, /≤ 64 completion tokens/);
  });

  it('checks a results file with the results schema only: one bad line, one diagnostic', async () => {
    const result = (id: string) =>
      JSON.stringify({
        id: `batch-req-${id}`,
        custom_id: id,
        response: { status_code: 200, request_id: 'r', body: { choices: [] } },
        error: null,
      });
    const bad = '{"custom_id":"5","response":{"status_code":"200"}}';
    const published = firstPublication(counter + 1);
    const document = await openJsonl([
      result('1'),
      result('2'),
      result('3'),
      '{"custom_id":"4","response":null,"error":{"code":"x","message":"failed"}}',
      bad,
    ]);
    assert.strictEqual((await published).toString(), document.uri.toString());
    const diagnostics = kluster(document.uri);
    assert.deepStrictEqual(
      diagnostics.map((d) => [
        d.code,
        d.range.start.line,
        d.range.start.character,
        d.range.end.line,
        d.range.end.character,
        document.getText(d.range),
      ]),
      [['kluster.missingResultFields', 4, bad.indexOf('"200"'), 4, bad.indexOf('"200"') + 5, '"200"']],
    );
  });

  it('warns at request 1000 when kluster.tier is free', async () => {
    const lines = Array.from({ length: 1001 }, (_, i) => req(`r${i}`));
    const document = await openJsonl(lines);
    const config = vscode.workspace.getConfiguration('kluster');
    await config.update('tier', 'free', vscode.ConfigurationTarget.Global);
    try {
      const seen = await waitForDiagnostics(document, (s) => s.length === 1, 'free-tier cap');
      assert.deepStrictEqual(
        seen.map(([line, code]) => [line, code]),
        [[999, 'kluster.freeTierLineCap']],
      );
    } finally {
      await config.update('tier', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(document, (s) => s.length === 0, 'cap gone on the standard tier');
  });

  it('clears the diagnostics when the document stops being JSONL', async () => {
    const document = await openJsonl(['{"custom_id":']);
    await waitForDiagnostics(document, (s) => s.length === 1, 'invalidJson');
    await vscode.languages.setTextDocumentLanguage(document, 'plaintext');
    await waitForDiagnostics(document, (s) => s.length === 0, 'cleared diagnostics');
  });
});
