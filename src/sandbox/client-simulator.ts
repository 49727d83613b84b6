/**
 * Simulates the Single Window import client (单一窗口客户端) on its ImpPath folders, for demos and
 * tests of the `sw-client` route: takes files from each module's `OutBox`, hands them to the
 * customs desk (signing them "with its card" when unsigned), moves them to `SentBox` (or to
 * `FailBox` with a reason file), and writes `Successed_`/`Failed_` import responses and the
 * business receipts into `InBox`, the way the real client does. Faults on request: stopped
 * client, slow pickup, refusals, duplicated and reordered receipts.
 */
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toGatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { isWorkInProgressName } from '../core/file-pickup.js';
import { clientStamp, stemOf } from '../receipts/naming.js';
import type { CustomsDesk } from './desk.js';
import { parseSubmission } from './submission.js';
import { openClientPackage } from './client-package.js';

/** Faults the simulated client can show. */
export interface ClientFaults {
  /** The client is not running: nothing is taken from OutBox. */
  readonly stopped?: boolean;
  /** A file waits this long in OutBox before the client takes it. */
  readonly pickupDelayMs?: number;
  /** Fraction 0..1 of files the client refuses (moved to FailBox with a reason). */
  readonly failRate?: number;
  /** Fraction 0..1 of receipts written twice. */
  readonly duplicateRate?: number;
  /** Business receipts are written after a random extra delay, so they arrive out of order. */
  readonly reorderMs?: number;
  /** Random source, 0 ≤ x < 1 (tests pass a seeded one). */
  readonly random?: () => number;
}

export interface ClientSimulatorOptions {
  readonly impPath: string;
  readonly desk: CustomsDesk;
  /** Module folders to serve; default Deccus001. */
  readonly modules?: readonly string[];
  readonly pollMs?: number;
  readonly faults?: ClientFaults;
  readonly logger?: Logger;
}

export interface ClientSimulator {
  /** Counters: taken, refused, responses, receipts, packages (zips with attachments taken apart). */
  stats(): Readonly<Record<'taken' | 'refused' | 'responses' | 'receipts' | 'packages', number>>;
  /** Changes faults while running (e.g. stop and restart the client). */
  setFaults(faults: ClientFaults): void;
  close(): Promise<void>;
}

export const CLIENT_BOXES = ['OutBox', 'InBox', 'SentBox', 'FailBox', 'TempBox'] as const;

/** Writes like the client: a .tmp file first, then the final name. */
async function writeLikeClient(dir: string, name: string, text: string): Promise<void> {
  const tmp = join(dir, `${name}.tmp`);
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, join(dir, name));
}

/** The client's response stamp: 17 digits of time and 4 of sequence, 21 in all. */
function responseStamp(seq: number): string {
  return `${clientStamp(new Date())}${String(seq % 10_000).padStart(4, '0')}`;
}

