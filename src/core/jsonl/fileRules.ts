import { formatCount } from '../batches/displayText';
import { FREE_TIER_MAX_BATCH_LINES, MAX_BATCH_FILE_BYTES } from '../models';
import type { LineVote } from './checkLine';
import { Codes, type FileKind, type JsonlDiagnostic } from './diagnostics';

// File-level rules shared by the in-memory and streaming validators.

/** How many non-blank lines decide what a file is. */
export const KIND_WINDOW = 20;

/**
 * The kind most of the first non-blank lines vote for; ties go to batch, then results, then fine-tuning.
 * A file whose first lines are all broken JSON is treated as a batch file (what `validate` is for).
 */
export function decideKind(votes: readonly LineVote[]): FileKind {
  const counts = { batch: 0, results: 0, finetune: 0, unknown: 0, invalid: 0, value: 0 };
  let nonBlank = 0;
  for (const vote of votes) {
    if (vote === 'blank') continue;
    counts[vote]++;
    nonBlank++;
  }
  if (nonBlank === 0) return 'empty';
  const best = (['batch', 'results', 'finetune', 'unknown'] as const).reduce((a, b) => (counts[b] > counts[a] ? b : a));
  if (counts[best] > 0) return best;
  return counts.invalid > 0 ? 'batch' : 'unknown';
}

function bytes(n: number): string {
  return `${formatCount(n)} bytes`;
}

export function freeTierCapDiagnostic(line: number, lineText: string, requestCount: number): JsonlDiagnostic {
  const start = lineText.length - lineText.trimStart().length;
  return {
    line,
    startColumn: start,
    endColumn: Math.max(start, lineText.trimEnd().length),
    severity: 'warning',
    code: Codes.freeTierLineCap,
    message: `Free tier: a batch file must hold fewer than ${formatCount(FREE_TIER_MAX_BATCH_LINES)} requests; this is request ${formatCount(FREE_TIER_MAX_BATCH_LINES)} of ${formatCount(requestCount)}. Split the file or use the standard tier.`,
  };
}

export function fileTooLargeDiagnostic(line: number, lineText: string, totalBytes: number, cap = MAX_BATCH_FILE_BYTES): JsonlDiagnostic {
  const limit = cap === MAX_BATCH_FILE_BYTES ? `100 MB (${bytes(cap)})` : bytes(cap);
  return {
    line,
    startColumn: 0,
    endColumn: lineText.length,
    severity: 'warning',
    code: Codes.fileTooLarge,
    message: `The file is ${bytes(totalBytes)}; kluster.ai accepts batch files up to ${limit}. This line crosses the limit; split the file.`,
  };
}

/** The fine-tuning tutorial: "kluster.ai requires a minimum of 10 examples". */
export const FINETUNE_MIN_EXAMPLES = 10;

/** On the first example: the dataset holds fewer than the minimum. A warning while typing; it blocks an upload. */
export function tooFewExamplesDiagnostic(line: number, lineText: string, examples: number): JsonlDiagnostic {
  const start = lineText.length - lineText.trimStart().length;
  const more = FINETUNE_MIN_EXAMPLES - examples;
  return {
    line,
    startColumn: start,
    endColumn: Math.max(start, lineText.trimEnd().length),
    severity: 'warning',
    code: Codes.finetuneTooFewExamples,
    message: `kluster.ai fine-tuning needs at least ${FINETUNE_MIN_EXAMPLES} examples; this dataset has ${examples}. Add ${more} more.`,
  };
}

export { FREE_TIER_MAX_BATCH_LINES, MAX_BATCH_FILE_BYTES };

/**
 * Nothing in kluster.ai's docs says a byte order mark is accepted, and JSON Lines readers (Python's json, Node's
 * JSON.parse) take it as part of line 1, which is then not valid JSON: the batch would fail on line 1.
 */
export function byteOrderMarkDiagnostic(firstLine: string): JsonlDiagnostic {
  return {
    line: 0,
    startColumn: 0,
    endColumn: Math.min(1, firstLine.length),
    severity: 'warning',
    code: Codes.byteOrderMark,
    message:
      'The file starts with a UTF-8 byte order mark (BOM): kluster.ai would read it as part of line 1, which is then not valid JSON. Save the file as UTF-8 without BOM.',
    fix: { kind: 'removeByteOrderMark' },
  };
}
