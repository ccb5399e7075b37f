// package.json and src/constants.ts name the same commands and context keys: a typo on either side would
// leave a menu entry without a handler, or a `when` clause that is never true.
import * as assert from 'assert';
import manifest from '../../package.json';
import { BATCH_STATUSES_WITH_RESULTS, KNOWN_BATCH_STATUSES } from '../../src/core/api';
import { Commands, ContextKeys, Views } from '../../src/constants';

interface Contributions {
  commands: { command: string }[];
  menus?: Record<string, { command?: string; when?: string }[]>;
  keybindings?: { command: string; when?: string }[];
  viewsWelcome?: { contents: string; when?: string }[];
  walkthroughs?: { steps: { completionEvents?: string[] }[] }[];
}
const contributes = (manifest as unknown as { contributes: Contributions }).contributes;
const menuEntries = Object.values(contributes.menus ?? {}).flat();

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/** Every `command:` link in the welcome views' markdown. */
function welcomeLinks(): string[] {
  return (contributes.viewsWelcome ?? []).flatMap((view) => [...view.contents.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]!));
}

/** Identifiers of our own namespace in a `when` clause, leaving out quoted strings, regex literals and view ids. */
function contextKeysIn(when: string): string[] {
  const bare = when.replace(/'[^']*'|"[^"]*"|\/(?:\\.|[^/])*\//g, ' ');
  const views = new Set<string>(Object.values(Views));
  return [...bare.matchAll(/\bkluster\.[\w.]+/g)].map((m) => m[0]).filter((id) => !views.has(id));
}

describe('package.json contributions', () => {
  it('contributes exactly the commands of the Commands constants', () => {
    assert.deepStrictEqual(sorted(contributes.commands.map((c) => c.command)), sorted(Object.values(Commands)));
  });

  it('refers only to known commands in menus, keybindings and welcome links', () => {
    const known = new Set<string>(Object.values(Commands));
    const used = [
      ...menuEntries.flatMap((entry) => (entry.command ? [entry.command] : [])),
      ...(contributes.keybindings ?? []).map((binding) => binding.command),
      ...welcomeLinks(),
    ];
    assert.ok(used.length > 0);
    assert.deepStrictEqual(
      used.filter((id) => !known.has(id)),
      [],
    );
  });

  it('uses exactly the ContextKeys constants in its when clauses', () => {
    const clauses = [...menuEntries, ...(contributes.keybindings ?? []), ...(contributes.viewsWelcome ?? [])].flatMap((entry) =>
      entry.when ? [entry.when] : [],
    );
    // The walkthrough's steps complete on context keys too (`onContext:KEY`).
    const completions = (contributes.walkthroughs ?? []).flatMap((w) => w.steps.flatMap((step) => step.completionEvents ?? []));
    clauses.push(...completions.filter((event) => event.startsWith('onContext:')).map((event) => event.slice('onContext:'.length)));
    assert.deepStrictEqual(sorted(clauses.flatMap(contextKeysIn)), sorted(Object.values(ContextKeys)));
  });

  it('finds context keys in a when clause without quoted strings, regexes or view ids', () => {
    assert.deepStrictEqual(
      contextKeysIn(
        "view == kluster.batches && viewItem =~ /^kluster.x/ && activeWebviewPanelId == 'kluster.chat' && !kluster.chatStreaming",
      ),
      ['kluster.chatStreaming'],
    );
  });

  it('treats the demo server as a key in every welcome view: no "Set an API key" while it runs', () => {
    for (const view of contributes.viewsWelcome ?? []) {
      if (!view.when?.includes(ContextKeys.hasApiKey)) continue;
      assert.ok(view.when.includes(ContextKeys.demoServerRunning), `${view.when}: ${view.contents.slice(0, 40)}`);
    }
  });

  it('offers Open Results on the batch statuses the command accepts', () => {
    const entries = menuEntries.filter((entry) => entry.command === Commands.openResults && entry.when?.includes('viewItem'));
    assert.ok(entries.length > 0);
    for (const entry of entries) {
      const pattern = new RegExp(/viewItem =~ \/(.*?)\/(?:\s|$)/.exec(entry.when!)![1]!);
      assert.deepStrictEqual(
        sorted(KNOWN_BATCH_STATUSES.filter((status) => pattern.test(`batch:${status}`))),
        sorted(BATCH_STATUSES_WITH_RESULTS),
        entry.when,
      );
    }
  });
});
