import { parse, parseTree, printParseErrorCode, type Node, type ParseError, type ParseErrorCode, type Segment } from 'jsonc-parser';
import { printable, quoted } from './excerpt';
import { tooDeepForTree } from './structure';

// Positions inside one line, found with jsonc-parser. Only lines that have a problem get here: valid lines are
// checked with JSON.parse and zod alone.

export interface Span {
  readonly start: number;
  readonly end: number;
}

const STRICT = { allowTrailingComma: false, disallowComments: true } as const;

const SYNTAX_MESSAGES: Partial<Record<string, string>> = {
  InvalidSymbol: 'unexpected token',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' between values",
  CloseBraceExpected: "expected '}': the object is not closed on this line",
  CloseBracketExpected: "expected ']': the array is not closed on this line",
  EndOfFileExpected: 'more text after the JSON value; a JSONL line holds exactly one value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'invalid number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape sequence',
  InvalidCharacter: 'control character in a string; escape it (\\n, \\t, …)',
};

export interface SyntaxProblem extends Span {
  readonly message: string;
}

/** Where and why `JSON.parse` rejected a line. Falls back to V8's own message when jsonc-parser is more lenient. */
export function locateSyntaxError(text: string, v8Message: string): SyntaxProblem {
  const errors: ParseError[] = [];
  // jsonc-parser recurses per level: a line nested too deep gets V8's own message and position.
  if (!tooDeepForTree(text)) parse(text, errors, STRICT);
  const first = errors[0];
  if (!first) {
    const at = /position (\d+)/.exec(v8Message);
    // "Unexpected end of JSON input" has no position: it is the last character.
    const offset = at ? Number(at[1]) : /end of JSON input/.test(v8Message) ? Math.max(0, text.length - 1) : 0;
    return { ...visibleSpan(text, offset, 1), message: `Invalid JSON: ${printable(v8Message)}` };
  }
  const name = printParseErrorCode(first.error as ParseErrorCode);
  let { offset, length } = first;
  let detail = SYNTAX_MESSAGES[name] ?? name;
  if (name === 'PropertyNameExpected' && text[offset] === '}' && /,\s*$/.test(text.slice(0, offset))) {
    detail = 'trailing comma before }';
    offset = text.slice(0, offset).lastIndexOf(',');
    length = 1;
  } else if (name === 'ValueExpected' && text[offset] === ']' && /,\s*$/.test(text.slice(0, offset))) {
    detail = 'trailing comma before ]';
    offset = text.slice(0, offset).lastIndexOf(',');
    length = 1;
  } else if (name === 'InvalidCharacter') {
    const control = firstControlCharacter(text, offset, offset + length);
    if (control >= 0) {
      offset = control;
      length = 1;
    }
  } else if (name === 'InvalidSymbol') {
    detail = `unexpected token ${quoted(text.slice(offset, offset + length))}`;
  } else if (name === 'ValueExpected' && text.trim().length === 0) {
    detail = 'expected a value';
  }
  return { ...visibleSpan(text, offset, length), message: `Invalid JSON: ${detail}` };
}

function firstControlCharacter(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) < 0x20) return i;
  return -1;
}

/** A span at least one character wide where the line allows it, so editors draw a squiggle. */
function visibleSpan(text: string, offset: number, length: number): Span {
  if (length > 0) return { start: offset, end: Math.min(text.length, offset + length) };
  if (offset < text.length) return { start: offset, end: offset + 1 };
  return offset > 0 ? { start: offset - 1, end: offset } : { start: 0, end: 0 };
}

/** A key written more than once in one object: every earlier occurrence and the last, which is the one that counts. */
export interface RepeatedKey {
  readonly key: string;
  readonly ignored: readonly Span[];
  readonly counted: Span;
}

/** The value of the last property named `key` (JSON.parse and kluster.ai keep the last of repeated keys). */
function lastProperty(object: Node, key: string): Node | undefined {
  const properties = object.children ?? [];
  for (let i = properties.length - 1; i >= 0; i--) {
    const children = properties[i]!.children;
    if (children?.length === 2 && children[0]!.value === key) return children[1];
  }
  return undefined;
}

