import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The test Redis (CI starts one on 127.0.0.1:6379); each test uses its own key prefix. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label: string): string {
  return `eport-test-${label}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under the prefix. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
