import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGatewayError, type GatewayError } from '../../core/errors.js';
import { createTranslator } from '../factory.js';
import { translateAll } from '../translator.js';

const DIR = join(import.meta.dirname, '..', '..', '..', 'samples', 'acd');
const t = createTranslator('acd');
const run = (file: string, bytes: Buffer) =>
  translateAll(t, bytes, { channel: 'acd', fileName: file });

async function refused(json: unknown): Promise<GatewayError> {
  const err = await run('agr.json', Buffer.from(JSON.stringify(json))).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isGatewayError(err)) throw new Error('expected a GatewayError');
  return err;
}

describe('代理报关委托 ImportAgrRequest translator', () => {
  for (const name of ['agr-01-add', 'agr-02-delete']) {
    it(`golden: ${name}.json becomes exactly expected/${name}.xml`, async () => {
      const [m] = await run(`${name}.json`, readFileSync(join(DIR, `${name}.json`)));
      const expected = join(DIR, 'expected', `${name}.xml`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(expected, m!.xml);
      expect(m!.xml).toBe(readFileSync(expected, 'utf8'));
      expect(m!.messageType).toBe('ImportAgrRequest');
    });
  }

  it('the business key is clientRef; names from the code tables become codes', async () => {
    const [m] = await run('agr-01-add.json', readFileSync(join(DIR, 'agr-01-add.json')));
    expect(m!.businessKey).toBe('AGR-EPGW-20260120-0001');
    expect(m!.xml).toContain('<TradeMode>0110</TradeMode>');
    expect(m!.xml).toContain('<Curr>EUR</Curr>');
    expect(m!.xml).toContain('<OperType>1</OperType>');
  });

  it('bad inputs: every problem at once with its path, in Chinese and English', async () => {
    const err = await refused({
      clientRef: 'a b',
      operType: 'modify',
      copCusCode: '123',
      importInfo: { GName: '', CodeTS: '84', Curr: '贝壳', Colour: 'red', IEDate: '2026-01-20' },
    });
    expect(err.code).toBe('GW_ERR_TRANSLATE_FIELD');
    const at = (where: string) => err.details.find((d) => d.where === `agr.json, $.${where}`);
    expect(at('clientRef')!.en).toBe(
      'clientRef "a b" may hold letters, digits, _ and - only, at most 40',
    );
    expect(at('operType')).toMatchObject({
      zh: '操作类型“modify”无效',
      fixEn: 'use 1/add/新增, 2/change/变更 or 3/delete/删除',
    });
    expect(at('copCusCode')!.en).toBe('CopCusCode "123" must be a 10-character customs code');
    expect(at('importInfo.Colour')!.en).toBe('unknown field Colour');
    expect(at('importInfo.CodeTS')!.en).toBe('CodeTS "84" must be a 10-digit HS code');
    expect(at('importInfo.Curr')!.zh).toBe('币制“贝壳”不在代码表中');
    expect(at('importInfo.IEDate')!.en).toBe('IEDate "2026-01-20" must be a yyyyMMdd date');
  });

  it('a new agreement needs its required fields; a change or delete needs consignNo', async () => {
    const add = await refused({ clientRef: 'A1', operType: '1', copCusCode: '3122980A17' });
    expect(add.details.map((d) => d.field)).toEqual([
      'GName',
      'CodeTS',
      'DeclTotal',
      'TradeCode',
      'AgentCode',
      'Curr',
    ]);
    const del = await refused({ clientRef: 'A2', operType: '删除', copCusCode: '3122980A17' });
    expect(del.details).toEqual([
      expect.objectContaining({
        where: 'agr.json, $.consignNo',
        zh: '变更或删除委托协议须填写原协议的委托编号 consignNo',
      }),
    ]);
  });

  it('not JSON is refused with the file named', async () => {
    const err = await run('agr.json', Buffer.from('<x/>')).catch((e: GatewayError) => e);
    expect(err).toMatchObject({
      code: 'GW_ERR_INPUT_FORMAT',
      details: [expect.objectContaining({ where: 'agr.json', rule: 'acd-json' })],
    });
  });
});
