/**
 * The one polling helper of the test suite: calls `check` every `intervalMs` until it returns
 * something other than `undefined`, `false` or `null`, and resolves with that value; rejects
 * naming `what` after `timeoutMs`. Deadlines are generous (the suite must pass on a busy
 * machine), polls short (a passing test does not wait for them).
 *
 *   const order = await eventually(() => findPaidOrder(id), { what: 'the order to be paid' });
 *
 * Never prove that something did NOT happen by waiting a while: make the code under test do a
 * later, observable thing (a marker event) and wait for that instead; whatever was going to
 * happen before it has happened by then.
 */
export async function eventually<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  {
    timeoutMs = 30_000,
    intervalMs = 25,
    what = 'a condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err; // a check may fail while the state it reads is being built
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
