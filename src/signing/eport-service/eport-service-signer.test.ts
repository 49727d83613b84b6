import { X509Certificate, verify } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGatewayError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import { sampleDecMessage } from '../../../test/helpers/sample-dec-message.js';
import { signEnveloped, verifyEnveloped } from '../xmldsig.js';
import {
  createEportServiceSigner,
  type EportServiceSigner,
  type EportServiceSignerOptions,
  type EportServiceState,
} from './eport-service-signer.js';
import { startFakeEportService, type FakeEportService } from './fake-eport-service.js';
import { EPORT_METHODS } from './protocol.js';

const PIN = '86421357';
const SIGN = EPORT_METHODS.signDataAsPem;
const signedInfo = Buffer.from(
  '<ds:SignedInfo xmlns="http://www.chinaport.gov.cn/dec" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">报关单</ds:SignedInfo>',
  'utf8',
);

let fake: FakeEportService;
let signer: EportServiceSigner | undefined;
let logLines: string[];

function make(options: Partial<EportServiceSignerOptions> = {}): EportServiceSigner {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  signer = createEportServiceSigner({
    name: 'card-1',
    url: fake.url,
    pin: PIN,
    timeoutMs: 400,
    reconnect: { initialMs: 20, maxMs: 100 },
    greetingMs: 50,
    healthIntervalMs: 0,
    log: createLogger({ level: 'debug', pretty: false }, stream),
    ...options,
  });
  return signer;
}

function waitForState(s: EportServiceSigner, wanted: EportServiceState, ms = 2_000): Promise<void> {
  if (s.state === wanted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`state stayed ${s.state}, wanted ${wanted}`)),
      ms,
    );
    const listener = (state: EportServiceState) => {
      if (state !== wanted) return;
      clearTimeout(timer);
      s.off('state', listener);
      resolve();
    };
    s.on('state', listener);
  });
}

