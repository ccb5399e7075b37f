import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import { formatSize } from '../core/batches/displayText';
import { abortOnCancel } from '../core/util/abortOnCancel';

export const REMOTE_FILE_SCHEME = 'kluster-file';
/** Larger files are offered for download instead: an editor holding them would crawl. */
export const MAX_OPEN_BYTES = 50 * 1024 * 1024;

/** `kluster-file:/<id>/<filename>`: the name gives the tab its title and the document its language. */
export function remoteFileUri(fileId: string, filename?: string | null): vscode.Uri {
  const name = (filename || `${fileId}.jsonl`).replace(/[/\\]/g, '_');
  return vscode.Uri.from({ scheme: REMOTE_FILE_SCHEME, path: `/${fileId}/${name}` });
}

/** The file id in a remoteFileUri. */
export function remoteFileId(uri: vscode.Uri): string {
  return uri.path.split('/')[1] ?? '';
}

/** Read-only documents for files stored at kluster.ai, fetched when opened. */
export class RemoteFileProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly clients: ClientProvider) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const client = await this.clients.get();
    return abortOnCancel(token, async (signal) => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of await client.openFileContent(remoteFileId(uri), { signal })) {
        size += chunk.byteLength;
        if (size > MAX_OPEN_BYTES) {
          throw new Error(`The file is larger than ${formatSize(MAX_OPEN_BYTES)}; download it instead of opening it.`);
        }
        chunks.push(chunk);
      }
      return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
    });
  }
}
