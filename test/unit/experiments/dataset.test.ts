import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { csvDataset, expectedAssertion, jsonlDataset } from '../../../src/core/experiments/dataset';
import { LineLocator } from '../../../src/core/experiments/locate';
import { loadExperiment } from '../../../src/core/experiments/load';
import type { ExperimentProblem } from '../../../src/core/experiments/problems';
import { DOCUMENTED_MODEL_IDS } from '../../../src/core/models';

const vars = (text: string) => csvDataset(text, 'd.csv').tests.map((t) => t.vars);

describe('experiment datasets: CSV', () => {
  it('takes variable names from the header row', () => {
    const data = csvDataset('review,label\ngreat,positive\nbad,negative\n', 'd.csv');
    assert.deepStrictEqual(data.columns, ['review', 'label']);
    assert.deepStrictEqual(
      data.tests.map((t) => [t.row, t.vars]),
      [
        [1, { review: 'great', label: 'positive' }],
        [2, { review: 'bad', label: 'negative' }],
      ],
    );
  });

  it('reads RFC 4180 quoting: commas, doubled quotes and newlines inside quotes', () => {
    assert.deepStrictEqual(vars('a,b\n"x, y","say ""hi"""\n"line 1\nline 2",z\n'), [
      { a: 'x, y', b: 'say "hi"' },
      { a: 'line 1\nline 2', b: 'z' },
    ]);
  });

  it('reads CRLF and LF alike, and a leading BOM is not part of the first column name', () => {
    const crlf = csvDataset('\ufeffa,b\r\n1,2\r\n3,4\r\n', 'd.csv');
    assert.deepStrictEqual(crlf.columns, ['a', 'b']);
    assert.deepStrictEqual(
      crlf.tests.map((t) => t.vars),
      [
        { a: '1', b: '2' },
        { a: '3', b: '4' },
      ],
    );
    assert.deepStrictEqual(vars('a,b\n1,2\r\n3,4'), [
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ]);
  });

  it('keeps empty fields as empty strings and skips blank lines', () => {
    assert.deepStrictEqual(vars('a,b,c\n,,\n1,,3\n\n'), [
      { a: '', b: '', c: '' },
      { a: '1', b: '', c: '3' },
    ]);
  });

  it('reads UTF-8 text: accents, CJK and emoji', () => {
    assert.deepStrictEqual(vars('texte,ラベル\nCafé crème 😀,良い\n'), [{ texte: 'Café crème 😀', ラベル: '良い' }]);
  });

  it('reports every row with the wrong number of fields at its line, in plain words', () => {
    const data = csvDataset('a,b\n1,2\n1,2,3\n4\n5,6\n', 'd.csv');
    assert.deepStrictEqual(
      data.problems.map((p) => [p.code, p.range.start.line, p.message]),
      [
        ['experiment.datasetSyntax', 2, 'CSV: line 3 has 3 fields; the header has 2.'],
        ['experiment.datasetSyntax', 3, 'CSV: line 4 has 1 field; the header has 2.'],
      ],
    );
  });

  it('a quote inside a field that is not quoted says how to write it', () => {
    const data = csvDataset('a,b\nsay "hi",2\n', 'd.csv');
    assert.deepStrictEqual(
      data.problems.map((p) => [p.range.start.line, p.message]),
      [[1, 'CSV: line 2 has a " inside a field that is not quoted: quote the whole field and double each quote in it ("say ""hi""").']],
    );
  });

  it('a CRLF inside a quoted field counts as one line: later problems are at their own line', () => {
    // Line 4 (0-based 3) holds the bad regex, after a field that spans lines 2 and 3.
    for (const eol of ['\r\n', '\n']) {
      const text = ['review,__expected', '"a', 'b",x', 'c,regex:(', '"d', 'e",y', 'f,regex:['].join(eol) + eol;
      const data = csvDataset(text, 'd.csv');
      assert.deepStrictEqual(
        data.problems.map((p) => [p.code, p.range.start.line]),
        [
          ['experiment.invalidRegex', 3],
          ['experiment.invalidRegex', 6],
        ],
        JSON.stringify(eol),
      );
      const broken = csvDataset(['review', '"a', 'b"', '"c', 'd"', 'e,f'].join(eol) + eol, 'd.csv');
      assert.deepStrictEqual(
        broken.problems.map((p) => [p.code, p.range.start.line]),
        [['experiment.datasetSyntax', 5]],
        JSON.stringify(eol),
      );
      assert.match(broken.problems[0]!.message, /line 6/);
    }
  });

  it('reports an unclosed quote, and a duplicate or empty header cell', () => {
    assert.match(csvDataset('a\n"open\n', 'd.csv').problems[0]!.message, /Quote Not Closed/);
    assert.match(csvDataset('a,a\n1,2\n', 'd.csv').problems[0]!.message, /"a" appears twice/);
    assert.match(csvDataset('a,\n1,2\n', 'd.csv').problems[0]!.message, /header cell is empty/);
  });

  it('turns __expected columns into assertions, not variables', () => {
    const data = csvDataset('review,__expected,__expected2\ngreat,positive,icontains:POS\nmeh,,\n', 'd.csv');
    assert.deepStrictEqual(data.columns, ['review']);
    assert.deepStrictEqual(data.tests[0]!.vars, { review: 'great' });
    assert.deepStrictEqual(
      data.tests[0]!.assert.map((a) => [a.type, a.negate, a.text?.template.source, a.trim ?? false]),
      [
        ['equals', false, 'positive', true],
        ['icontains', false, 'POS', false],
      ],
    );
    assert.strictEqual(data.tests[1]!.assert.length, 0, 'empty cells add no assertion');
  });
});

