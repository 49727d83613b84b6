import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGatewayError, type GatewayError } from '../core/errors.js';
import { createTranslator } from './factory.js';
import type { TranslateProblem } from './source/problems.js';
import { translateAll, type StandardMessage } from './translator.js';

/**
 * 转关 (transit) declarations from an enterprise file: the golden sample, the same mapping for a
 * general declaration, and each transit rule broken on purpose with its bilingual message.
 */
const dir = join(import.meta.dirname, '..', '..', 'samples', 'transit');
const INPUT = 'trn-01-import-transit-sections.csv';
const csv = readFileSync(join(dir, INPUT), 'utf8');
const expected = readFileSync(join(dir, 'expected', 'trn-01-import-transit-sections.xml'), 'utf8');
const translator = createTranslator('enterprise', { mapping: join(dir, 'mapping-transit.yaml') });

const run = (text: string, t = translator): Promise<readonly StandardMessage[]> =>
  translateAll(t, Buffer.from(text, 'utf8'), { channel: 'transit', fileName: 'trn.csv' });

async function problems(text: string, t = translator): Promise<TranslateProblem[]> {
  try {
    await run(text, t);
  } catch (err) {
    if (isGatewayError(err)) return (err as GatewayError).details as TranslateProblem[];
    throw err;
  }
  throw new Error('expected the file to be refused');
}

/** Replaces one cell of the head data row by column name. */
function withHead(text: string, column: string, value: string): string {
  const lines = text.split('\n');
  const header = lines[1]!.split(',');
  const row = lines[2]!.split(',');
  const i = header.indexOf(column);
  if (i < 0) throw new Error(`no column ${column}`);
  row[i] = value;
  lines[2] = row.join(',');
  return lines.join('\n');
}

/** The file without its transit sections (everything from [转关单] on). */
const general = (text: string): string => text.slice(0, text.indexOf('[转关单]'));

