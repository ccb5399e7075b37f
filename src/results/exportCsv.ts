// Export CSV: the rows of the grid's view, in its order, with its visible columns, written as a stream to a
// file the user picks (the save dialog asks before replacing one), optionally with a UTF-8 BOM for
// spreadsheet apps that otherwise guess another encoding.
import * as vscode from 'vscode';
import { exportedMessage } from '../core/batches/displayText';
import { csvHeader, csvRecord } from '../core/results/csv';
import type { ColumnId } from '../core/results/query';
import type { ResultRow } from '../core/results/rows';
import { fileExists, writeAtomically } from '../core/util/atomicFile';
import type { ResultsDocument } from './resultsDocument';

/**
 * The CSV file to write: `target` (asking before replacing it), else the one picked in the save dialog (which
 * asks itself), with `defaultPath` proposed.
 */
export async function chooseCsvTarget(defaultPath: string, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (!target) {
    const defaultUri = vscode.Uri.file(defaultPath);
    return vscode.window.showSaveDialog({ defaultUri, filters: { CSV: ['csv'] }, title: 'Export the rows shown as CSV' });
  }
  if (await fileExists(target.fsPath)) {
    const pick = await vscode.window.showWarningMessage(
      `${vscode.workspace.asRelativePath(target)} already exists. Replace it?`,
      { modal: true },
      'Replace',
    );
    if (pick !== 'Replace') return undefined;
  }
  return target;
}

export async function pickBom(): Promise<boolean | undefined> {
  const items = [
    { label: 'UTF-8 with BOM', description: 'for Excel and other spreadsheet apps', bom: true },
    { label: 'UTF-8', description: 'for scripts and other tools', bom: false },
  ];
  return (await vscode.window.showQuickPick(items, { title: 'CSV encoding' }))?.bom;
}

/** Writes the CSV; `target` and `bom` skip the questions (automation). Resolves to the file written, if any. */
export async function exportCsv(
  document: ResultsDocument,
  rows: readonly ResultRow[],
  columns: readonly ColumnId[],
  target?: vscode.Uri,
  bom?: boolean,
): Promise<vscode.Uri | undefined> {
  target = await chooseCsvTarget(document.uri.fsPath.replace(/\.jsonl$/i, '') + '.csv', target);
  if (!target) return undefined;
  const overwrite = true; // asked above, or by the save dialog
  const withBom = bom ?? (await pickBom());
  if (withBom === undefined) return undefined;
  await writeAtomically(
    target.fsPath,
    async (temp) => {
      let chunk = csvHeader(columns, { bom: withBom });
      for (const row of rows) {
        chunk += csvRecord(row, columns);
        if (chunk.length < 256 * 1024) continue;
        await temp.write(chunk);
        chunk = '';
      }
      await temp.write(chunk);
    },
    { overwrite },
  );
  void vscode.window.showInformationMessage(exportedMessage(rows.length, vscode.workspace.asRelativePath(target)));
  return target;
}
