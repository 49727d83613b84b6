import { afterAll, beforeAll, describe } from 'vitest';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import {
  defineReceiptSourceContractTests,
  type ReceiptSourceHarness,
} from '../../test/contract/receipt-source.contract.js';
import { removeTree } from '../../test/helpers/inbox-folders.js';
import { startSshd, sshdUnavailable, type TestSshd } from '../../test/helpers/sshd.js';
import { skipWithout } from '../../test/helpers/tools.js';
import type { ReceiptSource } from './receipt-source.js';
import { SftpReceiptSource } from './sftp-receipt-source.js';

const log = pino({ level: 'silent' });
const skip = skipWithout('SFTP receipt source contract', sshdUnavailable());

let sshd: TestSshd | undefined;
let cases = 0;
afterAll(async () => {
  await sshd?.dispose();
});

/**
 * The SFTP receipt source over a private sshd on loopback. Receipts are written beside the
 * directory and renamed in, as a relay does; handled ones are moved to `doneDir`, or deleted.
 */
async function sftpHarness(after: 'move' | 'delete'): Promise<ReceiptSourceHarness> {
  const s = (sshd ??= await startSshd());
  const root = join(s.dataDir, `receipts-contract-${++cases}`);
  const dir = join(root, 'receipts');
  await mkdir(dir, { recursive: true });
  await s.own(root);
  const made: ReceiptSource[] = [];
  const make = (): ReceiptSource => {
    const source = new SftpReceiptSource(
      {
        host: s.host,
        port: s.port,
        username: s.username,
        privateKey: s.privateKey,
        knownHostKey: s.hostKeyFingerprint,
        timeoutMs: 3000,
        remoteDir: dir,
        doneDir: after === 'move' ? join(root, 'done') : undefined,
        pollMs: 20,
        // Receipts arrive whole (renamed in), so no window is needed to see them complete.
        stableMs: 0,
      },
      log,
    );
    made.push(source);
    return source;
  };
  return {
    source: make(),
    offer: async (fileName, bytes) => {
      const tmp = join(root, `${fileName}.upload`);
      await writeFile(tmp, bytes);
      await rename(tmp, join(dir, fileName));
    },
    remaining: async () => (await readdir(dir)).filter((n) => !n.startsWith('.')),
    restart: async () => make(),
    close: async () => {
      for (const source of made) await source.close();
      await removeTree(root);
    },
  };
}

if (skip) describe.skip('SftpReceiptSource contract (sshd missing)', () => {});
else {
  beforeAll(async () => {
    sshd ??= await startSshd();
  });
  defineReceiptSourceContractTests('sftp, handled receipts moved to doneDir', () =>
    sftpHarness('move'),
  );
  defineReceiptSourceContractTests('sftp, handled receipts deleted', () => sftpHarness('delete'));
}
