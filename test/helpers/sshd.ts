import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SSHD = '/usr/sbin/sshd';

/** Why SFTP tests cannot run here, or undefined when they can. */
export function sshdUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} not found (install openssh-server); SFTP tests skipped`;
  return undefined;
}

/** A real OpenSSH server on 127.0.0.1 with its own keys and config in a temp dir. */
export interface TestSshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly username: string;
  /** The client's private key (OpenSSH format), authorized for `username`. */
  readonly privateKey: string;
  /** Another key the server does not know, for "wrong key" tests. */
  readonly strangerKey: string;
  /** Host key fingerprint, `SHA256:...`. */
  readonly hostKeyFingerprint: string;
  /** Scratch directory for test data (the server sees the local file system: paths are shared). */
  readonly dataDir: string;
  /** Hands a path (recursively) to the user the sessions run as; a no-op unless that is `nobody`. */
  own(path: string): Promise<void>;
  /** Turns key login on or off for new connections (sshd re-reads authorized_keys per login). */
  setAuthorized(on: boolean): Promise<void>;
  /** Stops the listener and every session it forked; `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes the temp dir. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** How often the first start picks a fresh port after losing its port to another process. */
const BIND_ATTEMPTS = 5;

/** sshd's own words when its listen address is taken (it then exits: nothing to listen on). */
function isBindFailure(err: unknown): boolean {
  return err instanceof Error && /Address already in use|Cannot bind any address/.test(err.message);
}

async function keygen(path: string): Promise<void> {
  await run('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'eport-gateway-test',
    '-f',
    path,
  ]);
}

/** Child processes of `pid` (sshd forks one per connection), found through /proc. */
async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (ppid) follows the ")" that closes the command name.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push(Number(entry));
  }
  return out;
}

async function killTree(pid: number): Promise<void> {
  const kids = await childrenOf(pid);
  for (const k of kids) await killTree(k);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

/** Whom the SFTP sessions run as: `unprivileged` avoids root, to whom no permission applies. */
export interface SshdOptions {
  /**
   * Log in as a user that file permissions bind (`nobody` when the tests run as root, else the
   * current user), so `chmod 000` makes a file unreadable for the server. The data dir is theirs.
   */
  readonly unprivileged?: boolean;
  /** Where the first start's ports come from; a port found free by binding port 0 unless given. */
  readonly nextPort?: () => Promise<number>;
}

/** Starts sshd (`-D -e -f CONFIG`) on a free loopback port; sessions run as the current user unless asked. */
export async function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'eport-sshd-'));
  const dataDir = join(dir, 'data');
  await mkdir(dataDir);
  const asNobody = opts.unprivileged === true && process.getuid?.() === 0;
  if (asNobody) {
    // sshd reads authorized_keys as the user who logs in; the data dir must be theirs.
    await chmod(dir, 0o755);
    await chown(dataDir, 65534, 65534);
  }
  await mkdir('/run/sshd', { recursive: true }); // privilege separation dir sshd insists on
  await Promise.all([
    keygen(join(dir, 'host_key')),
    keygen(join(dir, 'client_key')),
    keygen(join(dir, 'stranger_key')),
  ]);
  const clientPub = await readFile(join(dir, 'client_key.pub'), 'utf8');
  const authorized = join(dir, 'authorized_keys');
  await writeFile(authorized, clientPub, { mode: 0o644 });
  const fp = (
    await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')])
  ).stdout.split(' ')[1]!;
  const config = join(dir, 'sshd_config');
  const writeConfig = (port: number): Promise<void> =>
    writeFile(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorized}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        'StrictModes no',
        'UseDNS no',
        'PrintMotd no',
        'MaxStartups 50',
        'LogLevel INFO',
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
    );

  let child: ChildProcess | undefined;
  let log = '';
  const start = async (): Promise<void> => {
    log = '';
    const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 10_000);
      proc.stderr!.on('data', (b: Buffer) => {
        log = (log + b.toString()).slice(-4000);
        if (/Server listening on/.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      });
      // 'close', not 'exit': the last words on stderr (why it exited) have been read by then.
      proc.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`sshd exited with ${code}: ${log}`));
      });
    });
    log = '';
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.pid === undefined) return;
    const exited = new Promise((r) => proc.once('exit', r));
    await killTree(proc.pid);
    await exited;
  };
  // A port found free may be taken by another process before sshd binds it: then sshd exits
  // saying so, and it is started again on a fresh port. Restarts (`start` after `stop`) keep the port.
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await (opts.nextPort ?? freePort)();
    await writeConfig(port);
    try {
      await start();
      break;
    } catch (err) {
      if (attempt >= BIND_ATTEMPTS || !isBindFailure(err)) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  return {
    host: '127.0.0.1',
    port,
    username: asNobody ? 'nobody' : userInfo().username,
    privateKey: await readFile(join(dir, 'client_key'), 'utf8'),
    strangerKey: await readFile(join(dir, 'stranger_key'), 'utf8'),
    hostKeyFingerprint: fp,
    dataDir,
    own: async (path) => {
      if (asNobody) await run('chown', ['-R', '65534:65534', path]);
    },
    setAuthorized: (on) => writeFile(authorized, on ? clientPub : ''),
    stop,
    start,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
