/**
 * Poll `probe` until it returns a value other than `undefined`, and return that value. After
 * `timeoutMs` it fails with what it waited for and, from `state`, how things stood — well inside
 * the test's own timeout, so a regression reads as a message rather than a 60 s timeout. A probe
 * that throws fails at once: it has seen that the awaited thing can no longer come.
 *
 * @example
 * const approval = await waitFor('the approval request of run-1', () => waiting.find((p) => p.executionName === 'run-1'));
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number; readonly state?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`waited ${timeoutMs} ms for ${what}; it did not come${options.state ? ` (${options.state()})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}
