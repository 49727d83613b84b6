import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import type { Spawned } from './process.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from './redis.js';

/** What a test of spawned daemons works in: a folder, a Redis key prefix and the processes it started. */
export interface SpawnedWorkspace {
  readonly prefix: string;
  readonly dir: string;
  readonly redis: Redis;
  /** Processes to SIGKILL when the file's tests end. */
  readonly procs: Spawned[];
}

/**
 * Sets up a workspace for the tests of one file and registers its clean-up: every process started
 * is killed, the Redis prefix dropped, and (with removeDir) the folder removed.
 */
export function spawnedWorkspace(
  label: string,
  options: { removeDir?: boolean } = {},
): SpawnedWorkspace {
  const ws: SpawnedWorkspace = {
    prefix: uniquePrefix(label),
    dir: mkdtempSync(join(tmpdir(), `eport-${label}-`)),
    redis: new Redis(TEST_REDIS_URL),
    procs: [],
  };
  afterAll(async () => {
    for (const p of ws.procs) p.child.kill('SIGKILL');
    await dropPrefix(ws.redis, ws.prefix);
    ws.redis.disconnect();
    if (options.removeDir) rmSync(ws.dir, { recursive: true, force: true });
  });
  return ws;
}
