// The results grid in a real VS Code: the custom editor opens a `*.results.jsonl` by default, and the rows its
// webview reports change with filter and sort (set through kluster.results.setQuery, as the grid's own
// controls do), an export writes the rows shown, and the grid follows the file when it changes on disk.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../../src/constants';
import type { RowQuery } from '../../../src/core/results/query';
import { RESULTS_VIEW_TYPE } from '../../../src/results/protocol';
import type { ExportOutcome, OpenRowOutcome } from '../../../src/results/commands';
import type { ResultsSnapshot } from '../../../src/results/resultsPanel';
import type { ChatSnapshot } from '../../../src/chat/chatPanel';
import { waitFor, workspaceDir, writeWorkspaceFile } from '../batchesFixture';

const request = (id: string, text: string, model: string) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model, messages: [{ role: 'user', content: text }] },
  });
const success = (id: string, line: number, model: string, reply: string, completion: number) =>
  JSON.stringify({
    custom_id: id,
    input_line: line,
    status: 'succeeded',
    id: `req-${id}`,
    response: {
      status_code: 200,
      body: {
        model,
        choices: [{ message: { role: 'assistant', content: reply }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: completion },
      },
    },
    error: null,
  });
const failure = (id: string, line: number, message: string) =>
  JSON.stringify({
    custom_id: id,
    input_line: line,
    status: 'failed',
    id: `req-${id}`,
    response: null,
    error: { code: 'server_error', message },
  });

const snapshot = async () => vscode.commands.executeCommand<ResultsSnapshot | undefined>(Commands.resultsSnapshot);

/** Waits until the grid reports `ids` as the first rows in its DOM (and exactly `count` rows in the view). */
async function shows(what: string, ids: string[], count = ids.length): Promise<ResultsSnapshot> {
  let last: ResultsSnapshot | undefined;
  return waitFor(
    what,
    async () => {
      last = await snapshot();
      const report = last?.report;
      return report && report.count === count && JSON.stringify(report.customIds.slice(0, ids.length)) === JSON.stringify(ids)
        ? last
        : undefined;
    },
    30_000,
    () => last?.report,
  );
}

describe('Results grid', function () {
  this.timeout(120_000);
  let results: vscode.Uri;

  before(async () => {
    await writeWorkspaceFile('grid/run.jsonl', [
      request('r1', 'capital of France', 'model-a'),
      request('r2', 'this fails', 'model-b'),
      request('r3', 'count to three', 'model-a'),
      request('r4', 'longest answer', 'model-b'),
    ]);
    results = await writeWorkspaceFile('grid/run.results.jsonl', [
      success('r1', 1, 'model-a', 'Paris.', 3),
      failure('r2', 2, 'the model is overloaded'),
      success('r3', 3, 'model-a', 'One, two, three.', 7),
      success('r4', 4, 'model-b', 'A very long answer', 40),
    ]);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a results file in the kluster Results grid by default, rows in file order with their requests', async () => {
    await vscode.commands.executeCommand('vscode.open', results);
    const tab = await waitFor('the results tab', () => vscode.window.tabGroups.activeTabGroup.activeTab);
    assert.ok(tab.input instanceof vscode.TabInputCustom, `a custom editor tab, not ${tab.input?.constructor.name}`);
    assert.strictEqual(tab.input.viewType, RESULTS_VIEW_TYPE);
    const snap = await shows('all four rows', ['r1', 'r2', 'r3', 'r4']);
    // The first rows go out before the index says it is done: on a busy machine the grid shows them first.
    await waitFor('the whole file read', async () => (await snapshot())?.complete);
    assert.strictEqual(snap.inputKnown, true, 'run.jsonl beside it is read for the requests');
    assert.strictEqual(snap.report?.rowsInDom, 4);
  });

  it('filter and sort change the rows the webview shows', async () => {
    const apply = (query: RowQuery) => vscode.commands.executeCommand(Commands.resultsSetQuery, query);
    await apply({ statuses: ['failed'] });
    await shows('only the failed row', ['r2']);
    await apply({ models: ['model-a'] });
    await shows('the model-a rows', ['r1', 'r3']);
    await apply({ text: 'COUNT to' });
    await shows('the row whose request matches', ['r3']);
    await apply({ sort: { column: 'completionTokens', descending: true } });
    await shows('rows by completion tokens, most first, the failed one last', ['r4', 'r3', 'r1', 'r2']);
    await apply({ statuses: ['succeeded'], sort: { column: 'customId', descending: true } });
    await shows('successes by custom_id, descending', ['r4', 'r3', 'r1']);
    const expected = JSON.stringify({ statuses: ['succeeded'], sort: { column: 'customId', descending: true } });
    await waitFor(
      'the grid to keep the query in its state (for hiding and reloads)',
      async () => JSON.stringify((await snapshot())?.state.query) === expected,
    );
  });

  it('exports the rows shown as CSV, in the order shown, with a BOM when asked', async () => {
    const target = path.join(workspaceDir(), 'grid', 'export.csv');
    await fs.rm(target, { force: true });
    const written = await vscode.commands.executeCommand<ExportOutcome>(Commands.resultsExportCsv, target, true);
    assert.deepStrictEqual(written, { status: 'written', path: target });
    const csv = await fs.readFile(target, 'utf8');
    assert.ok(csv.startsWith('\ufeffLine,custom_id,Status,Model,Last user message,Reply,'), csv.slice(0, 80));
    assert.deepStrictEqual(
      csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',')[1]),
      ['r4', 'r3', 'r1'],
    );
    assert.match(csv, /\r\n3,r3,succeeded,model-a,count to three,"One, two, three\.",stop,5,7,\r\n/);
  });

  it('follows the file when it changes on disk', async () => {
    await vscode.commands.executeCommand(Commands.resultsSetQuery, {});
    await shows('every row again', ['r1', 'r2', 'r3', 'r4']);
    await fs.appendFile(results.fsPath, failure('r5', 5, 'late failure') + '\n');
    await shows('the appended row', ['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('Open in Chat loads the request and its reply as a conversation to continue', async () => {
    const outcome = await vscode.commands.executeCommand<OpenRowOutcome>(Commands.resultsOpenInChat, results.fsPath, 'r1');
    assert.deepStrictEqual(outcome, { status: 'opened' });
    let chat: ChatSnapshot | undefined;
    await waitFor(
      'the request and its reply in the chat',
      async () => {
        chat = await vscode.commands.executeCommand<ChatSnapshot | undefined>(Commands.chatSnapshot);
        const turns = JSON.stringify(chat?.state.turns.map((t) => [t.role, t.text]));
        return (
          chat?.state.settings.model === 'model-a' &&
          turns ===
            JSON.stringify([
              ['user', 'capital of France'],
              ['assistant', 'Paris.'],
            ])
        );
      },
      30_000,
      () => chat && { model: chat.state.settings.model, turns: chat.state.turns },
    );
    await vscode.commands.executeCommand('vscode.open', results); // back to the grid
  });

  it('Open in Chat says so, and loads nothing, when the input was edited on disk since the grid read it', async () => {
    const input = path.join(workspaceDir(), 'grid', 'run.jsonl');
    const original = await fs.readFile(input, 'utf8');
    try {
      await fs.writeFile(input, `\n${original}`); // every request one line further down
      const outcome = await vscode.commands.executeCommand<OpenRowOutcome>(Commands.resultsOpenInChat, results.fsPath, 'r3');
      assert.strictEqual(outcome?.status, 'failed', JSON.stringify(outcome));
      assert.match((outcome as { message: string }).message, /input line 3 .*holds another request now/i);
    } finally {
      await fs.writeFile(input, original);
    }
  });

  it("an experiment's results read each row's request from the batch part it names in input_file", async () => {
    await writeWorkspaceFile('grid/exp.batch.part-1.jsonl', [request('e1', 'part one question', 'model-a')]);
    await writeWorkspaceFile('grid/exp.batch.part-2.jsonl', [request('e2', 'part two question', 'model-b')]);
    const named = (line: string, file: string) => JSON.stringify({ ...JSON.parse(line), input_file: file });
    const experiment = await writeWorkspaceFile('grid/exp.results.jsonl', [
      named(success('e1', 1, 'model-a', 'First.', 2), 'exp.batch.part-1.jsonl'),
      named(success('e2', 1, 'model-b', 'Second.', 2), 'exp.batch.part-2.jsonl'),
    ]);
    await vscode.commands.executeCommand('vscode.open', experiment);
    let snap: ResultsSnapshot | undefined;
    await waitFor(
      'the experiment results in the grid',
      async () => (snap = await snapshot())?.file === experiment.fsPath && snap?.complete && snap?.indexed === 2,
      30_000,
      () => snap,
    );
    assert.strictEqual(snap!.inputKnown, true, 'no exp.jsonl beside it: the rows name their parts');
    assert.deepStrictEqual(await vscode.commands.executeCommand<OpenRowOutcome>(Commands.resultsOpenInChat, experiment.fsPath, 'e2'), {
      status: 'opened',
    });
    let chat: ChatSnapshot | undefined;
    await waitFor(
      'the request of part 2 in the chat',
      async () => {
        chat = await vscode.commands.executeCommand<ChatSnapshot | undefined>(Commands.chatSnapshot);
        return (
          JSON.stringify(chat?.state.turns.map((t) => [t.role, t.text])) ===
          JSON.stringify([
            ['user', 'part two question'],
            ['assistant', 'Second.'],
          ])
        );
      },
      30_000,
      () => chat?.state.turns,
    );
    await vscode.commands.executeCommand('vscode.open', results); // back to the first grid
  });

  it('reopens the file as text from the grid', async () => {
    await vscode.commands.executeCommand(Commands.resultsReopenAsText);
    const tab = await waitFor('a text tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputText && input.uri.fsPath === results.fsPath ? input : undefined;
    });
    assert.ok(tab);
  });
});

