import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { loadCodeTables, CODE_TABLE_NAMES } from './codes/code-tables.js';
import { BLOCKS, type BlockKey, type FieldKind } from './dec/fields.js';
import type { DecModel, DecRecord, FieldValue } from './model/record.js';
import { buildDecXml } from './dec/xml-builder.js';
import { isTransitBlock, isTransitDeclaration } from './dec/transit.js';
import { EnterpriseTranslator } from './enterprise/enterprise-translator.js';
import { loadMapping } from './mapping/load.js';
import { usccCheckCharacter, containerCheckDigit } from './validation/check-digits.js';
import { join } from 'node:path';
import { seededRandom } from '../../test/helpers/seeded-random.js';

const codes = loadCodeTables();
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  isArray: (_n, _j, _l, attr) => !attr,
});

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: Rand, n: number): string =>
  Array.from({ length: n }, () => String(Math.floor(r() * 10))).join('');
/** Text with everything XML must escape, Chinese, and characters that look like markup. */
const TEXT_CHARS = [
  'a',
  'Z',
  '0',
  ' ',
  '&',
  '<',
  '>',
  '"',
  "'",
  '中',
  '国',
  '演',
  '示',
  '·',
  '—',
  '，',
  '|',
  '/',
  '\\',
  ']]>',
  '&amp;',
  'é',
  '𠮷',
];
const text = (r: Rand, max: number): string => {
  let s = '';
  const n = 1 + Math.floor(r() * Math.min(max, 12));
  for (let i = 0; i < n; i++) s += pick(r, TEXT_CHARS);
  s = s.trim();
  return [...s].slice(0, max).join('') || 'x';
};
const decimal = (r: Rand, int: number, frac: number): string => {
  const i = String(1 + Math.floor(r() * 10 ** Math.min(int, 6)));
  const f = digits(r, Math.floor(r() * (frac + 1))).replace(/0+$/, '');
  return f ? `${i}.${f}` : i;
};

