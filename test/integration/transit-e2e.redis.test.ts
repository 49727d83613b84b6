import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { startTestGateway, testChannel, type TestGateway } from '../helpers/gateway-harness.js';

const TRN = join(ROOT, 'samples', 'transit');
const SAMPLE = 'trn-01-import-transit-sections.csv';
const ls = (d: string): string[] => {
  try {
    return readdirSync(d)
      .filter((f) => !f.startsWith('.'))
      .sort();
  } catch {
    return [];
  }
};

let t: TestGateway | undefined;
let imp: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (imp) await rm(imp, { recursive: true, force: true });
  imp = undefined;
});

/** What the gateway recorded for the transit sample, once its TRN_RESULT is written back. */
async function followTransit(gw: TestGateway, channel: string): Promise<void> {
  copyFileSync(join(TRN, SAMPLE), join(gw.dir, channel, 'inbox', SAMPLE));
  const outbox = join(gw.dir, channel, 'outbox');
  const stem = SAMPLE.replace(/\.csv$/, '');
  // Receipts arrive in any order; both the import response and the TRN_RESULT come back.
  const files = await waitFor(
    'import response and TRN_RESULT written back',
    () => Promise.resolve(ls(outbox)),
    (o) =>
      o.some((f) => f.startsWith(`${stem}.trn-result.`)) &&
      o.some((f) => f.startsWith(`${stem}.import-response.`)),
    30_000,
  );

  const ledger = gw.gateway.deps.ledger;
  const id = (await ledger.findBySource(channel, SAMPLE))!;
  const rec = (await ledger.get(id))!;
  // The message is exactly the golden declaration with its transit blocks.
  expect((await gw.gateway.deps.spool.get(rec.messageRef!)).toString('utf8')).toBe(
    readFileSync(join(TRN, 'expected', `${stem}.xml`), 'utf8'),
  );
  // The import response's TrnPreId is recorded and is the key the TRN_RESULT was matched on.
  expect(rec.businessKey).toBe('EPGWTRN20260115A1');
  expect(rec.trnPreId).toMatch(/^T\d{17}$/);
  expect(await ledger.findByKey('trnPreId', rec.trnPreId!)).toBe(id);
  const trnFile = files.find((f) => f.startsWith(`${stem}.trn-result.`))!;
  const receipt = readFileSync(join(outbox, trnFile), 'utf8');
  expect(receipt).toContain(`<SP_TRN_SEQ_NO>${rec.trnPreId}</SP_TRN_SEQ_NO>`);
  expect(receipt).toContain(`<CUS_CIQ_NO>${rec.seqNo}</CUS_CIQ_NO>`);
  expect(receipt).toContain('<TRANS_DCL_NO>2248202610000017</TRANS_DCL_NO>');
  const events = await ledger.events(id);
  expect(events.some((e) => e.stage === 'receipt' && e.text.startsWith('trn-result 1'))).toBe(true);
  // Nothing was left unmatched, and the declaration went on to be closed by its DEC_RESULT receipts.
  expect(ls(join(gw.dir, 'data', 'orphans'))).toEqual([]);
  await waitFor(
    'closed',
    async () => (await ledger.get(id))!.status,
    (s) => s === 'closed',
    30_000,
  );
}

describe('转关 declaration end to end (real Redis, real sandbox)', () => {
  it('HTTP route: enterprise file -> transit DecMessage -> signed -> TrnPreId recorded -> TRN_RESULT correlated and written back', async () => {
    t = await startTestGateway(
      'trn-http',
      testChannel(
        'transit',
        `translator: enterprise, translation: { mapping: "${join(TRN, 'mapping-transit.yaml')}" }`,
      ),
    );
    await followTransit(t, 'transit');
  }, 60_000);

  it('Single Window client route (DECCUS001): the same, with receipts from the simulated client InBox', async () => {
    imp = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
    t = await startTestGateway(
      'trn-swc',
      `  - { name: transit, dir: ./transit, intake: [{ type: folder, pattern: "*.csv", stableMs: 0, pollMs: 30ms }], translator: enterprise, translation: { mapping: "${join(TRN, 'mapping-transit.yaml')}" }, signer: client, transport: t, module: DECCUS001 }`,
      {
        sandbox: { impPath: imp, stepMs: 5 },
        transports: `[{ name: t, type: sw-client, impPath: "${imp}", pollMs: 50ms, stableMs: 0ms }]`,
        receiptSources: '[]',
      },
    );
    await followTransit(t, 'transit');
    expect(ls(join(imp, 'Deccus001', 'FailBox'))).toEqual([]);
  }, 60_000);
});