describe('experiment datasets: __expected cells', () => {
  const parse = (cell: string) => {
    const problems: ExperimentProblem[] = [];
    return { spec: expectedAssertion(cell, 'origin', new LineLocator('d.csv', 4, 10), problems), problems };
  };

  it('reads TYPE:VALUE for every type and its not- form, keeping the value after the first colon', () => {
    assert.deepStrictEqual(
      [parse('not-contains:sorry: no').spec].map((s) => [s?.type, s?.negate, s?.text?.template.source]),
      [['contains', true, 'sorry: no']],
    );
    assert.strictEqual(parse('starts-with:Yes').spec?.type, 'starts-with');
    assert.deepStrictEqual(parse('is-json:{"type":"object"}').spec?.schema, { type: 'object' });
    assert.strictEqual(parse('contains-json:').spec?.schema, undefined);
    assert.strictEqual(parse('llm-rubric:is polite').spec?.text?.template.source, 'is polite');
  });

  it('is equals on the trimmed reply when the prefix is not a type (a colon in the answer is fine)', () => {
    const { spec } = parse('ratio: 3:1');
    assert.deepStrictEqual([spec?.type, spec?.trim, spec?.text?.template.source], ['equals', true, 'ratio: 3:1']);
  });

  it('a bare is-json or contains-json (and their not- forms) is that assertion, with no schema', () => {
    for (const cell of ['is-json', 'not-is-json', 'contains-json', ' not-contains-json ', 'is-json:', 'not-contains-json:']) {
      const { spec, problems } = parse(cell);
      const name = cell.trim().replace(/:$/, '');
      assert.deepStrictEqual(problems, [], cell);
      assert.deepStrictEqual(
        [spec?.negate ? `not-${spec.type}` : spec?.type, spec?.schema, spec?.trim],
        [name, undefined, undefined],
        cell,
      );
    }
  });

  it('a type that needs a value, bare or with nothing after the colon, is an error at the row (not equals on its name)', () => {
    for (const type of ['equals', 'contains', 'icontains', 'starts-with', 'regex', 'llm-rubric', 'not-contains', 'not-regex']) {
      for (const cell of [type, `${type}:`, `${type}:  `]) {
        const { spec, problems } = parse(cell);
        assert.strictEqual(spec, undefined, cell);
        assert.deepStrictEqual(
          problems.map((p) => [p.code, p.range.start.line]),
          [['experiment.invalidValue', 4]],
          cell,
        );
        assert.match(problems[0]!.message, new RegExp(`^origin: \\\`${type}\\\` needs a value after the colon`), cell);
        assert.match(problems[0]!.message, new RegExp(`equals:${type}`), cell);
      }
    }
  });

  it('keeps every colon of the value: regex:^a:b$, equals:http://x', () => {
    const regex = parse('regex:^a:b$').spec;
    assert.deepStrictEqual([regex?.type, regex?.text?.template.source], ['regex', '^a:b$']);
    const url = parse('equals:http://x').spec;
    assert.deepStrictEqual([url?.type, url?.trim, url?.text?.template.source], ['equals', undefined, 'http://x']);
    const plain = parse('http://x').spec;
    assert.deepStrictEqual([plain?.type, plain?.trim, plain?.text?.template.source], ['equals', true, 'http://x']);
  });

  it('adds nothing for an empty or blank cell', () => {
    assert.strictEqual(parse('').spec, undefined);
    assert.strictEqual(parse('   ').spec, undefined);
  });

  it('reports an invalid regex and a schema that is not JSON at the row line', () => {
    const regex = parse('regex:([a-');
    assert.strictEqual(regex.spec, undefined);
    assert.strictEqual(regex.problems[0]!.code, 'experiment.invalidRegex');
    assert.strictEqual(regex.problems[0]!.range.start.line, 4);
    assert.strictEqual(parse('is-json:{nope').problems[0]!.code, 'experiment.invalidSchema');
  });
});

