// Checks that a file given to `retry`, `results merge` or `results summary` is what that place takes: a
// batch input passed as results would read as every request failed (and a merge would replace the real
// errors with nothing), a results file passed as the input would be copied out as requests. The kind is
// decided from the first lines as the validator decides it.
import { voteLine, type LineVote } from '../jsonl/checkLine';
import { decideKind, KIND_WINDOW } from '../jsonl/fileRules';
import { FileReadError } from '../util/fileReadError';
import { readLines } from './join';

/** The file's kind and the first line voting for it; undefined when no line is a JSON object (or none at all). */
async function kindOf(file: string, signal?: AbortSignal): Promise<{ kind: string; line: number } | undefined> {
  const votes: LineVote[] = [];
  const firstOf = new Map<LineVote, number>();
  for await (const line of readLines(file, signal)) {
    const vote = voteLine(line.text);
    if (vote === 'blank') continue;
    votes.push(vote);
    if (!firstOf.has(vote)) firstOf.set(vote, line.number);
    if (votes.length >= KIND_WINDOW) break;
  }
  if (!votes.some((v) => v === 'batch' || v === 'results' || v === 'finetune' || v === 'unknown')) return undefined;
  const kind = decideKind(votes);
  return { kind, line: firstOf.get(kind as LineVote) ?? 1 };
}

/** Throws unless `file` holds results (our joined format, or the service's output or error file). */
export async function assertResultsFile(file: string, signal?: AbortSignal): Promise<void> {
  const found = await kindOf(file, signal);
  if (!found || found.kind === 'results') return;
  const hint = found.kind === 'batch' ? ' (is it the batch input?)' : '';
  throw new FileReadError(file, new Error(`line ${found.line} has no response or error, so it is not a results file${hint}`));
}

/** Throws when `file`, given as the batch input, holds results instead of requests. */
export async function assertRequestFile(file: string, signal?: AbortSignal): Promise<void> {
  const found = await kindOf(file, signal);
  if (found?.kind === 'results')
    throw new FileReadError(file, new Error(`line ${found.line} is a result, not a request, so it is not the batch input`));
}
