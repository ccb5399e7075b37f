// The details of one cell: the whole request (messages and parameters) as plain text, the whole reply through
// the chat's safe markdown renderer (raw HTML off, links only as data-href), and each assertion's verdict with
// its reason.
import { fragmentOf, h } from '../webview/dom';
import { renderMarkdown } from '../webview/markdown';
import type { CellDetail } from '../comparison/protocol';
import { forwardLinks } from '../resultsView/links';
import { outcomeMark, OUTCOME_WORDS, score } from './outcome';

export class CellDetailPane {
  readonly element: HTMLElement;
  private shownCell: { index: number; column: number } | null = null;
  private readonly closeButton: HTMLButtonElement;

  constructor(callbacks: { openLink(href: string): void; close(): void }) {
    this.element = h('section', { class: 'detail', role: 'region', 'aria-label': 'Cell details', id: 'detail', hidden: '' });
    forwardLinks(this.element, (href) => callbacks.openLink(href));
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') callbacks.close();
    });
    this.closeButton = h(
      'button',
      { type: 'button', class: 'icon-action close', title: 'Close details (Escape)', 'aria-label': 'Close details' },
      h('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }),
    );
    this.closeButton.addEventListener('click', () => callbacks.close());
  }

  get shown(): { index: number; column: number } | null {
    return this.shownCell;
  }

  open(index: number, column: number, title: string): void {
    this.shownCell = { index, column };
    this.element.hidden = false;
    this.element.replaceChildren(
      h('div', { class: 'detail-head' }, h('strong', {}, title), this.closeButton),
      h('p', { class: 'loading' }, 'Reading the cell…'),
    );
  }

  close(): void {
    this.shownCell = null;
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  show(detail: CellDetail): void {
    if (detail.index !== this.shownCell?.index || detail.column !== this.shownCell.column) return;
    const head = h(
      'div',
      { class: 'detail-head' },
      h('span', { class: `verdict outcome-${detail.outcome}` }, outcomeMark(detail.outcome), ` ${OUTCOME_WORDS[detail.outcome]}`),
      h('strong', {}, `Row ${detail.row} · ${detail.title}`),
      h('span', { class: 'facts' }, detail.model),
      h('span', { class: 'actions' }, this.closeButton),
    );
    const request = h(
      'div',
      { class: 'part request' },
      h('h3', {}, 'Request'),
      ...detail.messages.map((m) =>
        h(
          'div',
          { class: `message role-${m.role.replace(/[^a-z]/g, '')}` },
          h('span', { class: 'role' }, m.role),
          h('div', { class: 'text' }, m.text),
        ),
      ),
      h('details', {}, h('summary', {}, 'Parameters'), h('pre', {}, detail.params)),
    );
    const sections: HTMLElement[] = [head, request];
    if (detail.reply !== null) {
      const reply = h('div', { class: 'markdown reply-body' });
      reply.append(fragmentOf(renderMarkdown(detail.reply)));
      sections.push(h('div', { class: 'part reply' }, h('h3', {}, 'Reply'), reply));
    }
    if (detail.reason !== null) sections.push(h('div', { class: 'part error' }, h('h3', {}, 'Error'), h('pre', {}, detail.reason)));
    sections.push(
      h(
        'div',
        { class: 'part assertions' },
        h('h3', {}, 'Assertions'),
        detail.assertions.length
          ? h(
              'ul',
              { class: 'verdicts' },
              ...detail.assertions.map((a) =>
                h(
                  'li',
                  { class: `outcome-${a.outcome}` },
                  outcomeMark(a.outcome),
                  h('code', {}, a.type),
                  a.score === undefined ? null : h('span', { class: 'score' }, `score ${score(a.score)}`),
                  h('span', { class: 'reason' }, a.reason),
                  h('span', { class: 'origin' }, a.origin),
                ),
              ),
            )
          : h('p', { class: 'note' }, detail.reply === null ? 'Not checked: the request has no reply.' : 'This row has no assertions.'),
      ),
    );
    this.element.replaceChildren(...sections);
  }
}
