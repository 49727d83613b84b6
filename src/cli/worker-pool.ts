import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../core/logger.js';

/** What the primary and a stage-worker process say to each other over the IPC channel. */
export type WorkerMessage = { type: 'stop' } | { type: 'hurry' } | { type: 'ready' };

/** `--workers`, else the config's `workers`, else one per core. */
export function workerCount(flag: string | undefined, configured: number | undefined): number {
  if (flag !== undefined) {
    const n = Number(flag);
    if (!Number.isInteger(n) || n < 1 || n > 64)
      throw new Error(
        `--workers must be a whole number from 1 to 64, not "${flag}" / --workers 须为 1 到 64 的整数`,
      );
    return n;
  }
  return configured ?? availableParallelism();
}

/** Wait before restarting a crashed worker: 1 s, doubling with each crash in a row, at most 30 s. */
export function restartDelayMs(crashesInARow: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, crashesInARow - 1));
}

/** A worker that ran this long before it crashed starts its backoff over. */
const STABLE_MS = 60_000;

interface Slot {
  child?: ChildProcess;
  startedAt: number;
  crashes: number;
  timer?: NodeJS.Timeout;
  exited?: Promise<void>;
}

export interface WorkerPoolOptions {
  /** Stage-worker processes to run (the primary is not one of them): indexes 1..count. */
  readonly count: number;
  readonly configFile: string;
  readonly log: Logger;
  /** The module each worker runs; the built worker-process.js by default. */
  readonly modulePath?: string;
}

function defaultModulePath(): string {
  // Under a TypeScript loader (tests run from src/), this module is .ts and so is its sibling.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`./worker-process.${ext}`, import.meta.url));
}

/**
 * The primary's supervision of its stage-worker processes: forks them, restarts one that dies
 * (with backoff, logged), and at shutdown asks each to drain, then waits for it. The workers share
 * the primary's Redis and spool; see worker-process.ts for their side.
 */
export class WorkerPool {
  private readonly slots = new Map<number, Slot>();
  private stopping = false;
  private redisUrl = '';
  private readonly modulePath: string;

  constructor(private readonly o: WorkerPoolOptions) {
    this.modulePath = o.modulePath ?? defaultModulePath();
  }

  /** Forks the workers, on the primary's Redis (a managed one is only known once it runs). */
  start(redisUrl: string): void {
    this.redisUrl = redisUrl;
    for (let i = 1; i <= this.o.count; i++) {
      this.slots.set(i, { startedAt: 0, crashes: 0 });
      this.spawn(i);
    }
  }

  /** The process ids of the running workers, by index. */
  pids(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [i, s] of this.slots) if (s.child?.pid) out.set(i, s.child.pid);
    return out;
  }

  private spawn(index: number): void {
    const slot = this.slots.get(index)!;
    if (this.stopping) return;
    const child = fork(this.modulePath, [this.o.configFile, String(index)], {
      env: { ...process.env, EPORT_WORKER_REDIS_URL: this.redisUrl },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.child = child;
    slot.startedAt = Date.now();
    slot.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        slot.child = undefined;
        resolve();
        if (this.stopping) return;
        slot.crashes = Date.now() - slot.startedAt > STABLE_MS ? 1 : slot.crashes + 1;
        const delayMs = restartDelayMs(slot.crashes);
        this.o.log.error(
          { worker: index, pid: child.pid, code, signal, restartInMs: delayMs },
          'stage worker process exited; restarting / 阶段工作进程意外退出，即将重启',
        );
        slot.timer = setTimeout(() => this.spawn(index), delayMs);
      });
    });
    // An IPC write to a worker that is just dying fails; its exit is handled above.
    child.on('error', (err) =>
      this.o.log.warn({ worker: index, err: err.message }, 'stage worker IPC error / 进程通信错误'),
    );
    this.o.log.info(
      { worker: index, pid: child.pid },
      'stage worker process forked / 已启动阶段工作进程',
    );
  }

  private send(m: WorkerMessage): void {
    for (const s of this.slots.values()) if (s.child?.connected) s.child.send(m, (err) => void err);
  }

  /** Asks every worker to drain and stop; no worker is restarted from now on. */
  beginStop(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const s of this.slots.values()) clearTimeout(s.timer);
    this.send({ type: 'stop' });
  }

  /** The operator's second signal: the workers cut their drain short. */
  hurry(): void {
    this.send({ type: 'hurry' });
  }

  /** Stops the workers and waits up to `boundMs` for them to exit, then kills what is left. */
  async close(boundMs: number): Promise<void> {
    this.beginStop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.slots.values()].map((s) => s.exited ?? Promise.resolve())),
      new Promise((r) => (timer = setTimeout(r, boundMs))),
    ]);
    clearTimeout(timer);
    this.killRemaining();
  }

  /** SIGKILL to every worker still running: the last resort before the primary exits. */
  killRemaining(): void {
    for (const [index, s] of this.slots) {
      if (!s.child || s.child.exitCode !== null || s.child.signalCode !== null) continue;
      this.o.log.warn(
        { worker: index, pid: s.child.pid },
        'stage worker killed / 强制结束工作进程',
      );
      s.child.kill('SIGKILL');
    }
  }
}
