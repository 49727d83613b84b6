import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModuleFor } from '../../src/core/client-modules.js';
import { verifyEnveloped } from '../../src/signing/xmldsig.js';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const MF = join(ROOT, 'samples', 'manifest');
const ls = (d: string): string[] =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();
const SAMPLES = [
  ['loading', 'mt4101-sea', 'MT4101'],
  ['tally-sea', 'mt5101-sea-tally', 'MT5101'],
  ['tally-air', 'mt5201-air-tally', 'MT5201'],
] as const;

/** MT4101 装载舱单 and 理货报告 from CSV through the daemon: signed, verified by the sandbox, answered by MT9999 per bill. */
describe('舱单 MT4101 / MT5101 / MT5201 through the daemon (real Redis, sandbox)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      'mft-more',
      SAMPLES.map(([ch, name]) =>
        testChannel(
          ch,
          `translator: manifest, translation: { mapping: "${join(MF, `${name}.yaml`)}" }`,
        ),
      ).join('\n'),
    );
  });
  afterAll(async () => t?.close());

  it.each(SAMPLES)(
    '%s: %s goes out and its MT9999 comes back',
    async (channel, name, type) => {
      copyFileSync(join(MF, `${name}.csv`), join(t.dir, channel, 'inbox', `${name}.csv`));
      await waitFor(
        'MT9999 in the outbox',
        () => ls(join(t.dir, channel, 'outbox')),
        (f) => f.length === 1,
        20_000,
      );
      expect(ls(join(t.dir, channel, 'outbox'))).toEqual([`${name}.mt9999.01.xml`]);
      const ledger = t.gateway.deps.ledger;
      const rec = (await ledger.get((await ledger.findBySource(channel, `${name}.csv`))!))!;
      expect(rec).toMatchObject({ status: 'accepted', messageType: type });
      expect((await t.gateway.deps.spool.get(rec.messageRef!)).toString('utf8')).toBe(
        readFileSync(join(MF, 'expected', `${name}.xml`), 'utf8'),
      );
      expect(
        verifyEnveloped((await t.gateway.deps.spool.get(rec.signedRef!)).toString('utf8')).ok,
      ).toBe(true);
      // On the Single Window client route these go to the Mft module.
      expect(defaultModuleFor(type)).toBe('MFT');
    },
    30_000,
  );
});
