import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { ManagedRedis } from './managed-redis.js';
import { assertNoEviction } from './redis-connection.js';
import { isGatewayError } from '../core/errors.js';

const log = pino({ level: 'silent' });
const client = (socket: string) =>
  new Redis({
    path: socket,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: true,
  });

/** The private redis-server the daemon runs when no redis.url is configured (real redis-server). */
describe('ManagedRedis', () => {
  let managed: ManagedRedis | undefined;
  afterEach(async () => managed?.close());

  it('runs with AOF and noeviction on a private socket, and stops on close', async () => {
    managed = new ManagedRedis(mkdtempSync(join(tmpdir(), 'eport-mr-')), 'redis-server', log);
    await managed.start();
    const c = client(managed.socketPath);
    await c.connect();
    expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    await assertNoEviction(c);
    c.disconnect();
    await managed.close();
    expect(existsSync(managed.socketPath)).toBe(false);
  });

  it('restarts redis-server when it dies, keeping the data', async () => {
    managed = new ManagedRedis(mkdtempSync(join(tmpdir(), 'eport-mr-')), 'redis-server', log);
    await managed.start();
    const c = client(managed.socketPath);
    await c.connect();
    await c.set('kept', 'yes');
    await new Promise((r) => setTimeout(r, 1200)); // AOF fsyncs every second
    const pid = Number((await c.info('server')).match(/process_id:(\d+)/)![1]);
    c.disconnect();
    process.kill(pid, 'SIGKILL');
    const again = await (async () => {
      for (let i = 0; i < 100; i++) {
        const probe = client(managed!.socketPath);
        probe.on('error', () => {});
        try {
          await probe.connect();
          const v = await probe.get('kept');
          const newPid = Number((await probe.info('server')).match(/process_id:(\d+)/)![1]);
          probe.disconnect();
          if (newPid !== pid) return v;
        } catch {
          probe.disconnect();
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    })();
    expect(again).toBe('yes');
  });

  it('stops a redis-server left behind by a killed daemon before starting its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-mr-'));
    // What kill -9 of the daemon leaves: its redis-server still running on the socket, unsupervised.
    execFileSync('redis-server', [
      '--port',
      '0',
      '--unixsocket',
      join(dir, 'redis.sock'),
      '--daemonize',
      'yes',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
    ]);
    const orphan = client(join(dir, 'redis.sock'));
    for (let i = 0; i < 50; i++) {
      if (
        await orphan.connect().then(
          () => true,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const orphanPid = Number((await orphan.info('server')).match(/process_id:(\d+)/)![1]);
    orphan.disconnect();
    managed = new ManagedRedis(dir, 'redis-server', log);
    await managed.start();
    const c = client(managed.socketPath);
    await c.connect();
    const pid = Number((await c.info('server')).match(/process_id:(\d+)/)![1]);
    c.disconnect();
    expect(pid).not.toBe(orphanPid);
    // Gone, or a zombie waiting for a reaper (containers often have none).
    const state = existsSync(`/proc/${orphanPid}/stat`)
      ? readFileSync(`/proc/${orphanPid}/stat`, 'utf8').split(' ')[2]
      : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
  });

  it('says how to install redis-server when the binary is missing', async () => {
    const m = new ManagedRedis(
      mkdtempSync(join(tmpdir(), 'eport-mr-')),
      '/nonexistent/redis-server',
      log,
    );
    const err = await m.start().catch((e: unknown) => e);
    expect(isGatewayError(err) && err.details[0]!.fixEn).toMatch(/apt-get install redis-server/);
  });
});

describe('assertNoEviction', () => {
  it('refuses a Redis whose policy can evict keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eport-ev-'));
    const socket = join(dir, 'r.sock');
    execFileSync('redis-server', [
      '--port',
      '0',
      '--unixsocket',
      socket,
      '--daemonize',
      'yes',
      '--maxmemory-policy',
      'allkeys-lru',
      '--dir',
      dir,
      '--save',
      '',
      '--pidfile',
      join(dir, 'r.pid'),
    ]);
    const c = client(socket);
    for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
    await c.connect();
    try {
      const err = await assertNoEviction(c).catch((e: unknown) => e);
      expect(isGatewayError(err) && err.code).toBe('GW_ERR_REDIS_EVICTION');
    } finally {
      await c.call('SHUTDOWN', 'NOSAVE').catch(() => {});
      c.disconnect();
    }
  });
});
