import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTool, runTool, skipWithout } from '../../../test/helpers/tools.js';
import { loadCodeTables } from '../codes/code-tables.js';
import { createTranslator } from '../factory.js';
import type { StandardMessage } from '../translator.js';
import { Jin2Translator } from './jin2-translator.js';
import { loadJin2Mapping, parseJin2Mapping } from './mapping.js';

const SAMPLES = 'samples/jin2';
const XSD_DIR = 'test/fixtures/xsd/jin2';
const codes = loadCodeTables();
const skipXmllint = skipWithout('金二 XSD validation', missingTool('xmllint'));

const translator = (mapping: string): Jin2Translator =>
  new Jin2Translator({ mapping: loadJin2Mapping(join(SAMPLES, mapping)), codes });
const one = async (
  t: Jin2Translator,
  bytes: Buffer,
  fileName: string,
): Promise<StandardMessage> => {
  const [m, ...rest] = await t.translate(bytes, { channel: 'test', fileName });
  expect(rest).toHaveLength(0);
  return m!;
};
const sample = (name: string): Buffer => readFileSync(join(SAMPLES, name));

/** The problems (rule, where, zh, en) a bad input is refused with. */
async function refusal(run: () => Promise<unknown>): Promise<{
  code: string;
  details: { rule: string; where?: string; field?: string; zh: string; en: string }[];
}> {
  try {
    await run();
  } catch (e) {
    return e as {
      code: string;
      details: { rule: string; where?: string; field?: string; zh: string; en: string }[];
    };
  }
  throw new Error('expected a refusal');
}

