import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DelayedError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { isGatewayError } from '../../core/errors.js';
import type { MessageJob } from '../names.js';
import { deliverJobId } from '../operator.js';
import { BACKLOG_PRIORITY, deliverProcessor } from './deliver-worker.js';
import { stageHarness, type StageHarness } from '../../../test/helpers/stage-harness.js';

const M1 = 'b'.repeat(32);
const SIGNED = '<DecMessage>signed EPGW0001</DecMessage>';

/** A harness with message M1 signed and its deliver job due, as the sign stage leaves it. */
async function signed(): Promise<StageHarness> {
  const h = stageHarness();
  await h.receive(M1, '<DecMessage>EPGW0001</DecMessage>');
  const ref = await h.spool.put(SIGNED);
  await h.ledger.set(M1, { businessKey: 'EPGW0001', signedRef: ref, deliverRef: ref });
  await h.ledger.advance(M1, 'signed', { stage: 'sign', text: 'signed' });
  return h;
}

/** A deliver job as BullMQ hands it over, recording what the processor does with it. */
function deliverJob(data: MessageJob, attemptsMade = 0) {
  const seen = { delayedUntil: [] as number[], promoted: 0 };
  const job = {
    id: data.replay ? `replay-${data.replay}` : deliverJobId(data.messageId),
    data,
    timestamp: Date.now(),
    attemptsMade,
    priority: 0,
    changePriority: async ({ priority }: { priority: number }) => void (job.priority = priority),
    moveToDelayed: async (at: number) => void seen.delayedUntil.push(at),
    promote: async () => void seen.promoted++,
  };
  return { job: job as unknown as Job<MessageJob>, seen, priority: () => job.priority };
}

const codes = async (h: StageHarness) => (await h.ledger.events(M1)).map((e) => e.code);
const texts = async (h: StageHarness) => (await h.ledger.events(M1)).map((e) => e.text);

