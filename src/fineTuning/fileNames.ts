import * as vscode from 'vscode';
import type { ClientProvider } from '../api/clientProvider';
import type { FileObject } from '../core/api';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';

/**
 * The names of the files jobs train on, by id. Files never change, so each id is asked of the service at most once
 * (and not at all when the Files view or an upload here already knows it); polling never asks.
 */
export class FileNameCache extends Disposable {
  private readonly names = new Map<string, string>();
  private readonly asked = new Set<string>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly clients: ClientProvider,
    private readonly known: (id: string) => FileObject | undefined,
    private readonly log: Logger,
  ) {
    super();
  }

  readonly get = (id: string): string | undefined => this.names.get(id) ?? this.known(id)?.filename ?? undefined;

  learn(file: FileObject): void {
    if (file.filename) this.names.set(file.id, file.filename);
  }

  /** Asks for the names not known yet, once per id; fires onDidChange when any came. */
  async fetchMissing(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.get(id) && !this.asked.has(id));
    if (missing.length === 0) return;
    const client = await this.clients.tryGet();
    if (!client) return;
    for (const id of missing) this.asked.add(id);
    const files = await Promise.allSettled(missing.map((id) => client.getFile(id)));
    let learned = false;
    files.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        this.learn(result.value);
        learned ||= Boolean(result.value.filename);
      } else {
        this.log.debug(
          'fineTuning',
          `name of file ${missing[i]}: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`,
        );
      }
    });
    if (learned) this.changed.fire();
  }

  /** Another account: its files are others. */
  reset(): void {
    this.names.clear();
    this.asked.clear();
  }
}
