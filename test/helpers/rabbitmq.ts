import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { sandboxAmqpNames } from '../../src/sandbox/amqp-desk.js';

const run = promisify(execFile);

/** The machine's RabbitMQ (CI starts one on 127.0.0.1:5672); tests use their own names on it. */
export const TEST_AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export function uniqueAmqpName(label: string): string {
  return `eport-test-${label}-${randomBytes(4).toString('hex')}`;
}

/** A test's exchange and queue on a broker, bound with one routing key; `drop` deletes them. */
export interface TestTopology {
  readonly conn: ChannelModel;
  readonly ch: Channel;
  readonly exchange: string;
  readonly queue: string;
  readonly routingKey: string;
  drop(): Promise<void>;
}

/** Declares a durable direct exchange and a durable queue bound to it, under unique names. */
export async function declareTopology(label: string, url = TEST_AMQP_URL): Promise<TestTopology> {
  const conn = await connect(url);
  conn.on('error', () => undefined);
  const ch = await conn.createChannel();
  ch.on('error', () => undefined);
  const exchange = uniqueAmqpName(label);
  const queue = `${exchange}.q`;
  const routingKey = 'submit';
  await ch.assertExchange(exchange, 'direct', { durable: true });
  await ch.assertQueue(queue, { durable: true });
  await ch.bindQueue(queue, exchange, routingKey);
  return {
    conn,
    ch,
    exchange,
    queue,
    routingKey,
    drop: async () => {
      const c = await conn.createChannel().catch(() => undefined);
      await c?.deleteQueue(queue).catch(() => undefined);
      await c?.deleteExchange(exchange).catch(() => undefined);
      await conn.close().catch(() => undefined);
    },
  };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const SERVER_SCRIPT = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/** Why a private broker cannot be started here, or undefined when it can. */
export function privateBrokerUnavailable(): string | undefined {
  return existsSync(SERVER_SCRIPT)
    ? undefined
    : `${SERVER_SCRIPT} not found (install rabbitmq-server)`;
}

/**
 * A RabbitMQ node of the test's own (own node name, AMQP and distribution ports on 127.0.0.1, data
 * and logs in a temp dir), so a test can stop and restart a broker without touching the shared one.
 */
export interface PrivateBroker {
  readonly url: string;
  /** Graceful stop (SIGTERM); durable queues and persistent messages stay on disk. */
  stop(): Promise<void>;
  /** Starts the same node again with the same data. */
  start(): Promise<void>;
  /** Runs `rabbitmqctl ARGS` against this node. */
  ctl(...args: string[]): Promise<string>;
  /** Stops the node and removes its files. */
  dispose(): Promise<void>;
}

export async function startPrivateBroker(): Promise<PrivateBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'eport-rabbit-'));
  const port = await freePort();
  const distPort = await freePort();
  const node = `eport-test-${randomBytes(4).toString('hex')}@localhost`;
  await mkdir(join(dir, 'home'));
  await writeFile(
    join(dir, 'rabbitmq.conf'),
    `listeners.tcp.local = 127.0.0.1:${port}\nloopback_users = none\n`,
  );
  await writeFile(join(dir, 'rabbitmq-env.conf'), ''); // instead of the machine's /etc/rabbitmq/rabbitmq-env.conf
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(dir, 'home'), // the Erlang cookie goes here
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_FLAGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    const out = openSync(join(dir, 'server.out'), 'a');
    child = spawn(SERVER_SCRIPT, [], {
      env,
      cwd: dir,
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    const c = child;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    // A node boots in a few seconds, but far slower on a busy machine.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const ok = await connect(url)
        .then(async (conn) => {
          conn.on('error', () => undefined);
          await conn.close();
          return true;
        })
        .catch(() => false);
      if (ok) return;
      if (c.exitCode !== null || Date.now() > deadline) {
        const out = await readFile(join(dir, 'server.out'), 'utf8').catch(() => '');
        throw new Error(
          `private RabbitMQ node did not start (exit ${c.exitCode}):\n${out.slice(-3000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const stop = async (): Promise<void> => {
    if (!child || child.exitCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child!.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 30_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url,
    start,
    stop,
    ctl: async (...args) =>
      (
        await run('/usr/lib/rabbitmq/bin/rabbitmqctl', ['-n', node, ...args], {
          env,
          cwd: dir,
          timeout: 60_000,
        })
      ).stdout,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes the sandbox's exchange and queues (names from its prefix). */
export async function dropSandboxNames(url: string, prefix: string): Promise<void> {
  const n = sandboxAmqpNames(prefix);
  const conn = await connect(url);
  conn.on('error', () => undefined);
  const ch = await conn.createChannel();
  await ch.deleteQueue(n.submissions).catch(() => undefined);
  await ch.deleteQueue(n.receipts).catch(() => undefined);
  await ch.deleteExchange(n.exchange).catch(() => undefined);
  await conn.close().catch(() => undefined);
}

/** The gateway's AMQP transport and receipt source against the sandbox's AMQP desk, on one broker. */
export function amqpRoutes(prefix: string): { transports: string; receiptSources: string } {
  const n = sandboxAmqpNames(prefix);
  return {
    transports: `[{ name: t, type: amqp, url: { env: EPORT_AMQP_URL }, exchange: "${n.exchange}", routingKey: ${n.submitKey}, confirmTimeoutMs: 5s }]`,
    receiptSources: `[{ name: customs, type: amqp, url: { env: EPORT_AMQP_URL }, queue: "${n.receipts}", prefetch: 10 }]`,
  };
}

/**
 * The outbox names of each declaration, as `{ kinds, seqs }` per source stem: receipts over a
 * queue may be written in any order, so the sequence numbers say nothing about which is which.
 */
export function receiptsByStem(
  names: readonly string[],
): Record<string, { kinds: string[]; seqs: string[] }> {
  const out: Record<string, { kinds: string[]; seqs: string[] }> = {};
  for (const n of names) {
    const m = /^(.+)\.([a-z-]+)\.(\d{2})\.xml$/.exec(n);
    if (!m) throw new Error(`unexpected outbox name ${n}`);
    const e = (out[m[1]!] ??= { kinds: [], seqs: [] });
    e.kinds.push(m[2]!);
    e.seqs.push(m[3]!);
  }
  for (const e of Object.values(out)) {
    e.kinds.sort();
    e.seqs.sort();
  }
  return out;
}

/** What a 报关单 walked to 结关 leaves in the outbox: one import response and five DEC_RESULT, numbered 01..06. */
export const CLOSED_DECLARATION = {
  kinds: ['dec-result', 'dec-result', 'dec-result', 'dec-result', 'dec-result', 'import-response'],
  seqs: ['01', '02', '03', '04', '05', '06'],
};
