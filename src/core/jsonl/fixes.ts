import { modify, parseTree, type Node } from 'jsonc-parser';
import type { LineDiagnostic } from './diagnostics';
import { tooDeepForTree } from './structure';
import { closestModels } from './suggest';

// Quick fixes as plain text edits within one line, so they are unit-tested without VS Code.

export interface LineEdit {
  readonly startColumn: number;
  readonly endColumn: number;
  readonly newText: string;
}

export interface LineFix {
  readonly title: string;
  readonly edits: readonly LineEdit[];
}

export interface FixContext {
  /** 0-based line of the diagnostic; new custom_ids are named after it. */
  readonly line: number;
  readonly isCustomIdTaken: (id: string) => boolean;
  /** The models an unknown model is matched against (the one model catalog's ids); none: no model fix. */
  readonly knownModels?: Iterable<string>;
}

const DEFAULT_VALUES = { custom_id: '', method: 'POST', url: '/v1/chat/completions' } as const;
/** Where a property goes: after the last of these that exists. */
const INSERT_AFTER = { custom_id: [], method: ['custom_id'], url: ['method', 'custom_id'] } as const;

/** A custom_id no line uses: `base` (unless `skipBase`), else `base-2`, `base-3`, … */
export function uniqueCustomId(base: string, isTaken: (id: string) => boolean, skipBase = false): string {
  if (!skipBase && !isTaken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!isTaken(candidate)) return candidate;
  }
}

/** The last property named `key`: of repeated keys, the one JSON.parse and kluster.ai keep. */
function property(root: Node, key: string): Node | undefined {
  const properties = root.children ?? [];
  for (let i = properties.length - 1; i >= 0; i--) if (properties[i]!.children?.[0]?.value === key) return properties[i];
  return undefined;
}

/** The value node at `path` (object keys and array indices), taking the last of repeated keys. */
function valueNode(root: Node, path: readonly (string | number)[]): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    node =
      typeof segment === 'number'
        ? node.type === 'array'
          ? node.children?.[segment]
          : undefined
        : node.type === 'object'
          ? property(node, segment)?.children?.[1]
          : undefined;
  }
  return node;
}

/** `temperature`, `logit_bias["50256"]`: a body field as people write it. */
function fieldName(path: readonly (string | number)[]): string {
  const [first, ...rest] = path[0] === 'body' ? path.slice(1) : path;
  return `${String(first)}${rest.map((s) => `[${JSON.stringify(s)}]`).join('')}`;
}

const replaceNode = (title: string, node: Node, newText: string): LineFix => ({
  title,
  edits: [{ startColumn: node.offset, endColumn: node.offset + node.length, newText }],
});

/** The quick fixes for one diagnostic, the obvious one first; none when the line no longer fits the hint. */
export function fixesFor(text: string, diagnostic: LineDiagnostic, context: FixContext): LineFix[] {
  const hint = diagnostic.fix;
  // jsonc-parser recurses per nesting level.
  if (!hint || tooDeepForTree(text)) return [];
  const root = parseTree(text);
  if (!root || root.type !== 'object') return [];
  const fix = singleFix(text, root, hint, context);
  if (fix) return [fix];
  if (hint.kind !== 'replaceModel') return [];
  const node = valueNode(root, ['body', 'model']);
  if (node?.type !== 'string' || !context.knownModels) return [];
  return closestModels(String(node.value), context.knownModels).map((id) =>
    replaceNode(`Change the model to ${JSON.stringify(id)}`, node, JSON.stringify(id)),
  );
}

function singleFix(text: string, root: Node, hint: NonNullable<LineDiagnostic['fix']>, context: FixContext): LineFix | undefined {
  const spaced = /"\s*:\s/.test(text);
  const pair = (key: string, value: string): string => `${JSON.stringify(key)}:${spaced ? ' ' : ''}${JSON.stringify(value)}`;
  const comma = spaced ? ', ' : ',';

  switch (hint.kind) {
    case 'insertProperty': {
      const value =
        hint.key === 'custom_id' ? uniqueCustomId(`request-${context.line + 1}`, context.isCustomIdTaken) : DEFAULT_VALUES[hint.key];
      const after = INSERT_AFTER[hint.key].map((k) => property(root, k)).find((p) => p !== undefined);
      const title = `Add "${hint.key}": ${JSON.stringify(value)}`;
      if (after) {
        const at = after.offset + after.length;
        return { title, edits: [{ startColumn: at, endColumn: at, newText: `${comma}${pair(hint.key, value)}` }] };
      }
      const empty = (root.children?.length ?? 0) === 0;
      const at = root.offset + 1;
      return { title, edits: [{ startColumn: at, endColumn: at, newText: pair(hint.key, value) + (empty ? '' : comma) }] };
    }
    case 'replaceValue': {
      const node = property(root, hint.key)?.children?.[1];
      if (!node) return undefined;
      const value = DEFAULT_VALUES[hint.key];
      return {
        title: `Set "${hint.key}" to ${JSON.stringify(value)}`,
        edits: [{ startColumn: node.offset, endColumn: node.offset + node.length, newText: JSON.stringify(value) }],
      };
    }
    case 'uniqueCustomId': {
      const node = property(root, 'custom_id')?.children?.[1];
      if (!node) return undefined;
      const id = uniqueCustomId(hint.customId, context.isCustomIdTaken, true);
      return {
        title: `Rename custom_id to ${JSON.stringify(id)}`,
        edits: [{ startColumn: node.offset, endColumn: node.offset + node.length, newText: JSON.stringify(id) }],
      };
    }
    case 'removeByteOrderMark':
      // Not in the line's text: the editor's code action rewrites the file (src/validation/codeActions.ts).
      return undefined;
    case 'unquoteNumber': {
      const node = valueNode(root, hint.path);
      if (node?.type !== 'string' || String(node.value).trim() !== hint.literal) return undefined;
      return replaceNode(`Write ${hint.literal} as a number`, node, hint.literal);
    }
    case 'clampToRange': {
      const node = valueNode(root, hint.path);
      if (node?.type !== 'number') return undefined;
      return replaceNode(`Set ${fieldName(hint.path)} to ${hint.bound} (the ${hint.side})`, node, String(hint.bound));
    }
    case 'replaceModel':
      return undefined;
    case 'renameMaxTokens': {
      const body = property(root, 'body')?.children?.[1];
      const key = body && property(body, 'max_tokens')?.children?.[0];
      if (!key) return undefined;
      if (!hint.alsoHasMaxCompletionTokens) {
        return {
          title: 'Rename max_tokens to max_completion_tokens',
          edits: [{ startColumn: key.offset, endColumn: key.offset + key.length, newText: '"max_completion_tokens"' }],
        };
      }
      const edits = modify(text, ['body', 'max_tokens'], undefined, {});
      return {
        title: 'Remove max_tokens (max_completion_tokens is set)',
        edits: edits.map((e) => ({ startColumn: e.offset, endColumn: e.offset + e.length, newText: e.content })),
      };
    }
  }
}
