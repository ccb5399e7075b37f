import * as vscode from 'vscode';
import { plural } from '../core/batches/displayText';
import { Commands } from '../constants';
import { summarizeLine } from '../core/jsonl';
import { codeSpan } from '../core/util/markdown';
import type { DocumentSession } from './documentSession';

/**
 * Hovering a request line shows what it asks: model, message count and an estimate of its prompt tokens, and
 * links to Open in Chat (also where `kluster.codeLens` shows no lens).
 */
export class RequestLineHover implements vscode.HoverProvider {
  constructor(private readonly sessionFor: (document: vscode.TextDocument) => DocumentSession | undefined) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const session = this.sessionFor(document);
    if (!session || (session.validator.kind !== 'batch' && session.validator.kind !== 'finetune')) return undefined;
    const line = document.lineAt(position.line);
    const summary = summarizeLine(line.text);
    if (!summary) return undefined;
    const parts = [
      summary.customId !== undefined ? `**${escape(summary.customId)}**` : undefined,
      summary.model !== undefined ? `model ${codeSpan(summary.model)}` : 'no model',
      plural(summary.messageCount, 'message'),
      summary.imageCount > 0 ? plural(summary.imageCount, 'image') : undefined,
      `≈ ${plural(summary.estimatedTokens, 'prompt token')}`,
      summary.maxCompletionTokens !== undefined ? `≤ ${plural(summary.maxCompletionTokens, 'completion token')}` : undefined,
    ].filter((p): p is string => p !== undefined);
    const markdown = new vscode.MarkdownString(parts.join(' · '));
    markdown.appendMarkdown('\n\n_Token estimate: characters of text ÷ 4._');
    if (session.validator.kind === 'batch' && summary.messageCount > 0) {
      // Only this command may run from the hover; its arguments are this document and line.
      markdown.isTrusted = { enabledCommands: [Commands.openInChat] };
      const args = encodeURIComponent(JSON.stringify([document.uri.toString(), position.line]));
      markdown.appendMarkdown(`\n\n[Open in Chat](command:${Commands.openInChat}?${args} "Load this request into the kluster chat panel")`);
    }
    return new vscode.Hover(markdown, line.range);
  }
}

/** Markdown-escapes user text (custom_ids and model names come from the file). */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
