import { access, constants, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { ConfigProblem } from '../config/config-error.js';
import type { GatewayConfig } from '../config/resolve.js';
import { redactAmqpUrl } from '../amqp/amqp-errors.js';
import { isGatewayError } from '../core/errors.js';
import { formatErrorLine, reportError } from './format-error.js';
import { clientCertificateFindings } from './doctor-tls.js';

import type { Finding, Level } from './doctor/finding.js';
import { checkClockSkew, checkRedisPersistence } from './doctor/redis-checks.js';
import { checkSentinels } from './doctor/sentinel-checks.js';
import { checkEndpoint } from './doctor/endpoint-checks.js';
import { checkFilesystems } from './doctor/filesystem-checks.js';
import { certificateFix, checkPcscd } from './doctor/card-checks.js';

const MARK: Record<Level, string> = { ok: '✓', warn: '!', fail: '✗' };

async function checkRedis(config: GatewayConfig): Promise<Finding[]> {
  const { configuredRedis, createRedis, assertNoEviction, describeRedis } =
    await import('../queues/redis-connection.js');
  const target = configuredRedis(config.redis);
  if (!target) {
    try {
      const v = execFileSync(config.redis.serverBinary, ['--version'], { encoding: 'utf8' }).trim();
      return [{ level: 'ok', what: 'redis (managed / 内置)', detail: v }];
    } catch {
      return [
        {
          level: 'fail',
          what: 'redis (managed / 内置)',
          detail: `${config.redis.serverBinary} not found / 未安装: apt-get install redis-server, or set redis.url`,
        },
      ];
    }
  }
  const sentinel = typeof target !== 'string' ? await checkSentinels(target) : [];
  if (sentinel.some((f) => f.level === 'fail')) return sentinel;
  const redis = createRedis(target);
  redis.on('error', () => {});
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 3000)),
    ]);
    const out: Finding[] = [
      ...sentinel,
      { level: 'ok', what: 'redis', detail: `${describeRedis(target)}: reachable / 可连接` },
    ];
    try {
      await assertNoEviction(redis);
      out.push({ level: 'ok', what: 'redis maxmemory-policy', detail: 'noeviction' });
    } catch (err) {
      out.push({
        level: 'fail',
        what: 'redis maxmemory-policy',
        detail: formatErrorLine(err),
        fix: 'redis-cli CONFIG SET maxmemory-policy noeviction; and in redis.conf: maxmemory-policy noeviction',
      });
    }
    out.push(...(await checkRedisPersistence(redis)), await checkClockSkew(redis));
    return out;
  } catch (err) {
    return [
      {
        level: 'fail',
        what: 'redis',
        detail: `cannot reach ${describeRedis(target)}: ${(err as Error).message} / 无法连接`,
        fix:
          typeof target === 'string'
            ? 'start Redis (systemctl start redis-server) or correct redis.url / 启动 Redis 或修正 redis.url'
            : 'the sentinels name a master this machine cannot reach: check its address (sentinel announce-ip) and redis.password / 检查哨兵公布的主库地址与 redis.password',
      },
    ];
  } finally {
    redis.disconnect();
  }
}

async function checkSigners(config: GatewayConfig): Promise<Finding[]> {
  const { createSigner } = await import('../signing/signer-registry.js');
  const { certificateStatus } = await import('../signing/certificate-watch.js');
  const { createLogger } = await import('../core/logger.js');
  const out: Finding[] = [];
  for (const s of config.signers) {
    try {
      const signer = await createSigner(s, createLogger({ level: 'silent', pretty: false }));
      let st;
      try {
        st = await Promise.race([
          certificateStatus(signer),
          new Promise<never>((_, reject) =>
            setTimeout(
              () => reject(new Error('no answer within 10 s / 10 秒内无响应')),
              10_000,
            ).unref(),
          ),
        ]);
      } finally {
        await signer.close();
      }
      const detail = `certNo ${st.certNo}, ${st.subject}, expires / 到期 ${st.notAfter.toISOString().slice(0, 10)} (${st.daysLeft} days / 天)`;
      const level = st.level === 'ok' ? 'ok' : st.level === 'expired' ? 'fail' : 'warn';
      const fix = certificateFix(level, st.notAfter);
      out.push({ level, what: `signer ${s.name}`, detail, ...(fix ? { fix } : {}) });
    } catch (err) {
      const d = isGatewayError(err) ? err.details[0] : undefined;
      const fix = d?.fixEn
        ? `${d.fixEn}${d.fixZh ? ` / ${d.fixZh}` : ''}`
        : 'see the signer section of the README (card in the reader? PIN file? key file path?) / 参见 README 签名器一节';
      out.push({ level: 'fail', what: `signer ${s.name}`, detail: formatErrorLine(err), fix });
    }
  }
  return out;
}

