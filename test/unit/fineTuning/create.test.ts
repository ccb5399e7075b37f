// What Create Fine-tuning Job offers and checks before anything is uploaded.
import * as assert from 'assert';
import { baseModelChoices, createSummaryText, HYPERPARAMETERS, kindOfHead, parseHyperparameter } from '../../../src/core/fineTuning/create';
import { datasetLines } from '../../fixtures/fineTuning';
import { requestLine } from '../../fixtures/requests';

const spec = (key: string) => HYPERPARAMETERS.find((h) => h.key === key)!;

describe('Create Fine-tuning Job: choices and checks', () => {
  it('offers the docs’ fine-tunable models first, then base models the service’s jobs report, each once', () => {
    const choices = baseModelChoices([
      { model: 'meta-llama/Llama-3.1-8B-Instruct' },
      { model: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo' },
      { model: null },
      { model: 'meta-llama/Llama-3.1-8B-Instruct' },
    ]);
    assert.deepStrictEqual(choices, [
      { id: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo', source: 'documented' },
      { id: 'klusterai/Meta-Llama-3.3-70B-Instruct-Turbo', source: 'documented' },
      { id: 'meta-llama/Llama-3.1-8B-Instruct', source: 'reported' },
    ]);
  });

  it('explains each hyperparameter in the API reference’s words and takes only what the service accepts', () => {
    assert.deepStrictEqual(
      HYPERPARAMETERS.map((h) => h.key),
      ['n_epochs', 'batch_size', 'learning_rate_multiplier'],
    );
    assert.match(spec('n_epochs').meaning, /number of times the entire training dataset is passed through the model/);
    assert.deepStrictEqual(parseHyperparameter(spec('n_epochs'), ' '), {}, 'empty is the default');
    assert.deepStrictEqual(parseHyperparameter(spec('n_epochs'), '3'), { value: 3 });
    assert.deepStrictEqual(parseHyperparameter(spec('batch_size'), '0'), { error: 'Batch size must be a whole number from 1 up.' });
    assert.deepStrictEqual(parseHyperparameter(spec('n_epochs'), '2.5'), { error: 'Epochs must be a whole number from 1 up.' });
    assert.deepStrictEqual(parseHyperparameter(spec('learning_rate_multiplier'), '0.5'), { value: 0.5 });
    assert.ok(parseHyperparameter(spec('learning_rate_multiplier'), '-1').error);
    assert.ok(parseHyperparameter(spec('learning_rate_multiplier'), 'fast').error);
  });

  it('tells a dataset from a batch file by its first lines, ignoring a line cut off by the read', () => {
    const dataset = datasetLines(3).join('\n');
    assert.strictEqual(kindOfHead(dataset, true), 'finetune');
    assert.strictEqual(kindOfHead(dataset + '\n{"messa', false), 'finetune', 'the cut line does not vote');
    assert.strictEqual(kindOfHead(requestLine('a', 'hi'), true), 'batch');
    assert.strictEqual(kindOfHead('\n\n', true), 'empty');
  });

  it('sums up the job before the upload: examples, estimated tokens, model, validation, hyperparameters', () => {
    const text = createSummaryText({
      trainingName: 'train.jsonl',
      examples: 1200,
      estimatedTokens: 34567,
      model: 'klusterai/Meta-Llama-3.1-8B-Instruct-Turbo',
      validation: 'val.jsonl',
      hyperparameters: { n_epochs: 3, learning_rate_multiplier: 0.5 },
    });
    assert.strictEqual(text.headline, 'train.jsonl: 1,200 examples · ~34,567 tokens (estimated)');
    assert.strictEqual(
      text.detail,
      [
        'Base model: klusterai/Meta-Llama-3.1-8B-Instruct-Turbo',
        'Validation file: val.jsonl',
        'Hyperparameters: epochs 3, batch size default, learning rate multiplier 0.5',
        'train.jsonl is uploaded with purpose "fine-tune", then the job is created.',
      ].join('\n'),
    );
  });
});
