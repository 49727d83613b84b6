import type { Command } from 'commander';
import type { GatewayConfig } from '../config/resolve.js';
import type { LedgerPort, MessageRecord } from '../queues/ledger-port.js';
import { loadConfigOrReport } from './load-config-or-report.js';

const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'show a message (by id, file name or ClientSeqNo) or the most recent ones / 查询报文状态',
    )
    .argument('[id-or-file]', 'message id, source file name, or ClientSeqNo')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .option('-n, --limit <n>', 'how many recent messages to list', '20')
    .option('--json', 'machine-readable output')
    .action(
      async (arg: string | undefined, opts: { config: string; limit: string; json?: boolean }) => {
        const config = await loadConfigOrReport(opts.config);
        if (!config) return;
        if (arg) {
          // One message: the ledger only (no queue library to load).
          const { openLedgerContext } = await import('./ledger-context.js');
          const ctx = await openLedgerContext(config);
          try {
            await showMessage(config, ctx.ledger, arg, opts.json === true);
          } finally {
            await ctx.close();
          }
          return;
        }
        const { openOperatorContext } = await import('./operator-context.js');
        // The daemon's own store factory: the same ledger and queues, no workers or adapters.
        const ctx = await openOperatorContext(config);
        try {
          const { ledger, queues, redis } = ctx.deps;
          const ids = await ledger.recent(Number(opts.limit));
          const recs = (await Promise.all(ids.map((id) => ledger.get(id)))).filter(
            (r): r is MessageRecord => Boolean(r),
          );
          if (opts.json) {
            console.log(JSON.stringify(recs, null, 2));
            return;
          }
          console.log('queues / 队列            waiting  active  delayed  failed');
          for (const [q, c] of Object.entries(await queues.counts())) {
            console.log(
              `  ${q.padEnd(20)} ${String(c.waiting ?? 0).padStart(7)} ${String(c.active ?? 0).padStart(7)} ${String(c.delayed ?? 0).padStart(8)} ${String(c.failed ?? 0).padStart(7)}`,
            );
          }
          const { formatDeliveryState, readDeliveryState } = await import('./delivery-status.js');
          const { unclaimedReceiptLines } = await import('./unclaimed-receipts.js');
          for (const line of formatDeliveryState(await readDeliveryState(redis, config)))
            console.log(line);
          for (const line of await unclaimedReceiptLines(ctx.deps)) console.log(line);
          const { workerStatusLines } = await import('./worker-status.js');
          for (const line of await workerStatusLines(redis, config.redis.prefix)) console.log(line);
          console.log(
            `${await ledger.count()} message(s) in the ledger / 报文总数; most recent ${recs.length}:`,
          );
          for (const r of recs)
            console.log(
              `  ${time(r.updatedAt)}  ${r.id}  ${r.channel.padEnd(12)} ${r.status.padEnd(10)} ${r.sourceName}`,
            );
        } finally {
          await ctx.close();
        }
      },
    );
}

/** Prints one message (by id, file name or ClientSeqNo) with its timeline, or says it is gone. */
async function showMessage(
  config: GatewayConfig,
  ledger: LedgerPort,
  arg: string,
  json: boolean,
): Promise<void> {
  const { findRecord } = await import('./message-lookup.js');
  const rec = await findRecord(ledger, config, arg);
  if (!rec) {
    const { expiredText, findArchivedMessage } = await import('../queues/expired-lookup.js');
    const archived = await findArchivedMessage(config.dataDir, arg);
    if (archived) {
      const text = expiredText(archived);
      console.error(`${text.en}\n${text.zh}`);
      process.exitCode = 1;
      return;
    }
    console.error(`no message found for "${arg}" / 未找到报文`);
    process.exitCode = 1;
    return;
  }
  const events = await ledger.events(rec.id);
  if (json) {
    console.log(JSON.stringify({ ...rec, events }, null, 2));
    return;
  }
  console.log(`message ${rec.id}  [${rec.status}]`);
  const { AMEND_STATUS_ZH } = await import('../queues/amend-tracking.js');
  const shown = (k: string, v: unknown): string =>
    k.endsWith('At')
      ? time(Number(v))
      : k === 'amendStatus'
        ? `${String(v)} ${AMEND_STATUS_ZH[v as keyof typeof AMEND_STATUS_ZH] ?? ''}`.trim()
        : String(v);
  for (const [k, v] of Object.entries(rec))
    if (k !== 'id' && k !== 'status') console.log(`  ${k.padEnd(12)} ${shown(k, v)}`);
  console.log('  timeline:');
  for (const e of events)
    console.log(
      `    ${time(e.at)}  ${e.stage.padEnd(9)} ${e.status ? `[${e.status}] ` : ''}${e.text}`,
    );
}
