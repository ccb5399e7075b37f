// The experiment file in a real VS Code against the emulator: diagnostics exact to the YAML node as you type,
// hover, completion and CodeLens; Build, Preview (scored with the expected pass rates) and Submit → completed →
// one results file.
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../../src/constants';
import { loadExperiment, scoreResults } from '../../../src/core/experiments';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';
import type {
  BuildOutcome,
  ComparisonOutcome,
  ExperimentSubmitOutcome,
  FetchOutcome,
  PreviewOutcome,
} from '../../../src/experiments/commands';
import { useEmulator, waitFor, workspaceDir } from '../batchesFixture';

const TIMING = { validatingMs: 200, inProgressMs: 800, finalizingMs: 200, cancellingMs: 300 };
const V3 = 'deepseek-ai/DeepSeek-V3';
const LLAMA = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';

const GOOD = `description: Movie review sentiment
prompts:
  - label: terse
    messages:
      - role: system
        content: "One word: positive, negative or neutral."
      - role: user
        content: "{{review}}"
providers:
  - ${V3}
  - id: ${LLAMA}
    label: llama
    config: {temperature: 0}
tests: file://reviews.csv
defaultTest:
  assert:
    - type: icontains
      value: "{{label}}"
`;

// Row 2: llama answers wrong; row 3: both right.
const CSV = [
  'review,label',
  '"Loved it [[answer:positive]]",positive',
  '"Dull [[answer:negative]] [[answer@Llama:positive]]",negative',
  '"Fine [[answer:neutral]]",neutral',
].join('\n');

// Invalid values (`robot`, `2h`) hide none of the other problems.
const BROKEN = `prompts:
  - label: terse
    messages:
      - role: robot
        content: hi
      - role: user
        content: "Review: {{reveiw}}"
providers:
  - deepseek-ai/DeepSeek-V9
  - id: ${LLAMA}
    config: {temperature: 5}
kluster: {completion_window: 2h}
tests: file://reviews.csv
defaultTets:
  assert: []
`;

