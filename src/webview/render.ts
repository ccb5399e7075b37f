// The transcript: one element per turn. Only the turn being streamed or finished is touched; the rest of
// the transcript is never re-rendered while a reply streams.
import type { ChatTurn, TokenUsage } from '../chat/protocol';
import { button, h, iconButton } from './dom';
import { renderMarkdownInto, StreamView } from './streamView';

interface TurnElements {
  readonly root: HTMLElement;
  readonly role: HTMLElement;
  readonly body: HTMLElement;
  readonly footer: HTMLElement;
}

export function describeUsage(usage: TokenUsage, finishReason?: string): string {
  const parts: string[] = [];
  if (usage.estimated) parts.push(`~${usage.completion} completion tokens (estimated)`);
  else {
    if (usage.prompt !== undefined) parts.push(`${usage.prompt} prompt`);
    parts.push(`${usage.completion} completion`);
    if (usage.total !== undefined) parts.push(`${usage.total} total tokens`);
    else parts[parts.length - 1] += ' tokens';
  }
  if (finishReason === 'length') parts.push('cut off at max_completion_tokens');
  return parts.join(' · ');
}

/** The body of a turn waiting for its async reply. */
function pendingNotice(turn: ChatTurn): HTMLElement {
  const { batchId, window } = turn.async ?? {};
  return h(
    'div',
    { class: 'async-pending' },
    h('span', { class: `codicon ${batchId ? 'codicon-clock' : 'codicon-loading codicon-modifier-spin'}`, 'aria-hidden': 'true' }),
    h(
      'div',
      {},
      h('div', { class: 'headline' }, batchId ? `Queued as batch ${batchId}, ${window} window` : 'Sending async…'),
      batchId
        ? h(
            'div',
            { class: 'hint' },
            'The reply fills in here when the batch completes, even if you close this panel or reload the window. Delete it to send something else; the batch keeps running.',
          )
        : null,
    ),
  );
}

export class TranscriptView {
  private readonly turns = new Map<string, TurnElements>();
  private stream: { id: string; view: StreamView } | undefined;

  constructor(readonly root: HTMLElement) {}

  reset(turns: readonly ChatTurn[], lastTurnId: string | undefined): void {
    this.turns.clear();
    this.stream = undefined;
    this.root.replaceChildren();
    for (const turn of turns) this.add(turn, turn.id === lastTurnId);
  }

  add(turn: ChatTurn, isLast: boolean): void {
    const body = h('div', { class: 'body' });
    const footer = h('div', { class: 'footer' });
    const label = turn.role === 'user' ? 'You' : 'Assistant';
    const role = h('div', { class: 'role' }, label);
    const root = h('article', { class: `turn ${turn.role}`, 'data-turn': turn.id, 'aria-label': label }, role, body, footer);
    this.turns.set(turn.id, { root, role, body, footer });
    this.root.append(root);
    this.fill(turn, isLast);
  }

  remove(id: string): void {
    this.turns.get(id)?.root.remove();
    this.turns.delete(id);
    if (this.stream?.id === id) this.stream = undefined;
  }

  /** Starts incremental rendering of an assistant turn (with the text it already has, after a reload). */
  beginStream(turn: ChatTurn): void {
    const elements = this.turns.get(turn.id);
    if (!elements) return;
    elements.root.classList.add('streaming');
    elements.root.setAttribute('aria-busy', 'true');
    elements.footer.replaceChildren(h('span', { class: 'status' }, 'Generating…'));
    this.stream = { id: turn.id, view: new StreamView(elements.body, turn.text) };
  }

  /** Appends streamed text to the turn being streamed. */
  appendStream(id: string, delta: string): void {
    if (this.stream?.id === id) this.stream.view.append(delta);
  }

  /** The streamed text so far (joins parts: not for every chunk). */
  streamText(id: string): string | undefined {
    return this.stream?.id === id ? this.stream.view.text : undefined;
  }

  /** Re-renders one turn whole: after its stream ends, or when it stops being the last turn. */
  refresh(turn: ChatTurn, isLast: boolean): void {
    if (this.stream?.id === turn.id) this.stream = undefined;
    this.fill(turn, isLast);
  }

  /** Updates only the footer (actions), e.g. Regenerate moves when a new turn is added. */
  refreshFooter(turn: ChatTurn, isLast: boolean): void {
    const elements = this.turns.get(turn.id);
    if (elements) this.fillFooter(elements.footer, turn, isLast);
  }

  /** Footers of all turns again: after a delete, which turn is last (Regenerate, Retry) may have changed. */
  refreshFooters(turns: readonly ChatTurn[]): void {
    turns.forEach((turn, index) => this.refreshFooter(turn, index === turns.length - 1));
  }

