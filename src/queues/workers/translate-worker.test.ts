import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.js';
import { BUSINESS_KEY_INDEX } from '../ledger-port.js';
import { translateProcessor } from './translate-worker.js';
import { decMessage } from '../../../test/helpers/dec-message.js';
import { jobOf, stageHarness } from '../../../test/helpers/stage-harness.js';

const M1 = 'a'.repeat(32);
const M2 = 'b'.repeat(32);

describe('translate processor (in-memory ledger and queues)', () => {
  it('translates a received document, records it, and queues its signing with the channel signer', async () => {
    const h = stageHarness();
    await h.receive(M1, decMessage('EPGW0001'));
    await translateProcessor(h.deps)(jobOf({ data: { messageId: M1 } }));

    const rec = await h.ledger.get(M1);
    expect(rec).toMatchObject({
      status: 'translated',
      businessKey: 'EPGW0001',
      messageType: 'DecMessage',
    });
    expect((await h.spool.get(rec!.messageRef!)).toString('utf8')).toContain(
      '<ClientSeqNo>EPGW0001</ClientSeqNo>',
    );
    expect(await h.ledger.findByKey(BUSINESS_KEY_INDEX, 'EPGW0001')).toBe(M1);
    expect(h.queues.waiting('sign', 'k')).toEqual([
      expect.objectContaining({ id: `sign-${M1}`, data: { messageId: M1 } }),
    ]);
    expect((await h.ledger.events(M1)).at(-1)).toMatchObject({
      stage: 'translate',
      status: 'translated',
      refs: { message: rec!.messageRef },
    });
  });

  it('run again (a crash after its work, or a redelivered job) only makes sure the sign job is there', async () => {
    const h = stageHarness();
    await h.receive(M1, decMessage('EPGW0001'));
    const run = translateProcessor(h.deps);
    await run(jobOf({ data: { messageId: M1 } }));
    const events = await h.ledger.events(M1);
    h.queues.take('sign', 'k');
    await run(jobOf({ data: { messageId: M1 } }));
    expect(await h.ledger.events(M1)).toEqual(events);
    // The sign job id is the same: the queue, which keeps finished jobs, does not run it twice.
    expect(h.queues.waiting('sign', 'k')).toEqual([]);
    expect((await h.queues.counts())['sign-k']).toMatchObject({ waiting: 0, completed: 1 });
  });

  it('fails a second document that reuses a ClientSeqNo: status failed, an error receipt for the outbox, no signing', async () => {
    const h = stageHarness();
    const run = translateProcessor(h.deps);
    await h.receive(M1, decMessage('EPGW0001'));
    await run(jobOf({ data: { messageId: M1 } }));
    h.queues.take('sign', 'k');
    await h.receive(M2, decMessage('EPGW0001', { note: 'other' }), 'b.xml');
    await run(jobOf({ data: { messageId: M2 } }));

    expect(await h.ledger.get(M2)).toMatchObject({
      status: 'failed',
      errorCode: 'GW_ERR_TRANSLATE_FIELD',
    });
    expect(h.queues.waiting('sign', 'k')).toEqual([]);
    expect(h.queues.waiting('writeback')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          messageId: M2,
          kind: 'error',
          seq: 1,
          sourceName: 'b.xml',
        }),
      }),
    ]);
    expect(await h.ledger.findByKey(BUSINESS_KEY_INDEX, 'EPGW0001')).toBe(M1);
  });

  it('fails a document that is not a declaration, once: a rerun of the job changes nothing more', async () => {
    const h = stageHarness();
    await h.receive(M1, 'not xml at all');
    const run = translateProcessor(h.deps);
    await run(jobOf({ data: { messageId: M1 } }));
    const rec = await h.ledger.get(M1);
    expect(rec!.status).toBe('failed');
    expect(rec!.errorCode).toMatch(/^GW_ERR_/);
    const events = await h.ledger.events(M1);
    await run(jobOf({ data: { messageId: M1 } }));
    expect(await h.ledger.events(M1)).toEqual(events);
    expect(h.queues.waiting('writeback')).toHaveLength(1);
  });

  it('moves the failed document from sent/ to failed/, where the enterprise looks for it', async () => {
    const h = stageHarness();
    await h.receive(M1, 'not xml at all', 'bad.xml');
    const archived = join(h.channel.sent, 'bad.xml');
    await mkdir(h.channel.sent, { recursive: true });
    await writeFile(archived, 'not xml at all');
    await h.ledger.set(M1, { archivedAs: archived });
    await translateProcessor(h.deps)(jobOf({ data: { messageId: M1 } }));
    const rec = await h.ledger.get(M1);
    expect(rec!.archivedAs).toBe(join(h.channel.failed, 'bad.xml'));
    expect(await readFile(rec!.archivedAs!, 'utf8')).toBe('not xml at all');
    expect(existsSync(archived)).toBe(false);
  });

  it('leaves the message as it was and rethrows on a transient error, so the queue retries', async () => {
    const h = stageHarness({
      translator: {
        translate: () => {
          throw new GatewayError('GW_ERR_SIGN_SERVICE_UNAVAILABLE', { zh: '暂不可用', en: 'busy' });
        },
      } as never,
    });
    await h.receive(M1, decMessage('EPGW0001'));
    await expect(translateProcessor(h.deps)(jobOf({ data: { messageId: M1 } }))).rejects.toThrow();
    expect((await h.ledger.get(M1))!.status).toBe('received');
    expect(await h.queues.counts()).toMatchObject({
      'sign-k': { waiting: 0 },
      writeback: { waiting: 0 },
    });
  });

  it('does nothing for a message that has ended or does not exist', async () => {
    const h = stageHarness();
    await h.receive(M1, decMessage('EPGW0001'));
    await h.ledger.cancel(M1, 'op');
    const run = translateProcessor(h.deps);
    await run(jobOf({ data: { messageId: M1 } }));
    await run(jobOf({ data: { messageId: M2 } }));
    expect((await h.ledger.get(M1))!.status).toBe('cancelled');
    expect(h.queues.waiting('sign', 'k')).toEqual([]);
  });
});
