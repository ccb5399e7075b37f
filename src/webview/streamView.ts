// Shows one streaming reply: applies the updates of IncrementalMarkdown to the DOM. Finished blocks are
// inserted once; only the unfinished tail is replaced per frame, or appended to as text.
import { fragmentOf, h } from './dom';
import { IncrementalMarkdown, type StreamUpdate } from './incremental';
import { renderMarkdown } from './markdown';

/** Adds a copy button to each code block of a freshly rendered fragment. */
export function decorateCodeBlocks(root: DocumentFragment | HTMLElement): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    if (pre.parentElement?.classList.contains('code-block')) continue;
    const wrapper = h('div', { class: 'code-block' });
    pre.replaceWith(wrapper);
    wrapper.append(h('button', { type: 'button', class: 'action copy-code', 'data-action': 'copy-code', title: 'Copy code' }, 'Copy'), pre);
  }
}

export function renderMarkdownInto(element: HTMLElement, text: string): void {
  const fragment = fragmentOf(renderMarkdown(text));
  decorateCodeBlocks(fragment);
  element.replaceChildren(fragment);
}

function leadingTable(fragment: DocumentFragment): HTMLTableElement | undefined {
  const first = fragment.firstElementChild;
  return first instanceof HTMLTableElement ? first : undefined;
}

export class StreamView {
  private readonly markdown = new IncrementalMarkdown();
  private readonly tailElement: HTMLElement;
  /** Where `text` updates go: the open fence's code, or the end of the tail's last block. */
  private textTarget: Text | undefined;
  /** The last committed table, which rows cut from the same table join. */
  private openTable: HTMLTableElement | undefined;

  constructor(private readonly body: HTMLElement, initialText = '') {
    this.tailElement = h('div', { class: 'tail' });
    body.replaceChildren(this.tailElement);
    if (initialText) this.append(initialText);
  }

  /** All text so far. Joins the parts: call it when the reply ends or is saved, not per chunk. */
  get text(): string {
    return this.markdown.text;
  }

  /** Adds streamed text and updates the DOM. Cost: the new text plus a bounded part of the tail. */
  append(delta: string): void {
    for (const update of this.markdown.append(delta)) this.apply(update);
  }

  private apply(update: StreamUpdate): void {
    switch (update.kind) {
      case 'commit':
        return this.commit(update.html, update.continuesTable);
      case 'tail': {
        const fragment = fragmentOf(update.html);
        const table = update.continuesTable ? leadingTable(fragment) : undefined;
        if (table) {
          table.tHead?.remove();
          table.classList.add('continuation');
        }
        decorateCodeBlocks(fragment);
        this.tailElement.replaceChildren(fragment);
        this.textTarget = undefined;
        return;
      }
      case 'fence': {
        this.textTarget = document.createTextNode('');
        const code = h('code', { class: update.language ? `language-${update.language}` : undefined }, this.textTarget);
        const copy = h('button', { type: 'button', class: 'action copy-code', 'data-action': 'copy-code', title: 'Copy code' }, 'Copy');
        this.tailElement.replaceChildren(h('div', { class: 'code-block' }, copy, h('pre', {}, code)));
        return;
      }
      case 'text':
        if (!this.textTarget) {
          this.textTarget = document.createTextNode('');
          (this.tailElement.lastElementChild ?? this.tailElement).append(this.textTarget);
        }
        this.textTarget.appendData(update.text);
        return;
    }
  }

  private commit(html: string, continuesTable: boolean): void {
    const fragment = fragmentOf(html);
    decorateCodeBlocks(fragment);
    const table = continuesTable ? leadingTable(fragment) : undefined;
    if (table && this.openTable) {
      // Rows cut from the table shown join it, so it grows as one table.
      const target = this.openTable.tBodies[0] ?? this.openTable.createTBody();
      for (const body of Array.from(table.tBodies)) target.append(...Array.from(body.rows));
      table.remove();
    }
    this.body.insertBefore(fragment, this.tailElement);
    const last = this.tailElement.previousElementSibling;
    this.openTable = last instanceof HTMLTableElement ? last : undefined;
  }
}
