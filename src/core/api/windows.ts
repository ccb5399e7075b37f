// The completion windows the docs list for batches and async requests. Apart from the zod schemas, so the
// chat webview bundle can check a window without carrying zod.
export const COMPLETION_WINDOWS = ['1h', '3h', '6h', '12h', '24h'] as const;
export type CompletionWindow = (typeof COMPLETION_WINDOWS)[number];

export function isCompletionWindow(value: string): value is CompletionWindow {
  return (COMPLETION_WINDOWS as readonly string[]).includes(value);
}
