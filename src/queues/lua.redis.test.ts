import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { evalLua } from './lua.js';
import { TEST_REDIS_URL, dropPrefix, uniquePrefix } from '../../test/helpers/redis.js';

describe('evalLua (real Redis)', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('lua');
  // Unique text per run, so that no other test has loaded this script already.
  const script = `-- ${prefix}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`;
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  it('sends a script Redis lacks (first use, a restarted Redis, a failover), then runs it by its SHA1 without sending its text again', async () => {
    const key = `${prefix}:n`;
    const before = await redis.script('EXISTS', sha1(script));
    expect(before).toEqual([0]);
    expect(await evalLua(redis, script, 1, key, 2)).toBe(2);
    expect(await redis.script('EXISTS', sha1(script))).toEqual([1]);
    const sent: string[] = [];
    const spy = (cmd: { name: string }): void => void sent.push(cmd.name);
    const original = redis.sendCommand.bind(redis);
    redis.sendCommand = ((cmd: { name: string }, ...rest: unknown[]) => {
      spy(cmd);
      return (original as (...a: unknown[]) => unknown)(cmd, ...rest);
    }) as typeof redis.sendCommand;
    try {
      expect(await evalLua(redis, script, 1, key, 3)).toBe(5);
    } finally {
      redis.sendCommand = original;
    }
    expect(sent).toEqual(['evalsha']);
  });

  it('passes a script error through', async () => {
    await expect(evalLua(redis, `-- ${prefix}\nreturn redis.call('NOPE')`, 0)).rejects.toThrow(
      /Unknown Redis command|unknown command/i,
    );
  });
});

function sha1(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}
