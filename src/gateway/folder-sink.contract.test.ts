import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIfExists } from '../core/atomic-file.js';
import { defineReceiptSinkContractTests } from '../../test/contract/receipt-sink.contract.js';
import { removeTree } from '../../test/helpers/inbox-folders.js';
import { FolderReceiptSink } from './folder-sink.js';

defineReceiptSinkContractTests('outbox folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'eport-sink-contract-'));
  return {
    sink: new FolderReceiptSink(),
    dir: (label) => join(root, label, 'outbox'),
    read: (dir, fileName) => readIfExists(join(dir, fileName)),
    list: async (dir) => (await readdir(dir).catch(() => [] as string[])).sort(),
    close: () => removeTree(root),
  };
});
