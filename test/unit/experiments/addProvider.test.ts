import * as assert from 'assert';
import { addProvider } from '../../../src/core/experiments/addProvider';

const EXPERIMENT = `# Movie genres
description: Movie review sentiment   # shown in reports
prompts:
  - "Genre of {{overview}}?"
providers:
  - deepseek-ai/DeepSeek-V3   # the baseline
  - {id: klusterai/Meta-Llama-3.3-70B-Instruct-Turbo, label: llama-70b, config: {temperature: 0}}
tests: file://movies.csv
`;

describe('experiments: add a provider', () => {
  it('appends the model to providers and keeps everything else as written', () => {
    const result = addProvider(EXPERIMENT, 'ft:Meta-Llama-3.1-8B-Instruct-Turbo:personal:abc', 'fine-tuned');
    assert.strictEqual(result.status, 'added');
    if (result.status !== 'added') return;
    assert.strictEqual(
      result.text,
      EXPERIMENT.replace('tests:', '  - {id: ft:Meta-Llama-3.1-8B-Instruct-Turbo:personal:abc, label: fine-tuned}\ntests:'),
    );
  });

  it('says so when a provider already names the model, as a string or an id', () => {
    assert.deepStrictEqual(addProvider(EXPERIMENT, 'deepseek-ai/DeepSeek-V3'), { status: 'present' });
    assert.deepStrictEqual(addProvider(EXPERIMENT, 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo'), { status: 'present' });
  });

  it('creates providers when missing, and refuses a file it cannot edit safely', () => {
    const result = addProvider('description: x\n', 'm1');
    assert.deepStrictEqual(result, { status: 'added', text: 'description: x\nproviders:\n  - m1\n' });
    assert.deepStrictEqual(addProvider('providers: [m1]  # two\n', 'm: 2'), { status: 'added', text: 'providers: [m1, "m: 2"]  # two\n' });
    assert.deepStrictEqual(addProvider('providers:\n    -   m1\nx: 1', 'm2'), {
      status: 'added',
      text: 'providers:\n    -   m1\n    - m2\nx: 1',
    });
    assert.strictEqual(addProvider('providers: m1\n', 'm2').status, 'invalid');
    assert.strictEqual(addProvider('- a\n- b\n', 'm2').status, 'invalid');
    assert.strictEqual(addProvider('a: [\n', 'm2').status, 'invalid');
  });
});