function diagnostics(document: vscode.TextDocument): [string, string, string][] {
  return vscode.languages
    .getDiagnostics(document.uri)
    .filter((d) => d.source === 'kluster.ai')
    .map((d): [string, string, string] => [String(d.code), document.getText(d.range), vscode.DiagnosticSeverity[d.severity]])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

describe('Experiments editor: diagnostics, hover, completion, CodeLens, Build, Preview, Submit', function () {
  this.timeout(120_000);
  let session: Awaited<ReturnType<typeof useEmulator>>;
  let dir: string;

  before(async () => {
    session = await useEmulator({ timing: TIMING });
    dir = path.join(workspaceDir(), `experiments-${Date.now()}`);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'reviews.csv'), CSV);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await session?.dispose();
  });

  async function open(name: string, text: string): Promise<vscode.TextDocument> {
    const file = path.join(dir, name);
    await fs.writeFile(file, text);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    return document;
  }

  it('puts each problem of a broken experiment on its exact YAML node, and updates them as you type', async () => {
    const document = await open('broken.experiment.yaml', BROKEN);
    const expected: [string, string, string][] = [
      ['experiment.invalidValue', 'robot', 'Error'],
      ['experiment.invalidValue', '2h', 'Error'],
      ['experiment.unknownKey', 'defaultTets', 'Error'],
      ['experiment.unknownModel', 'deepseek-ai/DeepSeek-V9', 'Warning'],
      ['experiment.unknownVariable', '{{reveiw}}', 'Error'],
      ['kluster.temperatureRange', '5', 'Error'],
    ];
    const seen = await waitFor(
      'the experiment diagnostics',
      () => diagnostics(document).length >= 6 && diagnostics(document),
      15_000,
      () => diagnostics(document),
    );
    assert.deepStrictEqual(seen, expected);
    const unknownKey = vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'experiment.unknownKey')!;
    assert.match(unknownKey.message, /Did you mean `defaultTest`\?/);
    const variable = vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'experiment.unknownVariable')!;
    assert.match(variable.message, /Did you mean `review`\?/);
    assert.deepStrictEqual([variable.range.start.line, variable.range.start.character], [6, 26]);

    // As you type: fix the variable, break the regex of a new assertion, point at a dataset that is not there.
    const edit = new vscode.WorkspaceEdit();
    const text = document.getText();
    const at = (s: string) => document.positionAt(text.indexOf(s));
    edit.replace(document.uri, new vscode.Range(at('reveiw'), at('reveiw').translate(0, 6)), 'review');
    edit.replace(
      document.uri,
      new vscode.Range(at('defaultTets:'), document.positionAt(text.length)),
      'defaultTest:\n  assert:\n    - type: regex\n      value: "(unclosed"\n    - type: icontans\n      value: x\n',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await waitFor(
      'the diagnostics of the edited text',
      () => {
        const now = diagnostics(document);
        return (
          !now.some(([code]) => code === 'experiment.unknownVariable') && now.some(([code]) => code === 'experiment.invalidRegex') && now
        );
      },
      15_000,
      () => diagnostics(document),
    );
    assert.deepStrictEqual(
      after.filter(([code]) => code.startsWith('experiment.')),
      [
        ['experiment.assertionType', 'icontans', 'Error'],
        ['experiment.invalidRegex', '"(unclosed"', 'Error'],
        ['experiment.invalidValue', 'robot', 'Error'],
        ['experiment.invalidValue', '2h', 'Error'],
        ['experiment.unknownModel', 'deepseek-ai/DeepSeek-V9', 'Warning'],
      ],
    );

    const missing = await open('missing.experiment.yaml', GOOD.replace('file://reviews.csv', 'file://nope.csv'));
    const notFound = await waitFor(
      'the missing dataset',
      () => diagnostics(missing).find(([code]) => code === 'experiment.datasetNotFound'),
      15_000,
      () => diagnostics(missing),
    );
    assert.strictEqual(notFound[1], 'file://nope.csv');
  });

  it('hovers a variable with its first rows, completes columns and model ids, and shows the four CodeLenses', async () => {
    const document = await open('hover.experiment.yaml', GOOD);
    const position = document.positionAt(document.getText().indexOf('{{review}}') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    const hoverText = hovers
      .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value)))
      .join('\n');
    assert.match(hoverText, /\*\*review\*\* in the first 3 rows/);
    assert.match(hoverText, /row 1: `Loved it \[\[answer:positive\]\]`/);
    assert.match(hoverText, /row 3: `Fine \[\[answer:neutral\]\]`/);

    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(7, 0), '        content: "{{ \n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const columns = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(7, 20),
    );
    const labels = columns.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('review') && labels.includes('label'), JSON.stringify(labels.slice(0, 20)));
    await vscode.commands.executeCommand('undo');

    const providerLine = document.getText().split('\n').indexOf(`  - ${V3}`);
    const models = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(providerLine, 6),
    );
    const ids = models.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(ids.includes(LLAMA) && ids.includes(V3), JSON.stringify(ids.slice(0, 20)));

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    assert.deepStrictEqual(
      lenses.map((l) => [l.command?.title, l.command?.command]),
      [
        ['$(package) Build Batch', Commands.experimentBuild],
        ['$(play) Preview 5 Rows', Commands.experimentPreview],
        ['$(cloud-upload) Submit', Commands.experimentSubmit],
        ['$(table) Open Comparison', Commands.experimentOpenComparison],
      ],
    );
  });

  it('Build writes one line per row × prompt × provider and opens it; an existing batch is kept without asking', async () => {
    const document = await open('reviews.experiment.yaml', GOOD);
    const built = (await vscode.commands.executeCommand<BuildOutcome>(Commands.experimentBuild, document.uri, { confirm: false }))!;
    assert.strictEqual(built.status, 'built', JSON.stringify(built));
    if (built.status !== 'built') return;
    const batch = path.join(dir, 'reviews.batch.jsonl');
    assert.deepStrictEqual(built.parts, [batch]);
    const lines = (await fs.readFile(batch, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { custom_id: string; body: { model: string } });
    assert.deepStrictEqual(
      lines.map((l) => [l.custom_id, l.body.model]),
      [
        ['exp-r1-p1-m1', V3],
        ['exp-r1-p1-m2', LLAMA],
        ['exp-r2-p1-m1', V3],
        ['exp-r2-p1-m2', LLAMA],
        ['exp-r3-p1-m1', V3],
        ['exp-r3-p1-m2', LLAMA],
      ],
    );
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.fsPath, batch);
    const again = (await vscode.commands.executeCommand<BuildOutcome>(Commands.experimentBuild, document.uri, { confirm: false }))!;
    assert.deepStrictEqual(again, { status: 'exists', path: batch });
  });

  it('Preview runs the first rows in real time and writes results that score with the expected pass rates', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'reviews.experiment.yaml'));
    const before = session.emulator.state.requests.filter((r) => r.path === '/v1/chat/completions').length;
    const preview = (await vscode.commands.executeCommand<PreviewOutcome>(Commands.experimentPreview, uri, { confirm: false, rows: 2 }))!;
    assert.strictEqual(preview.status, 'written', JSON.stringify(preview));
    if (preview.status !== 'written') return;
    assert.strictEqual(session.emulator.state.requests.filter((r) => r.path === '/v1/chat/completions').length - before, 4);
    assert.strictEqual(preview.path, path.join(dir, 'reviews.preview.results.jsonl'));
    assert.deepStrictEqual(
      preview.columns.map((c) => [c.prompt, c.provider, c.passed, c.failed, c.errors, c.total]),
      [
        ['terse', V3, 2, 0, 0, 2],
        ['terse', 'llama', 1, 1, 0, 2],
      ],
    );
    const loaded = await loadExperiment(uri.fsPath, { knownModels: DOCUMENTED_MODEL_IDS });
    const rescored = await scoreResults(loaded.experiment!, loaded.tests.slice(0, 2), preview.path);
    assert.deepStrictEqual(
      rescored.columns.map((c) => c.passRate),
      [1, 0.5],
    );
  });

  it('Submit → completed → one results file with the expected pass rates, and Open Comparison shows it', async () => {
    const uri = vscode.Uri.file(path.join(dir, 'reviews.experiment.yaml'));
    const submitted = (await vscode.commands.executeCommand<ExperimentSubmitOutcome>(Commands.experimentSubmit, uri, {
      confirm: false,
      overwrite: true,
      completionWindow: '1h',
    }))!;
    assert.strictEqual(submitted.status, 'submitted', JSON.stringify(submitted));
    if (submitted.status !== 'submitted') return;
    assert.strictEqual(submitted.batchIds.length, 1);
    const stored = session.emulator.state.batch(submitted.batchIds[0]!)!;
    assert.strictEqual(stored.completionWindow, '1h');

    const fetched = await waitFor(
      'the experiment batch to complete and its results to be written',
      async () => {
        const outcome = (await vscode.commands.executeCommand<FetchOutcome>(Commands.experimentFetchResults, uri, {
          confirm: false,
          overwrite: true,
        }))!;
        return outcome.status === 'written' ? outcome : outcome.status === 'notReady' ? undefined : assert.fail(JSON.stringify(outcome));
      },
      60_000,
    );
    assert.strictEqual(fetched.path, path.join(dir, 'reviews.results.jsonl'));
    assert.deepStrictEqual([fetched.summary.total, fetched.summary.succeeded], [6, 6]);
    const loaded = await loadExperiment(uri.fsPath, { knownModels: DOCUMENTED_MODEL_IDS });
    const scored = await scoreResults(loaded.experiment!, loaded.tests, fetched.path);
    assert.deepStrictEqual(
      scored.columns.map((c) => [c.provider, c.passed, c.failed, c.errors, c.total]),
      [
        [V3, 3, 0, 0, 3],
        ['llama', 2, 1, 0, 3],
      ],
    );

    const comparison = (await vscode.commands.executeCommand<ComparisonOutcome>(Commands.experimentOpenComparison, uri, {
      confirm: false,
    }))!;
    assert.strictEqual(comparison.status, 'opened', JSON.stringify(comparison));
    if (comparison.status !== 'opened') return;
    assert.strictEqual(comparison.results, fetched.path);
    const registered = (await vscode.commands.getCommands(true)).includes('kluster.openComparison');
    assert.strictEqual(comparison.via, registered ? 'comparison' : 'file');
  });
});
