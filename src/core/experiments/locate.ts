// Where a value of the experiment is written: exact YAML node ranges for the experiment file, whole lines for
// a JSONL dataset. Validation works on plain values and asks a Locator where to point.
import { isMap, isScalar, isSeq, LineCounter, type Document, type Node as YamlNode } from 'yaml';
import type { Range } from './problems';

export type Path = readonly (string | number)[];

export interface Locator {
  readonly file: string;
  /** The value at `path`, or its nearest ancestor that exists. */
  value(path: Path): Range;
  /** The key of the map entry at `path` (the value when it has no key). */
  key(path: Path): Range;
  /** `text` as written inside the string at `path`, its `occurrence`-th time (0-based); the whole string if not found. */
  inside(path: Path, text: string, occurrence: number): Range;
}

type Pos = { line: number; col: number };

export class YamlLocator implements Locator {
  constructor(
    readonly file: string,
    private readonly text: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  rangeOf(start: number, end: number): Range {
    const a: Pos = this.lines.linePos(start);
    const b: Pos = this.lines.linePos(Math.max(start, end));
    return { start: { line: a.line - 1, column: a.col - 1 }, end: { line: b.line - 1, column: b.col - 1 } };
  }

  private node(path: Path): { node: YamlNode | undefined; exact: boolean } {
    let node: unknown = this.doc.contents;
    for (const segment of path) {
      const next = isMap(node) || isSeq(node) ? (node.get(segment, true) as unknown) : undefined;
      if (next === undefined || next === null) return { node: node as YamlNode | undefined, exact: false };
      node = next;
    }
    return { node: node as YamlNode | undefined, exact: true };
  }

  private nodeRange(node: YamlNode | undefined): Range {
    const range = node?.range;
    if (!range) return this.rangeOf(0, 0);
    return this.rangeOf(range[0], range[1]);
  }

  value(path: Path): Range {
    const { node, exact } = this.node(path);
    // A missing key points at its parent's key when there is one, so the squiggle is short.
    if (!exact && path.length > 1) {
      const parentPath = path.slice(0, -1);
      if (this.node(parentPath).exact) return this.key(parentPath.length ? parentPath : path);
    }
    return this.nodeRange(node);
  }

  key(path: Path): Range {
    if (path.length === 0) return this.value(path);
    const parent = this.node(path.slice(0, -1));
    const last = path[path.length - 1];
    if (parent.exact && isMap(parent.node)) {
      const pair = parent.node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
      if (pair && isScalar(pair.key)) return this.nodeRange(pair.key);
    }
    return this.value(path);
  }

  inside(path: Path, text: string, occurrence: number): Range {
    const { node, exact } = this.node(path);
    if (!exact || !isScalar(node) || !node.range) return this.value(path);
    const [start, end] = node.range;
    const source = this.text.slice(start, end);
    let at = -1;
    for (let i = 0; i <= occurrence; i++) {
      at = source.indexOf(text, at + 1);
      if (at < 0) return this.nodeRange(node);
    }
    return this.rangeOf(start + at, start + at + text.length);
  }
}

/** Every value of one line of a JSONL file sits on that line. */
export class LineLocator implements Locator {
  constructor(
    readonly file: string,
    private readonly line: number,
    private readonly length: number,
  ) {}

  value(_path?: Path): Range {
    return { start: { line: this.line, column: 0 }, end: { line: this.line, column: this.length } };
  }
  key(_path?: Path): Range {
    return this.value();
  }
  inside(_path?: Path): Range {
    return this.value();
  }
}