describe('转关 declaration from an enterprise file', () => {
  it('becomes exactly the expected DecMessage with TrnHead, TrnList, TrnContainers and TrnContaGoodsList', async () => {
    const [m, ...rest] = await run(csv);
    expect(rest).toEqual([]);
    expect(m!.xml).toBe(expected);
    expect(m!.businessKey).toBe('EPGWTRN20260115A1');
    // Transit blocks directly under the root, after DecSign, TrnList without a wrapper.
    const tail = m!.xml.slice(m!.xml.indexOf('</DecSign>'));
    expect(tail.match(/^ {2}<(\w+)/gm)).toEqual([
      '  <TrnHead',
      '  <TrnList',
      '  <TrnContainers',
      '  <TrnContaGoodsList',
    ]);
  });

  it('writes no transit element at all for a general declaration read by the same mapping', async () => {
    const text = withHead(
      withHead(
        withHead(
          withHead(withHead(general(csv), '报关转关关系', '0'), '报关标志', '1'),
          '特殊业务标识',
          '0000000',
        ),
        '操作类型',
        'C',
      ),
      '运输工具名称',
      'SANDBOX HARMONY',
    );
    const [m] = await run(text);
    expect(m!.xml).not.toMatch(/<Trn/);
    expect(m!.xml).toContain('<DeclTrnRel>0</DeclTrnRel>');
  });

  it('refuses transit data on a declaration that is not a transit one, naming the section row', async () => {
    const found = await problems(
      withHead(
        withHead(withHead(withHead(csv, '报关转关关系', '0'), '报关标志', '1'), '操作类型', 'C'),
        '特殊业务标识',
        '0000000',
      ),
    );
    const p = found.find((x) => x.rule === 'transit-data' && x.field === 'TrnHead.TurnNo');
    expect(p?.zh).toContain('不是转关报关单');
    expect(p?.en).toContain('is not a transit one');
    expect(p?.where).toBe('trn.csv, row 10, column A (转关申报单号)');
    expect(found.map((x) => x.field)).toEqual(
      expect.arrayContaining([
        'TrnList[1].TrafMode',
        'TrnContainer[1].ContaNo',
        'TrnContaGoods[1].GNo',
      ]),
    );
  });

  it('requires TrnHead on a transit declaration', async () => {
    const found = await problems(general(csv));
    expect(found).toEqual([
      expect.objectContaining({
        rule: 'transit-head',
        field: 'DecHead.DeclTrnRel',
        zh: expect.stringContaining('缺少转关单表头'),
        en: expect.stringContaining('needs a TrnHead'),
      }),
    ]);
  });

  it('checks that DeclTrnRel, OperType and EdiId agree', async () => {
    const oper = await problems(withHead(csv, '操作类型', 'C'));
    expect(oper).toEqual([
      expect.objectContaining({
        rule: 'transit-flags',
        field: 'DecSign.OperType',
        zh: expect.stringContaining('应为 B、D 或 G'),
        en: expect.stringContaining('OperType B, D or G'),
      }),
    ]);
    const edi = await problems(
      withHead(
        withHead(
          withHead(withHead(general(csv), '报关转关关系', '0'), '操作类型', 'C'),
          '特殊业务标识',
          '0000000',
        ),
        '运输工具名称',
        'SANDBOX HARMONY',
      ),
    );
    expect(edi).toEqual([
      expect.objectContaining({
        rule: 'transit-flags',
        field: 'DecHead.EdiId',
        en: expect.stringContaining('EdiId 3'),
      }),
    ]);
  });

  it('checks the 转关 position of SpecDeclFlag (configurable)', async () => {
    const found = await problems(withHead(csv, '特殊业务标识', '0000000'));
    expect(found).toEqual([
      expect.objectContaining({
        rule: 'spec-decl-transit',
        field: 'DecHead.SpecDeclFlag',
        zh: expect.stringContaining('第 7 位（转关）应为 1'),
        fixEn: 'e.g. write 0000001',
      }),
    ]);
    const off = createTranslator('enterprise', {
      mapping: join(dir, 'mapping-transit.yaml'),
      decRules: { transit: { specDeclFlagPosition: 0 } },
    });
    expect(await run(withHead(csv, '特殊业务标识', '0000000'), off)).toHaveLength(1);
  });

  it('checks the TrafName @-rules: @ + 16 or 13 digits or a bare @ on transit, no @ elsewhere', async () => {
    for (const ok of ['@', '@2248202610000', '@2248202610000017'])
      expect(await run(withHead(csv, '运输工具名称', ok))).toHaveLength(1);
    const bad = await problems(withHead(csv, '运输工具名称', 'SANDBOX HARMONY'));
    expect(bad).toEqual([
      expect.objectContaining({
        rule: 'transit-traf-name',
        field: 'DecHead.TrafName',
        zh: expect.stringContaining('@ 加 16 位转关申报单预录入号'),
        en: expect.stringContaining('bare @'),
      }),
    ]);
    const plain = withHead(
      withHead(
        withHead(
          withHead(withHead(general(csv), '报关转关关系', '0'), '报关标志', '1'),
          '特殊业务标识',
          '0000000',
        ),
        '操作类型',
        'C',
      ),
      '运输工具名称',
      '@2248202610000017',
    );
    expect(await problems(plain)).toEqual([
      expect.objectContaining({
        rule: 'transit-traf-name',
        en: expect.stringContaining('for transit declarations only'),
      }),
    ]);
    const off = createTranslator('enterprise', {
      mapping: join(dir, 'mapping-transit.yaml'),
      decRules: { transit: { trafNameRule: false } },
    });
    expect(await run(withHead(csv, '运输工具名称', 'SANDBOX HARMONY'), off)).toHaveLength(1);
  });

  it('enforces the sourced lengths and the T/D required flags of the transit fields', async () => {
    const long = await problems(csv.replace('2248202610000017,4,', '22482026100000171,4,'));
    expect(long).toContainEqual(
      expect.objectContaining({
        rule: 'max-length',
        field: 'TrnHead.TurnNo',
        en: expect.stringContaining('limit of 16'),
      }),
    );
    const missing = await problems(csv.replace('1,SBXU4201156,24,3150', '1,SBXU4201156,,3150'));
    expect(missing).toEqual([
      expect.objectContaining({
        rule: 'required',
        field: 'TrnContaGoods[1].ContaGoodsCount',
        zh: expect.stringContaining('必填项为空'),
        where: expect.stringMatching(/trn\.csv/),
      }),
    ]);
    // 暂存 (OperType G) needs only the T fields.
    expect(
      await run(
        withHead(csv, '操作类型', 'G').replace('1,SBXU4201156,24,3150', '1,SBXU4201156,,3150'),
      ),
    ).toHaveLength(1);
  });

  it('checks that transit container goods name real items and listed containers', async () => {
    const found = await problems(csv.replace('1,SBXU4201156,24,3150', '3,SBXU4201172,24,3150'));
    expect(found.map((p) => [p.rule, p.field])).toEqual([
      ['transit-goods-item', 'TrnContaGoods[1].GNo'],
      ['transit-goods-container', 'TrnContaGoods[1].ContaNo'],
    ]);
    expect(found[1]!.zh).toContain('不在转关集装箱');
  });
});

