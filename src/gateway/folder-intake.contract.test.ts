import { utimesSync } from 'node:fs';
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import {
  defineIntakeSourceContractTests,
  type IntakeHarness,
} from '../../test/contract/intake-source.contract.js';
import {
  inboxFolders,
  inboxKnobs,
  removeTree,
  type Completion,
} from '../../test/helpers/inbox-folders.js';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { CLAIM_DIR, FolderIntake } from './folder-intake.js';
import type { IntakeSource } from './intake.js';

const log = pino({ level: 'silent' });
const STABLE_MS = 5_000;

/**
 * The folder intake over a temp inbox. The stability window runs on a fake clock that moves one
 * window per scan: a file is complete once two scans saw it unchanged, however slow the machine.
 * With `growing`, a document being written sits under its final name and is touched (new mtime)
 * at every scan until it is complete, so only the stability window keeps it from being taken.
 */
async function folderHarness(completion: Completion | 'growing'): Promise<IntakeHarness> {
  const root = await mkdtemp(join(tmpdir(), 'eport-intake-contract-'));
  const f = await inboxFolders(root, CLAIM_DIR);
  const clock = new FakeClock();
  const growing = new Set<string>();
  let touches = 0;
  const now = (): number => {
    for (const path of growing) {
      const t = new Date(Date.UTC(2026, 0, 1) + ++touches * 1000);
      utimesSync(path, t, t);
    }
    clock.advance(STABLE_MS);
    return clock.now();
  };
  const made: IntakeSource[] = [];
  const make = (): IntakeSource => {
    const cfg = {
      type: 'folder' as const,
      path: f.inbox,
      pattern: '*.xml',
      stableMs: STABLE_MS,
      pollMs: 10,
      doneMarker: completion === 'done-marker',
      maxBytes: 100_000,
    };
    const s = new FolderIntake('declaration', cfg, f.sent, f.failed, log, undefined, now);
    made.push(s);
    return s;
  };
  const knobs = inboxKnobs(f, completion === 'growing' ? 'part-name' : completion);
  return {
    source: make(),
    ...knobs,
    ...(completion === 'growing' && {
      begin: async (name: string, bytes: Buffer) => {
        const path = join(f.inbox, name);
        const half = Math.floor(bytes.length / 2);
        await writeFile(path, bytes.subarray(0, half));
        growing.add(path);
        return {
          complete: async () => {
            await appendFile(path, bytes.subarray(half));
            growing.delete(path);
          },
        };
      },
    }),
    restart: async () => make(),
    close: async () => {
      for (const s of made) await s.close();
      await removeTree(root);
    },
  };
}

defineIntakeSourceContractTests('folder (writers use .part names)', () =>
  folderHarness('part-name'),
);
defineIntakeSourceContractTests('folder (stability window, fake clock)', () =>
  folderHarness('growing'),
);
defineIntakeSourceContractTests('folder (.done marker)', () => folderHarness('done-marker'));