function nodeAt(root: Node, path: readonly Segment[]): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === 'string') node = node.type === 'object' ? lastProperty(node, segment) : undefined;
    else node = node.type === 'array' ? node.children?.[segment] : undefined;
  }
  return node;
}

function spanOf(node: Node): Span {
  return { start: node.offset, end: node.offset + node.length };
}

/** The parsed tree of one line, built on first use; none for a line nested too deep to parse recursively. */
export class LineTree {
  private root: Node | undefined | null = null;

  constructor(readonly text: string) {}

  private get tree(): Node | undefined {
    if (this.root === null) this.root = tooDeepForTree(this.text) ? undefined : parseTree(this.text, [], STRICT);
    return this.root;
  }

  /** Whether positions inside the line can be found (false for a line nested too deep). */
  get hasTree(): boolean {
    return this.tree !== undefined;
  }

  /** Keys written twice in one object, at any depth, in the order they appear. */
  repeatedKeys(): RepeatedKey[] {
    const root = this.tree;
    if (!root) return [];
    const out: RepeatedKey[] = [];
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === 'object') {
        const byKey = new Map<string, Node[]>();
        for (const property of node.children ?? []) {
          const keyNode = property.children?.[0];
          if (!keyNode) continue;
          const key = String(keyNode.value);
          const seen = byKey.get(key);
          if (seen) seen.push(keyNode);
          else byKey.set(key, [keyNode]);
        }
        for (const [key, keyNodes] of byKey) {
          if (keyNodes.length > 1)
            out.push({ key, ignored: keyNodes.slice(0, -1).map(spanOf), counted: spanOf(keyNodes[keyNodes.length - 1]!) });
        }
      }
      for (const child of node.children ?? []) stack.push(child);
    }
    return out.sort((a, b) => a.ignored[0]!.start - b.ignored[0]!.start);
  }

  /** The whole line without surrounding whitespace. */
  lineSpan(): Span {
    const start = this.text.length - this.text.trimStart().length;
    return { start, end: this.text.trimEnd().length };
  }

  /** The value at `path`; undefined when the path does not exist. */
  value(path: readonly Segment[]): Span | undefined {
    const root = this.tree;
    if (!root) return undefined;
    const node = nodeAt(root, path);
    return node ? spanOf(node) : undefined;
  }

  /** The property name (with quotes) of the value at `path`; for array items and the root, the value itself. */
  key(path: readonly Segment[]): Span | undefined {
    const root = this.tree;
    if (!root) return undefined;
    const node = nodeAt(root, path);
    if (!node) return undefined;
    const keyNode = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    const target = keyNode ?? node;
    return { start: target.offset, end: target.offset + target.length };
  }

  keyOrLine(path: readonly Segment[]): Span {
    return this.key(path) ?? this.lineSpan();
  }

  /**
   * Where to report a property missing from the object at `parentPath`: the parent's own key when it has
   * one (`"body"`), else the object's opening up to its first key (`{"method"`, or all of `{}`): a squiggle
   * under the brace alone was too small to see or hover.
   */
  missing(parentPath: readonly Segment[]): Span {
    const root = this.tree;
    const node = root && nodeAt(root, parentPath);
    if (!node) return this.lineSpan();
    const keyNode = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    if (keyNode) return { start: keyNode.offset, end: keyNode.offset + keyNode.length };
    const firstKey = node.type === 'object' ? node.children?.[0]?.children?.[0] : undefined;
    return { start: node.offset, end: firstKey ? firstKey.offset + firstKey.length : node.offset + node.length };
  }

  /** Best span for `path`: the value, else the closest existing ancestor's key. */
  valueOrNearest(path: readonly Segment[]): Span {
    for (let n = path.length; n >= 0; n--) {
      const span = n === path.length ? this.value(path) : this.key(path.slice(0, n));
      if (span) return span;
    }
    return this.lineSpan();
  }
}
