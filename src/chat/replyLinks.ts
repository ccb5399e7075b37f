// Opens a link a model's reply holds, for every webview that renders replies (chat, results grid,
// comparison). Checked here again: the webview renders untrusted text, so its requests are not taken on trust.
import * as vscode from 'vscode';
import { isHttpUrl } from '../core/chat/conversation';
import { isPrivateAddressUrl } from '../core/util/privateAddress';
import type { Logger } from '../log';

export async function openReplyLink(log: Logger, component: string, href: string): Promise<void> {
  if (!isHttpUrl(href)) {
    log.warn(component, `refused to open a non-http(s) link from a reply: ${href.slice(0, 80)}`);
    return;
  }
  if (isPrivateAddressUrl(href)) {
    // VS Code opens local addresses without its own prompt; a reply must not reach a local service unasked.
    const pick = await vscode.window.showWarningMessage(
      'Open a link to this computer or your private network?',
      {
        modal: true,
        detail: `${href}\n\nThe link comes from a model's reply. Links to local addresses can reach services on your machine or network (a dev server, a router's admin page).`,
      },
      'Open Link',
    );
    if (pick !== 'Open Link') return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(href, true));
}
