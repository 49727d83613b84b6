import { createHash } from 'node:crypto';

/**
 * A CEB `guid` (36-character upper-case UUID) derived from what the message is made of, so
 * translating the same input again yields the same guid: a retry after a crash then reads as the
 * same message to customs (which refuse a repeated guid of a different message, not the same one).
 * Format: RFC 9562 version 8 (custom) with the variant bits set, from SHA-256 of the parts.
 */
export function stableGuid(...parts: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(typeof p === 'string' ? Buffer.from(p, 'utf8') : p);
    h.update('\u0000');
  }
  const b = h.digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = b.toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
