import type { Command } from 'commander';
import type { cancelMessage, retryMessage } from '../queues/operator.js';
import { reportError } from './format-error.js';
import { loadConfigOrReport } from './load-config-or-report.js';

// The operator actions, loaded when a command runs rather than at every CLI start.
const retry: typeof retryMessage = async (...a) =>
  (await import('../queues/operator.js')).retryMessage(...a);
const cancel: typeof cancelMessage = async (...a) =>
  (await import('../queues/operator.js')).cancelMessage(...a);

/** An operator action on one message, found by id, file name or ClientSeqNo; Redis and the queues load when it runs. */
function operatorCommand(
  program: Command,
  name: string,
  description: string,
  act: typeof retryMessage | typeof cancelMessage,
  done: string,
): void {
  program
    .command(name)
    .description(description)
    .argument('<id-or-file>', 'message id, source file name, or ClientSeqNo')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .action(async (arg: string, opts: { config: string }) => {
      const config = await loadConfigOrReport(opts.config);
      if (!config) return;
      const { findRecord, openOperatorContext } = await import('./operator-context.js');
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
        reportError(err);
      } finally {
        await ctx?.close();
      }
    });
}

export function registerRetry(program: Command): void {
  operatorCommand(
    program,
    'retry',
    'send a dead message again (same signed bytes, same ClientSeqNo) / 重发已放弃的报文',
    retry,
    'queued for delivery again / 已重新排队发送',
  );
  operatorCommand(
    program,
    'cancel',
    'stop a message that has not been sent yet / 撤销尚未发送的报文',
    cancel,
    'cancelled, not sent / 已撤销，未发送',
  );
}
