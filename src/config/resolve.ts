import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedConfig, SoftKeySignerConfig, SignerConfig, HttpTransportConfig, SftpTransportConfig, SwClientTransportConfig, AmqpTransportConfig, AmqpReceiptSourceConfig } from './schema.js';
import { CLIENT_MODULES, defaultModuleFor } from '../core/client-modules.js';

type SftpEndpointConfig = Pick<SftpTransportConfig, 'host' | 'port' | 'username' | 'privateKey' | 'passphrase' | 'knownHostKey' | 'timeoutMs'>;
import { parseSchedule, toMs } from './duration.js';
import type { TranslationOptions, TranslatorKind } from '../translators/translation-options.js';
import type { ConfigProblem } from './config-problem.js';
import type { ClientTls } from '../core/tls-client.js';
import { resolveClientTls } from './resolve-tls.js';
import { resolveBreaker, type ResolvedBreaker } from './resolve-breaker.js';
import { resolveHttp, type ResolvedHttp } from './resolve-http.js';
import type { ReceiptFormName } from '../receipts/forms/receipt-forms.js';

/** SFTP connection settings with the key and passphrase read and the timeout in ms. */
export interface ResolvedSftpEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: string;
  readonly passphrase?: string;
  readonly knownHostKey?: string | undefined;
  readonly timeoutMs: number;
}

export interface ResolvedSftpIntake extends ResolvedSftpEndpoint {
  readonly type: 'sftp';
  readonly remoteDir: string;
  readonly sentDir: string;
  readonly failedDir: string;
  readonly pattern: string;
  readonly stableMs: number;
  readonly pollMs: number;
  readonly maxBytes: number;
}

export type ResolvedIntake = ResolvedFolderIntake | ResolvedSftpIntake;

export interface ResolvedFolderIntake {
  readonly type: 'folder';
  readonly path: string;
  readonly pattern: string;
  readonly stableMs: number;
  readonly pollMs: number;
  readonly doneMarker: boolean;
  readonly maxBytes: number;
}

export interface ResolvedChannel {
  readonly name: string;
  readonly messageType: string;
  readonly translator: TranslatorKind;
  /** Translation options with their paths made absolute. */
  readonly translation: TranslationOptions;
  readonly intake: readonly ResolvedIntake[];
  readonly outbox: string;
  readonly sent: string;
  readonly failed: string;
  readonly signer: string;
  readonly signature: {
    readonly algorithm: 'rsa-sha1' | 'rsa-sha256' | 'sm2-sm3';
    readonly uris: 'chinaport-2022' | 'w3-sm2';
    readonly signatureMethodUri?: string | undefined;
    readonly digestMethodUri?: string | undefined;
    readonly digestHash?: 'sha1' | 'sha256' | 'sm3' | undefined;
    readonly sm2Encoding?: 'raw' | 'der' | undefined;
  };
  readonly envelope: {
    readonly type: 'none' | 'dxp';
    readonly senderId?: string | undefined;
    readonly receiverIds: readonly string[];
    readonly icCard?: string | undefined;
  };
  readonly transport: string;
  /** Single Window client module (FormId) of this channel, when its messages have one. */
  readonly module?: string | undefined;
  readonly layout: 'folders' | 'imppath';
  readonly receiptSlaMs: number;
  readonly gatewayReceipts: 'xml' | 'json';
  /** Largest document the channel takes, on every intake (HTTP included). */
  readonly maxBytes: number;
  readonly receiptForm: ReceiptFormName;
  /** Absolute path of the receipt mapping YAML. */
  readonly receiptMapping?: string | undefined;
}

/** A signer's settings with paths absolute, durations in ms and secrets read (never logged). */
export type ResolvedSigner =
  | (Omit<SoftKeySignerConfig, 'passphrase'> & { readonly passphrase?: string })
  | (Omit<Extract<SignerConfig, { type: 'pcsc-card' }>, 'pin'> & { readonly pin: string })
  | (Omit<Extract<SignerConfig, { type: 'eport-service' }>, 'pin' | 'timeoutMs'> & { readonly pin: string; readonly timeoutMs: number });

