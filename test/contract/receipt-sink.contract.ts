import { afterEach, describe, expect, it } from 'vitest';
import type { ReceiptSink, SinkResult } from '../../src/gateway/receipt-sink.js';

/** A receipt sink under test and a reader's view of where it writes. */
export interface ReceiptSinkHarness {
  readonly sink: ReceiptSink;
  /** A directory to write into, not made yet (`label` keeps tests apart). */
  dir(label: string): string;
  /** The bytes a reader sees under the name, or undefined when there is no such file. */
  read(dir: string, fileName: string): Promise<Buffer | undefined>;
  /** Every name a reader sees in the directory, temp files included. */
  list(dir: string): Promise<string[]>;
  close(): Promise<void>;
}

const receipt = (n: number, size = 200): Buffer => {
  const head = Buffer.from(`<DEC_RESULT n="${n}"><NOTE>海关入库成功</NOTE>`);
  return Buffer.concat([
    head,
    Buffer.alloc(Math.max(0, size - head.length - 13), 0x20 + n),
    Buffer.from('</DEC_RESULT>'),
  ]);
};

/**
 * The behaviour every ReceiptSink (outbox folder, fake) must share: see the contract in
 * src/gateway/receipt-sink.ts.
 */
export function defineReceiptSinkContractTests(
  name: string,
  make: () => Promise<ReceiptSinkHarness>,
): void {
  describe(`ReceiptSink contract: ${name}`, () => {
    let h: ReceiptSinkHarness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('writes the exact bytes under the name, making the directory, and leaves nothing else', async () => {
      h = await make();
      const dir = h.dir('outbox');
      expect(await h.sink.write(dir, '报关单-1.dec-result.01.xml', receipt(1))).toBe('written');
      expect((await h.read(dir, '报关单-1.dec-result.01.xml'))?.equals(receipt(1))).toBe(true);
      expect(await h.list(dir)).toEqual(['报关单-1.dec-result.01.xml']);
    });

    it('writing the same name and bytes again is unchanged', async () => {
      h = await make();
      const dir = h.dir('again');
      expect(await h.sink.write(dir, 'r.xml', receipt(2))).toBe('written');
      expect(await h.sink.write(dir, 'r.xml', receipt(2))).toBe('unchanged');
      expect((await h.read(dir, 'r.xml'))?.equals(receipt(2))).toBe(true);
      expect(await h.list(dir)).toEqual(['r.xml']);
    });

    it('other bytes under a name already written: taken, and the file is not replaced', async () => {
      h = await make();
      const dir = h.dir('taken');
      expect(await h.sink.write(dir, 'r.xml', receipt(3))).toBe('written');
      expect(await h.sink.write(dir, 'r.xml', receipt(4))).toBe('taken');
      expect((await h.read(dir, 'r.xml'))?.equals(receipt(3))).toBe(true);
      expect(await h.list(dir)).toEqual(['r.xml']);
    });

    it('keeps names apart, and directories apart', async () => {
      h = await make();
      const a = h.dir('a');
      const b = h.dir('b');
      expect(await h.sink.write(a, 'r.01.xml', receipt(5))).toBe('written');
      expect(await h.sink.write(a, 'r.02.xml', receipt(6))).toBe('written');
      expect(await h.sink.write(b, 'r.01.xml', receipt(6))).toBe('written');
      expect(await h.list(a)).toEqual(['r.01.xml', 'r.02.xml']);
      expect((await h.read(b, 'r.01.xml'))?.equals(receipt(6))).toBe(true);
    });

    it('concurrent writers under one name: one is written, the others taken, the file whole', async () => {
      h = await make();
      const dir = h.dir('race');
      const bodies = [1, 2, 3, 4].map((n) => receipt(n, 256 * 1024));
      // A reader that looks while they write must only ever see nothing or one whole receipt.
      let writing = true;
      const seen: (Buffer | undefined)[] = [];
      const reader = (async () => {
        while (writing) {
          seen.push(await h!.read(dir, 'r.xml'));
          await new Promise((r) => setImmediate(r));
        }
      })();
      const results = await Promise.all(bodies.map((b) => h!.sink.write(dir, 'r.xml', b)));
      writing = false;
      await reader;
      expect([...results].sort()).toEqual<SinkResult[]>(['taken', 'taken', 'taken', 'written']);
      const winner = bodies[results.indexOf('written')]!;
      expect((await h.read(dir, 'r.xml'))?.equals(winner)).toBe(true);
      for (const s of seen) expect(s === undefined || s.equals(winner)).toBe(true);
      expect(await h.list(dir)).toEqual(['r.xml']);
    });

    it('concurrent writers of the same bytes: one written, the others unchanged', async () => {
      h = await make();
      const dir = h.dir('same');
      const results = await Promise.all(
        [1, 2, 3].map(() => h!.sink.write(dir, 'r.xml', receipt(7))),
      );
      expect([...results].sort()).toEqual<SinkResult[]>(['unchanged', 'unchanged', 'written']);
      expect((await h.read(dir, 'r.xml'))?.equals(receipt(7))).toBe(true);
    });

    it('refuses a name that is not one plain file name, and writes nothing', async () => {
      h = await make();
      const dir = h.dir('unsafe');
      for (const bad of ['../escape.xml', 'sub/r.xml', '.hidden.xml'])
        await expect(h.sink.write(dir, bad, receipt(8)), bad).rejects.toThrow();
      expect(await h.list(dir)).toEqual([]);
    });
  });
}
