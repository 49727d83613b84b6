import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { expect } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../../src/app.js';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/server.js';
import { generateSelfSignedIdentity } from '../../src/signing/self-signed.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from './redis.js';

export interface TestGateway {
  readonly gateway: RunningGateway;
  readonly sandbox: SandboxHandle;
  /** The folder the config lives in; channel `dir: ./x` folders are below it. */
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * A gateway in this process against the sandbox and the test Redis (own key prefix), with one
 * soft-key signer `k`, one HTTP transport `t` and the sandbox's receipt feed. `channels` is the
 * YAML list under `channels:`; `extra` adds top-level YAML (e.g. `http: { tokens: [...] }`);
 * `transports` and `receiptSources` replace those lists (YAML flow sequences).
 */
export async function startTestGateway(
  label: string,
  channels: string,
  options: {
    sandbox?: SandboxOptions;
    extra?: string;
    transports?: string;
    receiptSources?: string;
    /** Environment the config's secrets are read from. */
    env?: NodeJS.ProcessEnv;
    /** The sandbox trusts the signer's certificate (needed when messages carry only a KeyName). */
    trustSigner?: boolean;
  } = {},
): Promise<TestGateway> {
  const id = generateSelfSignedIdentity({ commonName: `${label} 测试`, days: 30 });
  const sandbox = await startSandbox({
    stepMs: 5,
    ...(options.trustSigner ? { trustedCertsPem: [id.certPem] } : {}),
    ...options.sandbox,
  });
  const prefix = uniquePrefix(label);
  const dir = mkdtempSync(join(tmpdir(), `eport-${label}-`));
  writeFileSync(join(dir, 'k.pem'), id.keyPem + id.certPem);
  const yaml = `dataDir: ./data
redis: { url: "${TEST_REDIS_URL}", prefix: ${prefix} }
${options.extra ?? 'http: { enabled: false }'}
signers: [{ name: k, type: soft-key, key: ./k.pem }]
transports: ${options.transports ?? `[{ name: t, type: http, url: "${sandbox.url}/dec/submit" }]`}
receiptSources: ${options.receiptSources ?? `[{ name: feed, type: http-pull, url: "${sandbox.url}/receipts", intervalMs: 50ms }]`}
channels:
${channels}
`;
  const { config, problems } = parseConfigText(yaml, join(dir, 'gw.yaml'), options.env ?? {});
  expect(problems).toEqual([]);
  const gateway = await startGateway(config!, pino({ level: 'silent' }));
  const redis = new Redis(TEST_REDIS_URL);
  return {
    gateway,
    sandbox,
    dir,
    close: async () => {
      await gateway.close();
      await sandbox.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** A channel line for `startTestGateway`, polling its inbox fast. */
export function testChannel(name: string, fields = ''): string {
  return `  - { name: ${name}, dir: ./${name}, intake: [{ type: folder, pattern: "*", stableMs: 0, pollMs: 30ms }], signer: k, transport: t${fields ? `, ${fields}` : ''} }`;
}