describe('deliver processor (in-memory ledger, queues, delivery control and breakers)', () => {
  it('sends the signed bytes under the business key, queues the import response and records deliveredAt', async () => {
    const h = await signed();
    await deliverProcessor(h.deps)(deliverJob({ messageId: M1 }).job);

    expect(h.transport.sent).toHaveLength(1);
    expect(h.transport.sent[0]!.message).toMatchObject({
      messageId: M1,
      businessKey: 'EPGW0001',
      fileName: 'a.xml',
    });
    expect(h.transport.sent[0]!.message.bytes.toString('utf8')).toBe(SIGNED);
    expect(h.transport.sent[0]!.idempotencyKey).toBe('dec:EPGW0001');
    const rec = await h.ledger.get(M1);
    expect(rec).toMatchObject({ status: 'sent' });
    expect(rec!.deliveredAt).toBeGreaterThan(0);
    expect(h.slaDeadlines.get(M1)).toBeGreaterThan(rec!.deliveredAt!);
    expect(h.queues.waiting('receipt')).toEqual([
      expect.objectContaining({
        data: {
          receipts: [
            expect.objectContaining({
              fileName: 'a.xml.response',
              forMessage: M1,
              source: 'fake',
            }),
          ],
        },
      }),
    ]);
  });

  it('a re-run after deliveredAt (a crash before the job completed) does not send again', async () => {
    const h = await signed();
    const run = deliverProcessor(h.deps);
    await run(deliverJob({ messageId: M1 }).job);
    await h.ledger.advance(M1, 'accepted', { stage: 'receipt', text: 'customs accepted' });
    await run(deliverJob({ messageId: M1 }, 1).job);
    expect(h.transport.sent).toHaveLength(1);
    expect(h.queues.waiting('receipt')).toHaveLength(1);
    expect((await h.ledger.get(M1))!.status).toBe('accepted');
  });

  it('does not send a message an operator cancelled', async () => {
    const h = await signed();
    expect(await h.ledger.cancel(M1, 'cancelled by ops')).toBe('cancelled');
    await deliverProcessor(h.deps)(deliverJob({ messageId: M1 }).job);
    expect(h.transport.sent).toHaveLength(0);
    expect((await h.ledger.get(M1))!.status).toBe('cancelled');
    expect(await h.queues.counts()).toMatchObject({ receipt: { waiting: 0 } });
  });

  it('parks a held message without spending an attempt; its release hands back the parked job', async () => {
    const h = await signed();
    await h.control.hold(M1, 'ops', 'check the invoice');
    const { job, seen, priority } = deliverJob({ messageId: M1 });
    await expect(deliverProcessor(h.deps)(job)).rejects.toBeInstanceOf(DelayedError);
    expect(h.transport.sent).toHaveLength(0);
    expect(seen.delayedUntil).toHaveLength(1);
    expect(seen.promoted).toBe(0);
    expect(priority()).toBe(BACKLOG_PRIORITY);
    expect((await h.ledger.get(M1))!.status).toBe('signed');
    expect(await texts(h)).toContain('not sent while on hold (ops) / 报文暂停发送');
    expect(await codes(h)).not.toContain('GW_ERR_DELIVER_REMOTE_5XX');
    expect(await h.control.release(M1, 'dec', 'ops')).toEqual({
      result: 'released',
      jobId: deliverJobId(M1),
    });
    await deliverProcessor(h.deps)(job);
    expect(h.transport.sent).toHaveLength(1);
  });

  it('wakes its own job when the hold was lifted between the claim and the move to delayed', async () => {
    const h = await signed();
    await h.control.hold(M1, 'ops');
    const claim = h.control.claim.bind(h.control);
    h.control.claim = async (...args) => {
      const result = await claim(...args);
      await h.control.release(M1, 'dec', 'ops');
      return result;
    };
    const { job, seen } = deliverJob({ messageId: M1 });
    await expect(deliverProcessor(h.deps)(job)).rejects.toBeInstanceOf(DelayedError);
    expect(seen.promoted).toBe(1);
  });

  it('waits while the breaker is open, without spending attempts, and notes the wait once per outage', async () => {
    const h = await signed();
    const { failures } = h.breakers.settingsOf('t');
    for (let i = 0; i < failures; i++) await h.breakers.failure('t', 'endpoint down');
    const run = deliverProcessor(h.deps);
    const first = deliverJob({ messageId: M1 });
    await expect(run(first.job)).rejects.toBeInstanceOf(DelayedError);
    const second = deliverJob({ messageId: M1 });
    await expect(run(second.job)).rejects.toBeInstanceOf(DelayedError);

    expect(h.transport.sent).toHaveLength(0);
    expect(first.seen.delayedUntil).toHaveLength(1);
    expect(second.seen.delayedUntil).toHaveLength(1);
    expect(first.priority()).toBe(BACKLOG_PRIORITY);
    expect((await codes(h)).filter((c) => c === 'GW_ERR_BREAKER_OPEN')).toHaveLength(1);
    const rec = await h.ledger.get(M1);
    expect(rec!.breakerWait).toMatch(/^t:\d+$/);
    expect(rec!.status).toBe('signed');
    // Not left marked as sending: an operator may still hold or cancel it while it waits.
    expect(await h.control.hold(M1, 'ops')).toBe('held');
  });

  it('retries a transient transport error: an attempt event, the job failed for BullMQ, the breaker counting', async () => {
    const h = await signed();
    h.transport.failNext('transient');
    const { job, priority } = deliverJob({ messageId: M1 });
    const err = await deliverProcessor(h.deps)(job).catch((e: unknown) => e);
    expect(isGatewayError(err) && err.code).toBe('GW_ERR_DELIVER_REMOTE_5XX');
    expect(priority()).toBe(BACKLOG_PRIORITY);
    const failed = (await h.ledger.events(M1)).find((e) => e.text.startsWith('attempt 1 failed'));
    expect(failed).toMatchObject({ stage: 'deliver', code: 'GW_ERR_DELIVER_REMOTE_5XX' });
    expect(failed!.text).toContain('fake 503');
    expect((await h.ledger.get(M1))!.status).toBe('signed');
    expect((await h.breakers.snapshot('t')).failures).toBe(1);
    expect(await h.ledger.cancel(M1, 'between retries')).toBe('cancelled');
  });

  it('opens the breaker on the threshold failure and says so in the timeline', async () => {
    const h = await signed();
    const { failures } = h.breakers.settingsOf('t');
    for (let i = 1; i < failures; i++) await h.breakers.failure('t', 'endpoint down');
    h.transport.failNext('transient');
    await expect(deliverProcessor(h.deps)(deliverJob({ messageId: M1 }).job)).rejects.toThrow(
      /GW_ERR_DELIVER_REMOTE_5XX/,
    );
    expect((await h.breakers.snapshot('t')).state).toBe('open');
    expect(await texts(h)).toContainEqual(
      expect.stringMatching(/^circuit breaker of transport t opened after \d+ consecutive/),
    );
  });

  it('closes a half-open breaker when its probe is answered, with an event', async () => {
    const h = await signed();
    const { failures, openForMs } = h.breakers.settingsOf('t');
    const past = Date.now() - openForMs - 1;
    for (let i = 0; i < failures; i++) await h.breakers.failure('t', 'endpoint down', past);
    await deliverProcessor(h.deps)(deliverJob({ messageId: M1 }).job);
    expect(h.transport.sent).toHaveLength(1);
    expect((await h.breakers.snapshot('t')).state).toBe('closed');
    expect(await texts(h)).toContain(
      'circuit breaker of transport t closed: the endpoint answered the probe / 熔断器已关闭',
    );
  });

  it('ends the message as dead after the last retry, with a dead receipt', async () => {
    const h = await signed();
    h.transport.failNext('transient');
    const last = h.deps.config.retry.delaysMs.length;
    await deliverProcessor(h.deps)(deliverJob({ messageId: M1 }, last).job);
    expect(await h.ledger.get(M1)).toMatchObject({
      status: 'dead',
      errorCode: 'GW_ERR_DELIVER_EXHAUSTED',
    });
    expect(h.queues.waiting('writeback')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ messageId: M1, kind: 'dead' }) }),
    ]);
  });

  it('fails the message on a permanent refusal: error receipt, source file to failed/, the breaker closed', async () => {
    const h = await signed();
    await mkdir(h.channel.sent, { recursive: true });
    const archived = join(h.channel.sent, 'a.xml');
    await writeFile(archived, 'original');
    await h.ledger.set(M1, { archivedAs: archived });
    await h.breakers.failure('t', 'one timeout');
    h.transport.failNext('permanent');

    await deliverProcessor(h.deps)(deliverJob({ messageId: M1 }).job);
    expect(await h.ledger.get(M1)).toMatchObject({
      status: 'failed',
      errorCode: 'GW_ERR_DELIVER_REJECTED',
      archivedAs: join(h.channel.failed, 'a.xml'),
    });
    expect(await readdir(h.channel.failed)).toEqual(['a.xml']);
    expect(h.leases.released).toBe(1);
    expect(h.queues.waiting('writeback')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ messageId: M1, kind: 'error' }) }),
    ]);
    expect((await h.breakers.snapshot('t')).failures).toBe(0);
  });

  describe('replay of a delivered message', () => {
    async function delivered() {
      const h = await signed();
      await deliverProcessor(h.deps)(deliverJob({ messageId: M1 }).job);
      await h.ledger.set(M1, { replays: 1 });
      return h;
    }

    it('sends again under its own idempotency key, once, without touching the status', async () => {
      const h = await delivered();
      const run = deliverProcessor(h.deps);
      await run(deliverJob({ messageId: M1, replay: 1 }).job);
      await run(deliverJob({ messageId: M1, replay: 1 }, 1).job);
      expect(h.transport.sent.map((s) => s.idempotencyKey)).toEqual([
        'dec:EPGW0001',
        'dec:EPGW0001:replay-1',
      ]);
      expect(await h.ledger.get(M1)).toMatchObject({ status: 'sent', replaysDone: 1 });
      expect(await texts(h)).toContain('replay #1 sent via fake: fake 2 / 重放已发送');
      expect(h.queues.waiting('receipt')).toHaveLength(2);
    });

    it('a refused replay is noted in the timeline; the message is not failed', async () => {
      const h = await delivered();
      h.transport.failNext('permanent');
      await deliverProcessor(h.deps)(deliverJob({ messageId: M1, replay: 1 }).job);
      expect(await h.ledger.get(M1)).toMatchObject({ status: 'sent', replaysDone: 1 });
      expect(await codes(h)).toContain('GW_ERR_DELIVER_REJECTED');
      expect(h.queues.waiting('writeback')).toEqual([]);
    });
  });
});
