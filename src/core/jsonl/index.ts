// Public surface of the JSONL validator (no vscode import: used by the extension and the CLI).
export * from './diagnostics';
export { checkLine, voteLine, type LineCheck, type LineVote } from './checkLine';
export { JsonlDocumentValidator, type DiagnosticVisitor } from './documentValidator';
export { JsonlStreamValidator } from './streamValidator';
export { validateText } from './validateText';
export { splitLines, LineSplitter, stripBom } from './lines';
export { forEachFileLine } from './fileLines';
export { fixesFor, uniqueCustomId, type LineEdit, type LineFix, type FixContext } from './fixes';
export { summarizeLine, type LineSummary } from './summary';
