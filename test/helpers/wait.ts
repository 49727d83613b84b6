/**
 * The one way tests wait: poll a probe until a condition holds, and on timeout say what was awaited
 * and the last value seen. No test sleeps and then asserts that nothing happened: it waits for
 * something that must happen (a sentinel) and only then checks what must not have.
 */

/** Polls `probe` every `every` ms until `cond` holds for its value; fails with `what` and the last value after `ms`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  cond: (v: T) => boolean,
  ms = 30_000,
  every = 50,
): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (cond(last)) return last;
    if (Date.now() >= end) break;
    await sleep(every);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${describe(last)}`);
}

/** Waits until `check()` is true; a timeout names the condition by its source text. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = check.toString(),
): Promise<void> {
  await waitFor(what, check, (ok) => ok, ms);
}

/** Lets time pass: for pacing a writer or a fault, never for waiting on a result (use `waitFor`). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function describe(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 2000);
  } catch {
    return String(v);
  }
}
