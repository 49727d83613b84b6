import { join, basename } from 'node:path';
import { readIfExists, writeFileExclusive } from '../core/atomic-file.js';
import type { ReceiptSink, SinkResult } from './receipt-sink.js';

/**
 * Writes receipts into an outbox folder: temp + fsync + link, so a name that exists is never
 * replaced. The same bytes again are 'unchanged'; other bytes under the name are 'taken'.
 */
export class FolderReceiptSink implements ReceiptSink {
  readonly name = 'folder';

  async write(dir: string, fileName: string, bytes: Buffer): Promise<SinkResult> {
    if (basename(fileName) !== fileName || fileName.startsWith('.'))
      throw new Error(`unsafe receipt file name: ${fileName}`);
    const path = join(dir, fileName);
    if ((await writeFileExclusive(path, bytes)) === 'written') return 'written';
    return (await readIfExists(path))?.equals(bytes) ? 'unchanged' : 'taken';
  }
}
