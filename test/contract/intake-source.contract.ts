import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcceptOutcome, InboundDocument, IntakeSource } from '../../src/gateway/intake.js';
import { RecordingHandler } from '../helpers/recording-intake.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * An intake source under test over an inbox the test can fill and look into. Names are the
 * enterprise's file names; `held` and `archived` list names only (an archive may rename a clash).
 */
export interface IntakeHarness {
  readonly source: IntakeSource;
  /** Puts a complete document into the inbox in one step (no reader can see part of it). */
  put(name: string, bytes: Buffer): Promise<void>;
  /**
   * Starts writing a document the source must not take yet (its first half, under the adapter's
   * "still being written" convention); `complete()` writes the rest and marks it complete.
   */
  begin(name: string, bytes: Buffer): Promise<{ complete(): Promise<void> }>;
  /** Documents the source holds and has not archived yet: in the inbox or its claim area. */
  held(): Promise<string[]>;
  /** Documents it archived (sent or failed). */
  archived(): Promise<string[]>;
  /** A new source over the same inbox, as after a restart (the old one is closed or gone). */
  restart(): Promise<IntakeSource>;
  /** Closes every source it made and removes what it set up. */
  close(): Promise<void>;
}

/** The message id a pipeline gives a document: its content hash, so a re-offer maps to the same one. */
export function contentId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** Records like RecordingHandler, maps by content hash, and fails chosen names' first accept. */
class ContractHandler extends RecordingHandler {
  readonly failOnce = new Set<string>();
  readonly failures: string[] = [];
  /** Names whose accept resolved (the document is durable). */
  readonly settled: string[] = [];

  override async accept(doc: InboundDocument): Promise<AcceptOutcome> {
    const outcome = await super.accept(doc);
    if (this.failOnce.delete(doc.name)) {
      this.failures.push(doc.name);
      throw new Error('spool unavailable (contract test)');
    }
    this.settled.push(doc.name);
    return { kind: outcome.kind, messageId: contentId(doc.bytes) };
  }
}

/** A gate the test opens (or breaks) by hand. */
/** Gates of the running test: opened after it, so a failing test cannot leave close() waiting. */
const pending: (() => void)[] = [];

function gate(): { promise: Promise<void>; open(): void; fail(): void } {
  let open!: () => void;
  let fail!: () => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = () => reject(new Error('process gone before the document was durable (contract test)'));
  });
  pending.push(open);
  return { promise, open, fail };
}

/** Declaration-like bytes, GBK-free but not ASCII: a source must hand them over byte for byte. */
const doc = (n: number): Buffer =>
  Buffer.from(
    `<DecMessage xmlns="http://www.chinaport.gov.cn/dec"><OwnerName>宁波贸易 ${n}</OwnerName></DecMessage>`,
  );

/**
 * The behaviour every IntakeSource (folder, SFTP, fake) must share: see the contract in
 * src/gateway/intake.ts.
 */
