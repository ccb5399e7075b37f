// What "Save as Batch Request" needs to know about the file it appends to. Pure, so the rules are unit-tested.
import { splitLines, voteLine, type LineVote } from '../jsonl';

/** A `custom_id` key and its string value, found without parsing the line: broken lines still hold their id. */
const CUSTOM_ID = /"custom_id"\s*:\s*"((?:[^"\\]|\\.)*)"/;

export interface RequestFileText {
  /** What the first non-blank line looks like; `blank` for a file with none. */
  readonly kind: LineVote;
  /** custom_ids the file uses already, also on lines that are not valid JSON. */
  readonly takenIds: ReadonlySet<string>;
  /** 0-based line the appended request lands on. */
  readonly nextLine: number;
  /** The file's own line ending, so an appended line does not mix endings. */
  readonly eol: '\n' | '\r\n';
  /** The last line has no ending yet. */
  readonly needsNewline: boolean;
}

export function readRequestFile(text: string): RequestFileText {
  const lines = splitLines(text);
  const first = lines.find((l) => l.trim() !== '');
  const takenIds = new Set<string>();
  for (const line of lines) {
    const match = CUSTOM_ID.exec(line);
    if (match) takenIds.add(decodeJsonString(match[1]!));
  }
  const firstEnding = text.indexOf('\n');
  return {
    kind: first === undefined ? 'blank' : voteLine(first),
    takenIds,
    nextLine: lines.length,
    eol: firstEnding > 0 && text[firstEnding - 1] === '\r' ? '\r\n' : '\n',
    needsNewline: text.length > 0 && !/[\r\n]$/.test(text),
  };
}

/**
 * Whether "Save as Batch Request" offers a file, from the start of its text: batch input, an empty file, or one
 * whose first line is broken (being edited, or longer than the start read); not results, fine-tuning data or
 * other JSON Lines.
 */
export function isRequestFileTarget(head: string): boolean {
  const first = splitLines(head).find((l) => l.trim() !== '');
  if (first === undefined) return true;
  const vote = voteLine(first);
  return vote === 'batch' || vote === 'invalid';
}

/** The text to append: an ending for an unfinished last line, then the request line and its ending. */
export function appendedText(file: RequestFileText, line: string): string {
  return (file.needsNewline ? file.eol : '') + line + file.eol;
}

/** A JSON string body as its value; a bad escape (the line is broken anyway) keeps the raw text. */
function decodeJsonString(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}
