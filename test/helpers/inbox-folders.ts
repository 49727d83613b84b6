import { appendFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The inbox side of an intake contract harness for adapters that read folders (the folder intake
 * directly, the SFTP intake through a loopback sshd over the same disk): an inbox with a claim
 * folder, and sent and failed folders beside it.
 */
export interface InboxFolders {
  readonly inbox: string;
  readonly claimDir: string;
  readonly sent: string;
  readonly failed: string;
}

/** How a writer marks a document unfinished: a `.part` name renamed at the end, or a `.done` marker. */
export type Completion = 'part-name' | 'done-marker';

const list = async (dir: string): Promise<string[]> =>
  (await readdir(dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));

export function inboxKnobs(f: InboxFolders, completion: Completion) {
  return {
    /** Written under a hidden temp name and renamed (and marked done): never seen in part. */
    put: async (name: string, bytes: Buffer): Promise<void> => {
      const tmp = join(f.inbox, `.${name}.writing`);
      await writeFile(tmp, bytes);
      await rename(tmp, join(f.inbox, name));
      if (completion === 'done-marker') await writeFile(join(f.inbox, `${name}.done`), '');
    },
    begin: async (name: string, bytes: Buffer) => {
      const half = Math.floor(bytes.length / 2);
      const path = join(f.inbox, completion === 'part-name' ? `${name}.part` : name);
      await writeFile(path, bytes.subarray(0, half));
      return {
        complete: async (): Promise<void> => {
          await appendFile(path, bytes.subarray(half));
          if (completion === 'part-name') await rename(path, join(f.inbox, name));
          else await writeFile(join(f.inbox, `${name}.done`), '');
        },
      };
    },
    /** Markers are the writer's signal, not documents. */
    held: async (): Promise<string[]> =>
      [...(await list(f.inbox)), ...(await list(f.claimDir))]
        .filter((n) => !n.endsWith('.done'))
        .sort(),
    archived: async (): Promise<string[]> =>
      [...(await list(f.sent)), ...(await list(f.failed))].sort(),
  };
}

/** Makes the folders under `root` (the claim folder is the adapter's to make). */
export async function inboxFolders(root: string, claimDirName: string): Promise<InboxFolders> {
  const inbox = join(root, 'inbox');
  await mkdir(inbox, { recursive: true });
  return {
    inbox,
    claimDir: join(inbox, claimDirName),
    sent: join(root, 'sent'),
    failed: join(root, 'failed'),
  };
}

export const removeTree = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });
