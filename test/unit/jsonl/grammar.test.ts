import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

// The injection grammar's patterns are plain enough for JS RegExp (no Oniguruma-only syntax), so they are compiled
// and run here against sample lines: what each capture covers is what VS Code colors.

interface Rule {
  readonly match: string;
  readonly captures: Record<string, { name: string }>;
}

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const grammar = JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes', 'kluster-jsonl.injection.tmLanguage.json'), 'utf8')) as {
  injectionSelector: string;
  patterns: { include: string }[];
  repository: Record<string, Rule>;
};

/** [scope of capture 5 (the value), the text it covers] for every match of every rule on `line`. */
function tokens(line: string): [string, string][] {
  const found: [number, string, string][] = [];
  for (const { include } of grammar.patterns) {
    const rule = grammar.repository[include.slice(1)]!;
    const re = new RegExp(rule.match, 'gd');
    for (const m of line.matchAll(re)) {
      const value = m.indices![5]!;
      found.push([value[0], rule.captures['5']!.name.split(' ').pop()!, line.slice(value[0], value[1])]);
    }
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, scope, text]) => [scope, text]);
}

describe('JSONL injection grammar', () => {
  it('injects into the built-in JSON Lines grammar and names every included rule', () => {
    assert.strictEqual(grammar.injectionSelector, 'L:source.json.lines -string -comment');
    assert.deepStrictEqual(
      grammar.patterns.map((p) => p.include).sort(),
      Object.keys(grammar.repository)
        .map((k) => `#${k}`)
        .sort(),
    );
  });

  it('marks custom_id values, model names and roles in a request line', () => {
    const line =
      '{"custom_id": "req-\\"1\\"", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "deepseek-ai/DeepSeek-V3", "messages": [{"role": "system", "content": "role: user"}, {"role":"user","content":"model"}]}}';
    assert.deepStrictEqual(tokens(line), [
      ['entity.name.tag.custom-id.kluster', '"req-\\"1\\""'],
      ['entity.name.type.model.kluster', '"deepseek-ai/DeepSeek-V3"'],
      ['keyword.control.role.kluster', '"system"'],
      ['keyword.control.role.kluster', '"user"'],
    ]);
  });

  it('takes the comma after a value, so the base grammar does not flag it', () => {
    const line = '{"custom_id":"a" ,"x":1}';
    const m = new RegExp(grammar.repository['custom-id']!.match, 'd').exec(line)!;
    assert.strictEqual(m[6], ',');
  });

  it('leaves unknown roles and non-string values alone', () => {
    assert.deepStrictEqual(tokens('{"role":"bot","model":42,"custom_id":null}'), []);
  });
});
