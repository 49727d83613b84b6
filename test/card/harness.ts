/**
 * Test harness for the real PC/SC stack: a private pcscd with the vpcd reader driver, and the card
 * emulator (vcard.ts) connected to it. Nothing here touches a system pcscd:
 *
 * netns mode (root with `unshare`, the default when it works):
 *   1. namespace holder: `unshare --net --mount --propagation private -- sh -c '<setup>; exec sleep infinity'`
 *      setup = lo up; `local 127.0.0.0/8` and `local 127.0.0.1` routes with `quickack 1` (vpcd 3.3
 *      sends length and APDU in two writes, so delayed ACKs would cost ~40 ms per APDU); a tmpfs on
 *      /run with DIR/run bind-mounted on /run/pcscd (pcscd 1.9.9 hard-codes /run/pcscd).
 *   2. `nsenter -t HOLDER -n -m -- pcscd --foreground -c DIR/conf` (conf = vpcd on 35963/35964)
 *   3. `nsenter -t HOLDER -n -- node --import tsx test/card/vcard.ts --config DIR/cards.json`
 *   Clients in the test process reach pcscd through PCSCLITE_CSOCK_NAME=DIR/run/pcscd.comm.
 * loopback mode (no unshare, or CARD_HARNESS_NETNS=0): pcscd in the host namespaces with its own
 *   config on a free port pair and the usual /run/pcscd socket (so: one at a time per machine, guarded
 *   by a lock file; ~44 ms per APDU; vpcd listens on 0.0.0.0).
 *
 * Every process is started with `setpriv --pdeathsig` when available, so nothing outlives a killed
 * test worker; stop() ends exactly the processes it started, by PID. CARD_HARNESS_DEBUG=1 runs pcscd
 * with --debug --apdu and keeps DIR.
 *
 * libpcsclite reads PCSCLITE_CSOCK_NAME once per process, so a test process can use only one socket
 * path; DIR is therefore fixed per process (/tmp/eport-vcard-PID) and a stack can be restarted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CardStats } from './emulator/applet.js';
import type { AppletName, EmulatedCardConfig, EmulatorConfig } from './emulator/protocol.js';
import { terminate, VcardProcess } from './vcard-client.js';
import { waitUntil } from '../helpers/wait.js';

export interface CardStackAvailability {
  readonly ok: boolean;
  /** Why the stack cannot run (for the skip message). */
  readonly reason?: string;
  readonly pcscd?: string;
  readonly driver?: string;
}

const PCSCD_CANDIDATES = [
  '/usr/sbin/pcscd',
  '/usr/bin/pcscd',
  '/sbin/pcscd',
  '/usr/local/sbin/pcscd',
];
const DRIVER_CANDIDATES = [
  '/usr/lib/pcsc/drivers/serial/libifdvpcd.so',
  '/usr/lib64/pcsc/drivers/serial/libifdvpcd.so',
  '/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so',
];
const SETPRIV = '/usr/bin/setpriv';
const FIRST_PORT = 0x8c7b; // 35963, Debian's /etc/reader.conf.d/vpcd
const LOCK = join(tmpdir(), 'eport-vcard-harness.lock');

/** Finds pcscd and the vpcd driver (LIBPATH of /etc/reader.conf.d/vpcd first). */
export function cardStackAvailability(): CardStackAvailability {
  // CARD_HARNESS_PCSCD names another pcscd binary (or a missing one, to see the skip path).
  const override = process.env.CARD_HARNESS_PCSCD;
  const pcscd = override
    ? existsSync(override)
      ? override
      : undefined
    : PCSCD_CANDIDATES.find((p) => existsSync(p));
  if (!pcscd)
    return {
      ok: false,
      reason: `pcscd is not installed (apt-get install pcscd)${override ? `: ${override} not found` : ''}`,
    };
  let configured: string | undefined;
  try {
    configured = /^\s*LIBPATH\s+(\S+)/m.exec(readFileSync('/etc/reader.conf.d/vpcd', 'utf8'))?.[1];
  } catch {
    // no Debian config; look in the usual places
  }
  const driver = [configured, ...DRIVER_CANDIDATES].find((p): p is string => !!p && existsSync(p));
  if (!driver)
    return {
      ok: false,
      reason: 'the vpcd reader driver is not installed (apt-get install vsmartcard-vpcd)',
    };
  return { ok: true, pcscd, driver };
}

function netnsUsable(): boolean {
  if (process.env.CARD_HARNESS_NETNS === '0') return false;
  const probe = spawnSync('unshare', ['--net', '--mount', '--', 'true'], {
    stdio: 'ignore',
    timeout: 5000,
  });
  return (
    probe.status === 0 &&
    spawnSync('nsenter', ['--version'], { stdio: 'ignore' }).status === 0 &&
    spawnSync('ip', ['-V'], { stdio: 'ignore' }).status === 0
  );
}

