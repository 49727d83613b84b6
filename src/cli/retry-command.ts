import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { Ledger } from '../queues/ledger.js';
import { retryMessage } from '../queues/operator.js';
import { bullmqConnection, createRedis } from '../queues/redis-connection.js';
import { StageQueues } from '../queues/stage-queues.js';
import { findRecord, redisUrlOf } from './status-command.js';

export function registerRetry(program: Command): void {
  program
    .command('retry')
    .description('send a dead message again (same signed bytes, same ClientSeqNo) / 重发已放弃的报文')
    .argument('<id-or-file>', 'message id, source file name, or ClientSeqNo')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .action(async (arg: string, opts: { config: string }) => {
      const config = loadConfig(opts.config);
      const url = redisUrlOf(config);
      const redis = createRedis(url);
      redis.on('error', () => {});
      const queues = new StageQueues(bullmqConnection(url), config.redis.prefix, config.retry.delaysMs.length + 1, config.signers.map((s) => s.name));
      try {
        const ledger = new Ledger(redis, config.redis.prefix);
        const rec = await findRecord(ledger, config, arg);
        if (!rec) {
          console.error(`no message found for "${arg}" / 未找到报文`);
          process.exitCode = 1;
          return;
        }
        await retryMessage({ ledger, queues }, rec, `eport retry (${process.env.USER ?? 'operator'})`);
        console.log(`message ${rec.id} (${rec.sourceName}) queued for delivery again / 已重新排队发送`);
      } catch (err) {
        console.error((err as Error).message);
        process.exitCode = 1;
      } finally {
        await queues.close();
        redis.disconnect();
      }
    });
}
