import { existsSync } from 'node:fs';
import { readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decMessage } from '../../test/helpers/dec-message.js';
import { sleep } from './processes.js';

/** One declaration of the run: its key, how it arrives, under which name. */
export interface Drop {
  readonly clientSeqNo: string;
  readonly via: 'folder' | 'http';
  /** File name (folder) or X-File-Name (http; undefined = sent without one). */
  readonly name: string | undefined;
}

/** Names ERPs reuse for every export; a share of the files is dropped under one of them. */
const REUSED = ['export.xml', 'declaration.xml', '报关单.xml', 'order-1.xml', 'DEC_OUT.xml'];

export function planDrops(
  n: number,
  httpShare: number,
  repeatShare: number,
  random: () => number,
): Drop[] {
  return Array.from({ length: n }, (_, i): Drop => {
    const clientSeqNo = `CHAOS${String(i).padStart(7, '0')}`;
    if (random() < httpShare) {
      // Some uploads carry no X-File-Name, so the gateway must name them itself.
      return {
        clientSeqNo,
        via: 'http',
        name: random() < 0.25 ? undefined : `up-${String(i).padStart(6, '0')}.xml`,
      };
    }
    const reuse = random() < repeatShare;
    return {
      clientSeqNo,
      via: 'folder',
      name: reuse
        ? REUSED[Math.floor(random() * REUSED.length)]!
        : `dec-${String(i).padStart(6, '0')}.xml`,
    };
  });
}

export interface Dropper {
  /** Uploads that needed more than one attempt (the gateway was down or busy). */
  httpRetries: number;
  httpFailures: string[];
  /** Files never dropped because the earlier file of the same name was not taken while the intake stood still. */
  neverDropped: Drop[];
}

/**
 * Drops the declarations at `perSecond`: files written under a temporary name and renamed into the
 * inbox (as an ERP should), a reused name only once the previous file of that name was taken;
 * uploads retried until the gateway answers, since it is killed now and then.
 */
export async function dropAll(
  drops: readonly Drop[],
  inbox: string,
  httpUrl: () => string,
  token: string,
  perSecond: number,
  maxWaitMs: number,
): Promise<Dropper> {
  const state: Dropper = { httpRetries: 0, httpFailures: [], neverDropped: [] };
  const waiting: Drop[] = [];
  const uploads: Promise<void>[] = [];
  const start = Date.now();
  const tryFolder = async (d: Drop): Promise<boolean> => {
    const target = join(inbox, d.name!);
    if (existsSync(target)) return false;
    const tmp = join(inbox, `.${d.clientSeqNo}.tmp`);
    await writeFile(tmp, decMessage(d.clientSeqNo));
    await rename(tmp, target);
    return true;
  };
  for (const [i, d] of drops.entries()) {
    const due = start + (i * 1000) / perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    for (let j = waiting.length - 1; j >= 0; j--)
      if (await tryFolder(waiting[j]!)) waiting.splice(j, 1);
    if (d.via === 'http') uploads.push(upload(d, httpUrl, token, state));
    else if (!(await tryFolder(d))) waiting.unshift(d);
  }
  progress(
    `folder drops done, ${waiting.length} waiting for a reused name, ${uploads.length} uploads`,
  );
  // Each reused name holds one file at a time, so the waiting files go in one after another as the
  // intake works through its backlog. Give up only when the intake stops taking files (a real
  // stall) for maxWaitMs, not when a long backlog is merely slow.
  let inboxCount = (await readdir(inbox)).length;
  let lastProgress = Date.now();
  while (waiting.length > 0 && Date.now() - lastProgress < maxWaitMs) {
    for (let j = waiting.length - 1; j >= 0; j--) {
      if (await tryFolder(waiting[j]!)) {
        waiting.splice(j, 1);
        lastProgress = Date.now();
      }
    }
    const now = (await readdir(inbox)).length;
    if (now < inboxCount) lastProgress = Date.now();
    inboxCount = now;
    await sleep(100);
  }
  state.neverDropped.push(...waiting);
  await Promise.all(uploads);
  return state;
}

function progress(msg: string): void {
  process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function upload(
  d: Drop,
  httpUrl: () => string,
  token: string,
  state: Dropper,
): Promise<void> {
  const body = Buffer.from(decMessage(d.clientSeqNo));
  for (let attempt = 1; attempt <= 600; attempt++) {
    try {
      const res = await fetch(`${httpUrl()}/v1/channels/declaration/documents`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/xml',
          ...(d.name ? { 'x-file-name': encodeURIComponent(d.name) } : {}),
        },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      if (res.status === 200 || res.status === 202) {
        await res.arrayBuffer();
        return;
      }
      const text = await res.text();
      if (res.status < 500 && res.status !== 429) {
        state.httpFailures.push(`${d.clientSeqNo}: HTTP ${res.status} ${text.slice(0, 200)}`);
        return;
      }
    } catch {
      // the gateway is down (killed) or restarting
    }
    state.httpRetries++;
    await sleep(500);
  }
  state.httpFailures.push(`${d.clientSeqNo}: no answer after 600 attempts`);
}
