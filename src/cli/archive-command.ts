import type { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

export function registerArchive(program: Command): void {
  const archive = program
    .command('archive')
    .description('archived originals, signed messages and receipts / 报文归档');
  archive
    .command('find')
    .description(
      'find archived documents by business key (ClientSeqNo, 统一编号, 报关单号, file name, message id) / 按业务编号查找归档',
    )
    .argument(
      '<key>',
      'ClientSeqNo, SeqNo (统一编号), EntryId (报关单号), source file name or message id',
    )
    .option('-c, --config <file>', 'YAML configuration file')
    .option('-d, --dir <dir>', 'archive folder (default: <dataDir>/archive of --config)')
    .option('-o, --out <dir>', 'write the documents into this folder')
    .option('--since <YYYY-MM-DD>', 'only archives of this day and later')
    .option('--json', 'machine-readable output (with the content, base64)')
    .action(
      async (
        key: string,
        opts: { config?: string; dir?: string; out?: string; since?: string; json?: boolean },
      ) => {
        if (!opts.dir && !opts.config) {
          console.error('give --config FILE or --dir ARCHIVE_FOLDER / 请指定 --config 或 --dir');
          process.exitCode = 2;
          return;
        }
        const { loadConfig } = await import('../config/load.js');
        const { ArchiveStore } = await import('../records/archive-store.js');
        const dir = opts.dir
          ? resolve(opts.dir)
          : join(loadConfig(opts.config!).dataDir, 'archive');
        const found = await new ArchiveStore(dir).find(key, opts.since);
        if (opts.json) {
          console.log(JSON.stringify(found, null, 2));
        } else if (!found.length) {
          console.error(`nothing archived for "${key}" in ${dir} / 未找到归档`);
        } else {
          for (const r of found)
            console.log(
              `${r.at}  ${r.kind.padEnd(9)} ${r.channel.padEnd(12)} ${r.messageId}  ${r.name}  sha256:${r.sha256.slice(0, 16)}…`,
            );
        }
        if (opts.out && found.length) {
          await mkdir(opts.out, { recursive: true });
          for (const r of found) {
            // Archived names came from outside once: keep only the base name.
            const name = `${r.messageId.slice(0, 8)}.${r.kind}.${basename(r.name)}`;
            await writeFile(join(opts.out, name), Buffer.from(r.data, 'base64'));
          }
          console.log(`${found.length} file(s) written to ${resolve(opts.out)} / 已写出`);
        }
        process.exitCode = found.length ? 0 : 1;
      },
    );
}
