/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in order of start, and resolves
 * when all have settled. `fn` handles its own errors (a rejection is rethrown after all settle).
 * `stop` is read before each start: once true, no further item starts.
 */
export async function forEachLimited<T>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  const it = items[Symbol.iterator]();
  let failure: { err: unknown } | undefined;
  const lane = async (): Promise<void> => {
    for (;;) {
      if (stop() || failure) return;
      const next = it.next();
      if (next.done) return;
      try {
        await fn(next.value);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
  if (failure) throw failure.err;
}
