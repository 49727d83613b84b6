import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { GatewayError } from '../core/errors.js';

/** How long a stopping redis-server may take to write its AOF before it is killed. */
const STOP_GRACE_MS = 5_000;

/**
 * A private redis-server for single-node installs that configure no redis.url: unix socket only,
 * AOF on (fsync every second), noeviction. It runs in its own process group, so a Ctrl-C meant
 * for the gateway (SIGINT to the terminal's group) does not reach it: the gateway stops it last.
 * Restarted when it dies, but never once shutdown began; stopped on close.
 */
export class ManagedRedis {
  readonly socketPath: string;
  private child: ChildProcess | undefined;
  private closing = false;
  private restarts = 0;

  constructor(
    private readonly dir: string,
    private readonly binary: string,
    private readonly log: Logger,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const preferred = join(dir, 'redis.sock');
    // Unix socket paths are limited to 107 bytes; fall back to a short path in the temp folder.
    this.socketPath =
      Buffer.byteLength(preferred) < 100
        ? preferred
        : join(
            tmpdir(),
            `eport-redis-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}.sock`,
          );
  }

  get url(): string {
    return `unix://${this.socketPath}`;
  }

  async start(): Promise<void> {
    await this.stopOrphan();
    this.spawnServer();
    await this.waitReady(15_000);
  }

  /**
   * A daemon killed with -9 leaves its redis-server running. Ask that one to shut down (which
   * flushes its AOF) before starting ours on the same socket and data.
   */
  private async stopOrphan(): Promise<void> {
    const client = new Redis({
      path: this.socketPath,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
    } catch {
      return;
    }
    this.log.warn(
      { socket: this.socketPath },
      'stopping a redis-server left by an earlier run / 停止上次遗留的 Redis',
    );
    await client.call('SHUTDOWN').catch(() => {});
    client.disconnect();
    for (let i = 0; i < 50; i++) {
      const probe = new Redis({
        path: this.socketPath,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {});
      const alive = await probe.connect().then(
        () => true,
        () => false,
      );
      probe.disconnect();
      if (!alive) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private spawnServer(): void {
    const args = [
      '--port',
      '0',
      '--unixsocket',
      this.socketPath,
      '--unixsocketperm',
      '700',
      '--dir',
      this.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--daemonize',
      'no',
      '--logfile',
      join(this.dir, 'redis.log'),
    ];
    if (this.closing) return;
    const child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    this.child = child;
    // Never leave it behind when this process ends without closing it (a deadline passed, a crash
    // in shutdown); kill -9 of the gateway still leaves it, and the next start stops it cleanly.
    const reap = (): void => {
      if (child.exitCode === null && child.signalCode === null && this.closing)
        child.kill('SIGKILL');
    };
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => {
      this.log.error({ err }, 'cannot start redis-server / 无法启动 redis-server');
    });
    child.on('exit', (code, signal) => {
      if (this.closing || this.child !== child) return;
      this.restarts++;
      this.log.error(
        { code, signal, stderr: stderr.slice(-500), restarts: this.restarts },
        'managed redis-server exited; restarting / 内置 Redis 已退出，正在重启',
      );
      const t = setTimeout(() => this.spawnServer(), Math.min(5000, 200 * this.restarts));
      t.unref();
    });
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    let lastErr: unknown;
    while (Date.now() < end) {
      if (
        this.child?.exitCode != null ||
        (this.child as { spawnfile?: string } | undefined) === undefined
      )
        break;
      const client = new Redis({
        path: this.socketPath,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.ping();
        client.disconnect();
        return;
      } catch (err) {
        lastErr = err;
        client.disconnect();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new GatewayError('GW_ERR_REDIS_UNAVAILABLE', {
      zh: `内置 Redis 未能启动（${this.binary}）`,
      en: `the managed Redis did not start (${this.binary}): ${String((lastErr as Error | undefined)?.message ?? 'exited')}`,
      fixZh:
        '请安装 redis-server（Debian/Ubuntu: apt-get install redis-server），或在配置中设置 redis.url',
      fixEn:
        'install redis-server (Debian/Ubuntu: apt-get install redis-server) or set redis.url in the config',
    });
  }

  /** Shutdown began: from now on an exit of redis-server is not answered with a restart. */
  stopRestarting(): void {
    this.closing = true;
  }

  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      // SIGTERM makes redis fsync the AOF and exit cleanly.
      child.kill('SIGTERM');
    });
  }
}
