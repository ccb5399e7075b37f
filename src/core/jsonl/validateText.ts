import { compareDiagnostics, type JsonlDiagnostic, type ValidationOptions, type ValidationResult } from './diagnostics';
import { JsonlDocumentValidator } from './documentValidator';
import { splitLines } from './lines';

/** Validates a whole JSONL text at once (tests, small files). Same rules as the incremental validator. */
export function validateText(text: string, options: ValidationOptions): ValidationResult {
  const eolBytes = text.includes('\r\n') ? 2 : 1;
  const validator = new JsonlDocumentValidator(options, eolBytes);
  validator.load(splitLines(text));
  validator.setByteOrderMark(text.charCodeAt(0) === 0xfeff);
  validator.checkPending();
  const diagnostics: JsonlDiagnostic[] = [];
  validator.visit((line, d, related) => diagnostics.push(related ? { ...d, line, related } : { ...d, line }));
  return { kind: validator.kind, diagnostics: diagnostics.sort(compareDiagnostics) };
}
