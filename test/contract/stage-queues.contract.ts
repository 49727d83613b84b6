import { afterEach, describe, expect, it } from 'vitest';
import type { Stage, StageJobData } from '../../src/queues/names.js';
import type { StageQueuesPort } from '../../src/queues/stage-queues-port.js';

/** Stage queues under test, with signers `k1` and `k2`, and a look at what a queue holds. */
export interface StageQueuesHarness {
  readonly queues: StageQueuesPort;
  /** The waiting jobs of a queue (the signer's, for 'sign'), oldest first. */
  waiting<S extends Stage>(
    stage: S,
    signer?: string,
  ): Promise<{ id: string; data: StageJobData[S] }[]>;
  close(): Promise<void>;
}

const ref = `sha256:${'c'.repeat(64)}` as const;

/** The behaviour every StageQueues adapter and its fake must share: what the stages can observe. */
export function defineStageQueuesContractTests(
  name: string,
  make: () => Promise<StageQueuesHarness>,
): void {
  describe(`StageQueues contract: ${name}`, () => {
    let h: StageQueuesHarness | undefined;
    const harness = async (): Promise<StageQueuesHarness> => (h = await make());
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('has a queue per stage and one sign queue per signer, all empty at first', async () => {
      const { queues } = await harness();
      const counts = await queues.counts();
      expect(Object.keys(counts).sort()).toEqual(
        ['deliver', 'receipt', 'sign-k1', 'sign-k2', 'translate', 'writeback'].sort(),
      );
      for (const c of Object.values(counts))
        expect(c).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 });
    });

    it('adds a job to its stage queue under its id, with its data, in order', async () => {
      const q = await harness();
      await q.queues.add('translate', 'j1', { messageId: 'm1' });
      await q.queues.add('translate', 'j2', { messageId: 'm2' });
      await q.queues.add('writeback', 'w1', {
        messageId: 'm1',
        receiptRef: ref,
        kind: 'error',
        seq: 1,
        negative: true,
      });
      expect(await q.waiting('translate')).toEqual([
        { id: 'j1', data: { messageId: 'm1' } },
        { id: 'j2', data: { messageId: 'm2' } },
      ]);
      expect(await q.waiting('writeback')).toEqual([
        {
          id: 'w1',
          data: { messageId: 'm1', receiptRef: ref, kind: 'error', seq: 1, negative: true },
        },
      ]);
      const counts = await q.queues.counts();
      expect(counts.translate!.waiting).toBe(2);
      expect(counts.writeback!.waiting).toBe(1);
      expect(counts.deliver!.waiting).toBe(0);
    });

    it('adds a job id once: a second add of the same id is a no-op, the first data kept', async () => {
      const q = await harness();
      await q.queues.add('deliver', 'd1', { messageId: 'm1' });
      await q.queues.add('deliver', 'd1', { messageId: 'm1', replay: 3 });
      await Promise.all([1, 2, 3].map(() => q.queues.add('deliver', 'd2', { messageId: 'm2' })));
      expect(await q.waiting('deliver')).toEqual([
        { id: 'd1', data: { messageId: 'm1' } },
        { id: 'd2', data: { messageId: 'm2' } },
      ]);
    });

    it("puts a sign job in its signer's queue, and refuses a signer it has no queue for", async () => {
      const q = await harness();
      await q.queues.add('sign', 's1', { messageId: 'm1' }, 'k2');
      expect(await q.waiting('sign', 'k2')).toEqual([{ id: 's1', data: { messageId: 'm1' } }]);
      expect(await q.waiting('sign', 'k1')).toEqual([]);
      await expect(q.queues.add('sign', 's2', { messageId: 'm2' }, 'nope')).rejects.toThrow(
        /no queue for sign-nope/,
      );
      expect((await q.queues.counts())['sign-k2']!.waiting).toBe(1);
    });
  });
}
