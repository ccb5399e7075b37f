// The "Get Started with kluster.ai" walkthrough points only at things that exist: our commands, our context keys,
// media files in the VSIX, and SVGs coloured by the theme (so one image serves light, dark and high contrast).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import manifest from '../../package.json';
import { Commands, ContextKeys } from '../../src/constants';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { svg?: string; image?: string | Record<string, string>; markdown?: string; altText?: string };
  completionEvents?: string[];
}
interface Walkthrough {
  id: string;
  title: string;
  description: string;
  steps: Step[];
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const walkthroughs = (manifest as unknown as { contributes: { walkthroughs?: Walkthrough[] } }).contributes.walkthroughs ?? [];
const getStarted = walkthroughs.find((w) => w.id === 'kluster.getStarted');
const commands = new Set<string>(Object.values(Commands));
const contextKeys = new Set<string>(Object.values(ContextKeys));
const shipped = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');

function mediaPaths(step: Step): string[] {
  const { svg, image, markdown } = step.media;
  return [svg, markdown, ...(typeof image === 'string' ? [image] : Object.values(image ?? {}))].filter((p): p is string => Boolean(p));
}

describe('Get Started walkthrough', () => {
  it('is contributed, with the steps of a first run in order', () => {
    assert.ok(getStarted, 'package.json contributes the kluster.getStarted walkthrough');
    assert.strictEqual(getStarted.title, 'Get Started with kluster.ai');
    assert.deepStrictEqual(
      getStarted.steps.map((s) => s.id),
      ['connect', 'openSample', 'fixProblem', 'submit', 'openResults', 'chat'],
    );
  });

  for (const step of getStarted?.steps ?? []) {
    describe(`step ${step.id}`, () => {
      it('links only to commands the extension contributes', () => {
        const links = [...step.description.matchAll(/\]\(command:([\w.]+)[^)]*\)/g)].map((m) => m[1]!);
        assert.deepStrictEqual(
          links.filter((id) => !commands.has(id)),
          [],
        );
        assert.ok(!/\]\((?!command:|https:)/.test(step.description), 'links are commands or https');
      });

      it('completes on our commands or context keys', () => {
        const events = step.completionEvents ?? [];
        assert.ok(events.length > 0, 'a step that completes by itself');
        for (const event of events) {
          const [kind, id] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
          if (kind === 'onCommand') assert.ok(commands.has(id), `${event}: a command of ours`);
          else if (kind === 'onContext') assert.ok(contextKeys.has(id), `${event}: a context key of ours`);
          else assert.fail(`${event}: onCommand or onContext only`);
        }
      });

      it('shows media that exist, are shipped, are small, and take their colours from the theme', () => {
        assert.ok(step.media.altText && step.media.altText.length > 10, 'alt text');
        const files = mediaPaths(step);
        assert.ok(files.length > 0);
        for (const file of files) {
          const full = path.join(ROOT, file);
          assert.ok(fs.existsSync(full), `${file} exists`);
          assert.ok(file.startsWith('media/') && shipped.includes('!media/**'), `${file} is in the VSIX`);
          assert.ok(fs.statSync(full).size < 16_000, `${file} is small`);
          if (!file.endsWith('.svg')) continue;
          const svg = fs.readFileSync(full, 'utf8');
          // The walkthrough shows an SVG under a CSP whose style-src takes only its own nonce: presentation attributes only.
          assert.ok(!/<style|\sstyle=/.test(svg), `${file}: no <style> element or style attribute`);
          assert.ok(!/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/i.test(svg), `${file}: no fixed colour`);
          const paints = [...svg.matchAll(/(?:fill|stroke)\s*[:=]\s*"?([^;"}]+)/g)].map((m) => m[1]!.trim());
          assert.ok(paints.length > 0);
          assert.deepStrictEqual(
            paints.filter((paint) => !paint.startsWith('var(--vscode-') && paint !== 'none'),
            [],
            `${file}: every fill and stroke is a theme colour`,
          );
        }
      });
    });
  }
});
