import * as assert from 'assert';
import * as path from 'path';
import { cliInputMetadata, inputFileCandidates, inputFileMetadata } from '../../../src/core/batches/inputPath';

const root = path.resolve('/work/ws');
const api = { name: 'api', path: path.join(root, 'api') };
const web = { name: 'web', path: path.join(root, 'web') };
const nested = { name: 'prompts', path: path.join(root, 'web', 'prompts') };

describe('input file paths in batch metadata', () => {
  it('records the folder name and the path inside it', () => {
    assert.deepStrictEqual(inputFileMetadata(path.join(web.path, 'sub', 'a.jsonl'), [api, web]), {
      input_file: 'sub/a.jsonl',
      input_folder: 'web',
    });
  });

  it('records for the CLI what the editor records, the current directory standing for the workspace folder', () => {
    assert.deepStrictEqual(cliInputMetadata('sub/a.jsonl', web.path), { input_file: 'sub/a.jsonl', input_folder: 'web' });
    assert.deepStrictEqual(cliInputMetadata(path.join(web.path, 'a.jsonl'), web.path), { input_file: 'a.jsonl', input_folder: 'web' });
    assert.deepStrictEqual(cliInputMetadata('../api/b.jsonl', web.path), { input_file: 'b.jsonl' }, 'outside it: the name only');
  });

  it('records the innermost folder when folders nest', () => {
    assert.deepStrictEqual(inputFileMetadata(path.join(nested.path, 'x.jsonl'), [web, nested]), {
      input_file: 'x.jsonl',
      input_folder: 'prompts',
    });
  });

  it('records only the file name for a file outside every folder (no absolute paths sent)', () => {
    assert.deepStrictEqual(inputFileMetadata(path.resolve('/tmp/elsewhere/b.jsonl'), [api, web]), { input_file: 'b.jsonl' });
    assert.deepStrictEqual(
      inputFileMetadata(path.join(root, 'api-old', 'c.jsonl'), [api]),
      { input_file: 'c.jsonl' },
      'a sibling with a common prefix is not inside',
    );
  });

  it('resolves in the named folder first, then the others', () => {
    assert.deepStrictEqual(inputFileCandidates('sub/a.jsonl', 'web', [api, web]), [
      path.join(web.path, 'sub', 'a.jsonl'),
      path.join(api.path, 'sub', 'a.jsonl'),
    ]);
  });

  it('falls back to every folder in order when the named one is not open or none is named', () => {
    const expected = [path.join(api.path, 'a.jsonl'), path.join(web.path, 'a.jsonl')];
    assert.deepStrictEqual(inputFileCandidates('a.jsonl', 'gone', [api, web]), expected);
    assert.deepStrictEqual(inputFileCandidates('a.jsonl', undefined, [api, web]), expected);
  });

  it('refuses paths that leave the folder, absolute paths, and empty input', () => {
    for (const bad of ['../secret.jsonl', 'a/../../b.jsonl', '/etc/passwd', 'C:\\x.jsonl', '\\\\server\\x', '', undefined]) {
      assert.deepStrictEqual(inputFileCandidates(bad, 'api', [api]), [], String(bad));
    }
    assert.deepStrictEqual(inputFileCandidates('a.jsonl', 'api', []), [], 'no folder open');
  });

  it('round-trips: what is recorded resolves to the same file first', () => {
    const file = path.join(web.path, 'deep', 'dir', 'r.jsonl');
    const meta = inputFileMetadata(file, [api, web]);
    assert.strictEqual(inputFileCandidates(meta.input_file, meta.input_folder, [api, web])[0], file);
  });
});
