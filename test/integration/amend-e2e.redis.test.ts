import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerAmend } from '../../src/cli/amend-command.js';
import type { MessageRecord } from '../../src/queues/ledger.js';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const CLIENT_SEQ_NO = 'EPGW20260105000101';
const ls = (d: string): string[] =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();

/**
 * 修撤单 end to end: a declaration goes out and gets its 统一编号; then a refused modification
 * (enterprise file), an approved modification and an approved withdrawal (both by the CLI) are
 * built from the sent message, signed, sent over HTTP, answered by the sandbox's HzApprovalResult
 * (in a DxpMsg), and move the declaration's 修撤状态 and, for the withdrawal, its status.
 * The sandbox's 报关单 receipts are held back (long stepMs) so the declaration stays open.
 */
describe('修撤单 through the daemon (real Redis, sandbox HzApprovalResult)', () => {
  let t: TestGateway;
  let cliConfig: string;
  const channels = [
    testChannel('decl'),
    testChannel('amend', 'translator: amend, messageType: DecModMessage'),
  ].join('\n');

  beforeAll(async () => {
    t = await startTestGateway('amend', channels, {
      sandbox: { stepMs: 600_000, decModStepMs: 5 },
    });
    // The CLI reads a configuration file naming the same Redis prefix, data folder and channels.
    cliConfig = join(t.dir, 'cli.yaml');
    writeFileSync(
      cliConfig,
      `dataDir: ./data
redis: { url: "${t.gateway.deps.config.redis.url}", prefix: ${t.gateway.deps.config.redis.prefix} }
http: { enabled: false }
signers: [{ name: k, type: soft-key, key: ./k.pem }]
transports: [{ name: t, type: http, url: "${t.sandbox.url}/dec/submit" }]
receiptSources: []
channels:
${channels}
`,
    );
  });
  afterAll(async () => t?.close());

  const ledger = () => t.gateway.deps.ledger;
  const declaration = async (): Promise<MessageRecord> =>
    (await ledger().get((await ledger().findByKey('business-key', CLIENT_SEQ_NO))!))!;
  const recordOf = async (channel: string, file: string): Promise<MessageRecord | undefined> => {
    const id = await ledger().findBySource(channel, file);
    return id ? ledger().get(id) : undefined;
  };

  async function cli(...args: string[]): Promise<string> {
    const out: string[] = [];
    const log = vi
      .spyOn(console, 'log')
      .mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const err = vi
      .spyOn(console, 'error')
      .mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    try {
      const program = new Command().exitOverride();
      registerAmend(program);
      await program.parseAsync(['node', 'eport', ...args, '-c', cliConfig]);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
    return out.join('\n');
  }

  it('sends the declaration and records its 统一编号', async () => {
    copyFileSync(
      join(ROOT, 'samples', 'declaration', 'dec-01-import-components-utf8.xml'),
      join(t.dir, 'decl', 'inbox', 'dec-01.xml'),
    );
    const rec = await waitFor(
      '统一编号 of the declaration',
      () =>
        ledger()
          .findByKey('business-key', CLIENT_SEQ_NO)
          .then((id) => (id ? ledger().get(id) : undefined)),
      (r) => Boolean(r?.seqNo),
      20_000,
    );
    expect(rec).toMatchObject({ status: 'imported', messageType: 'DecMessage' });
  }, 30_000);

  it('a refused modification (enterprise file) leaves the declaration 驳回 and changes nothing else', async () => {
    writeFileSync(
      join(t.dir, 'amend', 'inbox', 'mod-1.json'),
      JSON.stringify({
        declaration: CLIENT_SEQ_NO,
        type: 'modify',
        reason: '测试驳回 SANDBOX:REJECT',
        fields: [{ field: 'NetWt', value: '5200' }],
      }),
    );
    const req = await waitFor(
      'the request answered',
      () => recordOf('amend', 'mod-1.json'),
      (r) => r?.status === 'rejected',
      20_000,
    );
    expect(req).toMatchObject({
      messageType: 'DecModMessage',
      amendType: 'modify',
      amendOf: (await declaration()).id,
    });
    expect(req!.businessKey).toMatch(/^DM[0-9A-F]{16}$/);
    // The declaration's record is moved by the same receipt, in a write of its own: wait for it.
    await waitFor('the declaration 驳回', declaration, (d) => d.amendStatus === 'refused', 20_000);
    expect(await declaration()).toMatchObject({ status: 'imported', amendStatus: 'refused' });
    // The HzApprovalResult is handed back to the enterprise like any receipt.
    await waitFor(
      'receipt in the amend outbox',
      () => ls(join(t.dir, 'amend', 'outbox')),
      (f) => f.length === 1,
      20_000,
    );
    expect(ls(join(t.dir, 'amend', 'outbox'))[0]).toMatch(/^mod-1\.hz-approval\.01\./);
  }, 30_000);

  it('eport amend: approved, the declaration is 已修改; the request carries the sent value', async () => {
    const out = await cli(
      'amend',
      CLIENT_SEQ_NO,
      '--field',
      'GrossWet=6102.5',
      '--reason',
      '毛重更正',
    );
    expect(out).toMatch(
      /修撤单 DM[0-9A-F]{16} for [0-9a-f]{32} \(EPGW20260105000101\): message [0-9a-f]{32} accepted on channel amend/,
    );
    const id = /message ([0-9a-f]{32}) accepted/.exec(out)![1]!;
    const req = await waitFor(
      'approval',
      () => ledger().get(id),
      (r) => r?.status === 'closed',
      20_000,
    );
    const xml = (await t.gateway.deps.spool.get(req!.messageRef!)).toString('utf8');
    expect(xml).toContain('<DecModType>1</DecModType>');
    expect(xml).toContain(`<DecSeqNo>${(await declaration()).seqNo}</DecSeqNo>`);
    expect(xml).toContain(
      '<FieldCode>GrossWet</FieldCode>\n      <FieldName>毛重（千克）</FieldName>\n      <OldValue>6072.5</OldValue>\n      <NewValue>6102.5</NewValue>',
    );
    await waitFor(
      'the declaration 已修改',
      declaration,
      (d) => d.amendStatus === 'modified',
      20_000,
    );
    expect(await declaration()).toMatchObject({ status: 'imported', amendStatus: 'modified' });
    // The same request again is not sent twice.
    expect(
      await cli('amend', CLIENT_SEQ_NO, '--field', 'GrossWet=6102.5', '--reason', '毛重更正'),
    ).toMatch(/already requested: message [0-9a-f]{32} \[closed\]/);
  }, 30_000);

  it('eport amend with an unknown field is refused at once, with nothing queued', async () => {
    const before = await ledger().count();
    const out = await cli('amend', CLIENT_SEQ_NO, '--field', 'GrossWeight=1', '--reason', 'x');
    expect(out).toContain('GW_ERR_TRANSLATE_FIELD');
    expect(out).toContain('原报关单中没有字段 GrossWeight');
    expect(out).toContain('the sent declaration has no field GrossWeight');
    expect(await ledger().count()).toBe(before);
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });

  it('eport withdraw: approved, the declaration is 已撤销 and cancelled; the timeline tells the story', async () => {
    const out = await cli(
      'withdraw',
      CLIENT_SEQ_NO,
      '--reason',
      '合同取消',
      '--contact',
      '王演示',
      '--phone',
      '021-50000417',
    );
    const id = /message ([0-9a-f]{32}) accepted/.exec(out)![1]!;
    await waitFor(
      'approval',
      () => ledger().get(id),
      (r) => r?.status === 'closed',
      20_000,
    );
    const decl = await waitFor(
      'the declaration 已撤销 and cancelled',
      declaration,
      (d) => d.status === 'cancelled' && d.amendStatus === 'withdrawn',
      20_000,
    );
    expect(decl).toMatchObject({ status: 'cancelled', amendStatus: 'withdrawn' });
    const texts = (await ledger().events(decl.id))
      .filter((e) => e.stage === 'amend')
      .map((e) => e.text.split(':')[0]);
    expect(texts.slice(0, 6)).toEqual([
      '修改审批中 / modify-pending',
      '驳回 / refused',
      '修改审批中 / modify-pending',
      '已修改 / modified',
      '撤销审批中 / withdraw-pending',
      '已撤销 / withdrawn',
    ]);
    expect(texts.slice(6)).toHaveLength(1);
    expect(texts[6]).toMatch(/^已撤销（删单）\/ withdrawn by DM[0-9A-F]{16}$/);
    expect(t.sandbox.stats().accepted).toBe(4);
  }, 30_000);
});