function valueFor(r: Rand, kind: FieldKind): string {
  switch (kind.t) {
    case 'text':
      return text(r, kind.max);
    case 'code':
      return pick(r, codes.get(kind.table).entries).code;
    case 'enum':
      return pick(r, kind.values);
    case 'number':
      return decimal(r, kind.int, kind.frac);
    case 'date':
      return `2026${String(1 + Math.floor(r() * 12)).padStart(2, '0')}${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
    case 'datetime':
      return `20260105${digits(r, 2).replace(/^[3-9]/, '1')}3000`;
    case 'uscc': {
      const body = `91${digits(r, 6)}MA${digits(r, 7)}`;
      return body + usccCheckCharacter(body)!;
    }
    case 'hs':
      return digits(r, 10);
    case 'container': {
      const body = `SBXU${digits(r, 6)}`;
      return body + String(containerCheckDigit(body));
    }
    case 'pattern':
      return '';
  }
}

function randomModel(r: Rand): DecModel {
  const blocks = new Map<BlockKey, DecRecord[]>();
  for (const spec of BLOCKS) {
    const count = spec.repeated ? Math.floor(r() * (spec.key === 'DecList' ? 8 : 3)) : 1;
    const recs: DecRecord[] = [];
    for (let i = 0; i < count; i++) {
      const fields = new Map<string, FieldValue>();
      for (const f of spec.fields)
        if (r() < 0.7) fields.set(f.name, { value: valueFor(r, f.kind) });
      recs.push({ fields });
    }
    blocks.set(spec.key, recs);
  }
  return {
    version: pick(r, ['3.1', '4.8', 'a&b"c']),
    versionAttribute: pick(r, ['Version', 'version'] as const),
    blocks,
  };
}

type XNode = Record<string, unknown[]>;
const node = (v: unknown): XNode => v as XNode;
const textOf = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && '#text' in v
      ? String((v as Record<string, unknown>)['#text'])
      : '';

describe('property: model -> XML -> parse back', () => {
  it('every value survives building and parsing (100 random declarations)', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = seededRandom(seed);
      const model = randomModel(r);
      const xml = buildDecXml(model);
      expect(
        xml.startsWith(
          '<?xml version="1.0" encoding="UTF-8"?>\n<DecMessage xmlns="http://www.chinaport.gov.cn/dec"',
        ),
      ).toBe(true);
      const root = node(node(parser.parse(xml))['DecMessage']![0]);
      expect(root[`@${model.versionAttribute}`], `seed ${seed}`).toBe(model.version);
      // Children in the documented order; optional blocks only with records, transit ones only on a transit declaration.
      const written = (b: (typeof BLOCKS)[number]): boolean =>
        (!b.optional || (model.blocks.get(b.key) ?? []).length > 0) &&
        (!isTransitBlock(b.key) || isTransitDeclaration(model));
      const order = Object.keys(root).filter((k) => !k.startsWith('@') && !k.startsWith('#'));
      expect(order, `seed ${seed}`).toEqual(
        BLOCKS.filter(
          (b) =>
            written(b) && (b.wrapper || !b.repeated || (model.blocks.get(b.key) ?? []).length > 0),
        ).map((b) => b.wrapper ?? b.key),
      );
      for (const spec of BLOCKS) {
        const recs = written(spec) ? (model.blocks.get(spec.key) ?? []) : [];
        const parsed = spec.wrapper
          ? ((root[spec.wrapper]?.[0] && typeof root[spec.wrapper]![0] === 'object'
              ? node(root[spec.wrapper]![0])[spec.key]
              : undefined) ?? [])
          : (root[spec.key] ?? []);
        expect(parsed.length, `seed ${seed} ${spec.key}`).toBe(
          spec.repeated || !written(spec) ? recs.length : 1,
        );
        recs.forEach((rec, i) => {
          const p = node(parsed[i]);
          for (const f of spec.fields)
            expect(textOf(p[f.name]?.[0]), `seed ${seed} ${spec.key}[${i}].${f.name}`).toBe(
              rec.fields.get(f.name)?.value ?? '',
            );
        });
      }
    }
  });
});

describe('property: enterprise JSON -> DecMessage -> parse back', () => {
  const mapping = loadMapping(
    join(import.meta.dirname, '..', '..', 'samples', 'enterprise', 'mapping-json.yaml'),
  );
  const t = new EnterpriseTranslator({ mapping, codes });
  const units = codes.get('units').entries;
  const countries = codes.get('countries').entries;

  it('generated head and items arrive with the same values (30 random files)', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = seededRandom(1000 + seed);
      const party = () => {
        const body = `91${digits(r, 6)}MA${digits(r, 7)}`;
        return {
          code: `${digits(r, 4)}96${digits(r, 4)}`,
          name: `${text(r, 20)}演示有限公司`,
          uscc: body + usccCheckCharacter(body)!,
          ciqCode: digits(r, 10),
        };
      };
      const n = 1 + Math.floor(r() * 50);
      const items = Array.from({ length: n }, () => {
        const unit = pick(r, units);
        const origin = pick(r, countries);
        return {
          hsCode: digits(r, 10),
          ciqCode: digits(r, 3),
          name: text(r, 30),
          declarationElements: `${pick(r, ['0', '1', '4'])}|${pick(r, ['0', '3'])}|${text(r, 40)}`,
          quantity: Number(decimal(r, 6, 3)),
          unit: r() < 0.5 ? unit.code : unit.zh,
          unitPrice: decimal(r, 5, 4),
          legalQuantity: decimal(r, 6, 5),
          legalUnit: unit.code,
          secondQuantity: null,
          secondUnit: null,
          sku: `SKU-${digits(r, 5)}`,
          origin: r() < 0.5 ? origin.code : origin.zh,
          netWeightGrams: 1000 + Math.floor(r() * 1e6),
        };
      });
      const netKg = items.reduce((s, i) => s + i.netWeightGrams, 0) / 1000;
      const doc = {
        head: {
          referenceNo: `PROP${seed}-${digits(r, 6)}`,
          direction: pick(r, ['import', 'export']),
          agent: party(),
          consignor: { ...party(), englishName: 'DEMO & CO. <LTD>' },
          producer: party(),
          billOfLading: `BL${digits(r, 8)}`,
          contractNo: `C-${digits(r, 6)}`,
          declarationCustoms: pick(r, ['2200', '5300', '2248']),
          portCustoms: pick(r, ['2200', '5316', '3104']),
          levyNature: '一般征税',
          tradeMode: '0110',
          transportMode: pick(r, ['水路运输', '2', '航空运输']),
          vessel: text(r, 20),
          voyage: digits(r, 4),
          incoterm: pick(r, ['FOB', 'CIF', 'C&F', '3']),
          packaging: '22',
          packages: 1 + Math.floor(r() * 5000),
          grossWeightKg: (netKg + 1 + Math.floor(r() * 100)).toFixed(3),
          destinationCountry: pick(r, countries).code,
          tradeCountry: pick(r, countries).zh,
          destinationPort: 'USA138',
          exitPort: digits(r, 6),
          goodsLocation: text(r, 30),
          exportDate: '',
          remarks: text(r, 100),
          currency: pick(r, ['USD', '美元', '欧元', 'JPY']),
          sourceDistrict: digits(r, 5),
          preparedAt: '2026-01-06T14:15:30',
          operator: { card: digits(r, 13), name: '演示员' },
          broker: { phone: `0592-${digits(r, 7)}`, licence: digits(r, 8) },
          promises: '',
          marks: 'N/M',
          buyer: { code: 'NO', name: text(r, 40) },
        },
        items,
        containers: [],
        documents: [],
      };
      const [m] = await t.translate(Buffer.from(JSON.stringify(doc)), {
        channel: 'prop',
        fileName: `prop-${seed}.json`,
      });
      const root = node(node(parser.parse(m!.xml))['DecMessage']![0]);
      const head = node(root['DecHead']![0]);
      const h = (k: string): string => textOf(head[k]?.[0]);
      expect(h('IEFlag'), `seed ${seed}`).toBe(doc.head.direction === 'import' ? 'I' : 'E');
      expect(h('TradeName')).toBe(doc.head.consignor.name);
      expect(h('DomesticConsigneeEname')).toBe('DEMO & CO. <LTD>');
      expect(h('NoteS')).toBe(doc.head.remarks);
      expect(h('AgentCodeScc')).toBe(doc.head.agent.uscc);
      expect(h('NetWt')).toBe(String(Number(netKg.toFixed(3))));
      expect(h('GrossWet')).toBe(String(Number(doc.head.grossWeightKg)));
      expect(m!.businessKey).toBe(doc.head.referenceNo);
      const lists = node(root['DecLists']![0])['DecList']!.map(node);
      expect(lists.length).toBe(n);
      lists.forEach((l, i) => {
        const it = items[i]!;
        const v = (k: string): string => textOf(l[k]?.[0]);
        expect(v('GNo')).toBe(String(i + 1));
        expect(v('CodeTS')).toBe(it.hsCode);
        expect(v('GName')).toBe(it.name);
        expect(v('GModel')).toBe(it.declarationElements);
        expect(v('GQty')).toBe(String(it.quantity));
        expect(v('GUnit')).toBe(codes.get('units').lookup(it.unit));
        expect(v('DeclPrice')).toBe(String(Number(it.unitPrice)));
        expect(v('OriginCountry')).toBe(codes.get('countries').lookup(it.origin));
        // DeclTotal = price x quantity, two decimals, as the mapping computes it.
        expect(Math.abs(Number(v('DeclTotal')) - Number(it.unitPrice) * it.quantity)).toBeLessThan(
          0.006,
        );
      });
    }
  });
});

describe('property: code tables', () => {
  it('every code and every Chinese name looks up to its code', () => {
    for (const name of CODE_TABLE_NAMES) {
      const t = codes.get(name);
      for (const e of t.entries) {
        expect(t.lookup(e.code)).toBe(e.code);
        expect(t.lookup(e.zh), `${name} ${e.zh}`).toBe(e.code);
      }
    }
  });
});
