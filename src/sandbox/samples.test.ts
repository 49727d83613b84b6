/**
 * Checks the sample declarations in samples/declaration/ (encodings, structure, check digits) and
 * that each one, once signed, is imported by the sandbox.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Element } from '@xmldom/xmldom';
import { checkXml, decodeXml, encodeXml } from '../core/xml-text.js';
import { childElement, childElements, childText, parseDom } from './dom.js';
import { DEC_NS } from './namespaces.js';
import { startSandbox, type SandboxHandle } from './server.js';
import {
  createTestIdentity,
  signEnveloped,
  type TestIdentity,
} from '../../test/helpers/sandbox.js';

const dir = fileURLToPath(new URL('../../samples/declaration/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.xml'))
  .sort();

const ROOT_ORDER = [
  'DecHead',
  'DecLists',
  'DecContainers',
  'DecLicenseDocus',
  'DecRequestCerts',
  'DecOtherPacks',
  'DecCopLimits',
  'DecUsers',
  'DecFreeTxt',
  'DecSign',
  'EdocRealation',
];

/** GB 32100-2015 check character (independent of the generator's implementation). */
function usccOk(code: string): boolean {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  if (!/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(code[i]!) * (3 ** i % 31);
  return chars[(31 - (sum % 31)) % 31] === code[17];
}

/** ISO 6346 check digit. */
function containerOk(id: string): boolean {
  if (!/^[A-Z]{3}U\d{7}$/.test(id)) return false;
  const values = 'A10B12C13D14E15F16G17H18I19J20K21L23M24N25O26P27Q28R29S30T31U32V34W35X36Y37Z38';
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const c = id[i]!;
    const v = /\d/.test(c)
      ? Number(c)
      : Number(values.slice(values.indexOf(c) + 1, values.indexOf(c) + 3));
    sum += v * 2 ** i;
  }
  return (sum % 11) % 10 === Number(id[10]);
}

function load(file: string): { bytes: Buffer; text: string; root: Element } {
  const bytes = readFileSync(`${dir}${file}`);
  const { text } = decodeXml(bytes, file);
  checkXml(text, file);
  const root = parseDom(text, file).documentElement as Element;
  return { bytes, text, root };
}

describe('sample declarations', () => {
  it('has at least 6 files covering the required encodings and forms', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    const loaded = files.map((f) => ({ f, ...load(f) }));
    const kinds = loaded.map(({ bytes, text, root }) => ({
      bom: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf,
      gbk: /encoding="GBK"/.test(text.slice(0, 60)),
      prefixed: root.prefix === 'dec',
      ie: childText(root, ['DecHead', 'IEFlag'], DEC_NS),
    }));
    expect(kinds.filter((k) => !k.bom && !k.gbk).length).toBeGreaterThanOrEqual(2);
    expect(kinds.filter((k) => k.bom).length).toBeGreaterThanOrEqual(1);
    expect(kinds.filter((k) => k.gbk).length).toBeGreaterThanOrEqual(2);
    expect(kinds.some((k) => k.prefixed)).toBe(true);
    expect(new Set(kinds.map((k) => k.ie))).toEqual(new Set(['I', 'E']));
  });

  it('GBK files really are GBK bytes', () => {
    for (const f of files.filter((name) => name.includes('gbk'))) {
      const bytes = readFileSync(`${dir}${f}`);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), f).toThrow();
      expect(decodeXml(bytes, f).encoding).toBe('GBK');
    }
  });

  it('ClientSeqNo is unique per file', () => {
    const seqs = files.map((f) => childText(load(f).root, ['DecSign', 'ClientSeqNo'], DEC_NS));
    expect(new Set(seqs).size).toBe(files.length);
    for (const s of seqs) expect(s).toMatch(/^EPGW2026\d{10}$/);
  });

  it.each(files)('%s follows the DecMessage rules', (file) => {
    const { root } = load(file);
    expect(root.localName).toBe('DecMessage');
    expect(root.namespaceURI).toBe(DEC_NS);
    const names: string[] = [];
    for (let n = root.firstChild; n; n = n.nextSibling)
      if (n.nodeType === 1) names.push((n as Element).localName ?? '');
    const positions = names.map((n) => ROOT_ORDER.indexOf(n));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const head = childElement(root, 'DecHead', DEC_NS)!;
    const h = (name: string): string => childText(head, [name], DEC_NS);
    expect(h('IEFlag')).toMatch(/^[IE]$/);
    for (const f of ['AgentCode', 'TradeCode', 'OwnerCode', 'CopCode'])
      expect(h(f), f).toMatch(/^[0-9A-Z]{10}$/);
    for (const f of ['AgentCodeScc', 'TradeCoScc', 'OwnerCodeScc', 'CopCodeScc'])
      expect(usccOk(h(f)), `${f} ${h(f)}`).toBe(true);
    expect(h('CustomMaster')).toMatch(/^\d{4}$/);
    expect(h('IEPort')).toMatch(/^\d{4}$/);
    expect(h('TradeMode')).toMatch(/^\d{4}$/);
    expect(h('CutMode')).toMatch(/^\d{3}$/);
    expect(h('TradeCountry')).toMatch(/^[A-Z]{3}$/);
    expect(Number(h('GrossWet'))).toBeGreaterThanOrEqual(Number(h('NetWt')));
    expect(Number(h('NetWt'))).toBeGreaterThan(0);
    expect(Number.isInteger(Number(h('PackNo'))) && Number(h('PackNo')) >= 1).toBe(true);

    const lists = childElements(childElement(root, 'DecLists', DEC_NS)!, 'DecList', DEC_NS);
    expect(lists.length).toBeGreaterThanOrEqual(1);
    expect(lists.length).toBeLessThanOrEqual(20);
    lists.forEach((l, i) => {
      const v = (name: string): string => childText(l, [name], DEC_NS);
      expect(v('GNo')).toBe(String(i + 1));
      expect(v('CodeTS')).toMatch(/^\d{10}$/);
      expect(v('GModel')).toMatch(/^\d\|\d\|/);
      expect(v('TradeCurr')).toMatch(/^[A-Z]{3}$/);
      expect(v('OriginCountry')).toMatch(/^[A-Z]{3}$/);
      expect(v('DestinationCountry')).toMatch(/^[A-Z]{3}$/);
      expect(v('GUnit')).toMatch(/^\d{3}$/);
      expect(v('FirstUnit')).toMatch(/^\d{3}$/);
      expect(
        Math.abs(Number(v('DeclPrice')) * Number(v('GQty')) - Number(v('DeclTotal'))),
      ).toBeLessThan(0.01);
    });

    const containers = childElements(
      childElement(root, 'DecContainers', DEC_NS)!,
      'Container',
      DEC_NS,
    );
    for (const c of containers)
      expect(containerOk(childText(c, ['ContainerId'], DEC_NS))).toBe(true);

    const sign = childElement(root, 'DecSign', DEC_NS)!;
    expect(childText(sign, ['OperType'], DEC_NS)).toMatch(/^[ABCDEG]$/);
    expect(childText(sign, ['ICCode'], DEC_NS)).not.toBe('');
    expect(childText(sign, ['Sign'], DEC_NS)).toBe('');
  });
});