export async function startClientSimulator(opts: ClientSimulatorOptions): Promise<ClientSimulator> {
  const modules = opts.modules ?? ['Deccus001'];
  for (const m of modules)
    for (const b of CLIENT_BOXES) await mkdir(join(opts.impPath, m, b), { recursive: true });
  let faults: ClientFaults = opts.faults ?? {};
  const random = (): number => (faults.random ?? Math.random)();
  const counts = { taken: 0, refused: 0, responses: 0, receipts: 0, packages: 0 };
  const moduleOfKey = new Map<string, string>();
  const pending = new Set<NodeJS.Timeout>();
  let seq = 0;
  let stopped = false;

  const later = (ms: number, fn: () => Promise<void>): void => {
    const t = setTimeout(() => {
      pending.delete(t);
      if (!stopped)
        void fn().catch((err: unknown) =>
          opts.logger?.warn({ err }, 'client simulator: write failed / 模拟客户端写入失败'),
        );
    }, ms);
    pending.add(t);
  };

  const writeReceipt = async (module: string, name: string, xml: string): Promise<void> => {
    await writeLikeClient(join(opts.impPath, module, 'InBox'), name, xml);
    counts.receipts += 1;
    if (random() < (faults.duplicateRate ?? 0))
      await writeLikeClient(join(opts.impPath, module, 'InBox'), `dup_${name}`, xml);
  };

  opts.desk.onReceipt((fileName, xml, key) => {
    // Only receipts of what came through this client; the HTTP route has its own feed.
    const module = moduleOfKey.get(key);
    if (!module) return;
    const extra = faults.reorderMs ? Math.floor(random() * faults.reorderMs) : 0;
    later(extra, () => writeReceipt(module, fileName, xml));
  });

  const refuse = async (module: string, name: string, reason: string): Promise<void> => {
    await rename(
      join(opts.impPath, module, 'OutBox', name),
      join(opts.impPath, module, 'FailBox', name),
    );
    await writeLikeClient(join(opts.impPath, module, 'FailBox'), `${name}.reason.txt`, reason);
    counts.refused += 1;
    opts.logger?.info(
      { module, file: name, reason },
      'client simulator: refused (FailBox) / 模拟客户端：拒收',
    );
  };

  const takeOne = async (module: string, name: string): Promise<void> => {
    const path = join(opts.impPath, module, 'OutBox', name);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile() || Date.now() - st.mtimeMs < (faults.pickupDelayMs ?? 0)) return;
    let bytes: Buffer = await readFile(path);
    if (name.toLowerCase().endsWith('.zip')) {
      // A declaration with its attachments (通关无纸化): the package rules first, then the message.
      const opened = await openClientPackage(name, bytes);
      if ('reason' in opened) {
        await refuse(
          module,
          name,
          `随附单据报文包不符合要求 / the package breaks the client's rules: ${opened.reason}`,
        );
        return;
      }
      bytes = opened.xml;
      counts.packages += 1;
    }
    try {
      parseSubmission(bytes);
    } catch (err) {
      const e = toGatewayError(err);
      await refuse(
        module,
        name,
        `报文格式错误，客户端无法导入 / malformed message, the client cannot import it: ${e.code} ${e.details[0]?.en ?? e.message}`,
      );
      return;
    }
    if (random() < (faults.failRate ?? 0)) {
      await refuse(
        module,
        name,
        '客户端发送失败（模拟故障） / the client failed to send (simulated fault)',
      );
      return;
    }
    const outcome = opts.desk.submit(bytes, undefined, { clientSigns: true, fileName: name });
    if (outcome.status !== 200) {
      // 503: the client tries again on its next pass; 400: it gives up on the file.
      if (outcome.status === 400) await refuse(module, name, outcome.reason);
      return;
    }
    if (outcome.clientSeqNo) moduleOfKey.set(outcome.clientSeqNo, module);
    await rename(path, join(opts.impPath, module, 'SentBox', name));
    counts.taken += 1;
    if (outcome.xml) {
      seq += 1;
      const prefix = outcome.responseCode === '0' ? 'Successed' : 'Failed';
      await writeReceipt(
        module,
        `${prefix}_${stemOf(name)}_${responseStamp(seq)}.xml`,
        outcome.xml,
      );
      counts.responses += 1;
    }
  };

  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    running = (async () => {
      if (faults.stopped) return;
      for (const m of modules) {
        const names = await readdir(join(opts.impPath, m, 'OutBox')).catch(() => [] as string[]);
        for (const name of names.sort()) {
          if (stopped || faults.stopped) return;
          if (isWorkInProgressName(name)) continue;
          await takeOne(m, name).catch((err: unknown) =>
            opts.logger?.warn(
              { err, file: name },
              'client simulator: pickup failed / 模拟客户端取件失败',
            ),
          );
        }
      }
    })().finally(() => {
      if (!stopped) timer = setTimeout(tick, opts.pollMs ?? 200);
    });
  };
  tick();

  return {
    stats: () => ({ ...counts }),
    setFaults: (f) => {
      faults = f;
    },
    close: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const t of pending) clearTimeout(t);
      await running;
    },
  };
}
