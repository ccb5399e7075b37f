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
 * The experiment results file a batch file of an experiment feeds: `NAME.batch.jsonl` or `NAME.batch.part-N.jsonl`
 * beside `NAME.experiment.yaml` (or `.yml`) → `NAME.results.jsonl`; undefined for any other file.
 */
export async function experimentResultsFor(batchFile: string): Promise<string | undefined> {
  const match = /^(.+)\.batch(?:\.part-\d+)?\.jsonl$/i.exec(path.basename(batchFile));
  if (!match) return undefined;
  const dir = path.dirname(batchFile);
  for (const ext of ['yaml', 'yml']) {
    const experiment = path.join(dir, `${match[1]}.experiment.${ext}`);
    if (
      await fs.stat(experiment).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return experimentOutputPath(experiment, 'results');
  }
  return undefined;
}

/** How a results file at `dest` names an input file in its rows' `input_file`: relative to its folder, with `/`. */
export function inputNameFor(dest: string, inputPath: string): string {
  return path
    .relative(path.dirname(path.resolve(dest)), path.resolve(inputPath))
    .split(path.sep)
    .join('/');
}

/**
 * Joins each part's output and error files with its input, in input order, and writes the parts' results one
 * after another (part 1 first) into `dest`, atomically. The counts are summed over the parts. Every row names
 * its part in `input_file` (its `input_line` is the line in that part), so that Retry Failed Requests finds the
 * requests, and a reader the line, in the right part.
 */
export async function writePartsResults(
  parts: readonly Omit<JoinInputs, 'signal' | 'inputName'>[],
  dest: string,
  options: { overwrite?: boolean; signal?: AbortSignal } = {},
): Promise<JoinSummary> {
  const named = parts.map((part) => ({ ...part, inputName: inputNameFor(dest, part.inputPath), signal: options.signal }));
  if (named.length === 1) return writeJoinedResults(named[0]!, dest, options);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-parts-'));
  try {
    const total = emptySummary();
    const files: string[] = [];
    for (const [i, part] of named.entries()) {
      const file = path.join(dir, `part-${i + 1}.jsonl`);
      const summary = await writeJoinedResults(part, file);
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