describe('sample declarations through the sandbox', () => {
  let sb: SandboxHandle;
  let id: TestIdentity;

  beforeAll(async () => {
    id = createTestIdentity();
    sb = await startSandbox({ stepMs: 5 });
  });
  afterAll(async () => {
    await sb.close();
  });

  it.each(files)('%s is imported once signed, in its own encoding', async (file) => {
    const bytes = readFileSync(`${dir}${file}`);
    const decoded = decodeXml(bytes, file);
    const signed = encodeXml(signEnveloped(decoded.text, id), decoded.encoding);
    const body = decoded.hadBom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), signed]) : signed;
    const res = await fetch(`${sb.url}/dec/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: Uint8Array.from(body),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('<ResponseCode>0</ResponseCode>');
    const clientSeqNo = childText(
      parseDom(decoded.text, file).documentElement as Element,
      ['DecSign', 'ClientSeqNo'],
      DEC_NS,
    );
    expect(text).toContain(`<ClientSeqNo>${clientSeqNo}</ClientSeqNo>`);
  });

  it('walks each sample through the CHANNEL sequence its NoteS marker asks for', async () => {
    const expected = new Map<string, string[]>();
    for (const file of files) {
      const root = parseDom(decodeXml(readFileSync(`${dir}${file}`), file).text, file)
        .documentElement as Element;
      const note = childText(root, ['DecHead', 'NoteS'], DEC_NS);
      const channels = note.includes('SANDBOX:REJECT')
        ? ['7', 'L', 'E']
        : note.includes('SANDBOX:INSPECT')
          ? ['7', 'L', 'J', 'C', 'P', 'R']
          : ['7', 'L', 'J', 'P', 'R'];
      expected.set(childText(root, ['DecSign', 'ClientSeqNo'], DEC_NS), channels);
    }
    const total = [...expected.values()].reduce((n, c) => n + c.length, 0);
    const deadline = Date.now() + 5000;
    while (sb.stats().receiptsEmitted < total && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    const page = (await (await fetch(`${sb.url}/receipts?limit=500`)).json()) as {
      receipts: { content: string }[];
    };
    const seen = new Map<string, string[]>();
    for (const r of page.receipts) {
      const xml = Buffer.from(r.content, 'base64').toString('utf8');
      const key = /<CLIENT_SEQ_NO>([^<]+)</.exec(xml)?.[1] ?? '';
      seen.set(key, [...(seen.get(key) ?? []), /<CHANNEL>([^<]+)</.exec(xml)?.[1] ?? '']);
    }
    expect(seen).toEqual(expected);
    expect([...expected.values()].some((c) => c.includes('C'))).toBe(true);
    expect([...expected.values()].some((c) => c.includes('E'))).toBe(true);
  });
});
