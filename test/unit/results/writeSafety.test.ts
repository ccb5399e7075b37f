// The results write never loses or half-writes a file: full disks, modes, symlinks, folders, temp files.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeJoinedResults } from '../../../src/core/results/join';
import { DestinationError, FileExistsError } from '../../../src/core/util/atomicFile';

const request = (id: string) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'm', messages: [{ role: 'user', content: id }] },
  });
const success = (id: string) =>
  JSON.stringify({
    id: `r-${id}`,
    custom_id: id,
    response: { status_code: 200, body: { choices: [{ message: { content: `answer ${id}` } }] } },
    error: null,
  });

const isRoot = process.getuid?.() === 0;

describe('results write safety', () => {
  let dir: string;
  let inputPath: string;
  let outputPath: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'write-safety-'));
    inputPath = path.join(dir, 'in.jsonl');
    outputPath = path.join(dir, 'out.jsonl');
    await fs.writeFile(inputPath, ['a', 'b'].map(request).join('\n') + '\n');
    await fs.writeFile(outputPath, ['b', 'a'].map(success).join('\n') + '\n');
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const leftovers = async (folder: string) => (await fs.readdir(folder)).filter((name) => name.endsWith('.tmp'));

  describe('a full disk', function () {
    this.timeout(20000);
    let mount: string;
    before(function () {
      if (!isRoot) this.skip(); // mounting a small tmpfs needs root; the CLI test injects a write error instead
    });
    beforeEach(async () => {
      mount = await fs.mkdtemp(path.join(os.tmpdir(), 'full-disk-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
    });
    afterEach(async () => {
      execFileSync('umount', [mount]);
      await fs.rm(mount, { recursive: true, force: true });
    });

    it('rejects, naming the file and its folder, and leaves no temp file', async () => {
      // 40,000 requests without results: about 6 MB of "missing" lines, three times what the disk holds.
      const big = path.join(dir, 'big.jsonl');
      await fs.writeFile(big, Array.from({ length: 40000 }, (_, i) => request(`req-${i}`)).join('\n') + '\n');
      const dest = path.join(mount, 'results.jsonl');
      const error = await writeJoinedResults({ inputPath: big }, dest).then(
        () => assert.fail('the write succeeded on a full disk'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof DestinationError, String(error));
      assert.strictEqual(error.code, 'ENOSPC');
      assert.strictEqual(error.message, `Cannot write ${dest}: the disk holding ${mount} is full.`);
      assert.deepStrictEqual(await fs.readdir(mount), [], 'neither the results nor a temp file');
    });

    it('a replaced file stays as it was', async () => {
      const dest = path.join(mount, 'results.jsonl');
      await fs.writeFile(dest, 'previous results\n');
      const big = path.join(dir, 'big.jsonl');
      await fs.writeFile(big, Array.from({ length: 40000 }, (_, i) => request(`req-${i}`)).join('\n') + '\n');
      await assert.rejects(writeJoinedResults({ inputPath: big }, dest, { overwrite: true }), DestinationError);
      assert.strictEqual(await fs.readFile(dest, 'utf8'), 'previous results\n');
      assert.deepStrictEqual(await fs.readdir(mount), ['results.jsonl']);
    });
  });

  it('replacing a file keeps its mode (0600 stays 0600)', async () => {
    const dest = path.join(dir, 'private.jsonl');
    await fs.writeFile(dest, 'old\n', { mode: 0o600 });
    await fs.chmod(dest, 0o600);
    await writeJoinedResults({ inputPath, outputPath }, dest, { overwrite: true });
    assert.strictEqual((await fs.stat(dest)).mode & 0o777, 0o600);
    assert.match(await fs.readFile(dest, 'utf8'), /"status":"succeeded"/);
  });

  it('replacing through a symlink writes the file it points to and keeps the link', async () => {
    const target = path.join(dir, 'real-results.jsonl');
    await fs.writeFile(target, 'old\n', { mode: 0o640 });
    await fs.chmod(target, 0o640);
    const link = path.join(dir, 'link.jsonl');
    await fs.symlink(target, link);
    await writeJoinedResults({ inputPath, outputPath }, link, { overwrite: true });
    assert.ok((await fs.lstat(link)).isSymbolicLink(), 'the link is still a link');
    assert.strictEqual(await fs.readlink(link), target);
    assert.strictEqual((await fs.readFile(target, 'utf8')).trim().split('\n').length, 2);
    assert.strictEqual((await fs.stat(target)).mode & 0o777, 0o640);
    assert.deepStrictEqual(await leftovers(dir), []);
  });

  it('a symlink counts as an existing file, even a dangling one; with overwrite a dangling one is refused', async () => {
    const link = path.join(dir, 'dangling.jsonl');
    await fs.symlink(path.join(dir, 'gone', 'nowhere.jsonl'), link);
    await assert.rejects(writeJoinedResults({ inputPath, outputPath }, link), FileExistsError);
    await assert.rejects(writeJoinedResults({ inputPath, outputPath }, link, { overwrite: true }), (error: unknown) => {
      assert.ok(error instanceof DestinationError);
      assert.strictEqual(
        error.message,
        `Cannot write ${link}: it is a symbolic link to ${path.join(dir, 'gone', 'nowhere.jsonl')}, which does not exist.`,
      );
      return true;
    });
    assert.ok((await fs.lstat(link)).isSymbolicLink(), 'the link is left alone');
    assert.deepStrictEqual(await leftovers(dir), []);
  });

  it('a folder is refused, with or without overwrite, and so is a path ending in a slash', async () => {
    const folder = path.join(dir, 'results.jsonl');
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, 'keep'), 'x');
    for (const overwrite of [false, true]) {
      await assert.rejects(writeJoinedResults({ inputPath, outputPath }, folder, { overwrite }), (error: unknown) => {
        assert.ok(error instanceof DestinationError, String(error));
        assert.strictEqual(error.message, `Cannot write ${folder}: it is a folder; give a file name.`);
        return true;
      });
    }
    assert.deepStrictEqual(await fs.readdir(folder), ['keep']);
    const slashed = path.join(dir, 'newdir') + path.sep;
    await assert.rejects(writeJoinedResults({ inputPath, outputPath }, slashed), (error: unknown) => {
      assert.ok(error instanceof DestinationError, String(error));
      assert.strictEqual(error.message, `Cannot write ${slashed}: the name ends in ${path.sep}, so it names a folder; give a file name.`);
      return true;
    });
    assert.deepStrictEqual((await fs.readdir(dir)).sort(), ['in.jsonl', 'out.jsonl', 'results.jsonl']);
  });

  it('a read error during the join rejects with that error and leaves no temp file', async () => {
    const dest = path.join(dir, 'results.jsonl');
    await assert.rejects(writeJoinedResults({ inputPath: path.join(dir, 'missing.jsonl'), outputPath }, dest), { code: 'ENOENT' });
    assert.deepStrictEqual(await fs.readdir(dir), ['in.jsonl', 'out.jsonl']);
  });

  it('an aborted join leaves no temp file', async () => {
    const big = path.join(dir, 'big.jsonl');
    await fs.writeFile(big, Array.from({ length: 50000 }, (_, i) => request(`req-${i}`)).join('\n') + '\n');
    const dest = path.join(dir, 'results.jsonl');
    const controller = new AbortController();
    const watcher = (async () => {
      while (!(await leftovers(dir)).length) await new Promise((resolve) => setTimeout(resolve, 1));
      controller.abort();
    })();
    await assert.rejects(writeJoinedResults({ inputPath: big, signal: controller.signal }, dest), { name: 'AbortError' });
    await watcher;
    assert.deepStrictEqual((await fs.readdir(dir)).sort(), ['big.jsonl', 'in.jsonl', 'out.jsonl']);
  });
});
