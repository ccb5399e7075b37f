// "Show Errors" for a batch whose requests failed: each failure becomes a problem on its input line (the service's
// message, with the error file's line as related information), listed in a quick pick to jump to.
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Batch, KlusterClient } from '../core/api';
import { formatCount, plural } from '../core/batches/displayText';
import { failedRequests, type FailedRequest } from '../core/results/failures';
import { remoteFileUri } from '../files/remoteFiles';

/** The code of these problems; the validator's codes are `kluster.<rule>`, so this reads as one of the family. */
export const REQUEST_FAILED_CODE = 'kluster.requestFailed';

/** The failed requests of `batch` from its error file, matched to the lines of `input` by custom_id. */
export async function loadFailures(client: KlusterClient, batch: Batch, input: vscode.Uri): Promise<FailedRequest[]> {
  if (!batch.error_file_id) return [];
  const errorFileId = batch.error_file_id;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kluster-errors-'));
  try {
    const errorPath = path.join(dir, 'error.jsonl');
    await client.downloadFileContent(errorFileId, errorPath);
    return await failedRequests(input.fsPath, { errorPath });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function errorFileOf(batch: Batch): vscode.Uri {
  return remoteFileUri(batch.error_file_id ?? '', `batch_${batch.id}_error.jsonl`);
}

/** One problem per failed request, on the request's line, pointing at the error file's line. */
export function failureDiagnostics(
  document: vscode.TextDocument,
  batch: Batch,
  label: string,
  failures: readonly FailedRequest[],
): vscode.Diagnostic[] {
  const errorFile = errorFileOf(batch);
  return failures
    .filter((f): f is FailedRequest & { inputLine: number } => f.inputLine !== null && f.inputLine <= document.lineCount)
    .map((failure) => {
      const line = document.lineAt(failure.inputLine - 1);
      const range = new vscode.Range(failure.inputLine - 1, line.firstNonWhitespaceCharacterIndex, failure.inputLine - 1, line.text.length);
      const diagnostic = new vscode.Diagnostic(
        range,
        `Request ${failure.customId} failed in batch ${label}: ${failure.message}`,
        vscode.DiagnosticSeverity.Error,
      );
      diagnostic.source = 'kluster.ai';
      diagnostic.code = REQUEST_FAILED_CODE;
      const where = new vscode.Location(errorFile, new vscode.Position(failure.resultLine - 1, 0));
      diagnostic.relatedInformation = [
        new vscode.DiagnosticRelatedInformation(where, `Reported on line ${failure.resultLine} of the ${failure.resultFile} file.`),
      ];
      return diagnostic;
    });
}

/**
 * Lists the failures; picking one goes to its input line, or, for one without a line of its own (its custom_id is
 * not in the file as it is now, or is used twice), to its line in the error file.
 */
export async function pickFailure(
  document: vscode.TextDocument,
  batch: Batch,
  label: string,
  failures: readonly FailedRequest[],
): Promise<void> {
  const name = path.basename(document.uri.fsPath);
  const items = failures.map((failure) => ({
    label: `$(error) ${failure.customId}`,
    description: failure.inputLine !== null ? `line ${failure.inputLine}` : `no line of its own in ${name}`,
    detail: failure.message,
    failure,
  }));
  const notInFile = failures.filter((f) => f.inputLine === null).length;
  const picked = await vscode.window.showQuickPick(items, {
    title: `${plural(failures.length, 'failed request')} in batch ${label}${notInFile ? ` (${formatCount(notInFile)} not in ${name} as it is now)` : ''}`,
    placeHolder: notInFile
      ? 'Pick one to go to its line (or its line in the error file); those with a line are in the Problems view.'
      : 'Pick one to go to its line; all of them are in the Problems view.',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return;
  const { inputLine, resultLine } = picked.failure;
  if (inputLine === null) {
    const at = new vscode.Position(resultLine - 1, 0);
    await vscode.window.showTextDocument(errorFileOf(batch), { selection: new vscode.Selection(at, at), preview: false });
    return;
  }
  const line = document.lineAt(inputLine - 1).range;
  await vscode.window.showTextDocument(document, { selection: new vscode.Selection(line.start, line.end), preview: false });
}
