import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packBundle } from '../../core/document-bundle.js';
import type { StandardMessage, Translator } from '../../translators/translator.js';
import { createTranslator } from '../../translators/factory.js';
import { UnavailableSigner } from '../../signing/unavailable-signer.js';
import { GatewayError } from '../../core/errors.js';
import { deliverJobId } from '../operator.js';
import { signProcessor } from './sign-worker.js';
import { translateProcessor } from './translate-worker.js';
import { decMessage } from '../../../test/helpers/dec-message.js';
import { jobOf, stageHarness } from '../../../test/helpers/stage-harness.js';

const M1 = 'a'.repeat(32);
const job = (messageId: string) => jobOf({ data: { messageId } });

/** A translator that makes two declarations of any input, as the split mode does. */
function splitting(): Translator {
  const { channel } = stageHarness();
  const real = createTranslator(channel.translator, channel.translation);
  return {
    name: 'split',
    async translate(_bytes, ctx): Promise<readonly StandardMessage[]> {
      const parts = await Promise.all(
        ['EPGW0001-1', 'EPGW0001-2'].map((k) => real.translate(Buffer.from(decMessage(k)), ctx)),
      );
      return parts.flat();
    },
  };
}

describe('translate and sign in one job (soft key in this process)', () => {
  it('records translated then signed, with the same refs and events, and queues delivery, not a sign job', async () => {
    const h = stageHarness({ signer: true });
    await h.receive(M1, decMessage('EPGW0001'));
    await translateProcessor(h.deps)(job(M1));

    const rec = await h.ledger.get(M1);
    expect(rec).toMatchObject({ status: 'signed', businessKey: 'EPGW0001' });
    expect(h.signer!.signCount).toBe(1);
    const events = await h.ledger.events(M1);
    expect(events.map((e) => [e.stage, e.status])).toEqual([
      ['intake', 'received'],
      ['translate', 'translated'],
      ['sign', 'signed'],
    ]);
    expect(events[1]!.refs).toEqual({ message: rec!.messageRef });
    expect(events[2]!.refs).toEqual({ signed: rec!.signedRef, delivered: rec!.deliverRef });
    expect(events[2]!.text).toBe(`signed by k (${h.channel.signature.algorithm})`);
    // The unsigned message stays on record (console, amendments); the signed one is what goes out.
    expect((await h.spool.get(rec!.messageRef!)).toString('utf8')).toContain('EPGW0001');
    expect((await h.spool.get(rec!.signedRef!)).toString('utf8')).toMatch(/SignatureValue>/);
    expect(h.queues.waiting('sign', 'k')).toEqual([]);
    expect(h.queues.waiting('deliver')).toEqual([
      expect.objectContaining({ id: deliverJobId(M1), data: { messageId: M1 } }),
    ]);
  });

  it('signs what the sign stage would: same signed bytes as translate, then the sign job', async () => {
    const fused = stageHarness({ signer: true });
    await fused.receive(M1, decMessage('EPGW0001'));
    await translateProcessor(fused.deps)(job(M1));
    const queued = stageHarness({ signer: true });
    await queued.receive(M1, decMessage('EPGW0001'));
    await translateProcessor({ ...queued.deps, signers: new Map() })(job(M1));
    await signProcessor(queued.deps)(jobOf(queued.queues.take('sign', 'k')!));
    // RSA PKCS#1 v1.5 is deterministic: the same key over the same message gives the same bytes.
    expect((await fused.ledger.get(M1))!.signedRef).toBe((await queued.ledger.get(M1))!.signedRef);
  });

  it('signs a declaration that came with its attachments (paperless) in the same job', async () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'samples', 'paperless');
    const edoc = join(dir, 'dec-11-import-paperless.edoc');
    const bundle = await packBundle({
      document: {
        name: 'dec-11-import-paperless.xml',
        bytes: readFileSync(join(dir, 'dec-11-import-paperless.xml')),
      },
      attachments: readdirSync(edoc)
        .filter((f) => f !== 'edoc.json')
        .map((name) => ({ name, bytes: readFileSync(join(edoc, name)) })),
      manifest: { name: 'edoc.json', bytes: readFileSync(join(edoc, 'edoc.json')) },
    });
    const h = stageHarness({ signer: true, channelFields: 'translator: dec-xml' });
    await h.receive(M1, bundle, 'dec-11-import-paperless.xml');
    await translateProcessor(h.deps)(job(M1));

    const rec = await h.ledger.get(M1);
    expect(rec!.status).toBe('signed');
    const unsigned = (await h.spool.get(rec!.messageRef!)).toString('utf8');
    const signed = (await h.spool.get(rec!.signedRef!)).toString('utf8');
    expect(unsigned).toContain('<EdocRealation>');
    // The signature covers the message with its attachment list, as the sign stage would sign it.
    expect(signed.replace(/<(ds:)?Signature[\s>][\s\S]*<\/(ds:)?Signature>/, '')).toBe(unsigned);
  });

  it('run again after a crash (signed or not yet) converges: one signature, one delivery', async () => {
    const h = stageHarness({ signer: true });
    await h.receive(M1, decMessage('EPGW0001'));
    // A crash after `translated`, before signing: the record has its message, no signature.
    await translateProcessor({ ...h.deps, signers: new Map() })(job(M1));
    h.queues.take('sign', 'k');
    const run = translateProcessor(h.deps);
    await run(job(M1));
    expect(h.signer!.signCount).toBe(0);
    expect((await h.queues.counts())['sign-k']).toMatchObject({ completed: 1 });
    // The sign job was already taken (and would be kept as completed): sign as the queue would.
    await signProcessor(h.deps)(job(M1));
    expect(h.signer!.signCount).toBe(1);
    const events = await h.ledger.events(M1);
    // And once more, after the signature: nothing is signed or recorded twice.
    await run(job(M1));
    await signProcessor(h.deps)(job(M1));
    expect(h.signer!.signCount).toBe(1);
    expect(await h.ledger.events(M1)).toEqual(events);
    expect(h.queues.waiting('deliver')).toHaveLength(1);
  });

  it('splits into parts that are each translated and signed in the same job', async () => {
    const h = stageHarness({ signer: true, translator: splitting() });
    await h.receive(M1, 'any input');
    await translateProcessor(h.deps)(job(M1));

    const parent = await h.ledger.get(M1);
    expect(parent!.status).toBe('translated');
    const parts = parent!.parts!.split(',');
    expect(parts).toHaveLength(2);
    for (const id of parts) {
      expect(await h.ledger.get(id)).toMatchObject({ status: 'signed', partOf: M1 });
      expect((await h.ledger.events(id)).map((e) => e.status)).toEqual([
        'received',
        'translated',
        'signed',
      ]);
    }
    expect(h.signer!.signCount).toBe(2);
    expect(h.queues.waiting('deliver').map((j) => j.data.messageId)).toEqual(parts);
    expect(h.queues.waiting('sign', 'k')).toEqual([]);
  });

  it('a split cut short by a crash is finished on the re-run, without signing a done part again', async () => {
    const h = stageHarness({ signer: true, translator: splitting() });
    await h.receive(M1, 'any input');
    const create = h.ledger.create.bind(h.ledger);
    let creates = 0;
    // The process dies as it creates the second part: the first is translated and signed.
    h.ledger.create = async (rec) => {
      if (rec.part === 2 && creates++ === 0) throw new Error('killed');
      return create(rec);
    };
    await expect(translateProcessor(h.deps)(job(M1))).rejects.toThrow();
    expect(h.signer!.signCount).toBe(1);

    await translateProcessor(h.deps)(job(M1));
    const parent = await h.ledger.get(M1);
    expect(parent!.status).toBe('translated');
    for (const id of parent!.parts!.split(','))
      expect((await h.ledger.get(id))!.status).toBe('signed');
    expect(h.signer!.signCount).toBe(2);
    expect(h.queues.waiting('deliver')).toHaveLength(2);
  });

  it('hands the message to the sign queue when the signer cannot sign now (same code there)', async () => {
    const h = stageHarness({ signer: true });
    await h.receive(M1, decMessage('EPGW0001'));
    h.signer!.failNext('GW_ERR_SIGN_CERT_EXPIRED', 2);
    await translateProcessor(h.deps)(job(M1));

    expect(await h.ledger.get(M1)).toMatchObject({ status: 'translated' });
    const signJob = h.queues.take('sign', 'k');
    expect(signJob?.data).toEqual({ messageId: M1 });
    await expect(signProcessor(h.deps)(jobOf(signJob!))).rejects.toThrow(
      /GW_ERR_SIGN_CERT_EXPIRED: waiting for signer k/,
    );
    await signProcessor(h.deps)(jobOf(signJob!));
    expect((await h.ledger.get(M1))!.status).toBe('signed');
  });

  it('fails a message the signer refuses for its own sake, as the sign stage does', async () => {
    const h = stageHarness({ signer: true });
    await h.receive(M1, decMessage('EPGW0001'));
    h.signer!.failNext('GW_ERR_SIGN_INPUT');
    await translateProcessor(h.deps)(job(M1));

    expect(await h.ledger.get(M1)).toMatchObject({
      status: 'failed',
      errorCode: 'GW_ERR_SIGN_INPUT',
    });
    expect((await h.ledger.events(M1)).at(-1)).toMatchObject({ stage: 'sign', status: 'failed' });
    expect(h.queues.waiting('deliver')).toEqual([]);
    expect(h.queues.waiting('writeback')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ messageId: M1, kind: 'error' }) }),
    ]);
  });

  it.each([
    ['a card', 'type: pcsc-card, reader: ACS, profile: piv, pin: { env: EPGW_TEST_PIN }'],
    ['the E-Port service', 'type: eport-service, pin: { env: EPGW_TEST_PIN }'],
  ])('leaves signing by %s to its sign queue', async (_what, signerFields) => {
    const h = stageHarness({ signer: true, signerFields });
    await h.receive(M1, decMessage('EPGW0001'));
    await translateProcessor(h.deps)(job(M1));
    expect(h.signer!.signCount).toBe(0);
    expect((await h.ledger.get(M1))!.status).toBe('translated');
    expect(h.queues.waiting('sign', 'k')).toEqual([
      expect.objectContaining({ data: { messageId: M1 } }),
    ]);
  });

  it('leaves a soft key that could not start (expired at start) to its paused sign queue', async () => {
    const h = stageHarness();
    const expired = new GatewayError('GW_ERR_SIGN_CERT_EXPIRED', { zh: '过期', en: 'expired' });
    await h.receive(M1, decMessage('EPGW0001'));
    await translateProcessor({
      ...h.deps,
      signers: new Map([['k', new UnavailableSigner('k', expired)]]),
    })(job(M1));
    expect((await h.ledger.get(M1))!.status).toBe('translated');
    expect(h.queues.waiting('sign', 'k')).toHaveLength(1);
  });
});
