import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { XMLParser } from 'fast-xml-parser';
import { Writable } from 'node:stream';
import { createLogger } from '../core/logger.js';
import { startSandbox, type SandboxHandle, type SandboxOptions } from './server.js';
import {
  createTestIdentity,
  signEnveloped,
  wrapInDxpMsg,
  type TestIdentity,
} from '../../test/helpers/sandbox.js';
import { sleep, waitFor } from '../../test/helpers/wait.js';

const parser = new XMLParser({ parseTagValue: false, removeNSPrefix: true });

/** A small DecMessage; `note` lands in DecHead/NoteS. */
function decMessage(clientSeqNo: string, note = '', encoding = 'UTF-8'): string {
  return `<?xml version="1.0" encoding="${encoding}"?>
<DecMessage xmlns="http://www.chinaport.gov.cn/dec" version="3.1">
  <DecHead>
    <SeqNo/>
    <IEFlag>I</IEFlag>
    <CustomMaster>2248</CustomMaster>
    <IEDate>20260104</IEDate>
    <NoteS>${note}</NoteS>
    <TradeName>上海澜帆演示电子科技有限公司</TradeName>
  </DecHead>
  <DecLists><DecList><GNo>1</GNo><CodeTS>8542319000</CodeTS><GName>处理器及控制器</GName></DecList></DecLists>
  <DecSign><OperType>C</OperType><ClientSeqNo>${clientSeqNo}</ClientSeqNo></DecSign>
</DecMessage>
`;
}

interface Posted {
  status: number;
  text: string;
  headers: Headers;
  response?: { ResponseCode: string; ErrorMessage: string; ClientSeqNo: string; SeqNo: string };
}