describe('DecMessage details clients check', () => {
  it('refuses a ClientSeqNo over 18 characters in enterprise files and in standard XML', async () => {
    const found = await problems(withHead(csv, '客户端编号', 'EPGWTRN20260115A123'));
    expect(found).toEqual([
      expect.objectContaining({
        field: 'DecSign.ClientSeqNo',
        zh: expect.stringContaining('最长 18 位'),
        en: expect.stringContaining('at most 18'),
      }),
    ]);
    const xml = expected.replace('EPGWTRN20260115A1', 'EPGWTRN20260115A123');
    const err = await translateAll(createTranslator('dec-xml', {}), Buffer.from(xml), {
      channel: 'x',
      fileName: 'x.xml',
    }).catch((e: GatewayError) => e);
    expect((err as GatewayError).details[0]).toMatchObject({
      field: 'ClientSeqNo',
      zh: expect.stringContaining('实际 19 位'),
      en: expect.stringContaining('at most 18 (found 19)'),
    });
  });

  it('writes the version attribute as configured', async () => {
    const yaml = readFileSync(join(dir, 'mapping-transit.yaml'), 'utf8')
      .replace('version: "4.8"', 'version: "3.1"')
      .replace('versionAttribute: Version', 'versionAttribute: version');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const tmp = mkdtempSync(join(tmpdir(), 'transit-'));
    try {
      writeFileSync(join(tmp, 'm.yaml'), yaml);
      const [m] = await run(csv, createTranslator('enterprise', { mapping: join(tmp, 'm.yaml') }));
      expect(m!.xml).toContain(
        '<DecMessage xmlns="http://www.chinaport.gov.cn/dec" version="3.1">',
      );
      writeFileSync(join(tmp, 'm.yaml'), yaml.replace('version: "3.1"', 'version: "10.0.1"'));
      expect(() => createTranslator('enterprise', { mapping: join(tmp, 'm.yaml') })).toThrow(
        /at most 5 characters/,
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('enforces DecList, DecContainer and LicenseDocu lengths from the specification', async () => {
    const xml = expected
      .replace('<DistrictCode>32059</DistrictCode>', '<DistrictCode>320591</DistrictCode>')
      .replace(
        '<DecFreeTxt>',
        '<DecContainers><Container><ContainerId>SBXU4201156</ContainerId><ContainerMd>11</ContainerMd><GoodsNo>1</GoodsNo><ContainerWt>12345678901234</ContainerWt></Container></DecContainers><DecLicenseDocus><LicenseDocu><DocuCode>YY</DocuCode><CertCode>C1</CertCode></LicenseDocu></DecLicenseDocus><DecFreeTxt>',
      )
      .replace(/<DecContainers\/>\n|<DecLicenseDocus\/>\n/g, '');
    const err = await translateAll(
      createTranslator('dec-xml', { validate: true }),
      Buffer.from(xml),
      { channel: 'x', fileName: 'x.xml' },
    ).catch((e: GatewayError) => e);
    const found = (err as GatewayError).details as TranslateProblem[];
    expect(found.map((p) => [p.rule, p.field])).toEqual([
      ['max-length', 'DecList[1].DistrictCode'],
      ['number-format', 'Container[1].ContainerWt'],
      ['max-length', 'LicenseDocu[1].DocuCode'],
    ]);
    expect(found[1]!.en).toContain('N18,5');
  });

  it('passes newer blocks (DecSupplement, DecControlModel, DecGoodsLimit, DecCopPromises …) through untouched', async () => {
    const extra = [
      '  <DecCopPromises><DecCopPromise><DeclaratioMaterialCode>101040</DeclaratioMaterialCode></DecCopPromise></DecCopPromises>',
      '  <DecSupplementLists><DecSupplementList><GNo>1</GNo><SupType>1</SupType><I_PriceDesc>成交价格</I_PriceDesc><GOptions>0000000000000</GOptions></DecSupplementList></DecSupplementLists>',
      '  <DecControlModels><DecControlModel><ElementNo>1</ElementNo><ElementValue>x &amp; y</ElementValue><DeclarationCategoryCode>A001</DeclarationCategoryCode></DecControlModel></DecControlModels>',
    ].join('\n');
    const xml = expected
      .replace(
        '      <DistrictCode>32059</DistrictCode>\n    </DecList>',
        '      <DistrictCode>32059</DistrictCode>\n      <ControlExplainCode>A1</ControlExplainCode>\n      <DecGoodsLimits><DecGoodsLimit><GoodsNo>1</GoodsNo><LicTypeCode>A</LicTypeCode><DecGoodsLimitVin><VinNo>1</VinNo></DecGoodsLimitVin></DecGoodsLimit></DecGoodsLimits>\n    </DecList>',
      )
      .replace('  </DecSign>\n', `  </DecSign>\n${extra}\n`);
    const [m] = await translateAll(
      createTranslator('dec-xml', { validate: true }),
      Buffer.from(xml),
      { channel: 'x', fileName: 'x.xml' },
    );
    expect(m!.xml).toBe(xml);
  });
});

describe('减免税 on the 报关单', () => {
  const dutyFree = (manualNo: string, cutMode = '789', dutyMode = '3'): string => {
    // ManualNo is not in this sample's mapping: the standard XML carries it.
    return expected
      .replace('<CutMode>101</CutMode>', `<CutMode>${cutMode}</CutMode>`)
      .replace('<ManualNo/>', manualNo ? `<ManualNo>${manualNo}</ManualNo>` : '<ManualNo/>')
      .replace(/<DutyMode>1<\/DutyMode>/, `<DutyMode>${dutyMode}</DutyMode>`);
  };
  const check = async (xml: string) => {
    try {
      await translateAll(createTranslator('dec-xml', { validate: true }), Buffer.from(xml), {
        channel: 'x',
        fileName: 'x.xml',
      });
      return [];
    } catch (e) {
      return (e as GatewayError).details as TranslateProblem[];
    }
  };

  it('requires the 12-character 征免税证明编号 in ManualNo of a duty-exempt declaration', async () => {
    expect(await check(dutyFree('Z23002600017'))).toEqual([]);
    const empty = await check(dutyFree(''));
    expect(empty).toEqual([
      expect.objectContaining({
        rule: 'duty-free-certificate',
        field: 'DecHead.ManualNo',
        zh: expect.stringContaining('征免税证明编号'),
        en: expect.stringContaining('levy nature 789 and item 1 has duty mode 3'),
      }),
    ]);
    const wrong = await check(dutyFree('C2300B1234'));
    expect(wrong[0]).toMatchObject({
      rule: 'duty-free-certificate',
      en: expect.stringContaining('"C2300B1234" is not a 征免税证明 number'),
    });
    // 照章征税 items or a general levy nature need no certificate.
    expect(await check(dutyFree('', '789', '1'))).toEqual([]);
    expect(await check(dutyFree('', '101', '3'))).toEqual([]);
  });

  it('allows the 减免税 guarantee documents 10000002/10000003 only on a 减免税 declaration', async () => {
    const edoc =
      '  <EdocRealation><EdocID>E1</EdocID><EdocCode>10000002</EdocCode><EdocFomatType>US</EdocFomatType></EdocRealation>\n';
    const general = expected.replace('  <TrnHead>', `${edoc}  <TrnHead>`);
    expect(await check(general)).toEqual([
      expect.objectContaining({
        rule: 'duty-free-guarantee',
        field: 'EdocRealation[1].EdocCode',
        zh: expect.stringContaining('只用于减免税报关单'),
      }),
    ]);
    expect(
      await check(dutyFree('Z23002600017').replace('  <TrnHead>', `${edoc}  <TrnHead>`)),
    ).toEqual([]);
  });
});