function withDeathSignal(argv: string[], signal: string): string[] {
  return existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', signal, '--', ...argv] : argv;
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
}

async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = 20000 + Math.floor(Math.random() * 40000);
    if ((await portFree(p)) && (await portFree(p + 1))) return p;
  }
  throw new Error('no free port pair for vpcd');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Loopback mode shares /run/pcscd with everyone: take a machine-wide lock (stale locks are broken). */
async function acquireLock(timeoutMs: number): Promise<() => void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch {
      const owner = Number(
        existsSync(join(LOCK, 'pid')) ? readFileSync(join(LOCK, 'pid'), 'utf8') : 'NaN',
      );
      if (Number.isFinite(owner) && !pidAlive(owner))
        rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > end) throw new Error(`card harness lock ${LOCK} held by pid ${owner}`);
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A card as the test describes it; ports are assigned by the harness (slot 0, slot 1). */
export type CardSpec = Omit<EmulatedCardConfig, 'port'>;

export interface CardStackOptions {
  /** One or two cards (vpcd has two slots per configured reader). */
  readonly cards: readonly CardSpec[];
  /** false = loopback mode even when a network namespace would work. */
  readonly netns?: boolean;
}

export class CardStack {
  readonly timings: Record<string, number> = {};
  private holder: ChildProcess | undefined;
  private pcscd: ChildProcess | undefined;
  private vcard: VcardProcess | undefined;
  private releaseLock: (() => void) | undefined;
  private createdRunDir = false;
  private stopped = false;

  private constructor(
    readonly mode: 'netns' | 'loopback',
    readonly dir: string,
    readonly socketPath: string,
    readonly firstPort: number,
    private readonly pcscdPath: string,
    private readonly cards: readonly CardSpec[],
  ) {}

