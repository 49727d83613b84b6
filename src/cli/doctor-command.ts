import type { Command } from 'commander';
import { access, constants, mkdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/resolve.js';
import { redactAmqpUrl } from '../amqp/amqp-errors.js';
import { isGatewayError } from '../core/errors.js';
import { createRedis } from '../queues/redis-connection.js';
import { assertNoEviction } from '../queues/redis-connection.js';
import { createSigner } from '../signing/signer-registry.js';
import { createLogger } from '../core/logger.js';

const silentLogger = () => createLogger({ level: 'silent', pretty: false });
import { certificateStatus } from '../signing/certificate-watch.js';
import { clientCertificateFindings } from './doctor-tls.js';

import type { Finding, Level } from './doctor/finding.js';
import { checkClockSkew, checkRedisPersistence } from './doctor/redis-checks.js';
import { checkEndpoint } from './doctor/endpoint-checks.js';
import { checkFilesystems } from './doctor/filesystem-checks.js';
import { certificateFix, checkPcscd } from './doctor/card-checks.js';

const MARK: Record<Level, string> = { ok: '✓', warn: '!', fail: '✗' };

async function checkRedis(config: GatewayConfig): Promise<Finding[]> {
  if (!config.redis.url) {
    try {
      const v = execFileSync(config.redis.serverBinary, ['--version'], { encoding: 'utf8' }).trim();
      return [{ level: 'ok', what: 'redis (managed / 内置)', detail: v }];
    } catch {
      return [{ level: 'fail', what: 'redis (managed / 内置)', detail: `${config.redis.serverBinary} not found / 未安装: apt-get install redis-server, or set redis.url` }];
    }
  }
  const redis = createRedis(config.redis.url);
  redis.on('error', () => {});
  try {
    await Promise.race([redis.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 3000))]);
    const out: Finding[] = [{ level: 'ok', what: 'redis', detail: 'reachable / 可连接' }];
    try {
      await assertNoEviction(redis);
      out.push({ level: 'ok', what: 'redis maxmemory-policy', detail: 'noeviction' });
    } catch (err) {
      out.push({
        level: 'fail',
        what: 'redis maxmemory-policy',
        detail: isGatewayError(err) ? (err.details[0]?.en ?? err.message) : String(err),
        fix: 'redis-cli CONFIG SET maxmemory-policy noeviction; and in redis.conf: maxmemory-policy noeviction',
      });
    }
    out.push(...(await checkRedisPersistence(redis)), await checkClockSkew(redis));
    return out;
  } catch (err) {
    return [{ level: 'fail', what: 'redis', detail: `cannot reach ${config.redis.url}: ${(err as Error).message} / 无法连接`, fix: 'start Redis (systemctl start redis-server) or correct redis.url / 启动 Redis 或修正 redis.url' }];
  } finally {
    redis.disconnect();
  }
}

async function checkSigners(config: GatewayConfig): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const s of config.signers) {
    try {
      const signer = await createSigner(s, silentLogger());
      let st;
      try {
        st = await Promise.race([
          certificateStatus(signer),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s / 10 秒内无响应')), 10_000).unref()),
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
      const fix = d?.fixEn ? `${d.fixEn}${d.fixZh ? ` / ${d.fixZh}` : ''}` : 'see the signer section of the README (card in the reader? PIN file? key file path?) / 参见 README 签名器一节';
      out.push({ level: 'fail', what: `signer ${s.name}`, detail: isGatewayError(err) ? `${d?.zh ?? ''} / ${d?.en ?? err.message}` : String(err), fix });
    }
  }
  return out;
}

async function checkFolders(config: GatewayConfig): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const ch of config.channels) {
    for (const [role, dir] of [...ch.intake.flatMap((i) => (i.type === 'folder' ? [['inbox', i.path] as const] : [])), ['outbox', ch.outbox] as const, ['sent', ch.sent] as const, ['failed', ch.failed] as const]) {
      try {
        await mkdir(dir, { recursive: true });
        await access(dir, constants.W_OK | constants.R_OK);
        out.push({ level: 'ok', what: `${ch.name} ${role}`, detail: dir });
      } catch (err) {
        out.push({ level: 'fail', what: `${ch.name} ${role}`, detail: `${dir}: ${(err as Error).message} / 无法读写` });
      }
    }
  }
  try {
    await mkdir(join(config.dataDir, 'spool'), { recursive: true, mode: 0o700 });
    out.push({ level: 'ok', what: 'dataDir', detail: config.dataDir });
  } catch (err) {
    out.push({ level: 'fail', what: 'dataDir', detail: `${config.dataDir}: ${(err as Error).message}` });
  }
  return out;
}

/** Every endpoint the gateway talks to: customs routes, receipt sources, the E-Port control. */
async function checkRoutes(config: GatewayConfig): Promise<Finding[]> {
  // An AMQP URL holds the password: checkEndpoint shows only its host.
  const urlOf = (x: { type: string; url?: string; host?: string; port?: number }): string => (x.type === 'sftp' ? `sftp://${x.host}:${x.port}` : x.url!);
  const targets = [
    // A Single Window client route is folders on this machine, not an endpoint.
    ...config.transports.flatMap((t) => (t.type === 'sw-client' ? [] : [{ what: `transport ${t.name}`, url: urlOf(t), ...(t.type === 'http' ? { headers: t.headers } : {}) }])),
    ...config.receiptSources.map((r) => ({ what: `receipts ${r.name}`, url: urlOf(r) })),
    ...config.signers.flatMap((s) => (s.type === 'eport-service' ? [{ what: `signer ${s.name} control`, url: s.url }] : [])),
  ];
  return (await Promise.all(targets.map((t) => checkEndpoint(t)))).flat();
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check a configuration against this machine: Redis, keys and certificates, folders, routes / 运行环境自检')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { config: string }) => {
      let config: GatewayConfig;
      try {
        config = loadConfig(opts.config);
      } catch (err) {
        console.error(err instanceof ConfigError ? err.message : String(err));
        process.exit(2);
      }
      const findings: Finding[] = [
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
    });
}
