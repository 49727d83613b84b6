/**
 * The customs sandbox: a local simulator of the customs side that the gateway delivers to in
 * demos and tests. Protocol: src/sandbox/README.md.
 */
import { X509Certificate } from 'node:crypto';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { AmqpDesk, type SandboxAmqpNames, type SandboxAmqpOptions } from './amqp-desk.js';
import { buildSandboxApp } from './app.js';
import { CustomsDesk } from './desk.js';
import type { SandboxStats } from './stats.js';
import {
  startClientSimulator,
  type ClientFaults,
  type ClientSimulator,
} from './client-simulator.js';

export type { SandboxStats } from './stats.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** Loopback address to listen on: 127.0.0.1 (default), ::1 or localhost. */
  readonly host?: string;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Delay before each business receipt, in ms (default 300). */
  readonly stepMs?: number;
  /** Delay before a 修撤单's HzApprovalResult, in ms (default stepMs). */
  readonly decModStepMs?: number;
  /** Answer 503 (Retry-After: 1) to the first N submissions. */
  readonly failFirst?: number;
  /** Probability 0..1 of a random 503 on any later submission. */
  readonly failRate?: number;
  /** When given, only signatures by one of these certificates (PEM) are accepted. */
  readonly trustedCertsPem?: readonly string[];
  /** Signature verification: xml-crypto (default) or `own` (the gateway's C14N, fast). */
  readonly verifier?: 'xml-crypto' | 'own';
  readonly logger?: Logger;
  /** Also simulate the Single Window client on these ImpPath folders (the sw-client route). */
  readonly impPath?: string;
  /** Module folders the simulated client serves; default Deccus001. */
  readonly clientModules?: readonly string[];
  readonly clientFaults?: ClientFaults;
  /** Also take submissions from RabbitMQ and answer there (see amqp-desk.ts for the names). */
  readonly amqp?: SandboxAmqpOptions;
}

/** A running sandbox. */
export interface SandboxHandle {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** Stops listening and drops pending receipts. Idempotent. */
  close(): Promise<void>;
  /** A copy of the counters (same as GET /stats). */
  stats(): SandboxStats;
  /** The simulated Single Window client, when started with impPath. */
  readonly client?: ClientSimulator;
  /** Exchange and queue names, when the sandbox also listens on AMQP. */
  readonly amqp?: SandboxAmqpNames;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function configError(zh: string, en: string): GatewayError {
  return new GatewayError('GW_ERR_CONFIG', { where: 'sandbox', zh, en });
}

function parseTrusted(pems: readonly string[]): X509Certificate[] {
  const certs: X509Certificate[] = [];
  for (const [i, pem] of pems.entries()) {
    try {
      certs.push(new X509Certificate(pem));
    } catch {
      throw configError(
        `第 ${i + 1} 个受信任证书无法解析`,
        `trusted certificate #${i + 1} cannot be parsed`,
      );
    }
  }
  return certs;
}

/** Starts the sandbox on a loopback port. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw configError(
      `沙箱只能监听本机回环地址，不能监听 ${host}`,
      `the sandbox listens on loopback only, not ${host}`,
    );
  }
  const stepMs = options.stepMs ?? 300;
  const failFirst = options.failFirst ?? 0;
  const failRate = options.failRate ?? 0;
  if (
    !(stepMs >= 0) ||
    !Number.isInteger(failFirst) ||
    failFirst < 0 ||
    !(failRate >= 0 && failRate <= 1)
  ) {
    throw configError(
      'stepMs、failFirst 应为非负数，failRate 应在 0 到 1 之间',
      'stepMs and failFirst must be non-negative, failRate within 0..1',
    );
  }
  const desk = new CustomsDesk({
    stepMs,
    ...(options.decModStepMs !== undefined && options.decModStepMs >= 0
      ? { decModStepMs: options.decModStepMs }
      : {}),
    failFirst,
    failRate,
    ...(options.trustedCertsPem ? { trusted: parseTrusted(options.trustedCertsPem) } : {}),
    ...(options.verifier ? { verifier: options.verifier } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const app = buildSandboxApp(desk, options.logger);
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (err) {
    desk.stop();
    await app.close().catch(() => undefined);
    throw err;
  }
  let client: ClientSimulator | undefined;
  if (options.impPath) {
    try {
      client = await startClientSimulator({
        impPath: options.impPath,
        desk,
        ...(options.clientModules ? { modules: options.clientModules } : {}),
        ...(options.clientFaults ? { faults: options.clientFaults } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      });
    } catch (err) {
      // e.g. the ImpPath cannot be created: nothing of the sandbox stays open.
      desk.stop();
      await app.close().catch(() => undefined);
      throw err;
    }
  }
  const amqp = options.amqp ? new AmqpDesk(desk, options.amqp, options.logger) : undefined;
  try {
    await amqp?.start();
  } catch (err) {
    await client?.close();
    desk.stop();
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const shownHost = host === '::1' ? '[::1]' : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    stats: () => desk.snapshot(),
    ...(client ? { client } : {}),
    ...(amqp ? { amqp: amqp.names } : {}),
    close: () => {
      closing ??= (async () => {
        await amqp?.close();
        await client?.close();
        desk.stop();
        await app.close();
      })();
      return closing;
    },
  };
}
