import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import {
  defineSignerContract,
  type SignerHarness,
} from '../../../test/contract/signer.contract.js';
import { createFakeSigner } from '../fake-signer.js';
import { generateSelfSignedIdentity, type SelfSignedIdentity } from '../self-signed.js';
import { loadSoftKeySigner } from '../soft-key.js';
import { createEportServiceSigner } from './eport-service-signer.js';
import { startFakeEportService } from './fake-eport-service.js';
import { sm2TestIdentity, sm2Unavailable } from '../../../test/helpers/sm2-test-identity.js';
import { skipWithout } from '../../../test/helpers/tools.js';

const silent = pino({ level: 'silent' });

/** The E-Port service signer against the fake control, holding `identity` on its card. */
function eportHarness(identity?: SelfSignedIdentity): () => Promise<SignerHarness> {
  return async () => {
    const fake = await startFakeEportService(identity ? { identity } : {});
    const signer = createEportServiceSigner({
      name: 'eport',
      url: fake.url,
      pin: '88888888',
      timeoutMs: 2_000,
      greetingMs: 50,
      healthIntervalMs: 0,
      reconnect: { initialMs: 20, maxMs: 100 },
      log: silent,
    });
    return {
      signer,
      async close() {
        await signer.close();
        await fake.close();
      },
    };
  };
}

/** The soft-key signer over a PEM file holding `identity`. */
function softKeyHarness(identity: () => SelfSignedIdentity): () => Promise<SignerHarness> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signer-contract-'));
    const path = join(dir, 'key-and-cert.pem');
    const id = identity();
    writeFileSync(path, id.keyPem + id.certPem);
    const signer = await loadSoftKeySigner({ name: 'soft', path });
    return {
      signer,
      async close() {
        await signer.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

let rsa: SelfSignedIdentity | undefined;
const rsaIdentity = () =>
  (rsa ??= generateSelfSignedIdentity({ commonName: '合同测试 Contract', days: 30, bits: 1024 }));

defineSignerContract('eport-service (fake control, RSA card)', eportHarness());
defineSignerContract('soft-key (RSA PEM)', softKeyHarness(rsaIdentity));
defineSignerContract('fake signer', async () => {
  const signer = createFakeSigner();
  return { signer, close: () => signer.close() };
});

const sm2 = sm2TestIdentity();
if (!skipWithout('SM2 signer contract runs', sm2Unavailable()) && sm2) {
  defineSignerContract('eport-service (fake control, SM2 card)', eportHarness(sm2));
  defineSignerContract(
    'soft-key (SM2 PEM from OpenSSL)',
    softKeyHarness(() => sm2),
  );
}