let dir: string;
let patchedInvXsd: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jin2-'));
  // The INV101 XSD gives SasCentDclStock/bondInvtNo `length 64`, which no real 核注清单编号 (18) or a
  // new 清单 (none yet) meets; a copy with that one facet as maxLength validates the 集报 sample.
  const ems = join(dir, 'EMS');
  mkdirSync(ems);
  for (const f of readdirSync(join(XSD_DIR, 'EMS')))
    copyFileSync(join(XSD_DIR, 'EMS', f), join(ems, f));
  const common = readFileSync(join(ems, 'Common_ComplexType.xsd'), 'utf8');
  const start = common.indexOf('<xs:complexType name="SasCentDclStock">');
  const at = common.indexOf('<xs:length value="64"/>', start);
  expect(start).toBeGreaterThan(0);
  expect(at).toBeGreaterThan(start);
  writeFileSync(
    join(ems, 'Common_ComplexType.xsd'),
    `${common.slice(0, at)}<xs:maxLength value="64"/>${common.slice(at + '<xs:length value="64"/>'.length)}`,
  );
  patchedInvXsd = join(ems, 'INV101.xsd');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function xsdCheck(xml: string, xsd: string): { ok: boolean; err: string } {
  const f = join(dir, `m-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(f, xml);
  const r = runTool('xmllint', ['--noout', '--nonet', '--schema', xsd, f]);
  return { ok: r.status === 0, err: r.stderr };
}

const CASES = [
  {
    mapping: 'inv101-bonded-import.yaml',
    input: 'inv101-bonded-import.csv',
    type: 'INV101',
    key: 'NBWL20261130001',
    xsd: `${XSD_DIR}/EMS/INV101.xsd`,
  },
  {
    mapping: 'inv101-centralized.yaml',
    input: 'inv101-centralized.json',
    type: 'INV101',
    key: 'JB20261130001',
    xsd: 'patched',
  },
  {
    mapping: 'sas101-application.yaml',
    input: 'sas101-application.csv',
    type: 'SAS101',
    key: 'SBB20261130001',
    xsd: `${XSD_DIR}/SAS/SAS101.xsd`,
  },
  {
    mapping: 'sas111-stock-in.yaml',
    input: 'sas111-stock-in.json',
    type: 'SAS111',
    key: 'RK20261130001',
    xsd: `${XSD_DIR}/SAS/SAS111.xsd`,
  },
  {
    mapping: 'sas121-passport.yaml',
    input: 'sas121-passport.xlsx',
    type: 'SAS121',
    key: 'HF20261130001',
    xsd: `${XSD_DIR}/SAS/SAS121.xsd`,
  },
] as const;

describe('金二 translator: golden files', () => {
  it.each(CASES)('$input -> expected/$type XML, business key $key', async (c) => {
    const m = await one(translator(c.mapping), sample(c.input), c.input);
    expect(m.messageType).toBe(c.type);
    expect(m.businessKey).toBe(c.key);
    expect(m.xml).toBe(
      readFileSync(join(SAMPLES, 'expected', c.input.replace(/\.\w+$/, '.xml')), 'utf8'),
    );
  });

  it('gives the same message_id for the same content and another for other content', async () => {
    const t = translator('sas111-stock-in.yaml');
    const id = (m: StandardMessage): string => /<message_id>([^<]+)</.exec(m.xml)![1]!;
    const a = await one(t, sample('sas111-stock-in.json'), 's.json');
    expect(
      id(
        await one(
          t,
          Buffer.from(JSON.stringify(JSON.parse(sample('sas111-stock-in.json').toString('utf8')))),
          's.json',
        ),
      ),
    ).toBe(id(a));
    expect(
      id(
        await one(
          t,
          Buffer.from(sample('sas111-stock-in.json').toString('utf8').replace('"12"', '"13"')),
          's.json',
        ),
      ),
    ).not.toBe(id(a));
  });

  it('links every 出入库单 of a 集报 核注清单 in SasCentDclStock', async () => {
    const m = await one(
      translator('inv101-centralized.yaml'),
      sample('inv101-centralized.json'),
      'c.json',
    );
    expect([...m.xml.matchAll(/<sasStockNo>(\w+)<\/sasStockNo>/g)].map((x) => x[1])).toEqual([
      'CK3111261130000011',
      'CK3111261130000012',
      'CK3111261130000013',
    ]);
  });

  it('is made by createTranslator("jin2")', async () => {
    const t = createTranslator('jin2', { mapping: join(SAMPLES, 'sas111-stock-in.yaml') });
    expect(
      (await t.translate(sample('sas111-stock-in.json'), { channel: 'c', fileName: 's.json' }))[0]!
        .messageType,
    ).toBe('SAS111');
  });
});

describe.skipIf(skipXmllint)(
  '金二 output against the official 2017 XSDs (xmllint --schema)',
  () => {
    it.each(CASES)('$type from $input validates', async (c) => {
      const m = await one(translator(c.mapping), sample(c.input), c.input);
      const r = xsdCheck(m.xml, c.xsd === 'patched' ? patchedInvXsd : c.xsd);
      expect(r.err).toMatch(/validates/);
      expect(r.ok).toBe(true);
    });

    it('the unpatched INV101 XSD refuses any 集报 link (its SasCentDclStock/bondInvtNo facet is length 64)', async () => {
      const m = await one(
        translator('inv101-centralized.yaml'),
        sample('inv101-centralized.json'),
        'c.json',
      );
      const r = xsdCheck(m.xml, `${XSD_DIR}/EMS/INV101.xsd`);
      expect(r.ok).toBe(false);
      expect(r.err).toContain("allowed length of '64'");
    });

    it('a lost element or a wrong order would fail: the XSD check is not vacuous', async () => {
      const m = await one(
        translator('sas111-stock-in.yaml'),
        sample('sas111-stock-in.json'),
        's.json',
      );
      expect(
        xsdCheck(m.xml.replace(/<packType>[^<]*<\/packType>/, ''), `${XSD_DIR}/SAS/SAS111.xsd`).ok,
      ).toBe(false);
    });
  },
);

describe('金二 element casing and root (output:)', () => {
  const text = readFileSync(join(SAMPLES, 'sas111-stock-in.yaml'), 'utf8');
  it('pascal spells the business elements with a capital, blocks and envelope unchanged', async () => {
    const t = new Jin2Translator({
      mapping: parseJin2Mapping(`${text}\noutput: { elementCase: pascal }\n`, 'm.yaml'),
      codes,
    });
    const m = await one(t, sample('sas111-stock-in.json'), 's.json');
    expect(m.xml).toContain('<SasStockBsc>\n          <SasStockNo></SasStockNo>');
    expect(m.xml).toContain('<GdsMtno>MT-0008</GdsMtno>');
    expect(m.xml).toContain('<message_type>SAS111</message_type>');
    expect(m.xml).not.toContain('<gdsMtno>');
  });

  it('Signature wraps the Package as Signature/Object/Package in the xmldsig namespace', async () => {
    const t = new Jin2Translator({
      mapping: parseJin2Mapping(`${text}\noutput: { root: Signature }\n`, 'm.yaml'),
      codes,
    });
    const m = await one(t, sample('sas111-stock-in.json'), 's.json');
    expect(m.xml).toMatch(
      /^<\?xml[^>]*>\n<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">\n  <Object>\n    <Package>/,
    );
  });

  it('refuses an unknown casing with the mapping position', () => {
    expect(() => parseJin2Mapping(`${text}\noutput: { elementCase: lower }\n`, 'm.yaml')).toThrow(
      /output\.elementCase/,
    );
  });
});

describe('金二 bad inputs: every problem, bilingual, with the source position', () => {
  const stock = (
    edit: (o: { 出入库单: Record<string, string>; 商品: Record<string, string>[] }) => void,
  ): Buffer => {
    const o = JSON.parse(sample('sas111-stock-in.json').toString('utf8')) as {
      出入库单: Record<string, string>;
      商品: Record<string, string>[];
    };
    edit(o);
    return Buffer.from(JSON.stringify(o));
  };
  const inv = (from: string, to: string): Buffer =>
    Buffer.from(sample('inv101-bonded-import.csv').toString('utf8').replace(from, to));

  it('a 10-character 经营企业编码 of 9 characters (XSD length 10) names the cell', async () => {
    const e = await refusal(() =>
      one(
        translator('inv101-bonded-import.yaml'),
        inv(
          ',330261A004,宁波高新物流有限公司,913302017532977856,330261A004',
          ',330261A00,宁波高新物流有限公司,913302017532977856,330261A004',
        ),
        'i.csv',
      ),
    );
    expect(e.code).toBe('GW_ERR_VALIDATION');
    const d = e.details.find((x) => x.field === 'BondInvtBsc.bizopEtpsno')!;
    expect(d.rule).toBe('format');
    expect(d.where).toBe('i.csv, row 2, column E (经营企业编码)');
    expect(d.zh).toBe(
      '核注清单表头的经营企业编号（bizopEtpsno）：“330261A00”格式不对：应为10 个字符',
    );
    expect(d.en).toBe(
      'BondInvtBsc bizopEtpsno (经营企业编号): "330261A00" has the wrong format: expected exactly 10 characters',
    );
  });

  it('an empty 企业内部编号 is refused even with validation off (receipts match on it)', async () => {
    const t = new Jin2Translator({
      mapping: loadJin2Mapping(join(SAMPLES, 'inv101-bonded-import.yaml')),
      codes,
      validate: false,
    });
    const e = await refusal(() => one(t, inv('H,NBWL20261130001,', 'H,,'), 'i.csv'));
    expect(e.details.map((d) => d.rule)).toEqual(['key-missing']);
  });

  it.each([
    [
      '监管方式 over 6 characters',
      () =>
        one(translator('inv101-bonded-import.yaml'), inv(',I,I,5034,', ',I,I,5034567,'), 'i.csv'),
      'max-length',
      'BondInvtBsc.supvModecd',
    ],
    [
      'impexpMarkcd not I/E',
      () =>
        one(
          translator('inv101-bonded-import.yaml'),
          inv(',3116,3111,I,I,', ',3116,3111,X,I,'),
          'i.csv',
        ),
      'value-map',
      'BondInvtBsc.impexpMarkcd',
    ],
    [
      'item price more than 5 decimals',
      () =>
        one(
          translator('inv101-bonded-import.yaml'),
          inv(',12.5,1250,', ',12.123456,1250,'),
          'i.csv',
        ),
      'number-format',
      'BondInvtDt[1].dclUprcAmt',
    ],
    [
      'a required quantity left empty',
      () =>
        one(
          translator('sas111-stock-in.yaml'),
          stock((o) => (o.商品[1]!['申报数量'] = '')),
          's.json',
        ),
      'required',
      'SasStockDt[2].dclQty',
    ],
    [
      'gross below net weight',
      () =>
        one(
          translator('sas111-stock-in.yaml'),
          stock((o) => (o.出入库单['毛重'] = '100')),
          's.json',
        ),
      'gross-net',
      'SasStockBsc.grossWt',
    ],
    [
      'repeated item sequence',
      () =>
        one(
          translator('sas111-stock-in.yaml'),
          stock((o) => (o.商品[1]!['序号'] = '1')),
          's.json',
        ),
      'duplicate-seq',
      'SasStockDt[2].sasStockSeqno',
    ],
    [
      'dclTime not a time',
      () =>
        one(
          translator('sas111-stock-in.yaml'),
          stock((o) => (o.出入库单['申报时间'] = '30/11/2026 25:00')),
          's.json',
        ),
      'datetime',
      'SasStockBsc.dclTime',
    ],
  ])('refuses %s', async (_name, run, rule, field) => {
    const e = await refusal(run);
    expect(e.details.map((d) => `${d.rule} ${d.field}`)).toContain(`${rule} ${field}`);
    for (const d of e.details) {
      expect(d.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(d.en).toMatch(/[a-z]/);
    }
  });

  it('refuses a 集报 核注清单 that links one 出入库单 twice, and a 出入库单编号 that is not 18 characters', async () => {
    const json = JSON.parse(sample('inv101-centralized.json').toString('utf8')) as {
      stocks: Record<string, string>[];
    };
    json.stocks[2]!['出入库单编号'] = 'CK3111261130000011';
    json.stocks.push({ 出入库单编号: 'CK31112611' });
    const e = await refusal(() =>
      one(translator('inv101-centralized.yaml'), Buffer.from(JSON.stringify(json)), 'c.json'),
    );
    expect(e.details.map((d) => `${d.rule} ${d.field}`)).toEqual([
      'format SasCentDclStock[4].sasStockNo',
      'duplicate-stock SasCentDclStock[3].sasStockNo',
    ]);
    expect(e.details[1]!.where).toBe('c.json, $.stocks[2].出入库单编号, line 1:599');
  });

  it('refuses a 核放单 whose total weight is not the sum of its parts', async () => {
    const m = await refusal(async () => {
      const t = translator('sas121-passport.yaml');
      const { passportXlsx } = await import('../../../samples/jin2/generate.js');
      const bytes = await passportXlsx();
      // The workbook's 总重量 is 14292.8 = 13000 + 1000 + 0 + 292.8; make the truck 100 kg heavier.
      const ExcelJS = (await import('exceljs')).default;
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(bytes as unknown as ArrayBuffer);
      wb.getWorksheet('表头')!.eachRow((row) => {
        if (row.getCell(1).value === '车自重') row.getCell(2).value = 13100;
      });
      return one(t, Buffer.from(await wb.xlsx.writeBuffer()), 'p.xlsx');
    });
    const d = m.details.find((x) => x.rule === 'total-weight')!;
    expect(d.field).toBe('SasPassportBsc.totalWt');
    expect(d.en).toContain('= 14392.8');
    expect(d.where).toBe('p.xlsx, sheet "表头", row 15, column B (总重量)');
  });

  it('refuses a mapping that names an element the layout does not have', () => {
    const text = readFileSync(join(SAMPLES, 'sas111-stock-in.yaml'), 'utf8').replace(
      'packType: 包装种类',
      'packTyp: 包装种类',
    );
    expect(() => parseJin2Mapping(text, 'm.yaml')).toThrow(/SasStockBsc has no element packTyp/);
  });
});
