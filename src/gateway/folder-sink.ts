import { join, basename } from 'node:path';
import { readIfExists, writeFileAtomic } from '../core/atomic-file.js';
import type { ReceiptSink } from './receipt-sink.js';

/** Writes receipts into an outbox folder: temp + fsync + rename, unchanged when already there. */
export class FolderReceiptSink implements ReceiptSink {
  readonly name = 'folder';

  async write(dir: string, fileName: string, bytes: Buffer): Promise<'written' | 'unchanged'> {
    if (basename(fileName) !== fileName || fileName.startsWith('.')) throw new Error(`unsafe receipt file name: ${fileName}`);
    const path = join(dir, fileName);
    const existing = await readIfExists(path);
    if (existing?.equals(bytes)) return 'unchanged';
    await writeFileAtomic(path, bytes);
    return 'written';
  }
}
