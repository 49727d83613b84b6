import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const shas = new Map<string, string>();

/**
 * Runs a Lua script by its SHA1 (EVALSHA), sending the script itself only when Redis does not
 * have it yet (NOSCRIPT: first use, a restarted Redis, a Sentinel failover). The ledger runs
 * dozens of scripts per declaration; sending each one's text every time made socket writes the
 * largest item of the gateway's CPU profile.
 */
export async function evalLua(
  redis: Redis,
  script: string,
  numKeys: number,
  ...args: (string | number | Buffer)[]
): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, numKeys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(script, numKeys, ...args);
  }
}
