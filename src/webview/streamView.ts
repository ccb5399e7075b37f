// Shows one streaming reply: applies the updates of IncrementalMarkdown to the DOM. Finished blocks are
// inserted once; only the unfinished tail is replaced per frame, or appended to as text.
import { fragmentOf, h, iconButton } from './dom';
import { IncrementalMarkdown, type StreamUpdate } from './incremental';
import { renderMarkdown } from './markdown';

/** The language of a code element, from the `language-…` class markdown-it gives a fence's info string. */
function languageOf(code: Element | null): string | undefined {
  return code ? /(?:^|\s)language-(\S+)/.exec(code.className)?.[1] : undefined;
}

/** The bar above a code block: its language (when the fence names one) and a copy button. */
function codeHeader(language: string | undefined): HTMLElement {
  return h(
    'div',
    { class: 'code-header' },
    h('span', { class: 'code-language' }, language ?? ''),
    iconButton('copy', 'Copy Code', { class: 'icon copy-code', 'data-action': 'copy-code' }),
  );
}

/** Adds the language label and a copy button to each code block of a freshly rendered fragment. */
export function decorateCodeBlocks(root: DocumentFragment | HTMLElement): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    if (pre.parentElement?.classList.contains('code-block')) continue;
    const wrapper = h('div', { class: 'code-block' });
    pre.replaceWith(wrapper);
    wrapper.append(codeHeader(languageOf(pre.querySelector('code'))), pre);
  }
}

export function renderMarkdownInto(element: HTMLElement, text: string): void {
  const fragment = fragmentOf(renderMarkdown(text));
  decorateCodeBlocks(fragment);
  element.replaceChildren(fragment);
}

/**
 * Rows cut from a table render under a copy of its header: the copy is dropped and the rows show as a table
 * right under the previous part. Parts stay separate tables so a long table's layout is not redone per cut.
 */
function continueTable(fragment: DocumentFragment): void {
  const first = fragment.firstElementChild;
  if (!(first instanceof HTMLTableElement)) return;
  first.tHead?.remove();
  first.classList.add('continuation');
}

/** Overflow of one very long line goes into blocks of about this size, so each layout stays small. */
const LINE_BLOCK_CHARS = 2048;

export class StreamView {
  private readonly markdown = new IncrementalMarkdown();
  private readonly tailElement: HTMLElement;
  /** Where `text` updates go: the open fence's code, or a block after the tail's markdown (a long line). */
  private textTarget: Text | undefined;
  private inFence = false;

  constructor(
    private readonly body: HTMLElement,
    initialText = '',
  ) {
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
      case 'tail': {
        const fragment = fragmentOf(update.html);
        if (update.continuesTable) continueTable(fragment);
        decorateCodeBlocks(fragment);
        if (update.kind === 'commit') this.body.insertBefore(fragment, this.tailElement);
        else this.tailElement.replaceChildren(fragment);
        this.textTarget = undefined;
        this.inFence = false;
        return;
      }
      case 'fence': {
        this.textTarget = document.createTextNode('');
        this.inFence = true;
        const code = h('code', { class: update.language ? `language-${update.language}` : undefined }, this.textTarget);
        this.tailElement.replaceChildren(h('div', { class: 'code-block' }, codeHeader(update.language), h('pre', {}, code)));
        return;
      }
      case 'text':
        if (!this.textTarget || (!this.inFence && this.textTarget.length >= LINE_BLOCK_CHARS)) {
          this.textTarget = document.createTextNode('');
          this.tailElement.append(h('div', { class: 'overflow' }, this.textTarget));
        }
        this.textTarget.appendData(update.text);
        return;
    }
  }
}