/**
 * A folder the gateway needs: there and readable/writable, or missing. Doctor only looks: `start`
 * creates missing folders, so a missing one is a warning when its parent lets the gateway create it.
 */
async function checkFolder(what: string, dir: string): Promise<Finding> {
  const st = await stat(dir).catch(() => undefined);
  if (st) {
    if (!st.isDirectory())
      return { level: 'fail', what, detail: `${dir} is not a folder / 不是文件夹` };
    return access(dir, constants.W_OK | constants.R_OK).then(
      () => ({ level: 'ok' as const, what, detail: dir }),
      () => ({
        level: 'fail' as const,
        what,
        detail: `${dir}: not readable and writable by this user / 当前用户无法读写`,
      }),
    );
  }
  let parent = dirname(dir);
  while (parent !== dirname(parent) && !(await stat(parent).catch(() => undefined)))
    parent = dirname(parent);
  const creatable = await access(parent, constants.W_OK).then(
    () => true,
    () => false,
  );
  return creatable
    ? {
        level: 'warn',
        what,
        detail: `${dir} does not exist yet; \`eport start\` creates it / 文件夹不存在，启动时将自动创建`,
      }
    : {
        level: 'fail',
        what,
        detail: `${dir} does not exist and ${parent} is not writable: create it (mkdir -p) for the gateway user / 文件夹不存在且无法创建`,
      };
}

async function checkFolders(config: GatewayConfig): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const ch of config.channels) {
    for (const [role, dir] of [
      ...ch.intake.flatMap((i) => (i.type === 'folder' ? [['inbox', i.path] as const] : [])),
      ['outbox', ch.outbox] as const,
      ['sent', ch.sent] as const,
      ['failed', ch.failed] as const,
    ]) {
      out.push(await checkFolder(`${ch.name} ${role}`, dir));
    }
  }
  out.push(await checkFolder('dataDir', config.dataDir));
  return out;
}

/** Files the configuration names (keys, mappings, code tables…), as `config check` reports them. */
function fileFindings(problems: readonly ConfigProblem[]): Finding[] {
  return problems.map((p) => ({
    level: 'fail',
    what: p.path,
    detail: `${p.message}${p.fix ? ` — ${p.fix}` : ''}`,
  }));
}

/** Every endpoint the gateway talks to: customs routes, receipt sources, the E-Port control. */
async function checkRoutes(config: GatewayConfig): Promise<Finding[]> {
  // An AMQP URL holds the password: checkEndpoint shows only its host.
  const urlOf = (x: { type: string; url?: string; host?: string; port?: number }): string =>
    x.type === 'sftp' ? `sftp://${x.host}:${x.port}` : x.url!;
  const targets = [
    // A Single Window client route is folders on this machine, not an endpoint.
    ...config.transports.flatMap((t) =>
      t.type === 'sw-client'
        ? []
        : [
            {
              what: `transport ${t.name}`,
              url: urlOf(t),
              ...(t.type === 'http' ? { headers: t.headers } : {}),
            },
          ],
    ),
    ...config.receiptSources.map((r) => ({ what: `receipts ${r.name}`, url: urlOf(r) })),
    ...config.signers.flatMap((s) =>
      s.type === 'eport-service' ? [{ what: `signer ${s.name} control`, url: s.url }] : [],
    ),
  ];
  return (await Promise.all(targets.map((t) => checkEndpoint(t)))).flat();
}

/** `eport doctor`: every check, each problem with its fix. */
export async function runDoctor(opts: { config: string }): Promise<void> {
  const { checkConfigFile } = await import('../config/check.js');
  const { ConfigError } = await import('../config/config-error.js');
  const { config, problems } = await checkConfigFile(opts.config);
  if (!config) {
    reportError(new ConfigError(opts.config, problems));
    return;
  }
  const findings: Finding[] = [
    ...fileFindings(problems),
    ...(await checkRedis(config)),
    ...(await checkPcscd(config)),
    ...(await checkSigners(config)),
    ...(await checkFolders(config)),
    ...(await checkFilesystems(config)),
    ...(await checkRoutes(config)),
    ...clientCertificateFindings(config),
  ];
  for (const f of findings) {
    console.log(`${MARK[f.level]} ${f.what.padEnd(26)} ${f.detail}`);
    if (f.fix && f.level !== 'ok') console.log(`  ${' '.repeat(26)} fix / 修正: ${f.fix}`);
  }
  const fails = findings.filter((f) => f.level === 'fail').length;
  const warns = findings.filter((f) => f.level === 'warn').length;
  console.log(`\n${fails} problem(s), ${warns} warning(s) / ${fails} 个错误，${warns} 个警告`);
  process.exitCode = fails ? 1 : 0;
}
