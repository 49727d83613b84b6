import type { Redis } from 'ioredis';
import type { Finding } from './finding.js';

/** `INFO` text as key → value. */
function infoMap(text: string): Map<string, string> {
  return new Map(
    text
      .split('\r\n')
      .filter((l) => l.includes(':') && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)] as [string, string]),
  );
}

/**
 * Redis durability: a queued message lives only in Redis until it is sent, so Redis must write
 * it to disk (AOF), not lose writes silently (failed fsync or rewrite), and not run out of memory.
 */
export async function checkRedisPersistence(redis: Redis): Promise<Finding[]> {
  const info = infoMap(await redis.info());
  const out: Finding[] = [];
  const what = 'redis persistence';
  if (info.get('aof_enabled') !== '1') {
    out.push({
      level: 'warn',
      what,
      detail:
        'AOF off: messages queued since the last snapshot are lost if Redis restarts / 未开启 AOF，Redis 重启会丢失排队中的报文',
      fix: 'redis-cli CONFIG SET appendonly yes; and in redis.conf: appendonly yes / 在 redis.conf 中设置 appendonly yes',
    });
  } else {
    const fsync = (await redis.config('GET', 'appendfsync').catch(() => [])) as string[];
    const policy = fsync[1] ?? 'unknown';
    out.push(
      policy === 'no'
        ? {
            level: 'warn',
            what,
            detail:
              'AOF on, appendfsync no: the last ~30 s of writes may be lost on a power cut / 断电可能丢失约 30 秒数据',
            fix: 'appendfsync everysec in redis.conf / 设置 appendfsync everysec',
          }
        : { level: 'ok', what, detail: `AOF on, appendfsync ${policy}` },
    );
  }
  for (const [key, label] of [
    ['aof_last_write_status', 'last AOF write'],
    ['aof_last_bgrewrite_status', 'last AOF rewrite'],
    ['rdb_last_bgsave_status', 'last snapshot'],
  ] as const) {
    const v = info.get(key);
    if (v && v !== 'ok') {
      out.push({
        level: 'fail',
        what: 'redis disk writes',
        detail: `${label}: ${v} / Redis 写盘失败`,
        fix: `free disk space or fix permissions of Redis's dir (redis-cli CONFIG GET dir), then check the Redis log / 检查 Redis 目录的磁盘空间与权限`,
      });
    }
  }
  const max = Number(info.get('maxmemory') ?? 0);
  const used = Number(info.get('used_memory') ?? 0);
  if (max > 0 && used / max > 0.8) {
    out.push({
      level: 'warn',
      what: 'redis memory',
      detail: `${Math.round((used / max) * 100)}% of maxmemory in use; at 100% with noeviction every write fails / 内存即将用满`,
      fix: 'raise maxmemory in redis.conf, or find what fills it (queues backing up? eport status) / 调大 maxmemory 或检查积压',
    });
  }
  return out;
}

/**
 * This machine's clock against Redis's: leases, delays and the audit log's time all come from
 * one or the other, and customs rejects messages stamped far from its own time.
 */
export async function checkClockSkew(redis: Redis, now: () => number = Date.now): Promise<Finding> {
  const before = now();
  const [sec, usec] = await redis.time();
  const after = now();
  const redisMs = Number(sec) * 1000 + Number(usec) / 1000;
  // The Redis clock was read somewhere between before and after; compare with the midpoint.
  const skew = Math.round(redisMs - (before + after) / 2);
  const abs = Math.abs(skew);
  const detail = `this machine is ${abs} ms ${skew > 0 ? 'behind' : 'ahead of'} Redis / 本机与 Redis 时钟相差 ${abs} 毫秒`;
  if (abs < 1000) return { level: 'ok', what: 'clock skew', detail };
  return {
    level: abs < 30_000 ? 'warn' : 'fail',
    what: 'clock skew',
    detail,
    fix: 'synchronise both clocks: apt-get install chrony (or timedatectl set-ntp true) on this machine and the Redis host / 安装 chrony 或开启 NTP 对时',
  };
}
