import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyEnveloped } from '../../src/signing/xmldsig.js';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const CEB = join(ROOT, 'samples', 'ceb');
const ls = (d: string) =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();

/** Cross-border order (CEB311) and inventory (CEB621) from enterprise files, through the daemon. */
describe('跨境电商 CEB and 舱单 manifest messages through the daemon (real Redis, sandbox)', () => {
  let t: TestGateway;
  let gateway: TestGateway['gateway'];
  let sandbox: TestGateway['sandbox'];
  let dir: string;
  const mapped = (kind: string, mapping: string) =>
    `translator: ${kind}, translation: { mapping: "${mapping}" }`;

  beforeAll(async () => {
    t = await startTestGateway(
      'ceb',
      [
        testChannel('orders', mapped('ceb', join(CEB, 'ceb311-order.yaml'))),
        testChannel('inventory', mapped('ceb', join(CEB, 'ceb621-inventory.yaml'))),
        testChannel(
          'manifest',
          mapped('manifest', join(ROOT, 'samples', 'manifest', 'mt1101-sea.yaml')),
        ),
      ].join('\n'),
    );
    ({ gateway, sandbox, dir } = t);
  });
  afterAll(async () => t?.close());

  it('signs the expected messages, customs verifies them, and the CEB312/CEB622 returns drive the status', async () => {
    copyFileSync(join(CEB, 'ceb311-order.json'), join(dir, 'orders', 'inbox', 'order.json'));
    copyFileSync(join(CEB, 'ceb621-inventory.csv'), join(dir, 'inventory', 'inbox', 'invt.csv'));
    await waitFor(
      'order returns',
      () => ls(join(dir, 'orders', 'outbox')),
      (f) => f.length === 2,
      20_000,
    );
    await waitFor(
      'inventory returns',
      () => ls(join(dir, 'inventory', 'outbox')),
      (f) => f.length === 5,
      20_000,
    );
    expect(sandbox.stats().accepted).toBe(2);
    expect(ls(join(dir, 'inventory', 'outbox'))).toEqual(
      [1, 2, 3, 4, 5].map((n) => `invt.ceb-return.0${n}.xml`),
    );

    const check = async (channel: string, file: string, expected: string, status: string) => {
      const rec = (await gateway.deps.ledger.get(
        (await gateway.deps.ledger.findBySource(channel, file))!,
      ))!;
      expect(rec.status).toBe(status);
      expect((await gateway.deps.spool.get(rec.messageRef!)).toString('utf8')).toBe(
        readFileSync(join(CEB, 'expected', expected), 'utf8'),
      );
      expect(
        verifyEnveloped((await gateway.deps.spool.get(rec.signedRef!)).toString('utf8')).ok,
      ).toBe(true);
      return rec;
    };
    const expected = ls(join(CEB, 'expected'));
    const order = await check(
      'orders',
      'order.json',
      expected.find((f) => f.includes('311'))!,
      'accepted',
    ); // 120 海关入库
    const invt = await check(
      'inventory',
      'invt.csv',
      expected.find((f) => f.includes('621'))!,
      'closed',
    ); // 899 结关
    expect(order.messageType).toBe('CEB311Message');
    expect(invt.messageType).toBe('CEB621Message');
  }, 30_000);

  it('sends a 舱单 MT1101 and matches the MT9999 answer to it by its bill numbers', async () => {
    const MF = join(ROOT, 'samples', 'manifest');
    copyFileSync(join(MF, 'mt1101-sea.csv'), join(dir, 'manifest', 'inbox', 'mt1101.csv'));
    await waitFor(
      'MT9999 in the outbox',
      () => ls(join(dir, 'manifest', 'outbox')),
      (f) => f.length === 1,
      20_000,
    );
    expect(ls(join(dir, 'manifest', 'outbox'))).toEqual(['mt1101.mt9999.01.xml']);
    const rec = (await gateway.deps.ledger.get(
      (await gateway.deps.ledger.findBySource('manifest', 'mt1101.csv'))!,
    ))!;
    expect(rec).toMatchObject({ status: 'accepted', messageType: 'MT1101' });
    expect((await gateway.deps.spool.get(rec.messageRef!)).toString('utf8')).toBe(
      readFileSync(join(MF, 'expected', 'mt1101-sea.xml'), 'utf8'),
    );
  }, 30_000);
});
