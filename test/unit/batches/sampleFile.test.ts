// New Batch File, the walkthrough's sample and the JSON Lines snippets produce request lines the validator accepts.
import * as assert from 'assert';
import manifest from '../../../package.json';
import snippets from '../../../snippets/jsonl.json';
import { newBatchFileText, PREFERRED_SAMPLE_MODEL, sampleBatchFileText, sampleModel } from '../../../src/core/batches/sampleFile';
import { Codes, validateText } from '../../../src/core/jsonl';
import { DOCUMENTED_MODEL_IDS, DOCUMENTED_MODELS } from '../../../src/core/models';

const OPTIONS = { knownModels: DOCUMENTED_MODEL_IDS, tier: 'standard' } as const;

interface Snippet {
  readonly prefix: string | string[];
  readonly body: string | string[];
  readonly description: string;
}
const SNIPPETS = Object.entries(snippets as Record<string, Snippet>);

/** A snippet body as inserted when every placeholder keeps its default (a choice: its first option). */
function expandWithDefaults(body: string): string {
  let text = body;
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text.replace(/\$\{\d+:([^${}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1');
  }
  return text.replace(/\$\{?\d+\}?/g, '');
}

function choicesOf(body: string): string[][] {
  return [...body.matchAll(/\$\{\d+\|([^|]*)\|\}/g)].map((m) => m[1]!.split(','));
}

describe('sample batch files and snippets', () => {
  it('expands snippet placeholders and choices the way the editor inserts their defaults', () => {
    assert.strictEqual(expandWithDefaults('{"a": "${1:x}", "b": ${2|m,n|}, "c": "${3:}"}$0'), '{"a": "x", "b": m, "c": ""}');
  });

  it('contributes the snippets file for the jsonl language', () => {
    const contributed = (manifest as unknown as { contributes: { snippets: { language: string; path: string }[] } }).contributes.snippets;
    assert.deepStrictEqual(
      contributed.find((s) => s.path === './snippets/jsonl.json'),
      { language: 'jsonl', path: './snippets/jsonl.json' },
    );
    assert.ok(SNIPPETS.length >= 2, 'a plain request and one with a system prompt at least');
  });

  for (const [name, snippet] of SNIPPETS) {
    it(`snippet "${name}" expands to one request line with no diagnostics`, () => {
      const body = ([] as string[]).concat(snippet.body).join('\n');
      const text = expandWithDefaults(body) + '\n';
      assert.ok(!text.includes('$'), `every placeholder expanded: ${text}`);
      const result = validateText(text, OPTIONS);
      assert.strictEqual(result.kind, 'batch');
      assert.deepStrictEqual(result.diagnostics, [], text);
      assert.strictEqual(text.trimEnd().split('\n').length, 1, 'one line');
      assert.ok(snippet.description.length > 0 && [snippet.prefix].flat().every((p) => p.length > 0));
    });

    it(`snippet "${name}" offers only documented models, each of which validates`, () => {
      const body = ([] as string[]).concat(snippet.body).join('\n');
      const [models, ...others] = choicesOf(body);
      assert.ok(models && models.length > 0 && others.length === 0, 'one model choice');
      const vision = new Set(DOCUMENTED_MODELS.filter((m) => m.vision).map((m) => m.id));
      const wantsVision = body.includes('image_url');
      for (const model of models) {
        assert.ok(DOCUMENTED_MODEL_IDS.has(model), model);
        if (wantsVision) assert.ok(vision.has(model), `${model} takes images`);
        const line = expandWithDefaults(body.replace(/\$\{2\|[^|]*\|\}/, model));
        assert.deepStrictEqual(validateText(line + '\n', OPTIONS).diagnostics, [], line);
      }
    });
  }

  it('New Batch File text: two request lines for the model given, no diagnostics', () => {
    for (const model of DOCUMENTED_MODEL_IDS) {
      const text = newBatchFileText(model);
      const lines = text.trimEnd().split('\n');
      assert.strictEqual(lines.length, 2);
      assert.ok(lines.every((line) => (JSON.parse(line) as { body: { model: string } }).body.model === model));
      const result = validateText(text, OPTIONS);
      assert.strictEqual(result.kind, 'batch');
      assert.deepStrictEqual(result.diagnostics, [], model);
    }
  });

  it('the walkthrough sample holds exactly one problem, a repeated custom_id with a quick fix', () => {
    const result = validateText(sampleBatchFileText(PREFERRED_SAMPLE_MODEL), OPTIONS);
    assert.deepStrictEqual(
      result.diagnostics.map((d) => [d.code, d.line, d.fix?.kind]),
      [[Codes.duplicateCustomId, 2, 'uniqueCustomId']],
    );
  });

  it('picks the chat model last used if listed, else the preferred one, else the first listed', () => {
    const ids = ['a/model', PREFERRED_SAMPLE_MODEL, 'b/model'];
    assert.strictEqual(sampleModel(ids, 'b/model'), 'b/model');
    assert.strictEqual(sampleModel(ids, 'gone/model'), PREFERRED_SAMPLE_MODEL);
    assert.strictEqual(sampleModel(['a/model', 'b/model']), 'a/model');
    assert.strictEqual(sampleModel([]), PREFERRED_SAMPLE_MODEL);
  });
});