export function defineIntakeSourceContractTests(
  name: string,
  make: () => Promise<IntakeHarness>,
): void {
  describe(`IntakeSource contract: ${name}`, () => {
    let h: IntakeHarness | undefined;
    afterEach(async () => {
      for (const open of pending.splice(0)) open();
      await h?.close();
      h = undefined;
    });

    const archivedHas = (n: string) =>
      waitFor(
        `${n} archived`,
        () => h!.archived(),
        (a) => a.includes(n),
        15_000,
      );

    it('hands over a complete document with its name and exact bytes, then archives it', async () => {
      h = await make();
      const handler = new ContractHandler();
      await h.put('报关单-1.xml', doc(1));
      await h.source.start(handler);
      await archivedHas('报关单-1.xml');
      expect(handler.accepted).toHaveLength(1);
      expect(handler.accepted[0]!.name).toBe('报关单-1.xml');
      expect(handler.accepted[0]!.channel.length).toBeGreaterThan(0);
      expect(handler.accepted[0]!.bytes.equals(doc(1))).toBe(true);
      expect(handler.refused).toHaveLength(0);
      await waitFor(
        'archive reported',
        () => handler.archivedPaths.length,
        (n) => n === 1,
      );
      expect(await h.held()).toEqual([]);
    });

    it('does not take a document still being written, and takes it whole once complete', async () => {
      h = await make();
      const handler = new ContractHandler();
      const late = await h.begin('late.xml', doc(2));
      await h.put('sentinel.xml', doc(3)); // taken by the same polls that must pass `late` by
      await h.source.start(handler);
      await archivedHas('sentinel.xml');
      expect(handler.accepted.map((d) => d.name)).toEqual(['sentinel.xml']);
      await late.complete();
      await archivedHas('late.xml');
      expect(handler.accepted.map((d) => d.name)).toEqual(['sentinel.xml', 'late.xml']);
      expect(handler.accepted[1]!.bytes.equals(doc(2))).toBe(true);
    });

    it('leaves the document where it is until accept resolved, and archives it after', async () => {
      h = await make();
      const handler = new ContractHandler();
      const g = gate();
      handler.gate = g.promise;
      await h.put('held.xml', doc(4));
      await h.source.start(handler);
      await waitFor(
        'accept called',
        () => handler.accepted.length,
        (n) => n === 1,
      );
      expect(await h.held()).toEqual(['held.xml']);
      expect(await h.archived()).toEqual([]);
      g.open();
      await archivedHas('held.xml');
      expect(await h.held()).toEqual([]);
    });

    it('offers a document again when accept failed: it is not lost, and not refused', async () => {
      h = await make();
      const handler = new ContractHandler();
      handler.failOnce.add('retry.xml');
      await h.put('retry.xml', doc(5));
      await h.source.start(handler);
      await archivedHas('retry.xml');
      expect(handler.failures).toEqual(['retry.xml']);
      expect(handler.accepted.map((d) => d.name)).toEqual(['retry.xml', 'retry.xml']);
      expect(handler.accepted[1]!.bytes.equals(doc(5))).toBe(true);
      expect(handler.settled).toEqual(['retry.xml']);
      expect(handler.refused).toHaveLength(0);
      expect(await h.held()).toEqual([]);
    });

    it('close() waits for the document in progress, finishes it, and takes no other', async () => {
      h = await make();
      const handler = new ContractHandler();
      const g = gate();
      handler.gate = g.promise;
      await h.put('one.xml', doc(6));
      await h.put('two.xml', doc(7));
      await h.source.start(handler);
      await waitFor(
        'accept called',
        () => handler.accepted.length,
        (n) => n === 1,
      );
      const first = handler.accepted[0]!.name;
      const other = first === 'one.xml' ? 'two.xml' : 'one.xml';
      const events: string[] = [];
      const closing = h.source.close().then(() => void events.push('closed'));
      await sleep(30); // paces the release: a close() that did not wait would resolve meanwhile
      events.push('released');
      g.open();
      await closing;
      expect(events).toEqual(['released', 'closed']);
      expect(handler.accepted.map((d) => d.name)).toEqual([first]);
      expect(await h.archived()).toEqual([first]);
      expect(await h.held()).toEqual([other]);
      // Not lost: the next instance takes it.
      const next = new ContractHandler();
      await (await h.restart()).start(next);
      await archivedHas(other);
      expect(next.accepted.map((d) => d.name)).toEqual([other]);
    });

    it('offers a document in hand at shutdown again after a restart, with the same name and bytes', async () => {
      h = await make();
      const handler = new ContractHandler();
      const g = gate();
      handler.gate = g.promise;
      await h.put('crash.xml', doc(8));
      await h.source.start(handler);
      await waitFor(
        'accept called',
        () => handler.accepted.length,
        (n) => n === 1,
      );
      const closing = h.source.close();
      g.fail(); // the process went down before the document was durable
      await closing;
      expect(await h.archived()).toEqual([]);
      expect(await h.held()).toEqual(['crash.xml']);
      const next = new ContractHandler();
      await (await h.restart()).start(next);
      await archivedHas('crash.xml');
      expect(next.accepted.map((d) => d.name)).toEqual(['crash.xml']);
      expect(next.accepted[0]!.bytes.equals(handler.accepted[0]!.bytes)).toBe(true);
      expect(contentId(next.accepted[0]!.bytes)).toBe(contentId(doc(8)));
      expect(next.settled).toEqual(['crash.xml']);
    });
    it('close() is idempotent, and safe before any document came', async () => {
      h = await make();
      const handler = new ContractHandler();
      await h.source.start(handler);
      await Promise.all([h.source.close(), h.source.close()]);
      await h.source.close();
      expect(handler.accepted).toEqual([]);
    });
  });
}
