// Options: each command accepts the global ones and its own; anything else is a usage error naming it.
import * as assert from 'assert';
import { parseArgs } from '../../../src/cli/args';
import { ExitCode } from '../../../src/cli/command';
import { runCaptured } from './helpers';

// No API key and no base URL: a command that got past option checking would fail differently.
const cli = (...argv: string[]) => runCaptured(argv);

describe('CLI options', () => {
  it('refuses a misspelt switch, naming it and the closest valid one', async () => {
    const run = await cli('submit', 'f.jsonl', '--wiat');
    assert.strictEqual(run.code, ExitCode.usage);
    assert.match(run.err, /^kluster: unknown option '--wiat'; did you mean '--wait'\?\n/);
    assert.match(run.err, /usage: kluster submit FILE/);
  });

  it("refuses another command's option, also in --name=value form", async () => {
    const out = await cli('batches', 'list', '--out', 'x.jsonl');
    assert.strictEqual(out.code, ExitCode.usage);
    assert.match(out.err, /unknown option '--out'/);
    const eq = await cli('models', '--limit=5');
    assert.strictEqual(eq.code, ExitCode.usage);
    assert.match(eq.err, /unknown option '--limit'/);
    const force = await cli('batches', 'get', 'b1', '--force');
    assert.match(force.err, /unknown option '--force'/);
  });

  it('refuses unknown short options and values given to switches', async () => {
    assert.match((await cli('models', '-x')).err, /unknown option '-x'/);
    const valued = await cli('submit', 'f.jsonl', '--wait=yes');
    assert.strictEqual(valued.code, ExitCode.usage);
    assert.match(valued.err, /--wait does not take a value/);
  });

  it("accepts the global options anywhere and the command's own", async () => {
    // Gets past option checking to the missing key: --json and --base-url are global, --limit is its own.
    const run = await cli('--json', 'batches', 'list', '--limit', '5', '--base-url', 'http://127.0.0.1:9/v1');
    assert.strictEqual(run.code, ExitCode.usage);
    assert.match(run.err, /no API key/);
  });

  it('-h and --help print the usage with exit 0; for a command, its own usage', async () => {
    for (const flag of ['-h', '--help']) {
      const all = await cli(flag);
      assert.strictEqual(all.code, ExitCode.ok, flag);
      assert.match(all.out, /^usage: kluster /);
      assert.match(all.out, /files content ID/);
      const one = await cli('submit', flag);
      assert.strictEqual(one.code, ExitCode.ok, flag);
      assert.match(one.out, /^usage: kluster submit FILE .*--wait/);
    }
  });

  it('every command summary starts with a capital letter, on its own line under the usage', async () => {
    const usage = (await cli('--help')).out;
    const commands = usage.slice(usage.indexOf('Commands:\n') + 'Commands:\n'.length, usage.indexOf('\n\n', usage.indexOf('Commands:')));
    const summaries = commands
      .split('\n')
      .filter((line) => line.startsWith('      ') && !line.startsWith('        '))
      .map((line) => line.trim());
    assert.ok(summaries.length >= 9, commands);
    for (const summary of summaries) assert.match(summary, /^[A-Z]/, summary);
  });

  it('--help fits a 100-column terminal', async () => {
    const usage = (await cli('--help')).out;
    for (const line of usage.split('\n')) assert.ok(line.length <= 100, `${line.length} columns: ${line}`);
    assert.match(usage, /\n {2}experiment run EXP\.yaml /);
    assert.match(usage, /\n {6}Build, submit \(or --preview N rows in real time\)/);
  });

  it('parseArgs keeps values, switches and words after --', () => {
    const parsed = parseArgs(
      ['submit', '--out=r.jsonl', '--wait', '--', '--odd-name.jsonl'],
      { values: new Set(['out']), switches: new Set(['wait']) },
      true,
    );
    assert.deepStrictEqual(parsed.positional, ['submit', '--odd-name.jsonl']);
    assert.strictEqual(parsed.options.get('out'), 'r.jsonl');
    assert.ok(parsed.switches.has('wait'));
  });
});
