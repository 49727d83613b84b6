import { join } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { sha256Hex } from './ids.js';
import { PRIVATE_MODES, writeFileAtomic } from './atomic-file.js';

/** A reference to immutable bytes in the spool: what jobs carry instead of payloads. */
export type SpoolRef = `sha256:${string}`;

/**
 * Content-addressed store of documents, signed messages and receipts. A write of bytes that are
 * already there is a no-op, so every stage may repeat its write after a crash.
 */
export class Spool {
  constructor(readonly dir: string) {}

  pathOf(ref: SpoolRef): string {
    const hash = ref.slice('sha256:'.length);
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a spool reference: ${ref}`);
    return join(this.dir, hash.slice(0, 2), hash);
  }

  async put(data: Uint8Array | string): Promise<SpoolRef> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const ref: SpoolRef = `sha256:${sha256Hex(bytes)}`;
    const path = this.pathOf(ref);
    const existing = await stat(path).catch(() => undefined);
    if (existing?.size === bytes.length) return ref;
    // Declarations and signed messages are the enterprise's business: readable by the gateway only.
    await writeFileAtomic(path, bytes, PRIVATE_MODES);
    return ref;
  }

  get(ref: SpoolRef): Promise<Buffer> {
    return readFile(this.pathOf(ref));
  }
}
