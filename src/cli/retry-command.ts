import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { cancelMessage, retryMessage } from '../queues/operator.js';
import { findRecord } from './status-command.js';
import { openOperatorContext } from './operator-context.js';

/** An operator action on one message, found by id, file name or ClientSeqNo. */
function operatorCommand(program: Command, name: string, description: string, act: typeof retryMessage | typeof cancelMessage, done: string): void {
  program
    .command(name)
    .description(description)
    .argument('<id-or-file>', 'message id, source file name, or ClientSeqNo')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .action(async (arg: string, opts: { config: string }) => {
      const config = loadConfig(opts.config);
      let ctx: Awaited<ReturnType<typeof openOperatorContext>> | undefined;
      try {
        ctx = await openOperatorContext(config);
        const rec = await findRecord(ctx.deps.ledger, config, arg);
        if (!rec) {
          console.error(`no message found for "${arg}" / 未找到报文`);
          process.exitCode = 1;
          return;
        }
        await act(ctx.deps, rec, `eport ${name} (${process.env.USER ?? 'operator'})`);
        console.log(`message ${rec.id} (${rec.sourceName}): ${done}`);
      } catch (err) {
        console.error((err as Error).message);
        process.exitCode = 1;
      } finally {
        await ctx?.close();
      }
    });
}

export function registerRetry(program: Command): void {
  operatorCommand(program, 'retry', 'send a dead message again (same signed bytes, same ClientSeqNo) / 重发已放弃的报文', retryMessage, 'queued for delivery again / 已重新排队发送');
  operatorCommand(program, 'cancel', 'stop a message that has not been sent yet / 撤销尚未发送的报文', cancelMessage, 'cancelled, not sent / 已撤销，未发送');
}
