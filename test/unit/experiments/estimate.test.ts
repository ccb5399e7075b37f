// The numbers an experiment's Submit pre-flight shows: requests, estimated input tokens per provider, and a cost
// only for models the person priced.
import * as assert from 'assert';
import { estimateExperiment, formatCost, preflightRows, pricingOf } from '../../../src/core/experiments';
import { parseExperiment } from '../../../src/core/experiments/parse';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';

const V3 = 'deepseek-ai/DeepSeek-V3';
const LLAMA = 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo';
const TEXT = `prompts:
  - "{{q}}"
  - "Answer briefly: {{q}}"
providers:
  - ${V3}
  - {id: ${LLAMA}, label: llama, config: {max_completion_tokens: 100}}
tests:
  - vars: {q: "${'x'.repeat(40)}"}
  - vars: {q: "${'y'.repeat(80)}"}
  - vars: {q: "z"}
`;

function experiment() {
  const parsed = parseExperiment(TEXT, '/x/e.experiment.yaml', { knownModels: DOCUMENTED_MODEL_IDS });
  assert.ok(parsed.experiment, JSON.stringify(parsed.problems));
  const tests = parsed.experiment.tests.kind === 'inline' ? parsed.experiment.tests.tests : [];
  return { experiment: parsed.experiment, tests };
}

describe('experiment pre-flight estimate', () => {
  it('counts rows × prompts × providers and estimates input tokens per provider as the batch pre-flight does', () => {
    const { experiment: e, tests } = experiment();
    const estimate = estimateExperiment(e, tests);
    assert.deepStrictEqual([estimate.rows, estimate.prompts, estimate.providers, estimate.requests], [3, 2, 2, 12]);
    // Characters / 4, rounded up per request: 40 → 10, 56 → 14, 80 → 20, 96 → 24, 1 → 1, 17 → 5.
    assert.deepStrictEqual(
      estimate.perProvider.map((p) => [p.label, p.requests, p.inputTokens, p.inputCost, p.maxOutputCost]),
      [
        [V3, 6, 74, undefined, undefined],
        ['llama', 6, 74, undefined, undefined],
      ],
    );
  });

  it('prices only the models in kluster.pricing; output only as an upper bound from max_completion_tokens', () => {
    const { experiment: e, tests } = experiment();
    const estimate = estimateExperiment(e, tests, pricingOf({ [LLAMA]: { input: 2, output: 10 }, [V3]: { input: 'cheap' } }));
    const [v3, llama] = estimate.perProvider;
    assert.strictEqual(v3!.inputCost, undefined, 'a malformed price is no price');
    assert.strictEqual(llama!.inputCost, (74 / 1e6) * 2);
    assert.strictEqual(llama!.maxOutputCost, ((6 * 100) / 1e6) * 10);
    assert.deepStrictEqual(preflightRows(estimate, true), [
      { label: '3 rows × 2 prompts × 2 providers', description: '= 12 requests' },
      { label: V3, description: '~74 input tokens · no price in kluster.pricing' },
      { label: 'llama', description: '~74 input tokens · ≈ $0.0001 input + at most $0.0060 output' },
    ]);
  });

  it('says how to get a cost estimate when no price is set, and invents none', () => {
    const { experiment: e, tests } = experiment();
    const rows = preflightRows(estimateExperiment(e, tests, pricingOf(undefined)), false);
    assert.deepStrictEqual(rows.at(-1), {
      label: 'No cost estimate',
      description: 'set kluster.pricing (per model, input and output per 1M tokens)',
    });
    assert.ok(rows.every((r) => !r.description?.includes('$')));
  });

  it('formats costs in cents, or four decimals under a cent', () => {
    assert.deepStrictEqual(
      [formatCost(0), formatCost(0.00012), formatCost(4.2), formatCost(1234.5)],
      ['$0.00', '$0.0001', '$4.20', '$1,234.50'],
    );
  });
});
