// Types shared by the JSONL validator, the CLI and the VS Code glue. Positions are 0-based UTF-16 columns,
// as in VS Code; the CLI adds 1 when printing.

export type Severity = 'error' | 'warning' | 'info';

/** What a JSONL file holds, decided from its first lines. */
export type FileKind = 'batch' | 'results' | 'finetune' | 'unknown' | 'empty';

/** Stable diagnostic codes. Documented in README; never rename one. */
export const Codes = {
  invalidJson: 'kluster.invalidJson',
  notAnObject: 'kluster.notAnObject',
  blankLine: 'kluster.blankLine',
  duplicateKey: 'kluster.duplicateKey',
  byteOrderMark: 'kluster.byteOrderMark',
  /** The editor's note that a document has more problems than it publishes. */
  moreProblems: 'kluster.moreProblems',
  missingCustomId: 'kluster.missingCustomId',
  invalidCustomId: 'kluster.invalidCustomId',
  duplicateCustomId: 'kluster.duplicateCustomId',
  missingMethod: 'kluster.missingMethod',
  invalidMethod: 'kluster.invalidMethod',
  missingUrl: 'kluster.missingUrl',
  invalidUrl: 'kluster.invalidUrl',
  missingBody: 'kluster.missingBody',
  invalidBody: 'kluster.invalidBody',
  unknownField: 'kluster.unknownField',
  missingModel: 'kluster.missingModel',
  invalidModel: 'kluster.invalidModel',
  unknownModel: 'kluster.unknownModel',
  missingMessages: 'kluster.missingMessages',
  invalidMessages: 'kluster.invalidMessages',
  invalidMessage: 'kluster.invalidMessage',
  invalidRole: 'kluster.invalidRole',
  missingContent: 'kluster.missingContent',
  invalidContent: 'kluster.invalidContent',
  invalidContentPart: 'kluster.invalidContentPart',
  invalidType: 'kluster.invalidType',
  temperatureRange: 'kluster.temperatureRange',
  topPRange: 'kluster.topPRange',
  frequencyPenaltyRange: 'kluster.frequencyPenaltyRange',
  presencePenaltyRange: 'kluster.presencePenaltyRange',
  topLogprobsRange: 'kluster.topLogprobsRange',
  topLogprobsWithoutLogprobs: 'kluster.topLogprobsWithoutLogprobs',
  logitBiasRange: 'kluster.logitBiasRange',
  invalidStop: 'kluster.invalidStop',
  maxCompletionTokensRange: 'kluster.maxCompletionTokensRange',
  unsupportedParameter: 'kluster.unsupportedParameter',
  deprecatedParameter: 'kluster.deprecatedParameter',
  deprecatedMaxTokens: 'kluster.deprecatedMaxTokens',
  unknownParameter: 'kluster.unknownParameter',
  freeTierLineCap: 'kluster.freeTierLineCap',
  fileTooLarge: 'kluster.fileTooLarge',
  missingResultFields: 'kluster.missingResultFields',
  finetuneNoFinalAssistant: 'kluster.finetuneNoFinalAssistant',
  finetuneTooFewExamples: 'kluster.finetuneTooFewExamples',
} as const;
export type Code = (typeof Codes)[keyof typeof Codes];

/** Warnings in the editor (each line is still a valid request), but the service refuses the whole upload. */
const REFUSED_BY_SERVICE: ReadonlySet<Code> = new Set([
  Codes.fileTooLarge,
  Codes.freeTierLineCap,
  Codes.byteOrderMark,
  Codes.finetuneTooFewExamples,
]);

/** Whether a finding stops a submission: every error, and the warnings the service would refuse the file for. */
export function blocksSubmission(d: { readonly severity: Severity; readonly code: Code }): boolean {
  return d.severity === 'error' || REFUSED_BY_SERVICE.has(d.code);
}

/** What a quick fix needs to know beyond the range; produced by the validator, read by `fixes.ts`. */
export type FixHint =
  | { readonly kind: 'insertProperty'; readonly key: 'custom_id' | 'method' | 'url' }
  | { readonly kind: 'replaceValue'; readonly key: 'method' | 'url' }
  | { readonly kind: 'uniqueCustomId'; readonly customId: string }
  | { readonly kind: 'renameMaxTokens'; readonly alsoHasMaxCompletionTokens: boolean }
  /** Not a text edit: the BOM is not part of the text (the editor rewrites the file without it). */
  | { readonly kind: 'removeByteOrderMark' }
  /** A number written as a string (`"0.5"`): write `literal` as the value at `path` instead. */
  | { readonly kind: 'unquoteNumber'; readonly path: readonly (string | number)[]; readonly literal: string }
  /** A value outside its documented range: set it to the nearest bound. */
  | {
      readonly kind: 'clampToRange';
      readonly path: readonly (string | number)[];
      readonly bound: number;
      readonly side: 'minimum' | 'maximum';
    }
  /** `body.model` is not a known model: offer the closest known ones (the fix context has the list). */
  | { readonly kind: 'replaceModel' };

/** A diagnostic within one line: the validator's per-line unit. */
export interface LineDiagnostic {
  readonly startColumn: number;
  readonly endColumn: number;
  readonly severity: Severity;
  readonly code: Code;
  readonly message: string;
  readonly fix?: FixHint;
}

export interface RelatedLocation {
  readonly line: number;
  readonly startColumn: number;
  readonly endColumn: number;
  readonly message: string;
}

/** A diagnostic in a file. Lines are 0-based; a diagnostic never spans lines (JSONL values are one line). */
export interface JsonlDiagnostic extends LineDiagnostic {
  readonly line: number;
  readonly related?: readonly RelatedLocation[];
}

export interface ValidationResult {
  readonly kind: FileKind;
  readonly diagnostics: JsonlDiagnostic[];
}

export interface ValidationOptions {
  /** Model ids the API serves; `unknownModel` warns about others. */
  readonly knownModels: ReadonlySet<string>;
  /** `free` adds the under-1000-requests cap. */
  readonly tier: 'free' | 'standard';
  /** The batch file size cap in bytes; kluster.ai's 100 MB unless a test lowers it. */
  readonly maxFileBytes?: number;
}

export function atLine(line: number, d: LineDiagnostic, related?: readonly RelatedLocation[]): JsonlDiagnostic {
  return related ? { ...d, line, related } : { ...d, line };
}

/** By position, then code: the order the CLI prints. */
export function compareDiagnostics(a: JsonlDiagnostic, b: JsonlDiagnostic): number {
  return a.line - b.line || a.startColumn - b.startColumn || a.code.localeCompare(b.code);
}
