import type { Command } from 'commander';
import { join } from 'node:path';
import type { Spool } from '../core/spool.js';
import type { FeedEntry } from '../queues/receipt-feed.js';

const POLL_MS = 500;

/** One line per receipt: time, channel, outbox file, and what customs said when it can be read. */
async function describe(spool: Spool, channel: string, e: FeedEntry): Promise<string> {
  const at = new Date(Number(e.cursor.split('-')[0])).toISOString().replace('T', ' ').slice(0, 19);
  let said = '';
  try {
    const { parseReceipt } = await import('../receipts/parse.js');
    const r = parseReceipt(await spool.get(e.receiptRef), e.fileName);
    said = `  ${r.code} ${r.status}${r.text ? ` ${r.text}` : ''}`;
  } catch {
    // the gateway's own receipts (error, dead, duplicate...) and receipts of another node's spool
  }
  return `${at}  ${channel.padEnd(14)} ${e.kind.padEnd(16)} ${e.fileName}  ${e.messageId}${said}`;
}

export function registerReceiptsTail(program: Command): void {
  const receipts = program
    .command('receipts')
    .description('receipts written to the outboxes / 回执');
  receipts
    .command('tail')
    .description('follow receipts live as they are written / 实时查看回执')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .option('--channel <name>', 'only this channel (default: all)')
    .option(
      '--since <duration>',
      'start this far back, e.g. 10m, 2h (default: only new receipts)',
      '0',
    )
    .option('-n, --count <n>', 'exit after this many receipts')
    .action(async (opts: { config: string; channel?: string; since: string; count?: string }) => {
      // Loaded when used: every CLI start stays quick.
      const { loadConfig } = await import('../config/load.js');
      const { toMs } = await import('../config/duration.js');
      const { Spool } = await import('../core/spool.js');
      const { openLedgerContext } = await import('./ledger-context.js');
      const config = loadConfig(opts.config);
      const channels = opts.channel ? [opts.channel] : config.channels.map((c) => c.name);
      if (opts.channel && !config.channels.some((c) => c.name === opts.channel)) {
        console.error(
          `no channel "${opts.channel}" in ${opts.config}; channels: ${config.channels.map((c) => c.name).join(', ')} / 通道不存在`,
        );
        process.exitCode = 2;
        return;
      }
      const ctx = await openLedgerContext(config);
      let stop = false;
      const onSignal = (): void => void (stop = true);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const [sec, usec] = await ctx.redis.time();
        // Cursors are stream ids, which start with the Redis clock in milliseconds.
        const start = `${Math.floor(Number(sec) * 1000 + Number(usec) / 1000) - toMs(/^\d+$/.test(opts.since) ? Number(opts.since) : opts.since)}-0`;
        const cursors = new Map(channels.map((c) => [c, start]));
        const feed = ctx.receiptFeed;
        const spool = new Spool(config.spoolDir);
        let left = opts.count ? Number(opts.count) : Infinity;
        console.error(
          `following receipts of ${channels.join(', ')}; Ctrl-C stops / 正在跟踪回执，Ctrl-C 退出`,
        );
        while (!stop && left > 0) {
          let got = 0;
          for (const ch of channels) {
            for (const e of await feed.read(ch, cursors.get(ch)!, 100)) {
              cursors.set(ch, e.cursor);
              if (left-- > 0) console.log(await describe(spool, ch, e));
              got++;
            }
          }
          if (!got) await new Promise((r) => setTimeout(r, POLL_MS));
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await ctx.close();
      }
    });
}
