import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReceipt } from '../../src/receipts/parse.js';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';

const MF = join(ROOT, 'samples', 'manifest');
const ls = (d: string): string[] => {
  try {
    return readdirSync(d)
      .filter((f) => !f.startsWith('.'))
      .sort();
  } catch {
    return [];
  }
};

/**
 * MT4101 装载舱单 (with its container details) and the MT5201 理货报告 through the simulated Single
 * Window client: the file lands in Mft/OutBox unsigned (the client signs), the client's import
 * response and the MT9999 per bill come back by Mft/InBox and reach the channel's outbox.
 */
describe('舱单 MT4101 / MT5201 through the Single Window client route (Mft)', () => {
  let t: TestGateway;
  const imp = mkdtempSync(join(tmpdir(), 'eport-mft-imppath-'));
  beforeAll(async () => {
    const ch = (name: string, yaml: string) =>
      `  - { name: ${name}, dir: ./${name}, intake: [{ type: folder, pattern: "*.csv", stableMs: 0, pollMs: 30ms }], signer: client, transport: c, translator: manifest, translation: { mapping: "${join(MF, yaml)}" } }`;
    t = await startTestGateway(
      'mft-swc',
      [ch('loading', 'mt4101-sea.yaml'), ch('tally', 'mt5201-air-tally.yaml')].join('\n'),
      {
        sandbox: { impPath: imp, clientModules: ['Mft'], stepMs: 5 },
        transports: `[{ name: c, type: sw-client, impPath: "${imp}", pollMs: 50ms, stableMs: 0ms }]`,
        receiptSources: '[]',
      },
    );
  });
  afterAll(async () => {
    await t?.close();
    rmSync(imp, { recursive: true, force: true });
  });

  it.each([
    ['loading', 'mt4101-sea', 'MT4101'],
    ['tally', 'mt5201-air-tally', 'MT5201'],
  ] as const)(
    '%s: %s goes through Mft and its MT9999 per bill comes back',
    async (channel, name, type) => {
      copyFileSync(join(MF, `${name}.csv`), join(t.dir, channel, 'inbox', `${name}.csv`));
      const mt9999 = await waitFor(
        'MT9999 in the outbox',
        () =>
          Promise.resolve(ls(join(t.dir, channel, 'outbox')).filter((f) => f.includes('mt9999'))),
        (f) => f.length >= 1,
        30_000,
      );
      const ledger = t.gateway.deps.ledger;
      const rec = (await ledger.get((await ledger.findBySource(channel, `${name}.csv`))!))!;
      expect(rec.messageType).toBe(type);
      // What the client took from Mft/OutBox is the unsigned translation, byte for byte.
      const sent = ls(join(imp, 'Mft', 'SentBox'));
      const mine = sent.find((f) =>
        readFileSync(join(imp, 'Mft', 'SentBox', f), 'utf8').includes(
          `<MessageType>${type}</MessageType>`,
        ),
      );
      expect(mine).toBeDefined();
      expect(readFileSync(join(imp, 'Mft', 'SentBox', mine!), 'utf8')).toBe(
        readFileSync(join(MF, 'expected', `${name}.xml`), 'utf8'),
      );
      const receipt = parseReceipt(
        readFileSync(join(t.dir, channel, 'outbox', mt9999[0]!)),
        'r.xml',
      );
      expect(receipt.messageType).toBe('MT9999');
      // The MT9999 (01 海关接受申报) moved the manifest on.
      const id = (await ledger.findBySource(channel, `${name}.csv`))!;
      await waitFor(
        'accepted',
        async () => (await ledger.get(id))!.status,
        (st) => st === 'accepted',
        10_000,
      );
    },
    40_000,
  );
});
