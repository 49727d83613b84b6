import { Redis, type RedisOptions } from 'ioredis';
import { GatewayError } from '../core/errors.js';
import type { ResolvedRedis } from '../config/resolve.js';

/** A Redis given by URL, or by the Sentinels that know its current master. */
export type RedisTarget = string | SentinelTarget;

export interface SentinelTarget {
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  /** The master group name (`sentinel monitor NAME ...`). */
  readonly name: string;
  readonly password?: string | undefined;
  readonly sentinelPassword?: string | undefined;
  readonly db?: number | undefined;
}

/**
 * After a failover the old master, demoted to a replica, answers writes with READONLY until the
 * client moves: reconnecting (through the sentinels) and sending the refused command again is
 * safe, since a refused write did nothing.
 */
export function reconnectOnReadOnly(err: Error): 2 | false {
  return err.message.includes('READONLY') ? 2 : false;
}

/** ioredis options for a target, as BullMQ needs them (no per-request retry limit). */
export function redisOptions(target: RedisTarget): RedisOptions {
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true };
  if (typeof target !== 'string')
    return {
      ...base,
      sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: target.name,
      role: 'master',
      // Sentinels announce a switch of master: connections move at once, not on their next error.
      failoverDetector: true,
      reconnectOnError: reconnectOnReadOnly,
      ...(target.password !== undefined ? { password: target.password } : {}),
      ...(target.sentinelPassword !== undefined
        ? { sentinelPassword: target.sentinelPassword }
        : {}),
      ...(target.db !== undefined ? { db: target.db } : {}),
    };
  const url = target;
  if (url.startsWith('unix://')) return { ...base, path: url.slice('unix://'.length) };
  const u = new URL(url);
  return {
    ...base,
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The target for logs and messages, without passwords. */
export function describeRedis(target: RedisTarget): string {
  if (typeof target === 'string') return target.replace(/\/\/[^@/]*@/, '//***@');
  const hosts = target.sentinels.map(
    (s) => (s.host.includes(':') ? `[${s.host}]` : s.host) + `:${s.port}`,
  );
  return `sentinel master "${target.name}" via ${hosts.join(', ')}`;
}

/** The target of a resolved `redis` section; undefined when the gateway runs its own Redis. */
export function configuredRedis(redis: ResolvedRedis): RedisTarget | undefined {
  if (redis.url) return redis.url;
  if (!redis.sentinels) return undefined;
  return {
    sentinels: redis.sentinels,
    name: redis.name,
    password: redis.password,
    sentinelPassword: redis.sentinelPassword,
    db: redis.db,
  };
}

/**
 * A client for the gateway's own commands. `autoPipelining` sends the commands issued in one tick
 * in one write (the daemon issues many small independent ones at once under load); never for a
 * connection that blocks (BullMQ keeps its own connections).
 */
export function createRedis(target: RedisTarget, opts: { autoPipelining?: boolean } = {}): Redis {
  return new Redis({
    ...redisOptions(target),
    ...(opts.autoPipelining ? { enableAutoPipelining: true } : {}),
  });
}

/**
 * Refuses a Redis that may evict keys: an evicted job or ledger record is a lost declaration.
 * Falls back to INFO where CONFIG is disabled (managed Redis services).
 */
export async function assertNoEviction(client: Redis): Promise<void> {
  let policy: string | undefined;
  try {
    const res = (await client.config('GET', 'maxmemory-policy')) as string[];
    policy = res[1];
  } catch {
    const info = await client.info('memory');
    policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
  }
  if (policy !== 'noeviction') {
    throw new GatewayError('GW_ERR_REDIS_EVICTION', {
      where: `maxmemory-policy=${policy ?? 'unknown'}`,
      zh: `Redis 的 maxmemory-policy 为 ${policy ?? '未知'}，可能丢弃队列数据`,
      en: `Redis maxmemory-policy is ${policy ?? 'unknown'}, which can drop queued data`,
      fixZh: '执行 CONFIG SET maxmemory-policy noeviction 并写入 redis.conf',
      fixEn: 'run CONFIG SET maxmemory-policy noeviction and put it in redis.conf',
    });
  }
}

/** The same options typed for BullMQ, which declares its own (structurally looser) option type. */
export function bullmqConnection(target: RedisTarget): import('bullmq').ConnectionOptions {
  return redisOptions(target) as import('bullmq').ConnectionOptions;
}
