import type { ReceiptSink, SinkResult } from '../../src/gateway/receipt-sink.js';

/**
 * Receipts written back to the enterprise, in memory, for tests of the write-back stage. It keeps
 * the ReceiptSink contract: a name once written is never replaced ('unchanged' for the same bytes,
 * 'taken' for others), and a name must be one plain file name.
 */
export class MemoryReceiptSink implements ReceiptSink {
  readonly name = 'memory';
  private readonly dirs = new Map<string, Map<string, Buffer>>();

  async write(dir: string, fileName: string, bytes: Buffer): Promise<SinkResult> {
    if (!fileName || /[\\/]/.test(fileName) || fileName.startsWith('.'))
      throw new Error(`unsafe receipt file name: ${fileName}`);
    const files = this.dirs.get(dir) ?? this.dirs.set(dir, new Map()).get(dir)!;
    const there = files.get(fileName);
    if (!there) {
      files.set(fileName, Buffer.from(bytes));
      return 'written';
    }
    return there.equals(bytes) ? 'unchanged' : 'taken';
  }

  /** The enterprise takes a file out of the outbox. */
  take(dir: string, fileName: string): void {
    this.dirs.get(dir)?.delete(fileName);
  }

  read(dir: string, fileName: string): Buffer | undefined {
    return this.dirs.get(dir)?.get(fileName);
  }

  list(dir: string): string[] {
    return [...(this.dirs.get(dir)?.keys() ?? [])].sort();
  }
}
