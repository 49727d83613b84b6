import { sanitizeStem, stemOf } from '../receipts/naming.js';
import type { DepsOf } from './deps.js';
import type { MessageRecord } from './ledger-port.js';

/** Longest run of `.1`, `.2`… tried before giving up (a bug or an attack, not real traffic). */
const MAX_SUFFIX = 10_000;

/**
 * The stem of a message's receipt file names, unique per channel and fixed once chosen:
 * the stem of the name its source was archived under (`sent/export.1.xml` → `export.1`), or of
 * the dropped name while it is not archived yet. The stem is reserved for the message in Redis;
 * one that another message holds (its sent/ file was removed and the name came again) gets
 * `.1`, `.2`… until free. Parts of a split document answer as `<document stem>-<part>`.
 */
export async function receiptStemFor(
  deps: DepsOf<'ledger' | 'redis' | 'config'>,
  rec: MessageRecord,
): Promise<string> {
  if (rec.receiptStem) return rec.receiptStem;
  if (rec.partOf && rec.part) {
    const doc = await deps.ledger.get(rec.partOf);
    if (doc) return `${await receiptStemFor(deps, doc)}-${rec.part}`;
  }
  const archived =
    rec.archivedAs && !rec.archivedAs.startsWith('http-upload:') ? rec.archivedAs : undefined;
  const base = sanitizeStem(stemOf(archived ?? rec.sourceName));
  for (let n = 0; n < MAX_SUFFIX; n++) {
    const candidate = n === 0 ? base : `${base}.${n}`;
    const key = `${deps.config.redis.prefix}:receipt-stem:${rec.channel}:${candidate}`;
    const taken = await deps.redis.set(key, rec.id, 'NX');
    if (!taken && (await deps.redis.get(key)) !== rec.id) continue;
    // Two writers of one message may race here: the first stem stored wins for both.
    return deps.ledger.setOnce(rec.id, 'receiptStem', candidate);
  }
  throw new Error(`no free receipt stem for ${base} in channel ${rec.channel}`);
}
