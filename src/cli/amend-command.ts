import type { Command } from 'commander';
import type { GatewayConfig } from '../config/resolve.js';
import { reportError } from './format-error.js';
import { loadConfigOrReport } from './load-config-or-report.js';

interface AmendOptions {
  config: string;
  reason: string;
  field?: string[];
  contact?: string;
  phone?: string;
  channel?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The channel that takes 修撤单: the one named, or the only `translator: amend` channel. */
function amendChannel(config: GatewayConfig, named: string | undefined): string | undefined {
  const amend = config.channels.filter((c) => c.translator === 'amend').map((c) => c.name);
  if (named) {
    if (amend.includes(named)) return named;
    console.error(
      `channel "${named}" is not an amend channel (translator: amend) / 通道 ${named} 不是修撤单通道（translator: amend）`,
    );
    return undefined;
  }
  if (amend.length === 1) return amend[0];
  console.error(
    amend.length === 0
      ? 'no channel with translator: amend in the configuration; add one (see README, 修撤单) / 配置中没有 translator: amend 的修撤单通道，请添加'
      : `several amend channels (${amend.join(', ')}): name one with --channel / 有多个修撤单通道，请用 --channel 指定`,
  );
  return undefined;
}

/** `--field GrossWet=6100` → { field, value }; the first `=` splits, so values may hold `=`. */
function parseFields(raw: readonly string[]): { field: string; value: string }[] | undefined {
  const out: { field: string; value: string }[] = [];
  for (const r of raw) {
    const i = r.indexOf('=');
    if (i <= 0) {
      console.error(
        `--field "${r}": write FIELD=NEW, e.g. --field GrossWet=6100 or --field "DecList[2].GQty=10" / 请写成 字段=新值`,
      );
      return undefined;
    }
    out.push({ field: r.slice(0, i).trim(), value: r.slice(i + 1).trim() });
  }
  return out;
}

async function submit(type: 'modify' | 'withdraw', arg: string, opts: AmendOptions): Promise<void> {
  const fields = parseFields(opts.field ?? []);
  if (!fields) {
    process.exitCode = 2;
    return;
  }
  const config = await loadConfigOrReport(opts.config);
  if (!config) return;
  const channel = amendChannel(config, opts.channel);
  if (!channel) {
    process.exitCode = 2;
    return;
  }
  const { findRecord, openOperatorContext } = await import('./operator-context.js');
  let ctx: Awaited<ReturnType<typeof openOperatorContext>> | undefined;
  try {
    ctx = await openOperatorContext(config);
    const deps = ctx.deps;
    const rec = await findRecord(deps.ledger, config, arg);
    if (!rec) {
      console.error(`no message found for "${arg}" / 未找到报文`);
      process.exitCode = 1;
      return;
    }
    const request = {
      declaration: rec.id,
      type,
      reason: opts.reason,
      ...(opts.contact ? { contact: opts.contact } : {}),
      ...(opts.phone ? { phone: opts.phone } : {}),
      fields,
    };
    const bytes = Buffer.from(`${JSON.stringify(request, null, 2)}\n`, 'utf8');
    const { messageIdFor } = await import('../core/ids.js');
    const { AmendTranslator } = await import('../translators/amend/amend-translator.js');
    const { findSentMessage } = await import('../queues/amend-tracking.js');
    const spec = config.channels.find((c) => c.name === channel);
    const translator = new AmendTranslator(
      spec?.translation?.rootElement ? { rootElement: spec.translation.rootElement } : {},
    );
    // Built here first so a wrong field or a declaration without 统一编号 is reported at once.
    const [built] = await translator.translate(bytes, {
      channel,
      fileName: 'command line',
      findSent: (ref) => findSentMessage(deps, ref),
    });
    const name = `${type === 'modify' ? 'amend' : 'withdraw'}-${built!.businessKey}.json`;
    const existing = await deps.ledger.get(messageIdFor(channel, bytes));
    if (existing) {
      console.log(
        `already requested: message ${existing.id} [${existing.status}] (${existing.sourceName}) / 已提交过相同的修撤申请`,
      );
      return;
    }
    const { createIntakeHandler } = await import('../queues/intake-handler.js');
    const outcome = await createIntakeHandler(deps).accept({ channel, name, bytes });
    console.log(
      `修撤单 ${built!.businessKey} for ${rec.id} (${rec.businessKey ?? rec.sourceName}): message ${outcome.messageId} ${outcome.kind} on channel ${channel}`,
    );
    console.log(
      `  follow it with: eport status ${rec.id} -c ${opts.config} / 用 eport status 查看审批结果`,
    );
  } catch (err) {
    reportError(err);
  } finally {
    await ctx?.close();
  }
}

/** `eport amend` and `eport withdraw`: a 修撤单 for a declared 报关单, through the channel with translator: amend. */
export function registerAmend(program: Command): void {
  program
    .command('amend')
    .description(
      'ask customs to modify a declared 报关单 (修撤单, DecModType 1) / 申请修改已申报的报关单',
    )
    .argument('<id-or-file>', 'message id, source file name, or ClientSeqNo of the declaration')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .requiredOption(
      '--field <FIELD=NEW>',
      'a changed field: a DecHead element (GrossWet=6100) or DecList[n].Name; repeat for several',
      collect,
    )
    .requiredOption('--reason <text>', 'why (DecModNote) / 修改原因')
    .option('--contact <name>', 'contact person (EntOpName); default the declaration DeclareName')
    .option('--phone <number>', 'contact phone (EntOpTele)')
    .option('--channel <name>', 'the amend channel, when there are several')
    .action((arg: string, opts: AmendOptions) => submit('modify', arg, opts));
  program
    .command('withdraw')
    .description(
      'ask customs to withdraw a declared 报关单 (修撤单, DecModType 2) / 申请撤销已申报的报关单',
    )
    .argument('<id-or-file>', 'message id, source file name, or ClientSeqNo of the declaration')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .requiredOption('--reason <text>', 'why (DecModNote) / 撤销原因')
    .option('--contact <name>', 'contact person (EntOpName); default the declaration DeclareName')
    .option('--phone <number>', 'contact phone (EntOpTele)')
    .option('--channel <name>', 'the amend channel, when there are several')
    .action((arg: string, opts: AmendOptions) => submit('withdraw', arg, opts));
}
