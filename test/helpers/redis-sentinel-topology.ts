import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './wait.js';

/** The master group name the sentinels of a test topology monitor. */
export const SENTINEL_GROUP = 'mymaster';

/** A free TCP port on loopback (bound to port 0, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Node {
  readonly port: number;
  readonly child: ChildProcess;
  log(): string;
}

export interface SentinelTopology {
  /** `127.0.0.1:PORT` of each sentinel, as `redis.sentinels` takes them. */
  readonly sentinels: readonly string[];
  /** The port of the master the sentinels name now. */
  masterPort(): Promise<number>;
  /** A planned failover (`SENTINEL FAILOVER`): the replica is promoted, the old master demoted. */
  failover(ms?: number): Promise<{ oldPort: number; newPort: number }>;
  /** SIGKILLs the current master and waits until the sentinels have promoted the replica. */
  killMaster(ms?: number): Promise<{ oldPort: number; newPort: number }>;
  /** The logs of every process, for a failure message. */
  logs(): string;
  close(): void;
}

function start(args: string[], dir: string, binary = 'redis-server'): ChildProcess {
  return spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

function node(port: number, child: ChildProcess): Node {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  return { port, child, log: () => out };
}

async function ask<T>(port: number, f: (r: Redis) => Promise<T>): Promise<T | undefined> {
  const r = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectTimeout: 1000,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    return await f(r);
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

/**
 * A Redis master, one replica and three sentinels (quorum 2) on free loopback ports, each its own
 * process, in a temporary folder. Sentinels judge a master down after 1 s without an answer, so a
 * failover takes a few seconds. Resolves once every sentinel sees the master, the replica and the
 * two other sentinels: from then on a failover can be authorised.
 */
export async function startSentinelTopology(): Promise<SentinelTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'eport-sentinel-'));
  const nodes: Node[] = [];
  const common = [
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory-policy',
    'noeviction',
  ];
  const close = (): void => {
    for (const n of nodes) n.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const masterPort = await freePort();
    const master = node(masterPort, start(['--port', String(masterPort), ...common], dir));
    nodes.push(master);
    const replicaPort = await freePort();
    nodes.push(
      node(
        replicaPort,
        start(
          [
            '--port',
            String(replicaPort),
            ...common,
            '--replicaof',
            '127.0.0.1',
            String(masterPort),
          ],
          dir,
        ),
      ),
    );
    await waitFor(
      'the replica in sync with the master',
      () => ask(replicaPort, (r) => r.info('replication')),
      (info) => Boolean(info?.includes('master_link_status:up')),
      15_000,
    );
    const sentinelPorts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      sentinelPorts.push(port);
      // Sentinels rewrite their configuration file, so each gets its own, writable one.
      const conf = join(dir, `sentinel-${i}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_GROUP} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_GROUP} 1000`,
          `sentinel failover-timeout ${SENTINEL_GROUP} 3000`,
          `sentinel parallel-syncs ${SENTINEL_GROUP} 1`,
          '',
        ].join('\n'),
      );
      nodes.push(node(port, start([conf], dir, 'redis-sentinel')));
    }
    for (const port of sentinelPorts)
      await waitFor(
        `sentinel ${port} to see the replica and the two other sentinels`,
        () =>
          ask(port, async (r) => ({
            replicas: ((await r.call('SENTINEL', 'REPLICAS', SENTINEL_GROUP)) as unknown[]).length,
            sentinels: ((await r.call('SENTINEL', 'SENTINELS', SENTINEL_GROUP)) as unknown[])
              .length,
          })),
        (v) => v?.replicas === 1 && v.sentinels === 2,
        20_000,
        100,
      );

    const masterPortNow = async (): Promise<number> => {
      for (const port of sentinelPorts) {
        const addr = await ask(
          port,
          (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_GROUP) as Promise<string[]>,
        );
        if (addr) return Number(addr[1]);
      }
      throw new Error('no sentinel answers');
    };
    const promoted = async (oldPort: number, ms: number): Promise<number> => {
      const newPort = await waitFor(
        'the sentinels to promote the replica',
        masterPortNow,
        (p) => p !== oldPort,
        ms,
        100,
      );
      await waitFor(
        'the promoted replica to take writes',
        () => ask(newPort, (r) => r.info('replication')),
        (info) => Boolean(info?.includes('role:master')),
        ms,
      );
      return newPort;
    };
    return {
      sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`),
      masterPort: masterPortNow,
      async failover(ms = 30_000) {
        const oldPort = await masterPortNow();
        // A sentinel refuses while it still sees no healthy replica (e.g. just after a failover).
        await waitFor(
          'a sentinel to start the failover',
          () => ask(sentinelPorts[0]!, (r) => r.call('SENTINEL', 'FAILOVER', SENTINEL_GROUP)),
          (ok) => ok === 'OK',
          ms,
          200,
        );
        const newPort = await promoted(oldPort, ms);
        // The old master, demoted, replicates the new one: the next failover has a replica.
        await waitFor(
          'the old master to replicate the new one',
          () => ask(oldPort, (r) => r.info('replication')),
          (info) => Boolean(info?.includes('role:slave') && info.includes('master_link_status:up')),
          ms,
        );
        return { oldPort, newPort };
      },
      async killMaster(ms = 30_000) {
        const oldPort = await masterPortNow();
        nodes.find((n) => n.port === oldPort)!.child.kill('SIGKILL');
        return { oldPort, newPort: await promoted(oldPort, ms) };
      },
      logs: () => nodes.map((n) => `--- :${n.port}\n${n.log().slice(-3000)}`).join('\n'),
      close,
    };
  } catch (err) {
    const logs = nodes.map((n) => `--- :${n.port}\n${n.log().slice(-2000)}`).join('\n');
    close();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
}