describe('Result marks on the input file', function () {
  this.timeout(120_000);
  type Mark = { line: number; status: string; stale: boolean };
  const marks = async (uri: vscode.Uri) => vscode.commands.executeCommand<Mark[] | undefined>(Commands.resultsMarksSnapshot, uri);
  const expectMarks = async (uri: vscode.Uri, expected: [number, string, boolean][], what: string) => {
    let last: Mark[] | undefined;
    await waitFor(
      what,
      async () => {
        last = await marks(uri);
        return JSON.stringify(last?.map((m) => [m.line, m.status, m.stale])) === JSON.stringify(expected);
      },
      30_000,
      () => last,
    );
  };
  const INPUT_LINES = [request('m1', 'first', 'model-a'), request('m2', 'second', 'model-a'), request('m3', 'third', 'model-b')];
  let input: vscode.Uri;
  let results: vscode.Uri;

  before(async () => {
    input = await writeWorkspaceFile('marks/in.jsonl', INPUT_LINES);
    results = await writeWorkspaceFile('marks/in.results.jsonl', [
      success('m1', 1, 'model-a', 'Reply one\nsecond line', 9),
      failure('m2', 2, 'the model is overloaded'),
      JSON.stringify({
        custom_id: 'm3',
        input_line: 3,
        status: 'missing',
        response: null,
        error: { code: 'missing', message: 'The batch expired.' },
      }),
    ]);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('kluster').update('results.showOutcomes', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Files auto-save after a delay here, so the marks test's edits reached the disk: put the file back as written.
    await writeWorkspaceFile('marks/in.jsonl', INPUT_LINES);
  });

  it('marks each request line with its outcome, shows it on hover, shifts with edits and goes stale when the line changes', async () => {
    const editor = await vscode.window.showTextDocument(input);
    await expectMarks(
      input,
      [
        [0, 'succeeded', false],
        [1, 'failed', false],
        [2, 'missing', false],
      ],
      'a mark per request line',
    );

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', input, new vscode.Position(1, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /kluster result: ✗ failed/);
    assert.match(text, /the model is overloaded/);
    assert.match(text, /\[Open in Results\]\(command:kluster\.results\.openAt\?/);
    assert.match(text, /\[Open in Chat\]\(command:kluster\.results\.openInChat\?/);

    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '\n\n'));
    await expectMarks(
      input,
      [
        [2, 'succeeded', false],
        [3, 'failed', false],
        [4, 'missing', false],
      ],
      'the marks to move down two lines',
    );
    const line = editor.document.lineAt(3);
    await editor.edit((edit) => edit.replace(line.range, request('m2', 'second, edited', 'model-a')));
    await expectMarks(
      input,
      [
        [2, 'succeeded', false],
        [3, 'failed', true],
        [4, 'missing', false],
      ],
      'the edited line to be stale',
    );

    await vscode.workspace.getConfiguration('kluster').update('results.showOutcomes', false, vscode.ConfigurationTarget.Global);
    await expectMarks(input, [], 'no marks with the setting off');
    await vscode.workspace.getConfiguration('kluster').update('results.showOutcomes', true, vscode.ConfigurationTarget.Global);
    await expectMarks(
      input,
      [
        [2, 'succeeded', false],
        [3, 'failed', true],
        [4, 'missing', false],
      ],
      'the marks back with the setting on',
    );
  });

  it('Open in Results shows the grid at that row, expanded', async () => {
    for (const command of [Commands.resultsOpenAt, Commands.resultsOpenInChat]) {
      const missing = await vscode.commands.executeCommand<OpenRowOutcome>(command, results.fsPath, 'no-such-id');
      assert.strictEqual(missing?.status, 'failed', command);
      assert.match((missing as { message: string }).message, /has no result for no-such-id\.$/, command);
    }
    assert.deepStrictEqual(await vscode.commands.executeCommand<OpenRowOutcome>(Commands.resultsOpenAt, results.fsPath, 'm3'), {
      status: 'revealed',
    });
    let last: ResultsSnapshot | undefined;
    await waitFor(
      'the grid focused and expanded at m3',
      async () => {
        last = await snapshot();
        return last?.file === results.fsPath && last.report?.detail === 2 && last.state.focused === 2;
      },
      30_000,
      () => last && { file: last.file, report: last.report, focused: last.state.focused },
    );
  });
});
