import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import type { ChainHead } from '../records/audit-chain.js';

/** The chain head the writer stored in Redis, if Redis answers: it shows entries cut off the end. */
async function storedHead(configFile: string): Promise<ChainHead | undefined> {
  // Loaded when used: every CLI start stays quick.
  const { loadConfig } = await import('../config/load.js');
  const { openLedgerContext } = await import('./ledger-context.js');
  const config = loadConfig(configFile);
  const opening = openLedgerContext(config);
  try {
    const raw = await Promise.race([
      opening.then((ctx) => ctx.redis.get(`${config.redis.prefix}:audit:head`)),
      new Promise<null>((r) => setTimeout(() => r(null), 3000).unref()),
    ]);
    return raw ? (JSON.parse(raw) as ChainHead) : undefined;
  } catch {
    return undefined;
  } finally {
    // Also when Redis answers only after the wait: its connection is closed then.
    void opening.then(
      (ctx) => ctx.close(),
      () => {},
    );
  }
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log / 审计日志');
  audit
    .command('verify')
    .description('check the audit log chain; names the first broken entry / 校验审计日志哈希链')
    .option('-d, --dir <dir>', 'audit folder (default: <dataDir>/audit of --config)')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { dir?: string; config?: string }) => {
      if (!opts.dir && !opts.config) {
        console.error('give --dir AUDIT_FOLDER or --config FILE / 请指定 --dir 或 --config');
        process.exitCode = 2;
        return;
      }
      const { loadConfig } = await import('../config/load.js');
      const { verifyAuditDir } = await import('../records/audit-verify.js');
      const dir = opts.dir ? resolve(opts.dir) : join(loadConfig(opts.config!).dataDir, 'audit');
      const r = await verifyAuditDir(dir);
      if (r.firstBroken) {
        const b = r.firstBroken;
        console.log(
          `✗ first broken entry / 首个损坏记录: ${join(dir, b.file)} line ${b.line}${b.seq ? ` (seq ${b.seq})` : ''}: ${b.problem}`,
        );
        console.log(`  ${r.entries} readable entries in ${r.files} file(s) / 共 ${r.files} 个文件`);
        process.exitCode = 1;
        return;
      }
      if (!r.files) {
        console.log(`no audit files in ${dir} / 没有审计日志文件`);
        process.exitCode = 1;
        return;
      }
      const head = opts.config ? await storedHead(opts.config) : undefined;
      if (head && head.seq > r.lastSeq) {
        console.log(
          `✗ entries ${r.lastSeq + 1}..${head.seq} are missing from the end (removed, or on another node's disk) / 末尾记录缺失`,
        );
        process.exitCode = 1;
        return;
      }
      console.log(
        `✓ chain intact / 哈希链完整: ${r.entries} entries, seq 1..${r.lastSeq}, ${r.files} file(s) in ${dir}${head ? ', matches the head in Redis' : ''}`,
      );
    });
}
