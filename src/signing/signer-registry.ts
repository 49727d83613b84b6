import { readFile } from 'node:fs/promises';
import type { ResolvedSigner } from '../config/resolve.js';
import type { Logger } from '../core/logger.js';
import type { Signer } from './signer.js';
import { loadSoftKeySigner } from './soft-key.js';
import { createPcscCardSigner } from './pcsc/index.js';
import { createEportServiceSigner } from './eport-service/index.js';

type Factory<T extends ResolvedSigner['type']> = (
  cfg: Extract<ResolvedSigner, { type: T }>,
  log: Logger,
) => Promise<Signer>;

/** Signer adapters by config `type`. The composition root is the only caller. */
const FACTORIES: { [T in ResolvedSigner['type']]: Factory<T> } = {
  'soft-key': (cfg) =>
    loadSoftKeySigner({
      name: cfg.name,
      path: cfg.key,
      ...(cfg.passphrase !== undefined ? { passphrase: cfg.passphrase } : {}),
      ...(cfg.certNo ? { certNo: cfg.certNo } : {}),
    }),
  'pcsc-card': async (cfg, log) =>
    createPcscCardSigner({
      name: cfg.name,
      readerPattern: cfg.reader,
      profile: cfg.profile,
      pin: cfg.pin,
      ...(cfg.certificate ? { certificatePem: await readFile(cfg.certificate, 'utf8') } : {}),
      ...(cfg.certNo ? { certNo: cfg.certNo } : {}),
      log: log.child({ signer: cfg.name }),
    }),
  'eport-service': async (cfg, log) =>
    createEportServiceSigner({
      name: cfg.name,
      url: cfg.url,
      pin: cfg.pin,
      timeoutMs: cfg.timeoutMs,
      ...(cfg.algorithm ? { algorithm: cfg.algorithm } : {}),
      log: log.child({ signer: cfg.name }),
    }),
};

export function createSigner(cfg: ResolvedSigner, log: Logger): Promise<Signer> {
  return (FACTORIES[cfg.type] as Factory<typeof cfg.type>)(cfg as never, log);
}
