// custom_ids of an experiment's batch lines: row, prompt and provider (1-based) can be read back from each.
// Judge lines add the index of the llm-rubric assertion they grade.

export interface RequestKey {
  readonly row: number;
  readonly prompt: number;
  readonly provider: number;
}

export interface JudgeKey extends RequestKey {
  readonly assertion: number;
}

const REQUEST = /^exp-r(\d+)-p(\d+)-m(\d+)$/;
const JUDGE = /^judge-r(\d+)-p(\d+)-m(\d+)-a(\d+)$/;

export function requestId(key: RequestKey): string {
  return `exp-r${key.row}-p${key.prompt}-m${key.provider}`;
}

export function parseRequestId(id: string): RequestKey | undefined {
  const m = REQUEST.exec(id);
  return m ? { row: Number(m[1]), prompt: Number(m[2]), provider: Number(m[3]) } : undefined;
}

export function judgeId(key: JudgeKey): string {
  return `judge-r${key.row}-p${key.prompt}-m${key.provider}-a${key.assertion}`;
}

export function parseJudgeId(id: string): JudgeKey | undefined {
  const m = JUDGE.exec(id);
  return m ? { row: Number(m[1]), prompt: Number(m[2]), provider: Number(m[3]), assertion: Number(m[4]) } : undefined;
}
