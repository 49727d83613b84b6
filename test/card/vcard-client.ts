/**
 * Starts the emulator process (optionally inside a network namespace via nsenter) and talks to it
 * over its JSON-lines control protocol.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CardStats } from './emulator/applet.js';
import type {
  AnswerTime,
  ControlEvent,
  ControlReply,
  ControlRequest,
} from './emulator/protocol.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(HERE, '..', '..');
const ENTRY = join(HERE, 'vcard.ts');

export interface VcardStartOptions {
  readonly configPath: string;
  /** Run inside the network namespace of this process (nsenter -t PID -n). */
  readonly netnsPid?: number;
  /** Emulator stderr goes here. */
  readonly logPath: string;
  readonly timeoutMs?: number;
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function terminate(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export class VcardProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: ControlReply) => void>();
  private readonly connectedSlots = new Set<number>();
  private readonly eventWaiters: {
    event: ControlEvent['event'];
    slot: number;
    resolve: () => void;
  }[] = [];
  private exited = false;

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    child.once('exit', () => {
      this.exited = true;
      for (const [, resolve] of this.waiting)
        resolve({ id: -1, ok: false, error: 'emulator exited' });
      this.waiting.clear();
      this.connectedSlots.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Spawns the emulator and waits until it answers. */
  static async start(options: VcardStartOptions): Promise<VcardProcess> {
    const node = [process.execPath, '--import', 'tsx', ENTRY, '--config', options.configPath];
    const argv = options.netnsPid
      ? ['nsenter', '-t', String(options.netnsPid), '-n', '--', ...node]
      : node;
    const log = openSync(options.logPath, 'a');
    const child = spawn(argv[0]!, argv.slice(1), { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', log] });
    closeSync(log);
    const proc = new VcardProcess(child);
    const failed = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`emulator exited early (code ${code}); see ${options.logPath}`)),
      ),
    );
    failed.catch(() => {});
    await Promise.race([proc.request({ cmd: 'ping' }, options.timeoutMs ?? 15_000), failed]);
    return proc;
  }

  connected(slot: number): boolean {
    return this.connectedSlots.has(slot);
  }

  /** Resolves when the card in `slot` is connected to (or dropped from) vpcd. */
  waitFor(event: ControlEvent['event'], slot: number, timeoutMs = 5000): Promise<void> {
    if ((event === 'connected') === this.connectedSlots.has(slot)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`emulator: no '${event}' for slot ${slot} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.eventWaiters.push({ event, slot, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  request(req: ControlRequest, timeoutMs = 5000): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('emulator is not running'));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`emulator: no answer to ${req.cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`emulator: ${req.cmd}: ${reply.error}`));
      });
      this.child.stdin!.write(`${JSON.stringify({ ...req, id })}\n`);
    });
  }

  async stats(slot: number): Promise<CardStats> {
    return (await this.request({ cmd: 'stats', slot })) as CardStats;
  }

  /** The card's cumulative APDU count and time spent answering them, measured in the emulator. */
  async answerTime(slot: number): Promise<AnswerTime> {
    return (await this.request({ cmd: 'answerTime', slot })) as AnswerTime;
  }

  async stop(): Promise<void> {
    this.child.stdin?.end();
    await terminate(this.child);
  }

  private onLine(line: string): void {
    let msg: ControlReply | ControlEvent;
    try {
      msg = JSON.parse(line) as ControlReply | ControlEvent;
    } catch {
      return;
    }
    if ('event' in msg) {
      if (msg.event === 'connected') this.connectedSlots.add(msg.slot);
      else this.connectedSlots.delete(msg.slot);
      for (let i = this.eventWaiters.length - 1; i >= 0; i--) {
        const w = this.eventWaiters[i]!;
        if (w.event === msg.event && w.slot === msg.slot) {
          this.eventWaiters.splice(i, 1);
          w.resolve();
        }
      }
      return;
    }
    const resolve = this.waiting.get(msg.id);
    this.waiting.delete(msg.id);
    resolve?.(msg);
  }
}