  /**
   * Shows an editor in place of a user turn's text. `done` gets the new text (Save, or Enter), or undefined
   * (Cancel, or Escape); the caller re-renders the turn either way.
   */
  beginEdit(turn: ChatTurn, done: (text: string | undefined) => void): void {
    const elements = this.turns.get(turn.id);
    if (!elements) return;
    const input = h('textarea', {
      class: 'edit-input',
      rows: String(Math.min(12, turn.text.split('\n').length + 1)),
      'aria-label': 'Edit your message',
    });
    input.value = turn.text;
    const save = h(
      'button',
      { type: 'button', class: 'primary', title: 'Send the edited message; the replies after it go' },
      'Save and Resend',
    );
    const cancel = h('button', { type: 'button', class: 'action' }, 'Cancel');
    const finish = (text: string | undefined) => {
      if (text !== undefined && !text.trim() && !turn.imageUrl) return; // an empty message cannot be sent
      done(text);
    };
    save.addEventListener('click', () => finish(input.value));
    cancel.addEventListener('click', () => finish(undefined));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') finish(undefined);
      else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        finish(input.value);
      }
    });
    elements.root.classList.add('editing');
    elements.body.replaceChildren(h('div', { class: 'editor' }, input, h('div', { class: 'editor-actions' }, save, cancel)));
    elements.footer.hidden = true;
    input.focus();
  }

  private fill(turn: ChatTurn, isLast: boolean): void {
    const elements = this.turns.get(turn.id);
    if (!elements) return;
    elements.root.classList.remove('streaming', 'editing');
    elements.footer.hidden = false;
    elements.root.removeAttribute('aria-busy');
    elements.role.replaceChildren(
      turn.role === 'user' ? 'You' : 'Assistant',
      turn.edited ? h('span', { class: 'edited' }, ' · edited') : '',
    );
    if (turn.role === 'user') {
      // A person's own text is shown as typed, not as markdown.
      elements.body.replaceChildren(h('div', { class: 'plain' }, turn.text));
      if (turn.imageUrl)
        elements.body.append(h('div', { class: 'attachment', title: 'Image URL sent as an image_url part' }, `Image: ${turn.imageUrl}`));
    } else if (turn.status === 'queued') {
      elements.body.replaceChildren(pendingNotice(turn));
    } else {
      renderMarkdownInto(elements.body, turn.text);
    }
    elements.root.classList.toggle('queued', turn.status === 'queued');
    if (turn.status === 'queued') elements.root.setAttribute('aria-busy', 'true');
    this.fillFooter(elements.footer, turn, isLast);
  }

  private fillFooter(footer: HTMLElement, turn: ChatTurn, isLast: boolean): void {
    const id = turn.id;
    const items: Node[] = [];
    if (turn.role === 'assistant') {
      if (turn.status === 'stopped') items.push(h('span', { class: 'status' }, 'Stopped.'));
      if (turn.status === 'interrupted') items.push(h('span', { class: 'status' }, 'Interrupted by a window reload.'));
      if (turn.async?.batchId && turn.status !== 'queued')
        items.push(
          h(
            'span',
            { class: 'status async-mark', title: `Answered through an async request: batch ${turn.async.batchId}` },
            h('span', { class: 'codicon codicon-clock', 'aria-hidden': 'true' }),
            ` async · batch ${turn.async.batchId}`,
          ),
        );
      if (turn.usage) items.push(h('span', { class: 'usage' }, describeUsage(turn.usage, turn.finishReason)));
    }
    if (turn.text) items.push(iconButton('copy', 'Copy', { 'data-action': 'copy', 'data-turn': id }));
    if (turn.role === 'assistant' && isLast && turn.status !== 'error' && turn.status !== 'streaming' && turn.status !== 'queued') {
      items.push(iconButton('refresh', 'Regenerate', { 'data-action': 'regenerate', 'data-turn': id }));
    }
    if (turn.role === 'user') items.push(iconButton('edit', 'Edit and Resend', { 'data-action': 'edit', 'data-turn': id }));
    if (turn.status !== 'streaming') {
      items.push(
        iconButton(
          'trash',
          turn.status === 'queued' ? 'Delete Pending Reply' : turn.role === 'user' ? 'Delete Message and Reply' : 'Delete Reply',
          {
            'data-action': 'delete',
            'data-turn': id,
          },
        ),
      );
    }
    const nodes: Node[] = [h('div', { class: 'actions' }, ...items)];
    if (turn.status === 'error' && turn.error) {
      const { error } = turn;
      nodes.push(
        h(
          'div',
          { class: 'error', role: 'alert' },
          h('span', { class: 'message' }, error.message),
          isLast ? null : h('span', { class: 'left-out' }, 'Left out of later requests: edit the message above to send it again.'),
          isLast ? button('Retry', 'retry', { 'data-turn': id }) : null,
          error.remedy === 'setApiKey' ? button('Set API Key', 'remedy', { 'data-remedy': 'setApiKey' }) : null,
          error.remedy === 'openSettings' ? button('Open Settings', 'remedy', { 'data-remedy': 'openSettings' }) : null,
        ),
      );
    }
    footer.replaceChildren(...nodes);
  }
}
