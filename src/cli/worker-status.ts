import type { Redis } from 'ioredis';
import { WorkerRegistry } from '../queues/worker-registry.js';

const ago = (ms: number): string =>
  ms < 120_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)}m`;

/** `eport status`: the gateway processes on this Redis (primary and stage workers), as lines. */
export async function workerStatusLines(
  redis: Redis,
  prefix: string,
  now = Date.now(),
): Promise<string[]> {
  const entries = await new WorkerRegistry(redis, prefix).list(now);
  if (!entries.length) return ['processes / 进程: none running / 未运行'];
  return [
    `processes / 进程 (${entries.length}):`,
    ...entries.map(
      (e) =>
        `  ${`${e.node}/${e.index}`.padEnd(24)} pid ${String(e.pid).padEnd(8)} ${
          e.role === 'primary'
            ? 'primary: intake, receipts, HTTP API, leases, cards / 主进程'
            : 'stage worker / 阶段工作进程'
        }  up ${ago(now - e.startedAt)}, seen ${ago(now - e.seenAt)} ago`,
    ),
  ];
}
