import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { archiveToFailed } from './outcomes.js';
import type { ArchiveDeps } from './outcomes.js';
import { redisArchiveLeases } from './lease.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

/** archiveToFailed under its lease: one mover at a time, and never another mover's lease deleted. */
describe('archiveToFailed lease (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('archive-lease');
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });
  const key = (id: string) => `${prefix}:lock:archive:${id}`;
  /** Only what archiveToFailed touches before it decides there is nothing to move. */
  const deps = (get: (id: string) => Promise<undefined>) =>
    ({
      archiveLeases: redisArchiveLeases(redis, prefix),
      ledger: { get },
    }) as unknown as ArchiveDeps;

  it('leaves the move to the caller that holds the lease', async () => {
    await redis.set(key('m1'), 'other-caller', 'PX', 10_000);
    let read = false;
    await archiveToFailed(
      deps(async () => ((read = true), undefined)),
      'm1',
    );
    expect(read).toBe(false);
    expect(await redis.get(key('m1'))).toBe('other-caller');
  });

  it('does not delete the lease of a caller that took it over after its own ran out', async () => {
    await archiveToFailed(
      deps(async () => {
        // This call was slow: its lease expired and another caller took the move over.
        await redis.set(key('m2'), 'next-caller', 'PX', 10_000);
        return undefined;
      }),
      'm2',
    );
    expect(await redis.get(key('m2'))).toBe('next-caller');
  });

  it('gives its own lease up when done', async () => {
    await archiveToFailed(
      deps(async () => undefined),
      'm3',
    );
    expect(await redis.get(key('m3'))).toBeNull();
  });
});
