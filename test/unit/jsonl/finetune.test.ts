// What the fine-tuning docs and tutorial require of a dataset: the schema's roles, a final assistant message per
// example, and at least 10 examples ("kluster.ai requires a minimum of 10 examples").
import * as assert from 'assert';
import {
  blocksSubmission,
  JsonlDocumentValidator,
  JsonlStreamValidator,
  validateText,
  type JsonlDiagnostic,
} from '../../../src/core/jsonl';
import { OPTIONS, seen } from './helpers';

const SYSTEM = { role: 'system', content: 'Label the sentiment: positive, negative or neutral.' };
const example = (...messages: object[]) => JSON.stringify({ messages });
const tutorialExample = (text: string, label: string) =>
  example(SYSTEM, { role: 'user', content: text }, { role: 'assistant', content: label });
const dataset = (count: number) => Array.from({ length: count }, (_, i) => tutorialExample(`headline ${i}`, 'neutral'));
const file = (lines: readonly string[]) => lines.join('\n') + '\n';

function stream(text: string): JsonlDiagnostic[] {
  const validator = new JsonlStreamValidator(OPTIONS);
  for (const line of text.split('\n').slice(0, -1)) validator.push(line);
  return validator.finish().diagnostics;
}

describe('fine-tuning dataset rules', () => {
  it('accepts ten examples in the tutorial’s shape (system, user, assistant)', () => {
    const result = validateText(file(dataset(10)), OPTIONS);
    assert.strictEqual(result.kind, 'finetune');
    assert.deepStrictEqual(result.diagnostics, []);
  });

  it('reports an example whose last message is not the assistant’s, on that message’s role', () => {
    const lines = [...dataset(9), example(SYSTEM, { role: 'user', content: 'no answer' })];
    const text = file(lines);
    const result = validateText(text, OPTIONS);
    assert.deepStrictEqual(seen(text, result.diagnostics), [['kluster.finetuneNoFinalAssistant', '"user"', 103, 109, 'error']]);
    assert.strictEqual(result.diagnostics[0]!.line, 9);
    assert.strictEqual(
      result.diagnostics[0]!.message,
      'A fine-tuning example must end with the assistant\'s reply (role "assistant"), the answer the model learns; this one ends with a "user" message.',
    );
  });

  it('does not add the final-assistant error where the role itself is already reported', () => {
    const text = file([...dataset(9), example({ role: 'user', content: 'q' }, { role: 'bot', content: 'a' })]);
    assert.deepStrictEqual(
      validateText(text, OPTIONS).diagnostics.map((d) => d.code),
      ['kluster.invalidRole'],
    );
  });

  it('warns on the first example when there are fewer than 10, and the warning blocks an upload', () => {
    const text = file(['', ...dataset(3)]);
    const result = validateText(text, OPTIONS);
    const lineOne = text.split('\n')[1]!;
    assert.deepStrictEqual(
      seen(text, result.diagnostics).filter((d) => d[0] !== 'kluster.blankLine'),
      [['kluster.finetuneTooFewExamples', lineOne, 0, lineOne.length, 'warning']],
    );
    const few = result.diagnostics.find((d) => d.code === 'kluster.finetuneTooFewExamples')!;
    assert.strictEqual(few.line, 1);
    assert.strictEqual(few.message, 'kluster.ai fine-tuning needs at least 10 examples; this dataset has 3. Add 7 more.');
    assert.ok(blocksSubmission(few));
  });

  it('the streaming validator (the CLI’s) finds the same', () => {
    for (const lines of [dataset(4), [...dataset(11), example({ role: 'user', content: 'q' })]]) {
      const text = file(lines);
      assert.deepStrictEqual(stream(text), validateText(text, OPTIONS).diagnostics);
    }
    assert.deepStrictEqual(
      stream(file(dataset(4))).map((d) => [d.line, d.code]),
      [[0, 'kluster.finetuneTooFewExamples']],
    );
  });

  it('the editor’s validator drops the warning once an edit brings the tenth example', () => {
    const validator = new JsonlDocumentValidator(OPTIONS);
    validator.load(dataset(9));
    validator.checkPending();
    const codes = () => {
      const found: string[] = [];
      validator.visit((line, d) => found.push(`${line}:${d.code}`));
      return found;
    };
    assert.deepStrictEqual(codes(), ['0:kluster.finetuneTooFewExamples']);
    validator.applyEdit(9, 0, [tutorialExample('one more', 'positive')]);
    assert.deepStrictEqual(codes(), []);
  });
});
