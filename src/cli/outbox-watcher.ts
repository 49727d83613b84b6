import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeReceipt } from './receipt-summary.js';

/** Prints each new outbox file once, with what it says, so a demo shows receipts arriving. */
export function watchOutbox(
  dir: string,
  print: (line: string) => void,
  intervalMs = 400,
): () => void {
  const seen = new Set<string>();
  let stopped = false;
  const tick = async (): Promise<void> => {
    const names = (await readdir(dir).catch(() => [] as string[]))
      .filter((n) => !n.startsWith('.'))
      .sort();
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const bytes = await readFile(join(dir, name)).catch(() => undefined);
      if (!bytes) continue;
      print(`  📄 ${name}  ${await summarizeReceipt(bytes, name)}`);
    }
  };
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
