// A small element builder: text always goes in as text nodes, never as HTML.
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** Parses trusted-shape HTML (markdown-it output with raw HTML off) into an inert fragment. */
export function fragmentOf(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

export function button(label: string, action: string, extra: Record<string, string | undefined> = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'action', 'data-action': action, ...extra }, label);
}

/** A toolbar-style button showing a codicon; `label` is its accessible name and tooltip. */
export function iconButton(icon: string, label: string, extra: Record<string, string | undefined> = {}): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', class: 'icon', title: label, 'aria-label': label, ...extra },
    h('span', { class: `codicon codicon-${icon}`, 'aria-hidden': 'true' }),
  );
}