function rsaVerifies(data: Buffer, sig: Buffer): boolean {
  return verify('sha1', data, new X509Certificate(fake.card.certificate.der).publicKey, sig);
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

beforeEach(async () => {
  logLines = [];
  fake = await startFakeEportService({ pin: PIN });
});

afterEach(async () => {
  await signer?.close();
  signer = undefined;
  await fake.close();
});

describe('E-Port service signer', () => {
  it('starts unreachable, becomes ready once the control answers the probe', async () => {
    const s = make();
    expect(s.state).toBe('unreachable');
    expect(s.kind).toBe('eport-service');
    await waitForState(s, 'ready');
    expect(fake.count(EPORT_METHODS.getCertNo)).toBe(1);
  });

  it('reads the certificate, number and validity from the card', async () => {
    const s = make();
    const cert = await s.certificate();
    expect(cert.der.equals(fake.card.certificate.der)).toBe(true);
    expect(cert.certNo).toBe(fake.card.certificate.certNo);
    expect(cert.notAfter.getTime()).toBe(fake.card.certificate.notAfter.getTime());
    expect(cert.subject).toContain('Fake Operator Card');
    // Cached: a second call asks the card nothing.
    const asked = fake.requests.length;
    await s.certificate();
    expect(fake.requests.length).toBe(asked);
    expect(s.algorithms).toEqual(['rsa-sha1']);
  });

  it('signs the SignedInfo text with the PIN; the signature verifies with node:crypto', async () => {
    const s = make();
    const sig = await s.sign(signedInfo, 'rsa-sha1');
    expect(sig).toHaveLength(128);
    expect(rsaVerifies(signedInfo, sig)).toBe(true);
    const req = fake.requests.find((r) => r.method === SIGN);
    expect(req?.args).toEqual({ inData: signedInfo.toString('utf8'), passwd: PIN });
    expect(fake.violations).toEqual([]);
  });

  it('signs a whole DecMessage that verifyEnveloped accepts', async () => {
    const s = make();
    const signed = await signEnveloped(sampleDecMessage({ items: 5 }), s, {
      algorithm: 'rsa-sha1',
    });
    const result = verifyEnveloped(signed, { trustedCertDer: fake.card.certificate.der });
    expect(result).toMatchObject({
      ok: true,
      algorithm: 'rsa-sha1',
      certNo: fake.card.certificate.certNo,
    });
  });

  it('card absent: transient error and state absent; recovers when the card is back', async () => {
    const s = make();
    await waitForState(s, 'ready');
    const changes: EportServiceState[] = [];
    s.on('state', (state) => changes.push(state));
    fake.setCardPresent(false);
    const err = await errorOf(s.sign(signedInfo, 'rsa-sha1'));
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_CARD_ABSENT', kind: 'transient' });
    expect(String((err as Error).message)).toContain('50070');
    expect(s.state).toBe('absent');
    fake.setCardPresent(true);
    expect(await s.probe()).toBe('ready');
    expect(rsaVerifies(signedInfo, await s.sign(signedInfo, 'rsa-sha1'))).toBe(true);
    expect(changes).toEqual(['absent', 'ready']);
  });

  it('the health probe on an interval notices the card coming and going', async () => {
    const s = make({ healthIntervalMs: 40 });
    await waitForState(s, 'ready');
    fake.setCardPresent(false);
    await waitForState(s, 'absent');
    fake.setCardPresent(true);
    await waitForState(s, 'ready');
  });

  it('wrong PIN: permanent error, pin-blocked, and never a second attempt — even for calls already queued', async () => {
    const s = make({ pin: '13572468' });
    await s.certificate();
    const results = await Promise.allSettled([1, 2, 3].map(() => s.sign(signedInfo, 'rsa-sha1')));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const reason = (r as PromiseRejectedResult).reason as unknown;
      expect(isGatewayError(reason) && reason.code).toBe('GW_ERR_SIGN_PIN');
      expect(isGatewayError(reason) && reason.kind).toBe('permanent');
    }
    expect(fake.count(SIGN)).toBe(1);
    expect(fake.card.pinTriesLeft).toBe(5);
    expect(s.pinTriesLeft).toBe(5);
    expect(s.state).toBe('pin-blocked');
    // A probe does not clear it: only a person can fix a PIN.
    expect(await s.probe()).toBe('pin-blocked');
    const later = await errorOf(s.sign(signedInfo, 'rsa-sha1'));
    expect(later).toMatchObject({ code: 'GW_ERR_SIGN_PIN' });
    expect(JSON.stringify((later as { toJSON(): unknown }).toJSON())).toContain('剩余重试次数:5');
    expect(fake.count(SIGN)).toBe(1);

    s.resetPin(PIN);
    expect(rsaVerifies(signedInfo, await s.sign(signedInfo, 'rsa-sha1'))).toBe(true);
    expect(fake.card.pinTriesLeft).toBe(6);
    expect(s.pinTriesLeft).toBeUndefined();
  });

  it('never writes the PIN to the log or into errors', async () => {
    const s = make();
    fake.fail(SIGN, { kind: 'errors', errors: [`口令 ${PIN} 错误`] });
    const err = await errorOf(s.sign(signedInfo, 'rsa-sha1'));
    expect(JSON.stringify((err as { toJSON(): unknown }).toJSON())).not.toContain(PIN);
    expect((err as Error).message).not.toContain(PIN);
    s.resetPin(PIN);
    await s.sign(signedInfo, 'rsa-sha1');
    const log = logLines.join('');
    expect(log).toContain('E-Port control request');
    expect(log).not.toContain(PIN);
  });

  it('connection dropped: reconnects and the next sign succeeds', async () => {
    const s = make();
    await s.sign(signedInfo, 'rsa-sha1');
    fake.dropConnections();
    await waitForState(s, 'unreachable');
    expect(rsaVerifies(signedInfo, await s.sign(signedInfo, 'rsa-sha1'))).toBe(true);
    expect(fake.connectionCount).toBe(2);
    expect(s.state).toBe('ready');
  });

  it('connection dropped mid-request: that call fails transient, the next succeeds', async () => {
    const s = make();
    await s.certificate();
    fake.fail(SIGN, { kind: 'drop' });
    const err = await errorOf(s.sign(signedInfo, 'rsa-sha1'));
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_SERVICE_UNAVAILABLE', kind: 'transient' });
    expect(rsaVerifies(signedInfo, await s.sign(signedInfo, 'rsa-sha1'))).toBe(true);
  });

  it('control not running: unavailable within the timeout, then ready when it starts', async () => {
    fake.refuseConnections(true);
    const s = make({ timeoutMs: 200 });
    const started = Date.now();
    const err = await errorOf(s.sign(signedInfo, 'rsa-sha1'));
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_SERVICE_UNAVAILABLE', kind: 'transient' });
    expect((err as Error).message).toContain('503');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(s.state).toBe('unreachable');
    fake.refuseConnections(false);
    await waitForState(s, 'ready');
    await s.sign(signedInfo, 'rsa-sha1');
  });

  it('timeout: transient error; the late reply is awaited before the next request goes out', async () => {
    const s = make({ timeoutMs: 200, drainMs: 2_000 });
    await s.certificate();
    fake.fail(SIGN, { kind: 'slow', ms: 600 });
    const started = Date.now();
    const first = s.sign(signedInfo, 'rsa-sha1');
    const second = s.sign(signedInfo, 'rsa-sha1');
    const err = await errorOf(first);
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_TIMEOUT', kind: 'transient' });
    // Rejected at the timeout, not when the slow reply finally came.
    expect(Date.now() - started).toBeLessThan(550);
    expect(rsaVerifies(signedInfo, await second)).toBe(true);
    expect(fake.maxInFlight).toBe(1);
    expect(fake.violations).toEqual([]);
    expect(fake.connectionCount).toBe(1);
  });

  it('no answer at all: timeout, then the connection is dropped and re-opened', async () => {
    const s = make({ timeoutMs: 150 });
    await s.certificate();
    fake.fail(SIGN, { kind: 'silent' });
    expect(await errorOf(s.sign(signedInfo, 'rsa-sha1'))).toMatchObject({
      code: 'GW_ERR_SIGN_TIMEOUT',
    });
    expect(rsaVerifies(signedInfo, await s.sign(signedInfo, 'rsa-sha1'))).toBe(true);
    expect(fake.connectionCount).toBe(2);
    expect(fake.maxInFlight).toBe(1);
  });

  it('malformed reply: transient GW_ERR_SIGN_SERVICE_REPLY that says what is wrong', async () => {
    const s = make({ timeoutMs: 200 });
    await s.certificate();
    fake.fail(SIGN, { kind: 'raw', text: '{"_id":' });
    const err = await errorOf(s.sign(signedInfo, 'rsa-sha1'));
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_SERVICE_REPLY', kind: 'transient' });
    expect((err as Error).message).toContain('not JSON');
    fake.fail(SIGN, {
      kind: 'raw',
      text: '{"_id":99999,"_status":"00","_args":{"Result":true,"Data":["@@@"],"Error":[]}}',
    });
    // A reply for another _id is ignored (the call times out instead of taking a wrong answer).
    expect(await errorOf(s.sign(signedInfo, 'rsa-sha1'))).toMatchObject({
      code: 'GW_ERR_SIGN_TIMEOUT',
    });
    expect(rsaVerifies(signedInfo, await s.sign(signedInfo, 'rsa-sha1'))).toBe(true);
  });

  it('an aborted call rejects with the reason, and the card is still given time to finish it', async () => {
    const s = make({ timeoutMs: 1_000 });
    await s.certificate();
    fake.fail(SIGN, { kind: 'slow', ms: 200 });
    const controller = new AbortController();
    const first = s.sign(signedInfo, 'rsa-sha1', { signal: controller.signal });
    const second = s.sign(signedInfo, 'rsa-sha1');
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    expect(await errorOf(first)).toMatchObject({ message: 'job cancelled' });
    expect(rsaVerifies(signedInfo, await second)).toBe(true);
    expect(fake.maxInFlight).toBe(1);
  });

  it('serialises concurrent sign calls: the control never sees two in flight', async () => {
    const s = make();
    const inputs = Array.from({ length: 12 }, (_, i) =>
      Buffer.from(`<ds:SignedInfo>${i}</ds:SignedInfo>`),
    );
    const sigs = await Promise.all(inputs.map((d) => s.sign(d, 'rsa-sha1')));
    sigs.forEach((sig, i) => expect(rsaVerifies(inputs[i]!, sig)).toBe(true));
    expect(fake.maxInFlight).toBe(1);
    expect(fake.violations).toEqual([]);
  });

  it('works without the open greeting', async () => {
    await fake.close();
    fake = await startFakeEportService({ pin: PIN, greet: false });
    const s = make();
    expect(rsaVerifies(signedInfo, await s.sign(signedInfo, 'rsa-sha1'))).toBe(true);
  });

  it('a swapped card is noticed: the stale certificate is dropped and the retry uses the new one', async () => {
    const s = make();
    const before = await s.certificate();
    fake.insertCard({ pin: PIN, certNo: 'feedc0de' });
    const err = await errorOf(s.sign(signedInfo, 'rsa-sha1'));
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_FAILED', kind: 'transient' });
    expect((err as Error).message).toContain('feedc0de');
    expect((await s.certificate()).certNo).toBe('feedc0de');
    expect(before.certNo).not.toBe('feedc0de');
    await s.sign(signedInfo, 'rsa-sha1');
  });

  it('refuses algorithms the card cannot do, and data that is not UTF-8 text', async () => {
    const s = make({ algorithm: 'sm2-sm3' });
    expect(s.algorithms).toEqual(['sm2-sm3']);
    expect(await errorOf(s.sign(signedInfo, 'sm2-sm3'))).toMatchObject({
      code: 'GW_ERR_SIGN_ALGORITHM',
      kind: 'permanent',
    });
    expect(s.algorithms).toEqual(['rsa-sha1']);
    expect(await errorOf(s.sign(Buffer.from([0xff, 0xfe]), 'rsa-sha1'))).toMatchObject({
      code: 'GW_ERR_SIGN_INPUT',
      kind: 'permanent',
    });
    expect(fake.count(SIGN)).toBe(0);
  });

  it('a signature that does not verify with the card certificate is refused; a wrong-sized one is a bad reply', async () => {
    const s = make();
    const { certNo } = await s.certificate();
    fake.fail(SIGN, { kind: 'answer', data: [Buffer.alloc(128, 7).toString('base64'), certNo] });
    expect(await errorOf(s.sign(signedInfo, 'rsa-sha1'))).toMatchObject({
      code: 'GW_ERR_SIGNATURE_INVALID',
      kind: 'permanent',
    });
    fake.fail(SIGN, { kind: 'answer', data: [Buffer.alloc(100, 7).toString('base64'), certNo] });
    const err = await errorOf(s.sign(signedInfo, 'rsa-sha1'));
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_SERVICE_REPLY', kind: 'transient' });
    expect((err as Error).message).toContain('100 bytes');
    expect(rsaVerifies(signedInfo, await s.sign(signedInfo, 'rsa-sha1'))).toBe(true);
  });

  it('close() is idempotent and fails later calls without hanging', async () => {
    const s = make();
    await s.certificate();
    await Promise.all([s.close(), s.close()]);
    await s.close();
    expect(await errorOf(s.sign(signedInfo, 'rsa-sha1'))).toMatchObject({
      code: 'GW_ERR_SIGN_FAILED',
    });
  });
});
