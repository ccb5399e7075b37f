// The details pane of the expanded row: the whole request (messages and parameters) as plain text, the whole
// reply through the chat's safe markdown renderer (raw HTML off, links only as data-href), and the error body.
import { h, fragmentOf } from '../webview/dom';
import { renderMarkdown } from '../webview/markdown';
import type { ResultRow } from '../core/results/rows';
import type { RowAction, RowDetail } from '../results/protocol';
import { statusBadge } from './grid';
import { forwardLinks } from './links';

export interface DetailCallbacks {
  act(action: RowAction, index: number): void;
  openLink(href: string): void;
  close(): void;
}

export class DetailPane {
  readonly element: HTMLElement;
  private index: number | null = null;

  constructor(private readonly callbacks: DetailCallbacks) {
    this.element = h('section', { class: 'detail', role: 'region', 'aria-label': 'Row details', id: 'detail', hidden: '' });
    forwardLinks(this.element, (href) => this.callbacks.openLink(href));
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.callbacks.close();
    });
  }

  get shown(): number | null {
    return this.index;
  }

  /** Opens the pane for `row` while its details are read. */
  open(row: ResultRow): void {
    this.index = row.index;
    this.element.hidden = false;
    this.element.replaceChildren(this.heading(row), h('p', { class: 'loading' }, 'Reading the row…'));
  }

  close(): void {
    this.index = null;
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  show(row: ResultRow, detail: RowDetail): void {
    if (detail.index !== this.index) return;
    const sections: HTMLElement[] = [this.heading(row)];
    if (detail.request) {
      sections.push(
        h(
          'div',
          { class: 'part request' },
          h('h3', {}, 'Request'),
          ...detail.request.messages.map((m) =>
            h(
              'div',
              { class: `message role-${m.role.replace(/[^a-z]/g, '')}` },
              h('span', { class: 'role' }, m.role),
              h('div', { class: 'text' }, m.text),
            ),
          ),
          h('details', {}, h('summary', {}, 'Parameters'), h('pre', {}, detail.request.params)),
        ),
      );
    } else if (detail.requestNote) {
      sections.push(h('div', { class: 'part request' }, h('h3', {}, 'Request'), h('p', { class: 'note' }, detail.requestNote)));
    }
    if (detail.reply !== null) {
      const reply = h('div', { class: 'markdown reply-body' });
      reply.append(fragmentOf(renderMarkdown(detail.reply)));
      sections.push(h('div', { class: 'part reply' }, h('h3', {}, 'Reply'), reply));
    }
    if (detail.errorBody !== null) sections.push(h('div', { class: 'part error' }, h('h3', {}, 'Error'), h('pre', {}, detail.errorBody)));
    this.element.replaceChildren(...sections);
  }

  private heading(row: ResultRow): HTMLElement {
    const action = (label: string, icon: string, name: RowAction, enabled: boolean) => {
      const b = h(
        'button',
        { type: 'button', class: 'icon-action', title: label, 'aria-label': label, disabled: enabled ? undefined : '' },
        h('span', { class: `codicon codicon-${icon}`, 'aria-hidden': 'true' }),
        ` ${label}`,
      );
      b.addEventListener('click', () => this.callbacks.act(name, row.index));
      return b;
    };
    const close = h(
      'button',
      { type: 'button', class: 'icon-action close', title: 'Close details (Escape)', 'aria-label': 'Close details' },
      h('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }),
    );
    close.addEventListener('click', () => this.callbacks.close());
    const facts = [
      row.line !== null ? `input line ${row.line}` : 'no input line',
      row.model,
      row.attempts > 1 ? `${row.attempts} attempts` : null,
      row.origin ? `from ${row.origin}` : null,
    ].filter(Boolean);
    return h(
      'div',
      { class: 'detail-head' },
      statusBadge(row.status),
      h('strong', { class: 'custom-id' }, row.customId ?? '(no custom_id)'),
      h('span', { class: 'facts' }, facts.join(' · ')),
      h(
        'span',
        { class: 'actions' },
        action('Go to Input Line', 'go-to-file', 'openInput', row.line !== null),
        action('Open in Chat', 'comment-discussion', 'openInChat', row.request !== ''),
        action('Copy Reply', 'copy', 'copyReply', row.reply !== ''),
        close,
      ),
    );
  }
}
