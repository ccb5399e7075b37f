// Every curl snippet and bash quickstart of the kluster.ai batch guide, extracted from its text so the
// conformance test runs exactly what the guide shows. A copy lives in test/fixtures/batch-guide/ for clones
// without ../shared; refresh it with `node out/test/unit/emulator/batchGuide.js --write` after `npm run build:tests`.
import { existsSync, promises as fs, readdirSync, readFileSync } from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../../../..');
export const GUIDE = path.join(ROOT, '../shared/reference/kluster-batch-guide.txt');
export const FIXTURES = path.join(ROOT, 'test/fixtures/batch-guide');

export interface GuideScript {
  /** File name in the fixtures folder, from the guide's heading (`quickstart-deepseek-r1.sh`). */
  readonly name: string;
  readonly title: string;
  readonly script: string;
}

export interface GuideSnippet extends GuideScript {
  /** The response the guide shows right after the snippet, verbatim (not always valid JSON: `{ ... },`). */
  readonly documentedResponse?: string;
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const quotes = (text: string) => (text.match(/'/g) ?? []).length;

/** The bash quickstarts: from `#!/bin/bash` to the line that prints the output, titled by the line above. */
export function extractScripts(guide: string): GuideScript[] {
  const lines = guide.split('\n');
  const scripts: GuideScript[] = [];
  lines.forEach((line, at) => {
    if (line !== '#!/bin/bash') return;
    const end = lines.indexOf('echo "$OUTPUT_CONTENT"', at);
    if (end < 0) throw new Error(`the quickstart at line ${at + 1} has no end`);
    const title = lines[at - 1]!.trim();
    scripts.push({ name: `quickstart-${slug(title)}.sh`, title, script: lines.slice(at, end + 1).join('\n') + '\n' });
  });
  return scripts;
}

/** The standalone curl commands (a line starting with `curl`), titled by their section heading (`…#`). */
export function extractSnippets(guide: string): GuideSnippet[] {
  const lines = guide.split('\n');
  const snippets: GuideSnippet[] = [];
  let section = '';
  for (let at = 0; at < lines.length; at++) {
    if (/^[A-Z][^{}"]*#$/.test(lines[at]!)) section = lines[at]!.slice(0, -1);
    if (!lines[at]!.startsWith('curl ')) continue;
    const command = [lines[at]!];
    // A command goes on while a line ends in `\` or a single-quoted -d body is open.
    while (command.at(-1)!.endsWith('\\') || quotes(command.join('\n')) % 2 === 1) command.push(lines[++at]!);
    let documentedResponse: string | undefined;
    if (lines[at + 1] === '{') {
      const response: string[] = [];
      let depth = 0;
      do {
        const line = lines[++at]!;
        response.push(line);
        depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
      } while (depth > 0);
      documentedResponse = response.join('\n') + '\n';
    }
    snippets.push({ name: `snippet-${slug(section)}.sh`, title: section, script: command.join('\n') + '\n', documentedResponse });
  }
  return snippets;
}

export const responseFileOf = (name: string) => name.replace(/\.sh$/, '.response.txt');

/** The snippets and scripts: from the guide when it is at hand, else the vendored copies. Synchronous, so that
 * mocha can define one test per snippet. */
export function loadGuide(): { source: 'guide' | 'fixtures'; scripts: GuideScript[]; snippets: GuideSnippet[] } {
  if (existsSync(GUIDE)) {
    const guide = readFileSync(GUIDE, 'utf8');
    return { source: 'guide', scripts: extractScripts(guide), snippets: extractSnippets(guide) };
  }
  return { source: 'fixtures', ...loadFixtures() };
}

export function loadFixtures(): { scripts: GuideScript[]; snippets: GuideSnippet[] } {
  const names = readdirSync(FIXTURES).sort();
  const read = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
  const titled = (name: string) => name.replace(/^(quickstart|snippet)-|\.sh$/g, '');
  const scripts = names.filter((n) => n.startsWith('quickstart-')).map((name) => ({ name, title: titled(name), script: read(name) }));
  const snippets = names
    .filter((n) => n.startsWith('snippet-') && n.endsWith('.sh'))
    .map((name) => {
      const response = responseFileOf(name);
      return { name, title: titled(name), script: read(name), documentedResponse: names.includes(response) ? read(response) : undefined };
    });
  return { scripts, snippets };
}

async function writeFixtures(): Promise<void> {
  const guide = await fs.readFile(GUIDE, 'utf8');
  for (const { name, script } of extractScripts(guide)) await fs.writeFile(path.join(FIXTURES, name), script);
  for (const { name, script, documentedResponse } of extractSnippets(guide)) {
    await fs.writeFile(path.join(FIXTURES, name), script);
    if (documentedResponse) await fs.writeFile(path.join(FIXTURES, responseFileOf(name)), documentedResponse);
  }
}

if (require.main === module && process.argv.includes('--write')) {
  writeFixtures().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
