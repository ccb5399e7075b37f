// Renders one streaming reply: finished blocks are parsed once and kept, only the unfinished tail is
// re-rendered per frame, and an open code fence only gets the new characters appended.
import { fragmentOf, h } from './dom';
import { BlockScanner, renderMarkdown } from './markdown';

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

export class StreamView {
  private readonly scanner = new BlockScanner();
  private readonly committed: string[] = [];
  /** Text after the last committed block. */
  private tail = '';
  private readonly tailElement: HTMLElement;
  private fenceCode: { text: Text; shown: number } | undefined;

  constructor(private readonly body: HTMLElement, initialText = '') {
    this.tailElement = h('div', { class: 'tail' });
    body.replaceChildren(this.tailElement);
    if (initialText) this.append(initialText);
  }

  /** All text so far. Joins the parts: call it when the reply ends or is saved, not per chunk. */
  get text(): string {
    return this.committed.join('') + this.tail;
  }

  /** Adds streamed text and updates the DOM. Cost: the new text plus the unfinished block. */
  append(delta: string): void {
    this.tail += delta;
    const cut = this.scanner.scan(this.tail);
    if (cut > 0) {
      const finished = this.tail.slice(0, cut);
      this.tail = this.tail.slice(cut);
      this.scanner.shift(cut);
      this.committed.push(finished);
      const fragment = fragmentOf(renderMarkdown(finished));
      decorateCodeBlocks(fragment);
      this.body.insertBefore(fragment, this.tailElement);
      this.fenceCode = undefined;
    }
    this.renderTail();
  }

  private renderTail(): void {
    const fence = this.scanner.openFence;
    if (!fence) {
      this.fenceCode = undefined;
      renderMarkdownInto(this.tailElement, this.tail);
      return;
    }
    const bodyStart = this.tail.indexOf('\n') + 1;
    if (!this.fenceCode) {
      const text = document.createTextNode('');
      const language = fence.info.split(/\s+/)[0];
      const code = h('code', { class: language ? `language-${language}` : undefined }, text);
      const wrapper = h('div', { class: 'code-block' }, h('button', { type: 'button', class: 'action copy-code', 'data-action': 'copy-code', title: 'Copy code' }, 'Copy'), h('pre', {}, code));
      this.tailElement.replaceChildren(wrapper);
      this.fenceCode = { text, shown: 0 };
    }
    const added = this.tail.substring(bodyStart + this.fenceCode.shown);
    if (added) {
      this.fenceCode.text.appendData(added);
      this.fenceCode.shown += added.length;
    }
  }
}
