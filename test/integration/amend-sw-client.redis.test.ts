import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';

const CLIENT_SEQ_NO = 'EPGW20260105000101';
const ls = (d: string): string[] =>
  readdirSync(d)
    .filter((f) => !f.startsWith('.'))
    .sort();

/**
 * 修撤单 over the Single Window client route: the request goes into the DECCUS102 module's OutBox
 * (`Deccus102`), the simulated client takes it, and the HzApprovalResult it writes into that
 * module's InBox echoes the file name, which ties it to the request.
 */
describe('修撤单 through the simulated Single Window client (DECCUS102)', () => {
  let t: TestGateway | undefined;
  let imp: string | undefined;
  afterAll(async () => {
    await t?.close();
    if (imp) await rm(imp, { recursive: true, force: true });
  });

  it('a withdrawal goes through Deccus102 and its approval cancels the declaration', async () => {
    imp = await mkdtemp(join(tmpdir(), 'eport-imppath-'));
    const intake =
      'intake: [{ type: folder, pattern: "*", stableMs: 0, pollMs: 30ms }], signer: client, transport: t';
    t = await startTestGateway(
      'amend-swc',
      [
        `  - { name: decl, dir: ./decl, ${intake}, module: DECCUS001 }`,
        `  - { name: amend, dir: ./amend, ${intake}, translator: amend, messageType: DecModMessage }`,
      ].join('\n'),
      {
        sandbox: {
          impPath: imp,
          clientModules: ['Deccus001', 'Deccus102'],
          stepMs: 600_000,
          decModStepMs: 5,
        },
        transports: `[{ name: t, type: sw-client, impPath: "${imp}", pollMs: 50ms, stableMs: 0ms }]`,
        receiptSources: '[]',
      },
    );
    const ledger = t.gateway.deps.ledger;
    copyFileSync(
      join(ROOT, 'samples', 'declaration', 'dec-01-import-components-utf8.xml'),
      join(t.dir, 'decl', 'inbox', 'dec-01.xml'),
    );
    const decl = await waitFor(
      '统一编号',
      () =>
        ledger
          .findByKey('business-key', CLIENT_SEQ_NO)
          .then((id) => (id ? ledger.get(id) : undefined)),
      (r) => Boolean(r?.seqNo),
      30_000,
    );

    writeFileSync(
      join(t.dir, 'amend', 'inbox', 'withdraw.csv'),
      'declaration,type,reason,field,value\n' + `${decl!.seqNo},2,合同取消,,\n`,
    );
    const done = await waitFor(
      'declaration withdrawn',
      () => ledger.get(decl!.id),
      // The status and the amendment state are two writes: wait for both.
      (r) => r?.amendStatus === 'withdrawn' && r.status === 'cancelled',
      30_000,
    );
    expect(done!.status).toBe('cancelled');
    const req = (await ledger.get((await ledger.findBySource('amend', 'withdraw.csv'))!))!;
    expect(req).toMatchObject({ status: 'closed', amendType: 'withdraw', amendOf: decl!.id });
    expect(ls(join(imp, 'Deccus102', 'SentBox'))).toEqual([`${req.businessKey}.xml`]);
    expect(ls(join(imp, 'Deccus001', 'SentBox'))).toEqual([`${CLIENT_SEQ_NO}.xml`]);
  }, 60_000);
});