export interface ResolvedHttpTransport extends Omit<HttpTransportConfig, 'timeoutMs' | 'connectTimeoutMs' | 'tls' | 'breaker'> {
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly tls?: ClientTls | undefined;
}

export interface ResolvedSftpTransport extends ResolvedSftpEndpoint {
  readonly name: string;
  readonly type: 'sftp';
  readonly remoteDir: string;
}

export interface ResolvedSwClientTransport
  extends Omit<SwClientTransportConfig, 'pickupTimeout' | 'pollMs' | 'stableMs' | 'backupDir' | 'settingsFile'> {
  readonly settingsFile?: string | undefined;
  readonly pickupTimeoutMs: number;
  readonly pollMs: number;
  readonly stableMs: number;
  readonly backupDir?: string | undefined;
}

export type ResolvedTransport = ResolvedHttpTransport | ResolvedSftpTransport | ResolvedSwClientTransport | ResolvedAmqpTransport;

/** The signer name that leaves signing to the Single Window client's own card. */
export const CLIENT_SIGNER = 'client';

/** An AMQP adapter's settings with the URL (a secret: it holds the password) read and durations in ms. */
export interface ResolvedAmqpTransport extends Omit<AmqpTransportConfig, 'url' | 'connectTimeoutMs' | 'confirmTimeoutMs'> {
  readonly url: string;
  readonly connectTimeoutMs: number;
  readonly confirmTimeoutMs: number;
}

export interface ResolvedAmqpReceiptSource extends Omit<AmqpReceiptSourceConfig, 'url' | 'connectTimeoutMs'> {
  readonly url: string;
  readonly connectTimeoutMs: number;
}

export type ResolvedReceiptSource =
  | { readonly name: string; readonly type: 'http-pull'; readonly url: string; readonly intervalMs: number; readonly tls?: ClientTls | undefined; readonly maxBytes: number; readonly timeoutMs: number }
  | (ResolvedSftpEndpoint & {
      readonly name: string;
      readonly type: 'sftp';
      readonly remoteDir: string;
      readonly doneDir?: string | undefined;
      readonly pattern: string;
      readonly intervalMs: number;
      readonly maxBytes: number;
      readonly pollTimeoutMs: number;
    })
  | ResolvedAmqpReceiptSource;

/** The validated configuration with paths made absolute and durations in milliseconds. Frozen. */
export interface GatewayConfig {
  readonly dataDir: string;
  readonly redis: { readonly url?: string | undefined; readonly prefix: string; readonly serverBinary: string };
  readonly log: { readonly level: string; readonly pretty?: boolean | undefined };
  readonly http: ResolvedHttp;
  readonly shutdownMs: number;
  readonly records: { readonly archive: boolean; readonly archiveRetentionMs: number };
  readonly concurrency: ParsedConfig['concurrency'];
  readonly retry: { readonly delaysMs: readonly number[]; readonly jitter: number; readonly maxAgeMs: number };
  readonly limits: ParsedConfig['limits'];
  readonly signers: readonly ResolvedSigner[];
  readonly transports: readonly ResolvedTransport[];
  /** Circuit breaker settings by transport name (every transport has an entry). */
  readonly breakers: Readonly<Record<string, ResolvedBreaker>>;
  readonly receiptSources: readonly ResolvedReceiptSource[];
  readonly channels: readonly ResolvedChannel[];
}

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

