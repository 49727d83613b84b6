import { describe, expect, it } from 'vitest';
import { deliverJobId } from '../operator.js';
import { signProcessor } from './sign-worker.js';
import { translateProcessor } from './translate-worker.js';
import { decMessage } from '../../../test/helpers/dec-message.js';
import { jobOf, stageHarness } from '../../../test/helpers/stage-harness.js';

const M1 = 'a'.repeat(32);

/**
 * A harness with one message translated and its sign job waiting: translated where no signer is
 * loaded, as when the translate job ran in a process without the key or crashed before signing.
 */
async function translated(channelFields?: string) {
  const h = stageHarness({ signer: true, ...(channelFields ? { channelFields } : {}) });
  await h.receive(M1, decMessage('EPGW0001'));
  await translateProcessor({ ...h.deps, signers: new Map() })(jobOf({ data: { messageId: M1 } }));
  const job = h.queues.take('sign', 'k');
  if (!job) throw new Error('no sign job');
  return { h, job: jobOf(job) };
}

describe('sign processor (in-memory ledger and queues)', () => {
  it('signs the translated message, records both references, and queues its delivery', async () => {
    const { h, job } = await translated();
    await signProcessor(h.deps)(job);

    const rec = await h.ledger.get(M1);
    expect(rec).toMatchObject({ status: 'signed' });
    expect(rec!.deliverRef).toBe(rec!.signedRef);
    const signed = (await h.spool.get(rec!.signedRef!)).toString('utf8');
    expect(signed).toContain('<ClientSeqNo>EPGW0001</ClientSeqNo>');
    expect(signed).toMatch(/<(ds:)?SignatureValue>[A-Za-z0-9+/=\s]{40,}</);
    expect(h.signer!.signCount).toBe(1);
    expect(h.queues.waiting('deliver')).toEqual([
      expect.objectContaining({ id: deliverJobId(M1), data: { messageId: M1 } }),
    ]);
  });

  it('wraps the signed message in the DxpMsg envelope when the channel says so', async () => {
    const { h, job } = await translated(
      'envelope: { type: dxp, senderId: DXPENT0000000001, receiverIds: [DXPEDCDEC0000001] }',
    );
    await signProcessor(h.deps)(job);
    const rec = await h.ledger.get(M1);
    expect(rec!.deliverRef).not.toBe(rec!.signedRef);
    const envelope = (await h.spool.get(rec!.deliverRef!)).toString('utf8');
    expect(envelope).toContain('DXPENT0000000001');
    expect(envelope).toContain('DXPEDCDEC0000001');
  });

  it('run again after signing only makes sure the deliver job is there: no second signature', async () => {
    const { h, job } = await translated();
    const run = signProcessor(h.deps);
    await run(job);
    h.queues.take('deliver');
    await run(job);
    expect(h.signer!.signCount).toBe(1);
    expect((await h.queues.counts()).deliver).toMatchObject({ waiting: 0, completed: 1 });
  });

  it('keeps the message waiting when the signer, not the message, is at fault (PIN)', async () => {
    const { h, job } = await translated();
    h.signer!.failNext('GW_ERR_SIGN_PIN');
    await expect(signProcessor(h.deps)(job)).rejects.toThrow(/GW_ERR_SIGN_PIN/);
    const rec = await h.ledger.get(M1);
    expect(rec!.status).toBe('translated');
    expect(rec!.signedRef).toBeUndefined();
    expect(await h.queues.counts()).toMatchObject({
      deliver: { waiting: 0 },
      writeback: { waiting: 0 },
    });
  });

  it('fails the message on a permanent error of its own, with an error receipt and no delivery', async () => {
    const { h, job } = await translated();
    h.signer!.failNext('GW_ERR_SIGN_INPUT');
    await signProcessor(h.deps)(job);
    expect(await h.ledger.get(M1)).toMatchObject({
      status: 'failed',
      errorCode: 'GW_ERR_SIGN_INPUT',
    });
    expect(h.queues.waiting('deliver')).toEqual([]);
    expect(h.queues.waiting('writeback')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ messageId: M1, kind: 'error' }) }),
    ]);
  });
});
