/**
 * Card and reader presence against the real stack: pulling the card mid-batch, the emulator
 * process going away (every card gone at once), pcscd restarting, starting without a card.
 * pcscd polls vpcd readers every ~400 ms, so waits are on state events, never fixed sleeps.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isGatewayError } from '../../src/core/errors.js';
import {
  createPcscCardSigner,
  type CardState,
  type PcscCardSigner,
} from '../../src/signing/pcsc/index.js';
import { cardIdentity, recordingLog, type CardIdentity } from './fixtures.js';
import { cardStackAvailability, startCardStack, type CardStack } from './harness.js';
import { skipWithout } from '../helpers/tools.js';
import { sleep } from '../helpers/wait.js';

const skip = skipWithout('card presence via pcscd + vpcd', cardStackAvailability().reason);

describe.skipIf(skip)('card presence via pcscd + vpcd', () => {
  let stack: CardStack;
  let id: CardIdentity;
  let signer: PcscCardSigner | undefined;

  const open = async (
    startWaitMs = 5000,
  ): Promise<{ signer: PcscCardSigner; states: CardState[] }> => {
    signer = await createPcscCardSigner({
      name: 'presence',
      readerPattern: /Virtual PCD 00 00$/,
      profile: 'openpgp',
      pin: '123456',
      log: recordingLog(),
      startWaitMs,
      reconnectMs: 200,
    });
    const states: CardState[] = [];
    signer.onStateChange((s) => states.push(s));
    return { signer, states };
  };

  beforeAll(async () => {
    id = cardIdentity('在位测试');
    stack = await startCardStack({
      cards: [{ openpgp: { keyPem: id.keyPem, certPem: id.certPem } }],
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    await signer?.close();
    signer = undefined;
  });

  it('card pulled mid-batch: transient GW_ERR_SIGN_CARD_ABSENT while out, signing resumes after reinsertion', async () => {
    const { signer, states } = await open();
    const outcomes: string[] = [];
    let removedAt = -1;
    let insertedAt = -1;
    let absentSince = 0;
    const deadline = Date.now() + 15_000;
    for (let i = 0; Date.now() < deadline; i++) {
      try {
        await signer.sign(Buffer.from(`job ${i}`), 'rsa-sha256');
        outcomes.push('ok');
      } catch (err) {
        expect(isGatewayError(err) && err.transient).toBe(true);
        outcomes.push(isGatewayError(err) ? err.code : String(err));
      }
      if (outcomes.length === 5 && removedAt < 0) {
        removedAt = outcomes.length;
        await stack.remove(0);
      }
      if (removedAt >= 0 && !absentSince && signer.state === 'absent') absentSince = Date.now();
      // Out long enough for pcscd's presence poll (~400 ms) to see the card gone, too.
      if (absentSince && insertedAt < 0 && Date.now() - absentSince > 800) {
        insertedAt = outcomes.length;
        await stack.insert(0);
      }
      if (insertedAt >= 0 && outcomes.slice(insertedAt).filter((o) => o === 'ok').length >= 3)
        break;
      await sleep(15);
    }
    expect(outcomes.slice(0, removedAt)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(insertedAt).toBeGreaterThan(removedAt);
    // While the card was out every job failed, all with the transient card-absent error.
    const whileOut = outcomes.slice(removedAt, insertedAt);
    expect(whileOut.length).toBeGreaterThanOrEqual(10);
    expect(whileOut.every((o) => o === 'GW_ERR_SIGN_CARD_ABSENT')).toBe(true);
    expect(outcomes.slice(insertedAt).filter((o) => o === 'ok').length).toBe(3);
    expect(states).toEqual(['absent', 'ready']);
    expect(signer.state).toBe('ready');
  });

  it('card pulled and put back faster than pcscd polls: the signer recovers by itself', async () => {
    const { signer } = await open();
    const failed = signer.sign(Buffer.from('in flight'), 'rsa-sha256').catch((e: unknown) => e);
    await stack.remove(0);
    await stack.insert(0);
    await failed;
    const deadline = Date.now() + 5000;
    let signature: Buffer | undefined;
    while (!signature && Date.now() < deadline) {
      signature = await signer
        .sign(Buffer.from('after swap'), 'rsa-sha256')
        .catch(async (err: unknown) => {
          expect(isGatewayError(err) && err.transient).toBe(true);
          await sleep(50);
          return undefined;
        });
    }
    expect(signature).toHaveLength(256);
    expect(signer.state).toBe('ready');
  });

  it("reader gone (emulator process stopped): transient error, state 'absent', back to 'ready' when it returns", async () => {
    const { signer, states } = await open();
    await stack.stopEmulator();
    await signer.waitForState('absent', 5000);
    await expect(signer.sign(Buffer.from('x'), 'rsa-sha256')).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_CARD_ABSENT',
      kind: 'transient',
    });
    await stack.startEmulator();
    await signer.waitForState('ready', 5000);
    await expect(signer.sign(Buffer.from('y'), 'rsa-sha256')).resolves.toHaveLength(256);
    expect(states).toEqual(['absent', 'ready']);
  });

  it("PC/SC service restarted (pcscd stopped and started): 'absent' meanwhile, then 'ready' on a new context", async () => {
    const { signer, states } = await open();
    await stack.stopPcscd();
    await signer.waitForState('absent', 5000);
    const err = await signer.sign(Buffer.from('x'), 'rsa-sha256').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_CARD_ABSENT', kind: 'transient' });
    await stack.startPcscd();
    await signer.waitForState('ready', 8000);
    await expect(signer.sign(Buffer.from('y'), 'rsa-sha256')).resolves.toHaveLength(256);
    expect(states).toEqual(['absent', 'ready']);
  });

  it('starts without a card, becomes ready on insertion; close() releases the card and is idempotent', async () => {
    await stack.remove(0);
    await sleep(500); // let pcscd's presence poll see the card gone
    const { signer, states } = await open(300);
    expect(signer.state).toBe('absent');
    await expect(signer.sign(Buffer.from('x'), 'rsa-sha1')).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_CARD_ABSENT',
      kind: 'transient',
    });
    await expect(signer.certificate()).rejects.toMatchObject({ code: 'GW_ERR_SIGN_CARD_ABSENT' });
    await stack.insert(0);
    await signer.waitForState('ready', 5000);
    expect((await signer.certificate()).der.equals(id.certDer)).toBe(true);
    await expect(signer.sign(Buffer.from('y'), 'rsa-sha1')).resolves.toHaveLength(256);
    expect(states).toEqual(['ready']);

    await Promise.all([signer.close(), signer.close()]);
    await signer.close();
    await expect(signer.sign(Buffer.from('z'), 'rsa-sha1')).rejects.toMatchObject({
      code: 'GW_ERR_SIGN_CARD_ABSENT',
    });
    // The card was released (exclusive mode): another signer can take it at once.
    const { signer: next } = await open();
    expect(next.state).toBe('ready');
  });
});
