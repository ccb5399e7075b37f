// Plain words for a wrong shape in an experiment: what is there and what is allowed, never a schema library's
// wording ("expected object, received number").
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** What each node must be (by the path with indices as `*`), for "must be …, not …". */
const WANTED: Record<string, string> = {
  '': 'a mapping with `prompts`, `providers` and `tests`',
  description: 'text',
  prompts: 'a list of prompts',
  'prompts.*': 'a text (one user message) or {label, messages: [{role, content}]}',
  'prompts.*.label': 'text',
  'prompts.*.messages': 'a list of messages {role, content}',
  'prompts.*.messages.*': 'a message {role, content}',
  'prompts.*.messages.*.role': 'system, user or assistant',
  'prompts.*.messages.*.content': 'text',
  providers: 'a list of providers',
  'providers.*': 'a model id or {id, label, config}',
  'providers.*.id': 'a model id',
  'providers.*.label': 'text',
  'providers.*.config': 'a mapping of request parameters, like {temperature: 0}',
  tests: 'file://NAME.csv, file://NAME.jsonl or a list of tests {vars, assert}',
  'tests.*': 'a test {vars, assert, description}',
  'tests.*.description': 'text',
  'tests.*.vars': 'a mapping of variable names to values',
  'tests.*.assert': 'a list of assertions {type, value}',
  'tests.*.assert.*': 'an assertion {type, value}',
  'tests.*.assert.*.type': 'an assertion type, like icontains',
  'tests.*.assert.*.provider': 'a judge model id',
  'tests.*.assert.*.description': 'text',
  defaultTest: 'a mapping with `assert`',
  'defaultTest.assert': 'a list of assertions {type, value}',
  'defaultTest.assert.*': 'an assertion {type, value}',
  'defaultTest.assert.*.type': 'an assertion type, like icontains',
  'defaultTest.assert.*.provider': 'a judge model id',
  'defaultTest.assert.*.description': 'text',
  kluster: 'a mapping with `completion_window` or `judge`',
  'kluster.completion_window': 'a completion window',
  'kluster.judge': 'a mapping with `model`',
  'kluster.judge.model': 'a model id',
};

/** What a list holds, for "needs at least one …". */
const ITEM: Record<string, string> = {
  prompts: 'prompt',
  'prompts.*.messages': 'message',
  providers: 'provider',
  tests: 'test',
};

/** `a, b or c` */
export function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

/** The value as a person reads it in a message: `the number 5`, `a list`, `the text "x"`. */
function described(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/** `pattern`: the node's path with indices as `*`; `name`: how the node is named in messages. */
export function issueMessage(issue: Issue, value: unknown, pattern: string, node: string): string {
  // `the experiment` starts a sentence; a path (`prompts[0]`) is written as it is in the file.
  const name = node.replace(/^the /, 'The ');
  const wanted = WANTED[pattern];
  switch (issue.code) {
    case 'invalid_type':
      return `${name} must be ${wanted ?? `a ${issue.expected}`}, not ${described(value)}.`;
    case 'invalid_value': {
      // The key names the kind of value: `role`, `completion_window`.
      const what = pattern.split('.').pop()!.replace(/_/g, ' ') || 'allowed value';
      return `${name} is \`${String(value)}\`, which is not ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}: use ${orList(issue.values.map(String))}.`;
    }
    case 'too_small':
      if (issue.origin === 'array') return `${name} needs at least one ${ITEM[pattern] ?? 'item'}.`;
      if (issue.origin === 'string') return `${name} must not be empty.`;
      break;
    case 'invalid_format':
      return `${name} must be ${wanted ?? issue.message}, not ${described(value)}.`;
  }
  return `${name}: ${issue.message.replace(/^Invalid input: /, '')}.`;
}
