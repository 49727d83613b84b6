import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseReceipt } from '../receipts/parse.js';
import { startSandbox, type SandboxHandle } from './server.js';
import {
  createTestIdentity,
  signEnveloped,
  type TestIdentity,
} from '../../test/helpers/sandbox.js';
import { CustomsDesk } from './desk.js';

/** The golden 金二 messages the translator makes from the samples (see samples/jin2/expected). */
const golden = (name: string): string => readFileSync(`samples/jin2/expected/${name}.xml`, 'utf8');
const CASES = [
  ['inv101-bonded-import', 'INV201', 'NBWL20261130001', /^QD3111\d{2}I\d{9}$/],
  ['sas101-application', 'SAS201', 'SBB20261130001', /^SBB3111\d{2}I\d{8}$/],
  ['sas111-stock-in', 'SAS211', 'RK20261130001', /^CK3111\d{12}$/],
  ['sas121-passport', 'SAS221', 'HF20261130001', /^Z3111I\d{18}$/],
] as const;

let id: TestIdentity;
const open: SandboxHandle[] = [];
beforeAll(() => {
  id = createTestIdentity();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((sb) => sb.close()));
});

async function post(sb: SandboxHandle, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${sb.url}/dec/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

async function feed(
  sb: SandboxHandle,
  count: number,
): Promise<{ fileName: string; xml: string }[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const body = (await (await fetch(`${sb.url}/receipts?after=0&limit=100`)).json()) as {
      receipts: { fileName: string; content: string }[];
    };
    if (body.receipts.length >= count)
      return body.receipts.map((r) => ({
        fileName: r.fileName,
        xml: Buffer.from(r.content, 'base64').toString('utf8'),
      }));
    if (Date.now() > deadline) throw new Error(`only ${body.receipts.length} of ${count} receipts`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('sandbox: 金二 messages over HTTP', () => {
  it.each(CASES)(
    '%s signed: CommonResponeMessage with a 预录入统一编号, then %s on the feed carrying it',
    async (name, reply, key, numberShape) => {
      const sb = await startSandbox({ stepMs: 5 });
      open.push(sb);
      const answer = await post(sb, signEnveloped(golden(name), id));
      expect(answer.status).toBe(200);
      const response = parseReceipt(Buffer.from(answer.text), 'response.xml');
      expect(response).toMatchObject({
        family: 'sas',
        kind: 'sas-response',
        code: '0',
        status: 'imported',
        negative: false,
      });
      expect(response.keys.etpsPreentNo).toBe(key);
      expect(response.keys.seqNo).toMatch(/^20\d{16}$/);

      const [receipt] = await feed(sb, 1);
      const parsed = parseReceipt(Buffer.from(receipt!.xml), receipt!.fileName);
      expect(parsed).toMatchObject({
        family: 'sas',
        kind: 'sas-receipt',
        messageType: reply,
        code: '1',
        status: 'audited',
        negative: false,
      });
      expect(parsed.keys.seqNo).toBe(response.keys.seqNo);
      expect(parsed.keys.businessId).toMatch(numberShape);
      if (reply === 'INV201')
        expect(parsed.keys).toMatchObject({ invtNo: parsed.keys.businessId, etpsPreentNo: key });
    },
  );

  it('a repeated submission gets the same answer and no second receipt; a bad signature gets DealFlag -1', async () => {
    const sb = await startSandbox({ stepMs: 5 });
    open.push(sb);
    const signed = signEnveloped(golden('sas111-stock-in'), id);
    const a = await post(sb, signed);
    const b = await post(sb, signed);
    expect(b.text).toBe(a.text);
    await feed(sb, 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(sb.stats()).toMatchObject({ accepted: 1, duplicates: 1, receiptsEmitted: 1 });

    const tampered = signEnveloped(golden('sas121-passport'), id).replace('浙B2M765', '浙B2M766');
    const bad = parseReceipt(Buffer.from((await post(sb, tampered)).text), 'r.xml');
    expect(bad).toMatchObject({
      kind: 'sas-response',
      code: '-1',
      status: 'rejected',
      negative: true,
    });
    expect(bad.text).toMatch(/^报文类型为SAS121，.*数字签名/);
  });

  it('SANDBOX:REJECT in the head remark gets manageResult 3 (退单)', async () => {
    const sb = await startSandbox({ stepMs: 5 });
    open.push(sb);
    await post(
      sb,
      signEnveloped(
        golden('inv101-bonded-import').replace(
          '<rmk>保税物流进区</rmk>',
          '<rmk>SANDBOX:REJECT</rmk>',
        ),
        id,
      ),
    );
    const [receipt] = await feed(sb, 1);
    const parsed = parseReceipt(Buffer.from(receipt!.xml), receipt!.fileName);
    expect(parsed).toMatchObject({
      messageType: 'INV201',
      code: '3',
      status: 'rejected',
      negative: true,
    });
    expect(parsed.text).toContain('退单');
  });
});

describe('sandbox desk: 金二 through the client route (the client signs)', () => {
  it('takes an unsigned message in either casing and as Signature/Object/Package', () => {
    const desk = new CustomsDesk({ stepMs: 1_000_000, failFirst: 0, failRate: 0 });
    try {
      const pascal = golden('sas111-stock-in').replace(
        /<(\/?)([a-z]\w*)>/g,
        (m, slash: string, n: string) =>
          /^(version|business_id|message_id|file_name|message_type|sender_id|receiver_id|send_time|pocket_id|total_pocket_qty|cur_pocket_no)$/.test(
            n,
          )
            ? m
            : `<${slash}${n[0]!.toUpperCase()}${n.slice(1)}>`,
      );
      expect(pascal).toContain('<SasStockNo>');
      const a = desk.submit(Buffer.from(pascal), undefined, { clientSigns: true });
      expect(a).toMatchObject({ status: 200, responseCode: '0', clientSeqNo: 'RK20261130001' });
      const wrapped = golden('sas121-passport')
        .replace(
          '<Package>',
          '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><Object><Package xmlns="">',
        )
        .replace('</Package>', '</Package></Object></Signature>');
      expect(desk.submit(Buffer.from(wrapped), undefined, { clientSigns: true })).toMatchObject({
        status: 200,
        responseCode: '0',
        clientSeqNo: 'HF20261130001',
      });
    } finally {
      desk.stop();
    }
  });
});
