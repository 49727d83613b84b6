import { join } from 'node:path';
import type { ParsedConfig, SftpTransportConfig, AmqpTransportConfig } from './schema.js';
import { CLIENT_MODULES, defaultModuleFor } from '../core/client-modules.js';
import { parseSchedule, toMs } from './duration.js';
import type { TranslatorKind } from '../translators/translation-options.js';
import type { ConfigProblem } from './config-problem.js';
import { readSecret } from './read-secret.js';
import { resolveClientTls } from './resolve-tls.js';
import { resolveBreaker } from './resolve-breaker.js';
import { resolveHttp } from './resolve-http.js';
import { resolveRedis } from './resolve-redis.js';
import { resolveJin2 } from './resolve-jin2.js';
import type {
  ResolvedSftpEndpoint,
  ResolvedIntake,
  ResolvedChannel,
  ResolvedSigner,
  ResolvedTransport,
  ResolvedReceiptSource,
  GatewayConfig,
} from './resolved-config.js';

export type {
  ResolvedSftpEndpoint,
  ResolvedSftpIntake,
  ResolvedIntake,
  ResolvedFolderIntake,
  ResolvedChannel,
  ResolvedSigner,
  ResolvedHttpTransport,
  ResolvedSftpTransport,
  ResolvedSwClientTransport,
  ResolvedTransport,
  ResolvedAmqpTransport,
  ResolvedAmqpReceiptSource,
  ResolvedReceiptSource,
  ResolvedRedis,
  GatewayConfig,
} from './resolved-config.js';

type SftpEndpointConfig = Pick<
  SftpTransportConfig,
  'host' | 'port' | 'username' | 'privateKey' | 'passphrase' | 'knownHostKey' | 'timeoutMs'
>;

/** The signer name that leaves signing to the Single Window client's own card. */
export const CLIENT_SIGNER = 'client';

const MB = 1024 * 1024;

/**
 * Size limits that fit real documents with a wide margin: a 50-item 报关单 or a CEB order is tens
 * of KB; an enterprise export with several split declarations, a few MB; a large 舱单, more.
 */