describe('experiment datasets: JSONL', () => {
  it('reads test objects and plain objects, and nested values stay objects', () => {
    const data = jsonlDataset(
      '{"vars":{"q":"a"},"description":"first","assert":[{"type":"contains","value":"x"}]}\n\n{"item":{"text":"hi"}}\n',
      'd.jsonl',
    );
    assert.deepStrictEqual(data.problems, []);
    assert.deepStrictEqual(
      data.tests.map((t) => [t.row, t.vars, t.description, t.assert.length]),
      [
        [1, { q: 'a' }, 'first', 1],
        [2, { item: { text: 'hi' } }, undefined, 0],
      ],
    );
    assert.deepStrictEqual(data.columns, ['q', 'item']);
  });

  it('reports a broken line, a non-object line and an unknown test key at their lines', () => {
    const data = jsonlDataset('{"a":1}\n{oops\n[1]\n{"vars":{},"asert":[]}\n', 'd.jsonl');
    assert.deepStrictEqual(
      data.problems.map((p) => [p.range.start.line, p.code]),
      [
        [1, 'experiment.datasetSyntax'],
        [2, 'experiment.datasetSyntax'],
        [3, 'experiment.unknownKey'],
      ],
    );
    assert.match(data.problems[2]!.message, /Did you mean `assert`/);
  });
});

describe('experiment datasets: files that are not UTF-8 text, pipes and devices', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-dataset-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  const load = async (name: string, bytes: Buffer) => {
    await fs.writeFile(path.join(dir, name), bytes);
    const exp = path.join(dir, 'e.experiment.yaml');
    await fs.writeFile(exp, `prompts: ["{{a}}"]\nproviders: [deepseek-ai/DeepSeek-V3]\ntests: file://${name}\n`);
    return loadExperiment(exp, { knownModels: DOCUMENTED_MODEL_IDS });
  };

  it('a binary file is one error at `tests:`, not one per line of garbage', async () => {
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 256;
    for (const name of ['bin.jsonl', 'bin.csv']) {
      const loaded = await load(name, binary);
      assert.deepStrictEqual(
        loaded.problems.map((p) => [path.basename(p.file), p.code, p.range.start.line, p.range.start.column]),
        [['e.experiment.yaml', 'experiment.datasetSyntax', 2, 7]],
        name,
      );
      assert.match(loaded.problems[0]!.message, new RegExp(`^The dataset ${name.replace('.', '\\.')} is not UTF-8 text`));
    }
  });

  it('a Latin-1 CSV is refused, not read with its accents turned into �', async () => {
    const loaded = await load('latin1.csv', Buffer.from('a\ncaf\xe9\n', 'latin1'));
    assert.strictEqual(loaded.ok, false);
    assert.match(loaded.problems[0]!.message, /is not UTF-8 text \(line 2 holds a byte that is not UTF-8\)/);
    assert.match(loaded.problems[0]!.message, /save it as UTF-8/);
  });

  it('a dataset that is a pipe or a device is refused without reading it (no hang, no endless read)', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const exp = path.join(dir, 'p.experiment.yaml');
    await fs.writeFile(exp, 'prompts: ["{{a}}"]\nproviders: [deepseek-ai/DeepSeek-V3]\ntests: file://pipe.csv\n');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      loadExperiment(exp, { knownModels: DOCUMENTED_MODEL_IDS }),
      new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 2000))),
    ]);
    clearTimeout(timer);
    // A reader left blocked on the pipe is released by a writer, so the test process can exit.
    if (outcome === 'hung') await fs.writeFile(fifo, 'a\n1\n');
    assert.notStrictEqual(outcome, 'hung', 'loading returned');
    if (outcome === 'hung') return;
    assert.deepStrictEqual(
      outcome.problems.map((p) => [p.code, p.message]),
      [['experiment.datasetNotFound', 'The dataset pipe.csv is not a regular file (paths are relative to the experiment file).']],
    );
  });

  it('control characters in a broken JSONL line are escaped in the message (no terminal escapes)', () => {
    const data = jsonlDataset('\x1b[31mred\n', 'd.jsonl');
    assert.strictEqual(data.problems.length, 1);
    assert.ok(!data.problems[0]!.message.includes('\x1b'));
    assert.match(data.problems[0]!.message, /\\u001b/);
  });
});
