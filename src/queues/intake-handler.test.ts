import { describe, expect, it } from 'vitest';
import { createIntakeHandler } from './intake-handler.js';
import type { OperatorDeps } from './deps.js';
import { stageHarness } from '../../test/helpers/stage-harness.js';

// The harness's stores are the ports' fakes; the handler is typed on the concrete stores.
const handlerOf = (h: ReturnType<typeof stageHarness>) =>
  createIntakeHandler(h.deps as unknown as OperatorDeps);

const doc = (name: string) => ({
  channel: 'dec',
  name,
  bytes: Buffer.from('<DecMessage>same bytes</DecMessage>'),
});

describe('intake handler (in-memory ledger and queues)', () => {
  it('answers a copy under another name as a duplicate while its original is still being taken', async () => {
    const h = stageHarness();
    const intake = handlerOf(h);
    // Taken side by side: the original's record exists, its file is not archived yet.
    const first = await intake.accept(doc('original.xml'));
    const copy = await intake.accept(doc('copy.xml'));
    expect(first.kind).toBe('accepted');
    expect(copy).toEqual({ kind: 'duplicate', messageId: first.messageId });
    await intake.archived(copy.messageId, '/sent/copy.xml', copy.kind);
    await intake.archived(first.messageId, '/sent/original.xml', first.kind);
    const rec = await h.ledger.get(first.messageId);
    expect(rec).toMatchObject({ sourceName: 'original.xml', archivedAs: '/sent/original.xml' });
    expect(h.queues.waiting('translate')).toHaveLength(1);
    // Its own duplicate notice (GW_DUPLICATE), written back under its own name.
    expect(h.queues.waiting('writeback').map((j) => j.data)).toEqual([
      expect.objectContaining({ messageId: first.messageId, sourceName: 'copy.xml' }),
    ]);
  });

  it('continues the same file offered again before it was archived (a crash in between)', async () => {
    const h = stageHarness();
    const intake = handlerOf(h);
    const first = await intake.accept(doc('original.xml'));
    const again = await intake.accept(doc('original.xml'));
    expect(again).toEqual({ kind: 'accepted', messageId: first.messageId });
    expect(h.queues.waiting('translate')).toHaveLength(1);
  });
});
