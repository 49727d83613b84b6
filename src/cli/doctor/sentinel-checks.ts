import { Redis } from 'ioredis';
import type { SentinelTarget } from '../../queues/redis-connection.js';
import type { Finding } from './finding.js';

const WHAT = 'redis sentinel';

/** One sentinel's view of the master group, or why it could not be asked. */
interface SentinelView {
  readonly address: string;
  readonly error?: string;
  readonly master?: string;
  readonly replicas?: number;
  readonly quorum?: string;
}

/** Field → value of a `SENTINEL MASTER` / `SENTINEL REPLICAS` entry (a flat list). */
function fields(flat: unknown): Map<string, string> {
  const list = (Array.isArray(flat) ? flat : []) as string[];
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) out.set(String(list[i]), String(list[i + 1]));
  return out;
}

async function ask(
  s: { host: string; port: number },
  target: SentinelTarget,
  timeoutMs: number,
): Promise<SentinelView> {
  const address = `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`;
  const client = new Redis({
    host: s.host,
    port: s.port,
    ...(target.sentinelPassword !== undefined ? { password: target.sentinelPassword } : {}),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const addr = (await client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', target.name)) as
      string[] | null;
    if (!addr) return { address, error: `does not monitor a master named "${target.name}"` };
    const replicas = ((await client.call('SENTINEL', 'REPLICAS', target.name)) as unknown[]).filter(
      (r) => !/s_down|o_down|disconnected/.test(fields(r).get('flags') ?? ''),
    ).length;
    const quorum = await client
      .call('SENTINEL', 'CKQUORUM', target.name)
      .then(String)
      .catch((err: Error) => err.message);
    return { address, master: `${addr[0]}:${addr[1]}`, replicas, quorum };
  } catch (err) {
    return { address, error: (err as Error).message };
  } finally {
    client.disconnect();
  }
}

/**
 * What the sentinels say about the master group: each must answer and name the same master, a
 * majority must be able to authorise a failover (CKQUORUM), and a healthy replica must exist to
 * fail over to.
 */
export async function checkSentinels(target: SentinelTarget, timeoutMs = 2000): Promise<Finding[]> {
  const views = await Promise.all(target.sentinels.map((s) => ask(s, target, timeoutMs)));
  const answered = views.filter((v) => v.master);
  const out: Finding[] = views
    .filter((v) => v.error)
    .map((v) => ({
      level: 'warn' as const,
      what: WHAT,
      detail: `${v.address}: ${v.error} / 哨兵无应答或未监控该主库`,
      fix: `check that redis-sentinel runs there, redis.name ("${target.name}") and redis.sentinelPassword / 检查哨兵进程、redis.name 与 redis.sentinelPassword`,
    }));
  if (!answered.length)
    return [
      {
        level: 'fail',
        what: WHAT,
        detail: `no sentinel names a master "${target.name}" / 没有哨兵给出主库地址`,
        fix: 'start redis-sentinel, or correct redis.sentinels and redis.name / 启动哨兵或修正 redis.sentinels 与 redis.name',
      },
      ...out,
    ];
  const masters = [...new Set(answered.map((v) => v.master))];
  if (masters.length > 1)
    out.push({
      level: 'fail',
      what: WHAT,
      detail: `the sentinels disagree on the master: ${masters.join(', ')} / 哨兵给出的主库不一致`,
      fix: 'the sentinels watch different groups or are split: check each sentinel.conf / 检查各哨兵配置',
    });
  const first = answered[0]!;
  const quorumOk = answered.some((v) => v.quorum?.startsWith('OK'));
  out.push(
    quorumOk
      ? {
          level: 'ok',
          what: WHAT,
          detail: `master "${target.name}" at ${first.master}, ${answered.length} of ${views.length} sentinels answer, quorum reachable / 哨兵正常`,
        }
      : {
          level: 'warn',
          what: WHAT,
          detail: `${first.quorum ?? 'quorum not reachable'}: a failover could not be authorised / 哨兵不足以完成故障切换`,
          fix: 'run at least three sentinels on separate machines and check their quorum setting / 至少运行三个哨兵',
        },
  );
  if (!first.replicas)
    out.push({
      level: 'warn',
      what: WHAT,
      detail:
        'the master has no healthy replica: there is nothing to fail over to / 主库没有可用的副本',
      fix: 'start a replica (replicaof MASTER PORT) that the sentinels can see / 启动一个副本',
    });
  return out;
}