async function post(
  sb: SandboxHandle,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Posted> {
  const res = await fetch(`${sb.url}/dec/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', ...headers },
    body: Uint8Array.from(typeof body === 'string' ? Buffer.from(body, 'utf8') : body),
  });
  const text = await res.text();
  const out: Posted = { status: res.status, text, headers: res.headers };
  if (res.status === 200) out.response = parser.parse(text).DecImportResponse;
  return out;
}

interface FeedItem {
  seq: number;
  fileName: string;
  xml: string;
  result: Record<string, string>;
}

async function feed(
  sb: SandboxHandle,
  after = 0,
  limit?: number,
): Promise<{ items: FeedItem[]; next: number }> {
  const q = limit === undefined ? `after=${after}` : `after=${after}&limit=${limit}`;
  const res = await fetch(`${sb.url}/receipts?${q}`);
  const body = (await res.json()) as {
    receipts: { seq: number; fileName: string; content: string }[];
    next: number;
  };
  const items = body.receipts.map((r) => {
    const xml = Buffer.from(r.content, 'base64').toString('utf8');
    return {
      seq: r.seq,
      fileName: r.fileName,
      xml,
      result: parser.parse(xml).DEC_RESULT as Record<string, string>,
    };
  });
  return { items, next: body.next };
}

/** Polls the feed until `count` receipts exist. */
async function waitForReceipts(
  sb: SandboxHandle,
  count: number,
  timeoutMs = 5000,
): Promise<FeedItem[]> {
  const { items } = await waitFor(
    `${count} receipts in the feed`,
    () => feed(sb, 0, 500),
    (f) => f.items.length >= count,
    timeoutMs,
    10,
  );
  return items;
}

let id: TestIdentity;
const open: SandboxHandle[] = [];

async function sandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const sb = await startSandbox({ stepMs: 20, ...options });
  open.push(sb);
  return sb;
}

beforeAll(() => {
  id = createTestIdentity();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((sb) => sb.close()));
});

describe('sandbox: import', () => {
  it('imports a signed message and walks 7 → L → J → P → R', async () => {
    const sb = await sandbox();
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await post(sb, signEnveloped(decMessage('EPGW20260101000001'), id));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(r.text).toContain('xmlns="http://www.chinaport.gov.cn/dec"');
    expect(r.response?.ResponseCode).toBe('0');
    expect(r.response?.ClientSeqNo).toBe('EPGW20260101000001');
    const seqNo = r.response?.SeqNo ?? '';
    expect(seqNo).toMatch(/^I\d{17}$/);

    const items = await waitForReceipts(sb, 5);
    expect(items.map((i) => i.result.CHANNEL)).toEqual(['7', 'L', 'J', 'P', 'R']);
    expect(items.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5]);
    for (const i of items) {
      expect(i.result.CUS_CIQ_NO).toBe(seqNo);
      expect(i.result.CLIENT_SEQ_NO).toBe('EPGW20260101000001');
      expect(i.result.ENTRY_ID).toMatch(/^224820261\d{9}$/);
      expect(i.result.NOTICE_DATE).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      expect(i.result.CUSTOM_MASTER).toBe('2248');
      expect(i.result.I_E_DATE).toBe('20260104');
      expect(i.result.D_DATE).toMatch(/^\d{8}$/);
      expect(i.fileName).toMatch(/\.xml$/);
    }
    expect(items[0]?.result.NOTE).toBe(`${seqNo}直接申报成功`);
    await sleep(60);
    expect((await feed(sb)).items).toHaveLength(5);
    expect(sb.stats()).toMatchObject({
      submissions: 1,
      accepted: 1,
      duplicates: 0,
      rejected: 0,
      faults: 0,
      receiptsEmitted: 5,
    });
    expect(sb.stats().byClientSeqNo).toEqual({
      EPGW20260101000001: { submissions: 1, accepted: 1 },
    });
  });

  it('emits receipts only after their delay', async () => {
    const sb = await sandbox({ stepMs: 400 });
    await post(sb, signEnveloped(decMessage('EPGW20260101000002'), id));
    expect((await feed(sb)).items).toHaveLength(0);
    const [first] = await waitForReceipts(sb, 1);
    expect(first?.result.CHANNEL).toBe('7');
  });

  it('inserts C before P for SANDBOX:INSPECT and stops at E for SANDBOX:REJECT', async () => {
    const sb = await sandbox();
    await post(sb, signEnveloped(decMessage('EPGW20260101000003', '请查验 SANDBOX:INSPECT'), id));
    const inspected = await waitForReceipts(sb, 6);
    expect(inspected.map((i) => i.result.CHANNEL)).toEqual(['7', 'L', 'J', 'C', 'P', 'R']);

    await post(sb, signEnveloped(decMessage('EPGW20260101000004', 'SANDBOX:REJECT'), id));
    const all = await waitForReceipts(sb, 9);
    const rejected = all.filter((i) => i.result.CLIENT_SEQ_NO === 'EPGW20260101000004');
    expect(rejected.map((i) => i.result.CHANNEL)).toEqual(['7', 'L', 'E']);
    expect(rejected[2]?.result.NOTE).toMatch(/海关退单/);
    await sleep(80);
    expect((await feed(sb)).items).toHaveLength(9);
  });

  it('answers a tampered message with a non-zero ResponseCode and no receipts', async () => {
    const sb = await sandbox();
    const signed = signEnveloped(decMessage('EPGW20260101000005'), id).replace(
      '处理器及控制器',
      '处理器及控制器（改）',
    );
    const r = await post(sb, signed);
    expect(r.status).toBe(200);
    expect(r.response?.ResponseCode).not.toBe('0');
    expect(r.response?.ErrorMessage).toMatch(/数字签名无效/);
    expect(r.response?.ErrorMessage).toMatch(/signature invalid/);
    expect(r.response?.SeqNo).toBe('');
    await sleep(80);
    expect((await feed(sb)).items).toHaveLength(0);
    expect(sb.stats()).toMatchObject({ submissions: 1, accepted: 0, rejected: 1 });
  });

  it('answers an unsigned message, a non-DecMessage and a missing ClientSeqNo with ResponseCode ≠ 0', async () => {
    const sb = await sandbox();
    const unsigned = await post(sb, decMessage('EPGW20260101000006'));
    expect(unsigned.response?.ResponseCode).not.toBe('0');
    expect(unsigned.response?.ErrorMessage).toMatch(/缺少数字签名/);
    expect(unsigned.response?.ClientSeqNo).toBe('EPGW20260101000006');

    const other = await post(sb, signEnveloped('<Other xmlns="urn:x"><A>1</A></Other>', id));
    expect(other.response?.ResponseCode).not.toBe('0');
    expect(other.response?.ErrorMessage).toMatch(/不是报关单报文/);

    const noSeq = await post(sb, signEnveloped(decMessage(''), id));
    expect(noSeq.response?.ResponseCode).not.toBe('0');
    expect(noSeq.response?.ErrorMessage).toMatch(/ClientSeqNo/);
    expect(sb.stats()).toMatchObject({ submissions: 3, accepted: 0, rejected: 3 });
  });

  it('refuses malformed XML with 400 and a text reason', async () => {
    const sb = await sandbox();
    const r = await post(
      sb,
      '<DecMessage xmlns="http://www.chinaport.gov.cn/dec"><DecHead></DecMessage>',
    );
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/XML/);
    const dtd = await post(sb, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>');
    expect(dtd.status).toBe(400);
    const empty = await post(sb, '');
    expect(empty.status).toBe(400);
    expect(sb.stats().rejected).toBe(3);
  });

  it('enforces trustedCertsPem', async () => {
    const stranger = createTestIdentity({ commonName: 'stranger' });
    const sb = await sandbox({ trustedCertsPem: [id.certificatePem] });
    const bad = await post(sb, signEnveloped(decMessage('EPGW20260101000007'), stranger));
    expect(bad.response?.ResponseCode).not.toBe('0');
    expect(bad.response?.ErrorMessage).toMatch(/不在信任列表/);
    const good = await post(sb, signEnveloped(decMessage('EPGW20260101000007'), id));
    expect(good.response?.ResponseCode).toBe('0');
  });
});

describe('sandbox: idempotency', () => {
  it('answers a repeated ClientSeqNo with the same response and no new receipts', async () => {
    const sb = await sandbox();
    const signed = signEnveloped(decMessage('EPGW20260101000010'), id);
    const first = await post(sb, signed);
    await waitForReceipts(sb, 5);
    const second = await post(sb, signed);
    expect(second.text).toBe(first.text);
    // Re-signed (different signature bytes, same ClientSeqNo) is still the same declaration.
    const third = await post(
      sb,
      signEnveloped(decMessage('EPGW20260101000010'), id, { algorithm: 'rsa-sha256' }),
    );
    expect(third.text).toBe(first.text);
    await sleep(80);
    expect((await feed(sb)).items).toHaveLength(5);
    expect(sb.stats()).toMatchObject({
      submissions: 3,
      accepted: 1,
      duplicates: 2,
      receiptsEmitted: 5,
    });
    expect(sb.stats().byClientSeqNo.EPGW20260101000010).toEqual({ submissions: 3, accepted: 1 });
  });

  it('replays the answer stored under an Idempotency-Key', async () => {
    const sb = await sandbox();
    const unsigned = decMessage('EPGW20260101000011');
    const first = await post(sb, unsigned, { 'Idempotency-Key': 'k-1' });
    expect(first.response?.ResponseCode).not.toBe('0');
    const replay = await post(sb, signEnveloped(unsigned, id), { 'Idempotency-Key': 'k-1' });
    expect(replay.text).toBe(first.text);
    const fresh = await post(sb, signEnveloped(unsigned, id), { 'Idempotency-Key': 'k-2' });
    expect(fresh.response?.ResponseCode).toBe('0');
    expect(sb.stats()).toMatchObject({ submissions: 3, accepted: 1, duplicates: 1, rejected: 1 });
  });
});

describe('sandbox: faults', () => {
  it('answers 503 with Retry-After to the first N submissions, then imports', async () => {
    const sb = await sandbox({ failFirst: 2 });
    const signed = signEnveloped(decMessage('EPGW20260101000020'), id);
    for (let i = 0; i < 2; i++) {
      const r = await post(sb, signed);
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
    }
    const ok = await post(sb, signed);
    expect(ok.response?.ResponseCode).toBe('0');
    expect(sb.stats()).toMatchObject({ submissions: 3, faults: 2, accepted: 1 });
    expect(sb.stats().byClientSeqNo.EPGW20260101000020).toEqual({ submissions: 3, accepted: 1 });
  });

  it('answers 503 to every submission at failRate 1', async () => {
    const sb = await sandbox({ failRate: 1 });
    const r = await post(sb, signEnveloped(decMessage('EPGW20260101000021'), id));
    expect(r.status).toBe(503);
    expect(sb.stats().faults).toBe(1);
  });

  it('refuses non-loopback hosts and bad settings', async () => {
    await expect(startSandbox({ host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'GW_ERR_CONFIG',
    });
    await expect(startSandbox({ failRate: 2 })).rejects.toMatchObject({ code: 'GW_ERR_CONFIG' });
    await expect(startSandbox({ trustedCertsPem: ['not a cert'] })).rejects.toMatchObject({
      code: 'GW_ERR_CONFIG',
    });
  });
});

describe('sandbox: envelopes and encodings', () => {
  it('imports a DxpMsg whose base64 Data holds the signed message', async () => {
    const sb = await sandbox();
    const signed = Buffer.from(signEnveloped(decMessage('EPGW20260101000030'), id), 'utf8');
    const r = await post(sb, wrapInDxpMsg(signed, { fileName: 'EPGW20260101000030.xml' }));
    expect(r.response?.ResponseCode).toBe('0');
    expect(r.response?.ClientSeqNo).toBe('EPGW20260101000030');
    const bad = await post(
      sb,
      '<DxpMsg xmlns="http://www.chinaport.gov.cn/dxp" ver="1.0"><Data>!!!</Data></DxpMsg>',
    );
    expect(bad.status).toBe(400);
  });

  it('imports a GBK-encoded signed message (the signature is over the canonical Unicode form)', async () => {
    const sb = await sandbox();
    const signedText = signEnveloped(
      decMessage('EPGW20260101000031', '中文备注：进口电子元器件', 'GBK'),
      id,
    );
    const bytes = iconv.encode(signedText, 'gbk');
    expect(bytes.includes(Buffer.from('中文', 'utf8'))).toBe(false);
    const r = await post(sb, bytes);
    expect(r.response?.ResponseCode).toBe('0');
  });

  it('imports a GBK message carried in a DxpMsg', async () => {
    const sb = await sandbox();
    const bytes = iconv.encode(
      signEnveloped(decMessage('EPGW20260101000032', '', 'GBK'), id),
      'gbk',
    );
    const r = await post(sb, wrapInDxpMsg(bytes));
    expect(r.response?.ResponseCode).toBe('0');
  });

  it('tolerates a UTF-8 BOM', async () => {
    const sb = await sandbox();
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(signEnveloped(decMessage('EPGW20260101000033'), id), 'utf8'),
    ]);
    const r = await post(sb, bytes);
    expect(r.response?.ResponseCode).toBe('0');
  });

  it('refuses bytes that are not in the declared encoding', async () => {
    const sb = await sandbox();
    const gbkBytes = iconv.encode(
      signEnveloped(decMessage('EPGW20260101000034', '中文'), id),
      'gbk',
    );
    const r = await post(sb, gbkBytes);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/UTF-8/);
  });
});

describe('sandbox: feed, stats, health, close', () => {
  it('pages the feed and validates its parameters', async () => {
    const sb = await sandbox({ stepMs: 1 });
    await post(sb, signEnveloped(decMessage('EPGW20260101000040'), id));
    await post(sb, signEnveloped(decMessage('EPGW20260101000041'), id));
    await waitForReceipts(sb, 10);
    const p1 = await feed(sb, 0, 4);
    expect(p1.items.map((i) => i.seq)).toEqual([1, 2, 3, 4]);
    expect(p1.next).toBe(4);
    const p2 = await feed(sb, p1.next, 100);
    expect(p2.items.map((i) => i.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect((await feed(sb, p2.next)).next).toBe(10);
    for (const perClient of ['EPGW20260101000040', 'EPGW20260101000041']) {
      const channels = [...p1.items, ...p2.items]
        .filter((i) => i.result.CLIENT_SEQ_NO === perClient)
        .map((i) => i.result.CHANNEL);
      expect(channels).toEqual(['7', 'L', 'J', 'P', 'R']);
    }
    expect((await fetch(`${sb.url}/receipts?after=-1`)).status).toBe(400);
    expect((await fetch(`${sb.url}/receipts?limit=0`)).status).toBe(400);
    expect((await fetch(`${sb.url}/receipts?limit=abc`)).status).toBe(400);
    expect((await feed(sb, 0, 100000)).items).toHaveLength(10);
  });

  it('serves /stats and /health', async () => {
    const sb = await sandbox();
    await post(sb, signEnveloped(decMessage('EPGW20260101000050'), id));
    const stats = await (await fetch(`${sb.url}/stats`)).json();
    expect(stats).toEqual({ ...sb.stats(), receiptsEmitted: stats.receiptsEmitted });
    expect(stats.byClientSeqNo).toEqual({ EPGW20260101000050: { submissions: 1, accepted: 1 } });
    expect(await (await fetch(`${sb.url}/health`)).json()).toEqual({ status: 'ok' });
  });

  it('stops emitting on close, and close is idempotent', async () => {
    const sb = await sandbox({ stepMs: 50 });
    await post(sb, signEnveloped(decMessage('EPGW20260101000060'), id));
    await Promise.all([sb.close(), sb.close()]);
    await sb.close();
    const emitted = sb.stats().receiptsEmitted;
    await sleep(150);
    expect(sb.stats().receiptsEmitted).toBe(emitted);
    await expect(fetch(`${sb.url}/health`)).rejects.toThrow();
  });

  it('logs one line per submission through a pino logger', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const sb = await sandbox({ logger: createLogger({ level: 'info', pretty: false }, sink) });
    await post(sb, signEnveloped(decMessage('EPGW20260101000070'), id));
    await post(sb, decMessage('EPGW20260101000071'));
    expect(lines.some((l) => l.includes('导入成功') && l.includes('EPGW20260101000070'))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes('导入失败') && l.includes('EPGW20260101000071'))).toBe(
      true,
    );
  });

  it('refuses bodies over 10 MB with 413', async () => {
    const sb = await sandbox();
    const big = `<x>${'a'.repeat(10 * 1024 * 1024)}</x>`;
    const r = await post(sb, big);
    expect(r.status).toBe(413);
  });
});
