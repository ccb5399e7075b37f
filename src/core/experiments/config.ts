// A provider's `config` gets exactly the checks a batch file's request body gets: the validator runs on a
// sample request line built from it, and each diagnostic is pointed back at the config entry it is about.
import { checkLine } from '../jsonl/checkLine';
import { Codes } from '../jsonl/diagnostics';
import type { Locator, Path } from './locate';
import { ExperimentCodes, type ExperimentProblem } from './problems';

/** Keys the experiment itself fills in; a config may not set them. */
const RESERVED = new Set(['model', 'messages']);

/** `at`: the provider's path; `idPath`: where its model id is written. */
export function checkProviderConfig(
  model: string,
  config: Record<string, unknown>,
  at: Path,
  idPath: Path,
  locator: Locator,
  knownModels: ReadonlySet<string>,
): ExperimentProblem[] {
  const problems: ExperimentProblem[] = [];
  let text = `{"custom_id":"check","method":"POST","url":"/v1/chat/completions","body":{"model":${JSON.stringify(model)},"messages":[{"role":"user","content":"check"}]`;
  const spans: { key: string; start: number; end: number }[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (RESERVED.has(key)) {
      problems.push({
        file: locator.file,
        range: locator.key([...at, 'config', key]),
        severity: 'error',
        code: ExperimentCodes.parameter,
        message: `\`${key}\` comes from the experiment (${key === 'model' ? 'the provider id' : 'the prompts'}); remove it from config.`,
      });
      continue;
    }
    if (value === undefined) continue;
    const start = text.length + 1;
    text += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
    spans.push({ key, start, end: text.length });
  }
  text += '}}';
  const check = checkLine(text, 'batch', { knownModels });
  for (const d of check.diagnostics) {
    const span = spans.find((s) => d.startColumn >= s.start && d.startColumn < s.end);
    const onKey =
      d.code === Codes.unknownParameter ||
      d.code === Codes.unsupportedParameter ||
      d.code === Codes.deprecatedParameter ||
      d.code === Codes.deprecatedMaxTokens;
    let range;
    if (span) range = onKey ? locator.key([...at, 'config', span.key]) : locator.value([...at, 'config', span.key]);
    else if (d.code === Codes.unknownModel) range = locator.value(idPath);
    else range = locator.value([...at, 'config']);
    const code = d.code === Codes.unknownModel ? ExperimentCodes.unknownModel : d.code;
    problems.push({ file: locator.file, range, severity: d.severity, code, message: d.message });
  }
  return problems;
}
