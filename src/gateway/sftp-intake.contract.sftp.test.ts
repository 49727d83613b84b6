import { afterAll, beforeAll, describe } from 'vitest';
import { join } from 'node:path';
import { pino } from 'pino';
import {
  defineIntakeSourceContractTests,
  type IntakeHarness,
} from '../../test/contract/intake-source.contract.js';
import { inboxFolders, inboxKnobs, removeTree } from '../../test/helpers/inbox-folders.js';
import { startSshd, sshdUnavailable, type TestSshd } from '../../test/helpers/sshd.js';
import { skipWithout } from '../../test/helpers/tools.js';
import type { IntakeSource } from './intake.js';
import { SFTP_CLAIM_DIR, SftpIntake } from './sftp-intake.js';

const log = pino({ level: 'silent' });
const skip = skipWithout('SFTP intake contract', sshdUnavailable());

let sshd: TestSshd | undefined;
let cases = 0;
afterAll(async () => {
  await sshd?.dispose();
});

/**
 * The SFTP intake over a private sshd on loopback; the server's disk is this machine's, so the
 * harness fills and lists the inbox directly. Writers mark unfinished uploads with `.part`.
 */
async function sftpHarness(): Promise<IntakeHarness> {
  const s = (sshd ??= await startSshd());
  const root = join(s.dataDir, `intake-contract-${++cases}`);
  const f = await inboxFolders(root, SFTP_CLAIM_DIR);
  await s.own(root);
  const made: IntakeSource[] = [];
  const make = (): IntakeSource => {
    const source = new SftpIntake(
      {
        channel: 'declaration',
        host: s.host,
        port: s.port,
        username: s.username,
        privateKey: s.privateKey,
        knownHostKey: s.hostKeyFingerprint,
        timeoutMs: 3000,
        remoteDir: f.inbox,
        pattern: '*.xml',
        // Uploads arrive whole (renamed from `.part`), so no window is needed to see them complete.
        stableMs: 0,
        pollMs: 20,
        archiveDir: f.sent,
        failedDir: f.failed,
        maxBytes: 100_000,
      },
      log,
    );
    made.push(source);
    return source;
  };
  return {
    source: make(),
    ...inboxKnobs(f, 'part-name'),
    restart: async () => make(),
    close: async () => {
      for (const source of made) await source.close();
      await removeTree(root);
    },
  };
}

if (skip) describe.skip('SftpIntake contract (sshd missing)', () => {});
else {
  beforeAll(async () => {
    sshd ??= await startSshd();
  });
  defineIntakeSourceContractTests('sftp (OpenSSH sshd on loopback)', sftpHarness);
}