function readSecret(
  s: { env?: string | undefined; file?: string | undefined },
  path: string,
  abs: (p: string) => string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): string | undefined {
  if (s.env) {
    const v = env[s.env];
    if (v !== undefined) return v;
    // The NAME_FILE convention (Docker and Kubernetes secrets): the variable names a file.
    const file = env[`${s.env}_FILE`];
    if (file !== undefined) return readSecret({ file }, path, abs, env, problems);
    problems.push({ path, message: `environment variable ${s.env} (or ${s.env}_FILE) is not set / 环境变量未设置`, fix: `export ${s.env}=... or ${s.env}_FILE=/run/secrets/... / 运行前设置该环境变量` });
    return undefined;
  }
  try {
    return readFileSync(abs(s.file!), 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    problems.push({ path, message: `cannot read secret file: ${(err as Error).message} / 无法读取密码文件`, fix: 'check the path and permissions; relative paths are relative to the configuration file / 检查路径和权限' });
    return undefined;
  }
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
    for (const d of duplicates(list)) problems.push({ path: label, message: `duplicate name "${d}" / 名称重复`, fix: 'give each entry a unique name / 每项使用唯一的名称' });
  }

  /** Reads an SFTP adapter's key and passphrase (secrets) and converts its timeout. */
  const sftpEndpoint = (e: SftpEndpointConfig, path: string): ResolvedSftpEndpoint => {
    const passphrase = e.passphrase ? readSecret(e.passphrase, `${path}.passphrase`, abs, env, problems) : undefined;
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
      problems.push({ path: `${path}.url`, message: 'not an amqp:// or amqps:// URL / 不是 AMQP 地址', fix: 'amqp://user:password@host:5672/vhost' });
    }
    return value;
  };

  const channels: ResolvedChannel[] = c.channels.map((ch, i) => {
    const base = ch.dir ? abs(ch.dir) : undefined;
    if (!signerNames.includes(ch.signer) && ch.signer !== CLIENT_SIGNER) {
      problems.push({ path: `channels[${i}].signer`, message: `no signer named "${ch.signer}" / 找不到签名器`, fix: `use one of: ${[...signerNames, CLIENT_SIGNER].join(', ')} / 请使用已定义的签名器` });
    }
    if (ch.name === 'orphans') {
      problems.push({ path: `channels[${i}].name`, message: '"orphans" is the feed of receipts that match no message / "orphans" 为无主回执保留', fix: 'choose another channel name' });
    }
    // A 金二 channel makes INV/SAS messages whatever its messageType says: the client's SAS module
    // unless it names another (NEMS for a 加贸账册's 核注清单).
    const module = ch.module?.toUpperCase() ?? (ch.translator === 'jin2' ? 'SAS' : defaultModuleFor(ch.messageType));
    const transportType = c.transports.find((t) => t.name === ch.transport)?.type;
    if ((ch.layout === 'imppath' || transportType === 'sw-client') && !module) {
      problems.push({ path: `channels[${i}].module`, message: `no Single Window client module for message type ${ch.messageType} / 无法确定客户端业务目录`, fix: 'module: DECCUS001 (or MFT, SAS, IMPCEB...)' });
    }
    if (ch.signer === CLIENT_SIGNER && transportType !== 'sw-client') {
      problems.push({ path: `channels[${i}].signer`, message: 'signer "client" leaves signing to the Single Window client, so it needs a sw-client transport / 由客户端签名时必须经单一窗口客户端发送', fix: 'use a sw-client transport, or a real signer' });
    }
    // layout imppath: the enterprise sees the client's own folders, <dir>/<module folder>/<Box>.
    const modDir = ch.layout === 'imppath' && base ? join(base, CLIENT_MODULES[module ?? '']?.folder ?? module ?? 'Others') : undefined;
    const boxOr = (box: string, plain: string): string => (modDir ? join(modDir, box) : join(base!, plain));
    if (ch.translator === 'enterprise' && !ch.translation?.mapping) {
      problems.push({ path: `channels[${i}].translation.mapping`, message: 'translator enterprise needs a mapping file / 需要映射文件', fix: 'translation: { mapping: ./mappings/NAME.yaml } / 请指定映射文件' });
    }
    if (!transportNames.includes(ch.transport)) {
      problems.push({ path: `channels[${i}].transport`, message: `no transport named "${ch.transport}" / 找不到传输通道`, fix: `use one of: ${transportNames.join(', ')} / 请使用已定义的传输通道` });
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
              maxBytes: it.maxBytes ?? maxBytes,
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
            },
      ),
      outbox: ch.outbox ? abs(ch.outbox) : boxOr('InBox', 'outbox'),
      sent: ch.sent ? abs(ch.sent) : boxOr('SentBox', 'sent'),
      failed: ch.failed ? abs(ch.failed) : boxOr('FailBox', 'failed'),
      signer: ch.signer,
      signature: ch.signature,
      envelope: ch.envelope,
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
    ...ch.intake.flatMap((it) => (it.type === 'folder' ? [[it.path, `channels[${i}].intake`] as const] : [])),
    [ch.outbox, `channels[${i}].outbox`] as const,
    [ch.sent, `channels[${i}].sent`] as const,
    [ch.failed, `channels[${i}].failed`] as const,
  ]);
  for (const [p, where] of folders) {
    const first = folders.find(([q]) => q === p);
    if (first && first[1] !== where) problems.push({ path: where, message: `folder ${p} is also used by ${first[1]} / 文件夹重复使用`, fix: 'give every folder one role / 每个文件夹只用于一个用途' });
  }

  const signers: ResolvedSigner[] = c.signers.map((s, i): ResolvedSigner => {
    if (s.type === 'soft-key') {
      const { passphrase, ...rest } = s;
      const value = passphrase ? readSecret(passphrase, `signers[${i}].passphrase`, abs, env, problems) : undefined;
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
    redis: c.redis,
    log: c.log,
    http: resolveHttp(c.http, (s, path) => readSecret(s, path, abs, env, problems), problems),
    shutdownMs: toMs(c.shutdownMs),
    records: { archive: c.records.archive, archiveRetentionMs: toMs(c.records.archiveRetention) },
    concurrency: c.concurrency,
    retry: { delaysMs: parseSchedule(c.retry.schedule), jitter: c.retry.jitter, maxAgeMs: toMs(c.retry.maxAge) },
    limits: c.limits,
    signers,
    transports: c.transports.map((t, i): ResolvedTransport => {
      if (t.type === 'http') {
        const { tls, breaker: _b, ...rest } = t;
        return {
          ...rest,
          timeoutMs: toMs(t.timeoutMs),
          connectTimeoutMs: toMs(t.connectTimeoutMs),
          tls: resolveClientTls(tls, `transports[${i}].tls`, abs, (sec, at) => readSecret(sec, at, abs, env, problems), problems),
        };
      }
      if (t.type === 'amqp') {
        const { breaker: _b, ...rest } = t;
        return { ...rest, url: amqpUrl(t.url, `transports[${i}]`), connectTimeoutMs: toMs(t.connectTimeoutMs), confirmTimeoutMs: toMs(t.confirmTimeoutMs) };
      }
      if (t.type === 'sw-client') {
        const { pickupTimeout, pollMs, stableMs, backupDir, settingsFile, ...rest } = t;
        const impPath = abs(t.impPath);
        return {
          ...rest,
          impPath,
          ...(settingsFile ? { settingsFile: abs(settingsFile) } : {}),
          subscriptions: t.subscriptions.map((m) => m.toUpperCase()),
          pickupTimeoutMs: toMs(pickupTimeout),
          pollMs: toMs(pollMs),
          stableMs: toMs(stableMs),
          ...(backupDir ? { backupDir: abs(backupDir) } : {}),
        };
      }
      return { ...sftpEndpoint(t, `transports[${i}]`), name: t.name, type: 'sftp', remoteDir: t.remoteDir };
    }),
    breakers: Object.fromEntries(c.transports.map((t) => [t.name, resolveBreaker('breaker' in t ? t.breaker : undefined)])),
    receiptSources: c.receiptSources.map((r, i): ResolvedReceiptSource =>
      r.type === 'http-pull'
        ? { ...r, intervalMs: toMs(r.intervalMs), timeoutMs: toMs(r.timeoutMs), tls: resolveClientTls(r.tls, `receiptSources[${i}].tls`, abs, (sec, at) => readSecret(sec, at, abs, env, problems), problems) }
        : r.type === 'amqp'
          ? { ...r, url: amqpUrl(r.url, `receiptSources[${i}]`), connectTimeoutMs: toMs(r.connectTimeoutMs) }
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
