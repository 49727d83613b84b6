import type { Command } from 'commander';
import type { MessageRecord } from '../queues/ledger-port.js';
import type { OperatorDeps } from '../queues/deps.js';
import type * as DeliveryOperator from '../queues/delivery-operator.js';
import type { openOperatorContext } from './operator-context.js';
import { loadConfigOrReport } from './load-config-or-report.js';
import { reportError } from './format-error.js';

// Loaded when a command runs, not at every CLI start (they bring Redis and BullMQ).
const ops = (): Promise<typeof DeliveryOperator> => import('../queues/delivery-operator.js');
const holdChannel: typeof DeliveryOperator.holdChannel = async (...a) =>
  (await ops()).holdChannel(...a);
const holdMessage: typeof DeliveryOperator.holdMessage = async (...a) =>
  (await ops()).holdMessage(...a);
const releaseChannel: typeof DeliveryOperator.releaseChannel = async (...a) =>
  (await ops()).releaseChannel(...a);
const releaseMessage: typeof DeliveryOperator.releaseMessage = async (...a) =>
  (await ops()).releaseMessage(...a);
const replayMessage: typeof DeliveryOperator.replayMessage = async (...a) =>
  (await ops()).replayMessage(...a);

const operator = (cmd: string): string => `eport ${cmd} (${process.env.USER ?? 'operator'})`;

/** Runs one delivery action against the gateway's Redis, printing its outcome or why it was refused. */
async function run(
  configFile: string,
  act: (deps: OperatorDeps, find: (arg: string) => Promise<MessageRecord>) => Promise<string>,
): Promise<void> {
  const config = await loadConfigOrReport(configFile);
  if (!config) return;
  const { findRecord, openOperatorContext } = await import('./operator-context.js');
  let ctx: Awaited<ReturnType<typeof openOperatorContext>> | undefined;
  try {
    ctx = await openOperatorContext(config);
    const deps = ctx.deps;
    const find = async (arg: string): Promise<MessageRecord> => {
      const rec = await findRecord(deps.ledger, config, arg);
      if (!rec) throw new Error(`no message found for "${arg}" / 未找到报文`);
      return rec;
    };
    console.log(await act(deps, find));
  } catch (err) {
    reportError(err);
  } finally {
    await ctx?.close();
  }
}

/** Either a message or --channel, never both. */
function target(
  arg: string | undefined,
  channel: string | undefined,
): { message: string } | { channel: string } {
  if (Boolean(arg) === Boolean(channel))
    throw new Error(
      'give a message (id, file name or ClientSeqNo) or --channel NAME, not both / 请指定报文或 --channel 通道之一',
    );
  return arg ? { message: arg } : { channel: channel! };
}

/** `eport hold`, `eport release` and `eport replay`: an operator's hand on delivery, each recorded in the ledger. */
export function registerDeliveryCommands(program: Command): void {
  program
    .command('hold')
    .description(
      'stop sending a message, or a whole channel (files are still accepted and checked) / 暂停发送报文或通道',
    )
    .argument('[id-or-file]', 'message id, source file name, or ClientSeqNo')
    .option('--channel <name>', 'hold every message of this channel instead')
    .option('--reason <text>', 'why, for the timeline')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .action(
      async (
        arg: string | undefined,
        opts: { config: string; channel?: string; reason?: string },
      ) => {
        await run(opts.config, async (deps, find) => {
          const t = target(arg, opts.channel);
          if ('channel' in t) return holdChannel(deps, t.channel, operator('hold'), opts.reason);
          const rec = await find(t.message);
          return `message ${rec.id} (${rec.sourceName}): ${await holdMessage(deps, rec, operator('hold'), opts.reason)}`;
        });
      },
    );

  program
    .command('release')
    .description('send a held message, or a held channel, again / 恢复发送报文或通道')
    .argument('[id-or-file]', 'message id, source file name, or ClientSeqNo')
    .option('--channel <name>', 'release the whole channel instead')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .action(async (arg: string | undefined, opts: { config: string; channel?: string }) => {
      await run(opts.config, async (deps, find) => {
        const t = target(arg, opts.channel);
        if ('channel' in t) return releaseChannel(deps, t.channel, operator('release'));
        const rec = await find(t.message);
        return `message ${rec.id} (${rec.sourceName}): ${await releaseMessage(deps, rec, operator('release'))}`;
      });
    });

  program
    .command('replay')
    .description(
      'send the same signed bytes of a delivered message again, on purpose / 重放已送达的报文（相同签名报文）',
    )
    .argument('<id-or-file>', 'message id, source file name, or ClientSeqNo')
    .requiredOption('--reason <text>', 'why it is sent again (goes into the timeline)')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .action(async (arg: string, opts: { config: string; reason: string }) => {
      await run(opts.config, async (deps, find) => {
        const rec = await find(arg);
        return `message ${rec.id} (${rec.sourceName}): ${await replayMessage(deps, rec, operator('replay'), opts.reason)}`;
      });
    });
}