  /** Starts pcscd and the emulator; resolves when every inserted card is connected to vpcd. */
  static async start(options: CardStackOptions): Promise<CardStack> {
    const t0 = Date.now();
    const avail = cardStackAvailability();
    if (!avail.ok) throw new Error(avail.reason);
    if (options.cards.length < 1 || options.cards.length > 2)
      throw new Error('the harness emulates one or two cards');
    const mode = options.netns !== false && netnsUsable() ? 'netns' : 'loopback';
    const dir = join(tmpdir(), `eport-vcard-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'run'), { recursive: true });
    mkdirSync(join(dir, 'conf'), { recursive: true });
    const releaseLock = mode === 'loopback' ? await acquireLock(60_000) : undefined;
    const firstPort = mode === 'netns' ? FIRST_PORT : await freePortPair();
    const hex = `0x${firstPort.toString(16).toUpperCase()}`;
    writeFileSync(
      join(dir, 'conf', 'vpcd'),
      `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${hex}\nLIBPATH      ${avail.driver}\nCHANNELID    ${hex}\n`,
    );
    const socketPath = mode === 'netns' ? join(dir, 'run', 'pcscd.comm') : '/run/pcscd/pcscd.comm';
    const previous = process.env.PCSCLITE_CSOCK_NAME;
    if (previous && previous !== socketPath)
      throw new Error(
        `PCSCLITE_CSOCK_NAME is already ${previous}; one socket path per test process`,
      );
    process.env.PCSCLITE_CSOCK_NAME = socketPath;

    const stack = new CardStack(mode, dir, socketPath, firstPort, avail.pcscd!, options.cards);
    stack.releaseLock = releaseLock;
    stack.createdRunDir = mode === 'loopback' && !existsSync('/run/pcscd');
    try {
      if (mode === 'netns') await stack.startHolder();
      await stack.startPcscd();
      await stack.startEmulator();
    } catch (err) {
      await stack.stop();
      throw err;
    }
    stack.timings.startMs = Date.now() - t0;
    return stack;
  }

  /** pcscd's reader name for a slot with the harness's config. */
  readerName(slot: number): string {
    return `Virtual PCD 00 0${slot}`;
  }

  get emulator(): VcardProcess {
    if (!this.vcard) throw new Error('the emulator is not running');
    return this.vcard;
  }

  /** Puts the card back (connects it to vpcd); pcscd notices within its ~400 ms presence poll. */
  async insert(slot: number): Promise<void> {
    await this.emulator.request({ cmd: 'insert', slot });
    await this.emulator.waitFor('connected', slot);
  }

  /** Pulls the card (closes its vpcd connection). */
  async remove(slot: number): Promise<void> {
    await this.emulator.request({ cmd: 'remove', slot });
  }

  stats(slot: number): Promise<CardStats> {
    return this.emulator.stats(slot);
  }

  async resetStats(slot: number): Promise<void> {
    await this.emulator.request({ cmd: 'resetStats', slot });
  }

  async setPin(slot: number, applet: AppletName, pin: string): Promise<void> {
    await this.emulator.request({ cmd: 'setPin', slot, applet, pin });
  }

  async setTries(slot: number, applet: AppletName, tries: number): Promise<void> {
    await this.emulator.request({ cmd: 'setTries', slot, applet, tries });
  }

  async setIdentity(
    slot: number,
    applet: AppletName,
    keyPem: string,
    certPem: string | null,
  ): Promise<void> {
    await this.emulator.request({ cmd: 'setIdentity', slot, applet, keyPem, certPem });
  }

  /** Starts the emulator with the cards as configured (fresh state) and waits for the inserted ones. */
  async startEmulator(): Promise<void> {
    const t = Date.now();
    const config: EmulatorConfig = {
      cards: this.cards.map((c, i) => ({ ...c, port: this.firstPort + i })),
    };
    const configPath = join(this.dir, 'cards.json');
    writeFileSync(configPath, JSON.stringify(config));
    this.vcard = await VcardProcess.start({
      configPath,
      logPath: join(this.dir, 'vcard.log'),
      ...(this.holder?.pid ? { netnsPid: this.holder.pid } : {}),
    });
    await Promise.all(
      this.cards.map((c, i) =>
        (c.inserted ?? true) ? this.vcard!.waitFor('connected', i, 10_000) : Promise.resolve(),
      ),
    );
    this.timings.emulatorMs = Date.now() - t;
  }

  /** Stops the emulator process: to pcscd every card disappears at once (the "reader gone" case). */
  async stopEmulator(): Promise<void> {
    const v = this.vcard;
    this.vcard = undefined;
    await v?.stop();
  }

  async startPcscd(): Promise<void> {
    const t = Date.now();
    if (this.mode === 'netns')
      for (const f of readdirSync(join(this.dir, 'run')))
        rmSync(join(this.dir, 'run', f), { force: true });
    const debug = process.env.CARD_HARNESS_DEBUG === '1' ? ['--debug', '--apdu'] : [];
    const pcscd = [this.pcscdPath, '--foreground', '-c', join(this.dir, 'conf'), ...debug];
    const argv = withDeathSignal(
      this.holder?.pid
        ? ['nsenter', '-t', String(this.holder.pid), '-n', '-m', '--', ...pcscd]
        : pcscd,
      'TERM',
    );
    const log = openSync(join(this.dir, 'pcscd.log'), 'a');
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', log, log] });
    closeSync(log);
    this.pcscd = child;
    await waitUntil(
      () => {
        if (child.exitCode !== null)
          throw new Error(
            `pcscd exited with ${child.exitCode}: ${readFileSync(join(this.dir, 'pcscd.log'), 'utf8').slice(-2000)}`,
          );
        return existsSync(this.socketPath);
      },
      10_000,
      'pcscd start',
    );
    this.timings.pcscdMs = Date.now() - t;
  }

  /** Stops pcscd (SIGTERM): clients lose the service, readers and cards. */
  async stopPcscd(): Promise<void> {
    const p = this.pcscd;
    this.pcscd = undefined;
    if (p) await terminate(p);
  }

  pcscdLog(): string {
    return existsSync(join(this.dir, 'pcscd.log'))
      ? readFileSync(join(this.dir, 'pcscd.log'), 'utf8')
      : '';
  }

  /** Stops everything this stack started, by PID, and removes its files. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopEmulator().catch(() => {});
    await this.stopPcscd().catch(() => {});
    if (this.holder) await terminate(this.holder, 500).catch(() => {});
    this.holder = undefined;
    // Loopback mode: pcscd created /run/pcscd; remove it again if it is empty and was not there before.
    if (this.createdRunDir) {
      try {
        rmdirSync('/run/pcscd');
      } catch {
        // not empty (another pcscd) or already gone
      }
    }
    this.releaseLock?.();
    if (process.env.CARD_HARNESS_DEBUG !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  private async startHolder(): Promise<void> {
    const setup = [
      'set -e',
      'ip link set lo up',
      'ip route replace local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 table local quickack 1',
      'ip route replace local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 table local quickack 1',
      'mount -t tmpfs -o mode=0755 tmpfs /run',
      'mkdir -p /run/pcscd',
      'mount --bind "$1" /run/pcscd',
      'echo READY',
      'exec sleep infinity',
    ].join('; ');
    const argv = withDeathSignal(
      [
        'unshare',
        '--net',
        '--mount',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        setup,
        'sh',
        join(this.dir, 'run'),
      ],
      'KILL',
    );
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.holder = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('namespace holder: no READY within 5 s')),
        5000,
      );
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line === 'READY') {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`namespace holder exited with ${code}: ${stderr}`));
      });
    });
  }
}

/** Starts a stack (see CardStack). */
export function startCardStack(options: CardStackOptions): Promise<CardStack> {
  return CardStack.start(options);
}
