import { describe, expect, it } from 'vitest';
import { parseConfigText } from './load.js';
import {
  configuredRedis,
  describeRedis,
  reconnectOnReadOnly,
  redisOptions,
} from '../queues/redis-connection.js';

const config = (redis: string) => `
redis: ${redis}
signers: [{ name: k1, type: soft-key, key: ./k.pem }]
transports: [{ name: t, type: http, url: "http://127.0.0.1:1/x" }]
channels: [{ name: declaration, dir: ./declaration, signer: k1, transport: t }]
`;

describe('redis config: url, sentinels or managed', () => {
  it('reads sentinels, the group name, both passwords and the db', () => {
    const { config: c, problems } = parseConfigText(
      config(
        '{ sentinels: ["10.0.0.5:26379", "sentinel-b:26380", "[::1]:26381"], name: customs, password: { env: RP }, sentinelPassword: { env: SP }, db: 2, prefix: gw }',
      ),
      '/etc/eport/gw.yaml',
      { RP: 'master-secret', SP: 'sentinel-secret' },
    );
    expect(problems).toEqual([]);
    expect(c!.redis).toEqual({
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'customs',
      password: 'master-secret',
      sentinelPassword: 'sentinel-secret',
      db: 2,
      prefix: 'gw',
      serverBinary: 'redis-server',
    });
    const target = configuredRedis(c!.redis)!;
    expect(describeRedis(target)).toBe(
      'sentinel master "customs" via 10.0.0.5:26379, sentinel-b:26380, [::1]:26381',
    );
    expect(describeRedis(target)).not.toContain('secret');
    expect(redisOptions(target)).toMatchObject({
      sentinels: [
        { host: '10.0.0.5', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'customs',
      role: 'master',
      password: 'master-secret',
      sentinelPassword: 'sentinel-secret',
      db: 2,
      // BullMQ workers refuse a connection that gives up on a command.
      maxRetriesPerRequest: null,
    });
  });

  it('defaults the group name to mymaster; neither url nor sentinels is the managed Redis', () => {
    const s = parseConfigText(config('{ sentinels: ["127.0.0.1:26379"] }'), '/x.yaml', {});
    expect(s.problems).toEqual([]);
    expect(s.config!.redis.name).toBe('mymaster');
    const managed = parseConfigText(config('{ prefix: p }'), '/x.yaml', {});
    expect(configuredRedis(managed.config!.redis)).toBeUndefined();
    const url = parseConfigText(config('{ url: "redis://:pw@h:6380/1" }'), '/x.yaml', {});
    expect(describeRedis(configuredRedis(url.config!.redis)!)).toBe('redis://***@h:6380/1');
  });

  it('refuses url with sentinels, sentinel options without sentinels and bad addresses', () => {
    const paths = (redis: string) =>
      parseConfigText(config(redis), '/x.yaml', { P: 'x' }).problems.map((p) => p.path);
    expect(paths('{ url: "redis://h", sentinels: ["h:26379"] }')).toEqual(['redis.sentinels']);
    expect(paths('{ url: "redis://h", password: { env: P } }')).toEqual(['redis.sentinels']);
    expect(paths('{ sentinels: ["h"] }')).toEqual(['redis.sentinels[0]']);
    expect(paths('{ sentinels: ["h:70000"] }')).toEqual(['redis.sentinels[0]']);
    expect(paths('{ sentinels: [] }')).toEqual(['redis.sentinels']);
  });

  it('moves a connection off a demoted master: READONLY reconnects and resends, other errors do not', () => {
    expect(
      reconnectOnReadOnly(new Error("READONLY You can't write against a read only replica.")),
    ).toBe(2);
    expect(reconnectOnReadOnly(new Error('ERR unknown command'))).toBe(false);
  });
});
