import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

/** What a gateway process says about itself, for `eport status`. */
export interface WorkerEntry {
  readonly node: string;
  /** 0: the primary (intake, receipt sources, HTTP API, leases, card signing); 1..N-1: stage workers. */
  readonly index: number;
  readonly pid: number;
  readonly role: 'primary' | 'stage';
  readonly startedAt: number;
  readonly seenAt: number;
}

/** How often a process refreshes its entry; an entry older than STALE_MS is a process gone. */
export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 30_000;

/**
 * The gateway processes on one Redis, one hash field per process (`<host>/<index>`). Each process
 * refreshes its own entry; a process that stopped cleanly removes it, one that was killed leaves
 * an entry that ages out and is dropped by the next reader.
 */
export class WorkerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:workers`;
  }

  async beat(e: WorkerEntry): Promise<void> {
    await this.redis.hset(this.key, `${e.node}/${e.index}`, JSON.stringify(e));
  }

  async remove(node: string, index: number): Promise<void> {
    await this.redis.hdel(this.key, `${node}/${index}`);
  }

  /** The live entries, by node and index; stale ones are removed. */
  async list(now = Date.now()): Promise<WorkerEntry[]> {
    const all = await this.redis.hgetall(this.key);
    const live: WorkerEntry[] = [];
    for (const [field, json] of Object.entries(all)) {
      const e = JSON.parse(json) as WorkerEntry;
      if (now - e.seenAt > STALE_MS) await this.redis.hdel(this.key, field);
      else live.push(e);
    }
    return live.sort((a, b) => a.node.localeCompare(b.node) || a.index - b.index);
  }
}

/**
 * Keeps this process's entry fresh until the returned stop function is called, which removes it.
 * Redis errors are ignored: the entry is for the operator's eyes only.
 */
export function startHeartbeat(
  registry: WorkerRegistry,
  index: number,
  role: WorkerEntry['role'],
): () => Promise<void> {
  const node = hostname();
  const startedAt = Date.now();
  const beat = (): Promise<void> =>
    registry
      .beat({ node, index, pid: process.pid, role, startedAt, seenAt: Date.now() })
      .catch(() => {});
  void beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await registry.remove(node, index).catch(() => {});
  };
}
