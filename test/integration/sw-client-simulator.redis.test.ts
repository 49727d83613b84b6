import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decMessage } from '../helpers/dec-message.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { waitFor } from '../helpers/wait.js';

/** Declarations in the fault run; SWC_VOLUME overrides it for a longer local run. */
const N = Number(process.env.SWC_VOLUME ?? 1000);
/** Receipts per normal declaration from the sandbox: the import response and five DEC_RESULT. */
const PER_DECLARATION = 6;

let t: TestGateway | undefined;
let imp: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (imp) await rm(imp, { recursive: true, force: true });
});

const visible = (dir: string): Promise<string[]> =>
  readdir(dir).then(
    (n) => n.filter((x) => !x.startsWith('.')),
    () => [],
  );

describe("sw-client route through the sandbox's simulated Single Window client", () => {
  it(`${N} declarations with client faults (20% duplicated receipts, reordering, a stopped client) each go once, each receipt written once`, async () => {
    imp = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
    const random = seededRandom(20261130);
    t = await startTestGateway(
      'swc-volume',
      `  - { name: dec, dir: ./dec, intake: [{ type: folder, pattern: "*.xml", stableMs: 0, pollMs: 30ms }], signer: client, transport: t, module: DECCUS001 }`,
      {
        sandbox: {
          impPath: imp,
          clientFaults: { duplicateRate: 0.2, reorderMs: 300, random },
          stepMs: 5,
        },
        transports: `[{ name: t, type: sw-client, impPath: "${imp}", pollMs: 100ms, stableMs: 0ms, receiptsAfter: delete }]`,
        receiptSources: '[]',
        extra: 'http: { enabled: false }\nconcurrency: { deliver: 4 }',
      },
    );
    const inbox = join(t.dir, 'dec', 'inbox');
    const keys = Array.from({ length: N }, (_, i) => `SWV${String(i).padStart(13, '0')}`);
    // Half now, the client stops for a while, the rest while it is stopped.
    for (const k of keys.slice(0, N / 2))
      await writeFile(join(inbox, `${k}.xml`), decMessage(k, { items: 1 }));
    await waitFor(
      'first half taken',
      () => Promise.resolve(t!.sandbox.client!.stats().taken),
      (n) => n >= N / 4,
      120_000,
    );
    t.sandbox.client!.setFaults({ stopped: true, duplicateRate: 0.2, reorderMs: 300, random });
    for (const k of keys.slice(N / 2))
      await writeFile(join(inbox, `${k}.xml`), decMessage(k, { items: 1 }));
    await new Promise((r) => setTimeout(r, 1000));
    t.sandbox.client!.setFaults({ duplicateRate: 0.2, reorderMs: 300, random });

    const outbox = join(t.dir, 'dec', 'outbox');
    await waitFor(
      'every receipt written',
      () => visible(outbox),
      (n) => n.length >= N * PER_DECLARATION,
      600_000,
    );
    await new Promise((r) => setTimeout(r, 1500)); // anything late or duplicated would land now
    const files = await visible(outbox);
    expect(files).toHaveLength(N * PER_DECLARATION);
    for (const k of keys)
      expect(files.filter((f) => f.startsWith(`${k}.`))).toHaveLength(PER_DECLARATION);

    const stats = t.sandbox.stats();
    expect(stats.accepted).toBe(N);
    expect(
      Object.values(stats.byClientSeqNo).every((c) => c.accepted === 1 && c.submissions === 1),
    ).toBe(true);
    expect((await visible(join(imp, 'Deccus001', 'SentBox'))).sort()).toEqual(
      keys.map((k) => `${k}.xml`).sort(),
    );
    expect(await visible(join(imp, 'Deccus001', 'OutBox'))).toEqual([]);
    expect(await visible(join(imp, 'Deccus001', 'FailBox'))).toEqual([]);
    expect(t.sandbox.client!.stats().refused).toBe(0);
  }, 900_000);

  it('layout imppath: the enterprise drops into <module>/OutBox and gets Successed_/Receipt_ files in <module>/InBox', async () => {
    imp = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
    t = await startTestGateway(
      'swc-layout',
      `  - { name: ent, dir: ./ent, layout: imppath, module: DECCUS001, intake: [{ type: folder, pattern: "*.xml", stableMs: 0, pollMs: 30ms }], signer: k, transport: t }`,
      {
        sandbox: { impPath: imp, stepMs: 5 },
        transports: `[{ name: t, type: sw-client, impPath: "${imp}", pollMs: 50ms, stableMs: 0ms }]`,
        receiptSources: '[]',
      },
    );
    const mod = join(t.dir, 'ent', 'Deccus001');
    await writeFile(
      join(mod, 'OutBox', 'I_EPGW0000000000042.xml'),
      decMessage('EPGW0000000000042', { items: 2 }),
    );
    const got = await waitFor(
      'client-style receipts',
      () => visible(join(mod, 'InBox')),
      (n) => n.length >= PER_DECLARATION,
      60_000,
    );
    expect(got.filter((n) => /^Successed_I_EPGW0000000000042_\d{17}\.xml$/.test(n))).toHaveLength(
      1,
    );
    expect(
      got.filter((n) => /^Receipt_I_EPGW0000000000042_dec-result_0\d\.xml$/.test(n)),
    ).toHaveLength(5);
    expect(await visible(join(mod, 'SentBox'))).toEqual(['I_EPGW0000000000042.xml']);
  });
});
