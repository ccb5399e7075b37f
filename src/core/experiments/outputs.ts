// Where an experiment's files go (beside NAME.experiment.yaml), and one results file from a batch split in parts.
import { createReadStream, promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { emptySummary, writeJoinedResults, type JoinInputs, type JoinSummary } from '../results/join';
import { writeAtomically } from '../util/atomicFile';

/** `reviews.experiment.yaml` → `reviews.batch.jsonl` (suffix `batch`), `reviews.results.jsonl`, … beside it. */
export function experimentOutputPath(experimentFile: string, suffix: 'batch' | 'results' | 'preview.results' | string): string {
  const base = path.basename(experimentFile).replace(/(\.experiment)?\.ya?ml$/i, '');
  return path.join(path.dirname(experimentFile), `${base}.${suffix}.jsonl`);
}

/**
 * Joins each part's output and error files with its input, in input order, and writes the parts' results one
 * after another (part 1 first) into `dest`, atomically. The counts are summed over the parts.
 */
export async function writePartsResults(
  parts: readonly Omit<JoinInputs, 'signal'>[],
  dest: string,
  options: { overwrite?: boolean; signal?: AbortSignal } = {},
): Promise<JoinSummary> {
  if (parts.length === 1) return writeJoinedResults({ ...parts[0]!, signal: options.signal }, dest, options);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-parts-'));
  try {
    const total = emptySummary();
    const files: string[] = [];
    for (const [i, part] of parts.entries()) {
      const file = path.join(dir, `part-${i + 1}.jsonl`);
      const summary = await writeJoinedResults({ ...part, signal: options.signal }, file);
      for (const key of Object.keys(total) as (keyof JoinSummary)[]) total[key] += summary[key];
      files.push(file);
    }
    await writeAtomically(
      dest,
      async (temp) => {
        for (const file of files) for await (const chunk of createReadStream(file)) await temp.write(chunk as Buffer);
      },
      { overwrite: options.overwrite },
    );
    return total;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