function defaultMaxBytes(translator: TranslatorKind): number {
  if (translator === 'dec-xml' || translator === 'ceb-xml') return 4 * MB;
  if (translator === 'manifest' || translator === 'manifest-xml') return 20 * MB;
  return 10 * MB;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function duplicates(names: readonly string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

/** Makes paths absolute, converts durations, reads secrets and checks cross-references. */
export function resolveConfig(
  c: ParsedConfig,
  abs: (p: string) => string,
  env: NodeJS.ProcessEnv,
): { config: GatewayConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const signerNames = c.signers.map((s) => s.name);
  const transportNames = c.transports.map((t) => t.name);
  for (const [list, label] of [
    [signerNames, 'signers'],
    [transportNames, 'transports'],
    [c.channels.map((ch) => ch.name), 'channels'],
    [c.receiptSources.map((r) => r.name), 'receiptSources'],
  ] as const) {
    for (const d of duplicates(list))
      problems.push({
        path: label,
        message: `duplicate name "${d}" / 名称重复`,
        fix: 'give each entry a unique name / 每项使用唯一的名称',
      });
  }

  /** Reads an SFTP adapter's key and passphrase (secrets) and converts its timeout. */
  const sftpEndpoint = (e: SftpEndpointConfig, path: string): ResolvedSftpEndpoint => {
    const passphrase = e.passphrase
      ? readSecret(e.passphrase, `${path}.passphrase`, abs, env, problems)
      : undefined;
    return {
      host: e.host,
      port: e.port,
      username: e.username,
      privateKey: readSecret(e.privateKey, `${path}.privateKey`, abs, env, problems) ?? '',
      ...(passphrase !== undefined ? { passphrase } : {}),
      knownHostKey: e.knownHostKey,
      timeoutMs: toMs(e.timeoutMs),
    };
  };

  /** Reads an AMQP adapter's URL (a secret) and checks its scheme. */
  const amqpUrl = (url: AmqpTransportConfig['url'], path: string): string => {
    const value = readSecret(url, `${path}.url`, abs, env, problems) ?? '';
    if (value && !/^amqps?:\/\/[^/]/.test(value)) {
      problems.push({
        path: `${path}.url`,
        message: 'not an amqp:// or amqps:// URL / 不是 AMQP 地址',
        fix: 'amqp://user:password@host:5672/vhost',
      });
    }
    return value;
  };

  const channels: ResolvedChannel[] = c.channels.map((ch, i) => {
    const base = ch.dir ? abs(ch.dir) : undefined;
    if (!signerNames.includes(ch.signer) && ch.signer !== CLIENT_SIGNER) {
      problems.push({
        path: `channels[${i}].signer`,
        message: `no signer named "${ch.signer}" / 找不到签名器`,
        fix: `use one of: ${[...signerNames, CLIENT_SIGNER].join(', ')} / 请使用已定义的签名器`,
      });
    }
    if (ch.name === 'orphans') {
      problems.push({
        path: `channels[${i}].name`,
        message:
          '"orphans" is the feed of receipts that match no message / "orphans" 为无主回执保留',
        fix: 'choose another channel name',
      });
    }
    // A 金二 channel makes INV/SAS messages whatever its messageType says: the client's SAS module
    // unless it names another (NEMS for a 加贸账册's 核注清单).
    // Likewise a manifest channel makes MTxxxx whatever its (default DecMessage) messageType says.
    const module =
      ch.module?.toUpperCase() ??
      (ch.translator === 'jin2'
        ? 'SAS'
        : ch.translator === 'manifest' || ch.translator === 'manifest-xml'
          ? 'MFT'
          : defaultModuleFor(ch.messageType));
    const transportType = c.transports.find((t) => t.name === ch.transport)?.type;
    if ((ch.layout === 'imppath' || transportType === 'sw-client') && !module) {
      problems.push({
        path: `channels[${i}].module`,
        message: `no Single Window client module for message type ${ch.messageType} / 无法确定客户端业务目录`,
        fix: 'module: DECCUS001 (or MFT, SAS, IMPCEB...)',
      });
    }
    const jin2 = resolveJin2(ch, transportType, `channels[${i}]`, problems);
    if (ch.signer === CLIENT_SIGNER && transportType !== 'sw-client') {
      problems.push({
        path: `channels[${i}].signer`,
        message:
          'signer "client" leaves signing to the Single Window client, so it needs a sw-client transport / 由客户端签名时必须经单一窗口客户端发送',
        fix: 'use a sw-client transport, or a real signer',
      });
    }
    // layout imppath: the enterprise sees the client's own folders, <dir>/<module folder>/<Box>.
    const modDir =
      ch.layout === 'imppath' && base
        ? join(base, CLIENT_MODULES[module ?? '']?.folder ?? module ?? 'Others')
        : undefined;
    const boxOr = (box: string, plain: string): string =>
      modDir ? join(modDir, box) : join(base!, plain);
    if (ch.translator === 'enterprise' && !ch.translation?.mapping) {
      problems.push({
        path: `channels[${i}].translation.mapping`,
        message: 'translator enterprise needs a mapping file / 需要映射文件',
        fix: 'translation: { mapping: ./mappings/NAME.yaml } / 请指定映射文件',
      });
    }
    if (!transportNames.includes(ch.transport)) {
      problems.push({
        path: `channels[${i}].transport`,
        message: `no transport named "${ch.transport}" / 找不到传输通道`,
        fix: `use one of: ${transportNames.join(', ')} / 请使用已定义的传输通道`,
      });
    }
    const maxBytes = ch.maxBytes ?? defaultMaxBytes(ch.translator);
    return {
      name: ch.name,
      messageType: ch.messageType,
      maxBytes,
      translator: ch.translator,
      translation: {
        ...ch.translation,
        ...(ch.translation?.mapping ? { mapping: abs(ch.translation.mapping) } : {}),
        ...(ch.translation?.codesDir ? { codesDir: abs(ch.translation.codesDir) } : {}),
      },
      intake: ch.intake.map((it, j): ResolvedIntake =>
        it.type === 'folder'
          ? {
              type: it.type,
              path: it.path ? abs(it.path) : boxOr('OutBox', 'inbox'),
              pattern: it.pattern,
              stableMs: toMs(it.stableMs),
              pollMs: toMs(it.pollMs),
              doneMarker: it.doneMarker,
              attachments: it.attachments,
              maxBytes: it.maxBytes ?? maxBytes,
              concurrency: it.concurrency,
            }
          : {
              ...sftpEndpoint(it, `channels[${i}].intake[${j}]`),
              type: 'sftp',
              remoteDir: it.remoteDir,
              sentDir: it.sentDir,
              failedDir: it.failedDir,
              pattern: it.pattern,
              stableMs: toMs(it.stableMs),
              pollMs: toMs(it.pollMs),
              maxBytes: it.maxBytes ?? maxBytes,
              attachments: it.attachments,
            },
      ),
      outbox: ch.outbox ? abs(ch.outbox) : boxOr('InBox', 'outbox'),
      sent: ch.sent ? abs(ch.sent) : boxOr('SentBox', 'sent'),
      failed: ch.failed ? abs(ch.failed) : boxOr('FailBox', 'failed'),
      signer: ch.signer,
      signature: ch.signature,
      envelope: ch.envelope,
      ...(jin2 ? { jin2 } : {}),
      transport: ch.transport,
      ...(module ? { module } : {}),
      layout: ch.layout,
      receiptSlaMs: toMs(ch.receiptSlaMs),
      gatewayReceipts: ch.gatewayReceipts,
      receiptForm: ch.receiptForm,
      ...(ch.receiptMapping ? { receiptMapping: abs(ch.receiptMapping) } : {}),
    };
  });

  // Two channels sharing a folder would steal each other's files.
  const folders = channels.flatMap((ch, i) => [
    ...ch.intake.flatMap((it) =>
      it.type === 'folder' ? [[it.path, `channels[${i}].intake`] as const] : [],
    ),
    [ch.outbox, `channels[${i}].outbox`] as const,
    [ch.sent, `channels[${i}].sent`] as const,
    [ch.failed, `channels[${i}].failed`] as const,
  ]);
  for (const [p, where] of folders) {
    const first = folders.find(([q]) => q === p);
    if (first && first[1] !== where)
      problems.push({
        path: where,
        message: `folder ${p} is also used by ${first[1]} / 文件夹重复使用`,
        fix: 'give every folder one role / 每个文件夹只用于一个用途',
      });
  }

  const signers: ResolvedSigner[] = c.signers.map((s, i): ResolvedSigner => {
    if (s.type === 'soft-key') {
      const { passphrase, ...rest } = s;
      const value = passphrase
        ? readSecret(passphrase, `signers[${i}].passphrase`, abs, env, problems)
        : undefined;
      return { ...rest, key: abs(s.key), ...(value !== undefined ? { passphrase: value } : {}) };
    }
    const pin = readSecret(s.pin, `signers[${i}].pin`, abs, env, problems) ?? '';
    if (s.type === 'pcsc-card') {
      const { pin: _pin, ...rest } = s;
      return { ...rest, pin, ...(s.certificate ? { certificate: abs(s.certificate) } : {}) };
    }
    const { pin: _pin, ...rest } = s;
    return { ...rest, pin, timeoutMs: toMs(s.timeoutMs) };
  });

  const config: GatewayConfig = {
    dataDir: abs(c.dataDir),
    spoolDir: abs(c.spoolDir ?? join(c.dataDir, 'spool')),
    redis: resolveRedis(c.redis, (s, path) => readSecret(s, path, abs, env, problems)),
    log: c.log,
    http: resolveHttp(c.http, (s, path) => readSecret(s, path, abs, env, problems), problems),
    shutdownMs: toMs(c.shutdownMs),
    records: { archive: c.records.archive, archiveRetentionMs: toMs(c.records.archiveRetention) },
    ...(c.workers !== undefined ? { workers: c.workers } : {}),
    retention: {
      finishedMs: toMs(c.retention.finished),
      feedMs: toMs(c.retention.feed),
      jobsMs: toMs(c.retention.jobs),
    },
    concurrency: c.concurrency,
    retry: {
      delaysMs: parseSchedule(c.retry.schedule),
      jitter: c.retry.jitter,
      maxAgeMs: toMs(c.retry.maxAge),
    },
    limits: c.limits,
    signers,
    transports: c.transports.map((t, i): ResolvedTransport => {
      if (t.type === 'http') {
        const { tls, breaker: _b, ...rest } = t;
        return {
          ...rest,
          timeoutMs: toMs(t.timeoutMs),
          connectTimeoutMs: toMs(t.connectTimeoutMs),
          tls: resolveClientTls(
            tls,
            `transports[${i}].tls`,
            abs,
            (sec, at) => readSecret(sec, at, abs, env, problems),
            problems,
          ),
        };
      }
      if (t.type === 'amqp') {
        const { breaker: _b, ...rest } = t;
        return {
          ...rest,
          url: amqpUrl(t.url, `transports[${i}]`),
          connectTimeoutMs: toMs(t.connectTimeoutMs),
          confirmTimeoutMs: toMs(t.confirmTimeoutMs),
        };
      }
      if (t.type === 'sw-client') {
        const { pickupTimeout, pollMs, stableMs, backupDir, settingsFile, ...rest } = t;
        const impPath = abs(t.impPath);
        return {
          ...rest,
          impPath,
          ...(settingsFile ? { settingsFile: abs(settingsFile) } : {}),
          subscriptions: t.subscriptions.map((m) => m.toUpperCase()),
          zipModules: t.zipModules.map((m) => m.toUpperCase()),
          pickupTimeoutMs: toMs(pickupTimeout),
          pollMs: toMs(pollMs),
          stableMs: toMs(stableMs),
          ...(backupDir ? { backupDir: abs(backupDir) } : {}),
        };
      }
      return {
        ...sftpEndpoint(t, `transports[${i}]`),
        name: t.name,
        type: 'sftp',
        remoteDir: t.remoteDir,
      };
    }),
    breakers: Object.fromEntries(
      c.transports.map((t) => [t.name, resolveBreaker('breaker' in t ? t.breaker : undefined)]),
    ),
    receiptSources: c.receiptSources.map((r, i): ResolvedReceiptSource =>
      r.type === 'http-pull'
        ? {
            ...r,
            intervalMs: toMs(r.intervalMs),
            timeoutMs: toMs(r.timeoutMs),
            tls: resolveClientTls(
              r.tls,
              `receiptSources[${i}].tls`,
              abs,
              (sec, at) => readSecret(sec, at, abs, env, problems),
              problems,
            ),
          }
        : r.type === 'amqp'
          ? {
              ...r,
              url: amqpUrl(r.url, `receiptSources[${i}]`),
              connectTimeoutMs: toMs(r.connectTimeoutMs),
            }
          : {
              ...sftpEndpoint(r, `receiptSources[${i}]`),
              name: r.name,
              type: 'sftp',
              remoteDir: r.remoteDir,
              doneDir: r.doneDir,
              pattern: r.pattern,
              intervalMs: toMs(r.intervalMs),
              maxBytes: r.maxBytes,
              pollTimeoutMs: toMs(r.pollTimeoutMs),
            },
    ),
    channels,
  };
  return { config: deepFreeze(config), problems };
}
