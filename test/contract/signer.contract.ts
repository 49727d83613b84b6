import { X509Certificate, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isGatewayError } from '../../src/core/errors.js';
import { signingHashOf } from '../../src/signing/algorithms.js';
import type { SignatureAlgorithm, Signer } from '../../src/signing/signer.js';
import { sm2PublicKeyFromSpki, sm2Verify } from '../../src/signing/sm2.js';

/** A signer under test and how to release what it needs (a fake service, a temp file…). */
export interface SignerHarness {
  readonly signer: Signer;
  close(): Promise<void>;
}

const ALL_ALGORITHMS: readonly SignatureAlgorithm[] = ['rsa-sha1', 'rsa-sha256', 'sm2-sm3'];

/** Canonical SignedInfo-like text (with Chinese): what signers are given in practice. */
function signedInfo(n: number): Buffer {
  return Buffer.from(
    `<ds:SignedInfo xmlns="http://www.chinaport.gov.cn/dec" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:DigestValue>报关单 ${n}</ds:DigestValue></ds:SignedInfo>`,
    'utf8',
  );
}

/**
 * Verifies a signature as customs would: with the certificate's public key, the algorithm's hash,
 * and for SM2 the GM/T 0009 default signer id (r‖s or DER accepted).
 */
export function verifyWithCertificate(
  data: Buffer,
  signature: Buffer,
  certDer: Buffer,
  algorithm: SignatureAlgorithm,
): boolean {
  const key = new X509Certificate(certDer).publicKey;
  if (algorithm === 'sm2-sm3') {
    const point = sm2PublicKeyFromSpki(key.export({ type: 'spki', format: 'der' }));
    return point !== undefined && sm2Verify(data, signature, point);
  }
  return verify(signingHashOf(algorithm), data, key, signature);
}

/**
 * The behaviour every Signer (soft key, operator card, E-Port service, fake) must share.
 * `algorithms` is read after certificate(): a signer may only know its key once it has the certificate.
 */
export function defineSignerContract(name: string, make: () => Promise<SignerHarness>): void {
  describe(`Signer contract: ${name}`, () => {
    let h: SignerHarness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('certificate() returns the DER certificate, a certificate number and its validity', async () => {
      h = await make();
      const cert = await h.signer.certificate();
      const x509 = new X509Certificate(cert.der);
      expect(x509.raw.equals(cert.der)).toBe(true);
      expect(cert.certNo).toMatch(/^\S+$/);
      expect(cert.subject.length).toBeGreaterThan(0);
      expect(cert.notBefore.getTime()).toBe(new Date(x509.validFrom).getTime());
      expect(cert.notAfter.getTime()).toBe(new Date(x509.validTo).getTime());
      expect(cert.notBefore.getTime()).toBeLessThan(Date.now());
      expect(cert.notAfter.getTime()).toBeGreaterThan(Date.now());
    });

    it('lists only algorithms its key can produce', async () => {
      h = await make();
      const cert = await h.signer.certificate();
      const algorithms = h.signer.algorithms;
      expect(algorithms.length).toBeGreaterThan(0);
      for (const a of algorithms) expect(ALL_ALGORITHMS).toContain(a);
      const rsa = new X509Certificate(cert.der).publicKey.asymmetricKeyType === 'rsa';
      for (const a of algorithms) expect(a.startsWith('rsa-')).toBe(rsa);
    });

    it('sign() output verifies with the certificate public key, for every algorithm it lists', async () => {
      h = await make();
      const { der } = await h.signer.certificate();
      for (const algorithm of h.signer.algorithms) {
        const data = signedInfo(1);
        const sig = await h.signer.sign(data, algorithm);
        expect(verifyWithCertificate(data, sig, der, algorithm), algorithm).toBe(true);
        expect(
          verifyWithCertificate(signedInfo(2), sig, der, algorithm),
          `${algorithm} over other data`,
        ).toBe(false);
      }
    });

    it('concurrent sign() calls all succeed and verify', async () => {
      h = await make();
      const { der } = await h.signer.certificate();
      const algorithms = h.signer.algorithms;
      const jobs = Array.from({ length: 8 }, (_, i) => ({
        data: signedInfo(i),
        algorithm: algorithms[i % algorithms.length]!,
      }));
      const sigs = await Promise.all(jobs.map((j) => h!.signer.sign(j.data, j.algorithm)));
      jobs.forEach((j, i) =>
        expect(verifyWithCertificate(j.data, sigs[i]!, der, j.algorithm)).toBe(true),
      );
    });

    it('refuses an algorithm it does not list with a permanent GW_ERR_SIGN_ALGORITHM', async () => {
      h = await make();
      await h.signer.certificate();
      const other = ALL_ALGORITHMS.find((a) => !h!.signer.algorithms.includes(a));
      if (!other) return;
      const err = await h.signer.sign(signedInfo(3), other).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isGatewayError(err) && err.code).toBe('GW_ERR_SIGN_ALGORITHM');
      expect(isGatewayError(err) && err.kind).toBe('permanent');
    });

    it('close() is idempotent; sign() after close rejects with a GatewayError', async () => {
      h = await make();
      await h.signer.certificate();
      await Promise.all([h.signer.close(), h.signer.close()]);
      await h.signer.close();
      const err = await h.signer.sign(signedInfo(4), h.signer.algorithms[0]!).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isGatewayError(err)).toBe(true);
    });
  });
}
