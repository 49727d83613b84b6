/**
 * An in-memory RSA signer with a self-signed certificate, same contract as the real signers, for
 * unit tests of other stages. It can be told to fail the next calls the way a card does.
 */
import { createPrivateKey } from 'node:crypto';
import { GatewayError, type ErrorCode } from '../core/errors.js';
import { createKeySigner } from './key-signer.js';
import { generateSelfSignedIdentity, type SelfSignedIdentity } from './self-signed.js';
import type { Signer } from './signer.js';

export interface FakeSigner extends Signer {
  /** The identity in use (PEM key and certificate), e.g. to verify with xmlsec1. */
  readonly identity: SelfSignedIdentity;
  /** Number of successful sign calls. */
  readonly signCount: number;
  /** Makes the next `times` sign calls throw this error (e.g. GW_ERR_SIGN_CARD_ABSENT). */
  failNext(code: ErrorCode, times?: number): void;
}

let shared: SelfSignedIdentity | undefined;

/** One RSA-2048 identity per process: key generation costs 50–300 ms, tests need not pay it each time. */
function sharedIdentity(): SelfSignedIdentity {
  shared ??= generateSelfSignedIdentity({ commonName: '测试签名器 Fake Signer', days: 3650 });
  return shared;
}

/** Creates a fake signer (kind 'fake', algorithms rsa-sha1 and rsa-sha256). */
export function createFakeSigner(
  options: { name?: string; certNo?: string; identity?: SelfSignedIdentity } = {},
): FakeSigner {
  const identity = options.identity ?? sharedIdentity();
  const inner = createKeySigner({
    name: options.name ?? 'fake',
    kind: 'fake',
    key: createPrivateKey(identity.keyPem),
    certificateDer: Buffer.from(identity.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
    ...(options.certNo !== undefined ? { certNo: options.certNo } : {}),
  });
  let failures: { code: ErrorCode; left: number } | undefined;
  let count = 0;
  return {
    name: inner.name,
    kind: inner.kind,
    algorithms: inner.algorithms,
    identity,
    get signCount() {
      return count;
    },
    certificate: () => inner.certificate(),
    async sign(data, algorithm, opts) {
      if (failures && failures.left > 0) {
        failures.left--;
        throw new GatewayError(failures.code, {
          zh: '模拟故障',
          en: 'simulated failure (fake signer)',
        });
      }
      const sig = await inner.sign(data, algorithm, opts);
      count++;
      return sig;
    },
    failNext(code, times = 1) {
      failures = { code, left: times };
    },
    close: () => inner.close(),
  };
}
