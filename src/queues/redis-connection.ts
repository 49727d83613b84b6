import { Redis, type RedisOptions } from 'ioredis';
import { GatewayError } from '../core/errors.js';

/** ioredis options for a redis:// or unix:// URL, as BullMQ needs them (no per-request retry limit). */
export function redisOptions(url: string): RedisOptions {
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true };
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

/**
 * A client for the gateway's own commands. `autoPipelining` sends the commands issued in one tick
 * in one write (the daemon issues many small independent ones at once under load); never for a
 * connection that blocks (BullMQ keeps its own connections).
 */
export function createRedis(url: string, opts: { autoPipelining?: boolean } = {}): Redis {
  return new Redis({
    ...redisOptions(url),
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
export function bullmqConnection(url: string): import('bullmq').ConnectionOptions {
  return redisOptions(url) as import('bullmq').ConnectionOptions;
}
