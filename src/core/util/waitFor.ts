/**
 * Polls `probe` every 100 ms until it gives a value other than undefined or false. On timeout it rejects naming
 * what it waited for and, with `have`, what it last saw, so a caller does not fail later for a reason it hides.
 * Used by the extension (a results tab that is opening) and by the integration and e2e tests.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  have?: () => unknown,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const seen = have ? `; last saw ${JSON.stringify(await have())}` : '';
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}${seen}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
