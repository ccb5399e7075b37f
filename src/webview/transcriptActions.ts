// Clicks in the transcript: links (sent to the extension, which checks and opens them), copy buttons,
// Regenerate/Retry, Edit/Delete of a turn and error remedies. One delegated listener for the whole transcript.
import type { WebviewMessage } from '../chat/protocol';

export interface TranscriptActionHandlers {
  post(message: WebviewMessage): void;
  /** The full text of a turn, for Copy. */
  turnText(id: string): string | undefined;
  regenerate(id: string | undefined): void;
  /** Edit a user turn in place, then resend from there. */
  edit(id: string): void;
  /** Delete a turn (a user turn with its reply). */
  remove(id: string): void;
}

export function wireTranscriptActions(transcript: HTMLElement, handlers: TranscriptActionHandlers): void {
  transcript.addEventListener('click', (event) => onTranscriptClick(event, handlers));
  transcript.addEventListener('keydown', (event) => {
    // Links are focusable spans (role=link): Enter opens them as a click would.
    if (event.key === 'Enter' && event.target instanceof HTMLElement && event.target.dataset.href !== undefined)
      onTranscriptClick(event, handlers);
  });
}

function onTranscriptClick(event: Event, handlers: TranscriptActionHandlers): void {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest<HTMLElement>('[data-href]');
  if (link) {
    event.preventDefault();
    handlers.post({ type: 'openLink', href: link.dataset.href ?? '' });
    return;
  }
  const control = target?.closest<HTMLElement>('button[data-action]');
  if (!control) return;
  const turnId = control.dataset.turn;
  switch (control.dataset.action) {
    case 'copy': {
      const text = turnId ? handlers.turnText(turnId) : undefined;
      if (text !== undefined) handlers.post({ type: 'copy', text });
      return;
    }
    case 'copy-code': {
      const code = control.closest('.code-block')?.querySelector('pre')?.textContent;
      if (code !== undefined && code !== null) handlers.post({ type: 'copy', text: code });
      return;
    }
    case 'regenerate':
    case 'retry':
      return handlers.regenerate(turnId);
    case 'edit':
      if (turnId) handlers.edit(turnId);
      return;
    case 'delete':
      if (turnId) handlers.remove(turnId);
      return;
    case 'remedy': {
      const remedy = control.dataset.remedy;
      if (remedy === 'setApiKey' || remedy === 'openSettings') handlers.post({ type: 'remedy', remedy });
      return;
    }
  }
}
