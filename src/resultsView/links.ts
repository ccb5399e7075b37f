// Links in rendered replies carry data-href, never href (webview/markdown.ts): a click or Enter on one is sent
// to the host, which checks the scheme again before it opens anything.

/** Sends clicks and Enter on `[data-href]` inside `element` to `openLink`. */
export function forwardLinks(element: HTMLElement, openLink: (href: string) => void): void {
  element.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest<HTMLElement>('[data-href]');
    if (!link) return;
    event.preventDefault();
    openLink(link.dataset.href ?? '');
  });
  element.addEventListener('keydown', (event) => {
    const link = (event.target as HTMLElement).closest<HTMLElement>('[data-href]');
    if (link && event.key === 'Enter') openLink(link.dataset.href ?? '');
  });
}
