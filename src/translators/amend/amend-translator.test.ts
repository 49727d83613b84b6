import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import { createTranslator } from '../factory.js';
import type { SentMessage, TranslateContext } from '../translator.js';

/**
 * 修撤单: enterprise request (samples/amend) + the declaration the gateway sent
 * (samples/enterprise/expected/ent-01…) -> exactly the request in samples/amend/expected.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const sentXml = readFileSync(
  join(root, 'samples', 'enterprise', 'expected', 'ent-01-import-components-utf8-bom.xml'),
  'utf8',
);
const SENT: SentMessage = {
  messageId: 'a'.repeat(32),
  xml: sentXml,
  clientSeqNo: 'EPGW20260105000101',
  seqNo: 'I20260000000000417',
  entryId: '224820261000000417',
};

function ctx(fileName: string, sent: SentMessage | undefined = SENT): TranslateContext {
  return {
    channel: 'amend',
    fileName,
    findSent: async (ref) =>
      sent && (ref === sent.clientSeqNo || ref === sent.seqNo || ref === sent.messageId)
        ? sent
        : undefined,
  };
}

const translator = createTranslator('amend');
const sample = (name: string): Buffer => readFileSync(join(root, 'samples', 'amend', name));
const expected = (name: string): string =>
  readFileSync(join(root, 'samples', 'amend', 'expected', name), 'utf8');

async function errorOf(bytes: string | Buffer, c = ctx('bad.json')): Promise<GatewayError> {
  const err = await translator
    .translate(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), c)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!err) throw new Error('expected an error');
  return err as GatewayError;
}

describe('golden: samples/amend -> expected 修撤单', () => {
  it('a modification (JSON) carries old values from the sent declaration', async () => {
    const [msg, ...rest] = await translator.translate(
      sample('amend-01-modify.json'),
      ctx('amend-01-modify.json'),
    );
    expect(rest).toHaveLength(0);
    expect(msg!.xml).toBe(expected('amend-01-modify.xml'));
    expect(msg!.messageType).toBe('DecModMessage');
    expect(msg!.businessKey).toMatch(/^DM[0-9A-F]{16}$/);
    expect(msg!.amends).toEqual({ messageId: SENT.messageId, type: 'modify' });
  });

  it('a withdrawal (CSV) has no items', async () => {
    const [msg] = await translator.translate(
      sample('amend-02-withdraw.csv'),
      ctx('amend-02-withdraw.csv'),
    );
    expect(msg!.xml).toBe(expected('amend-02-withdraw.xml'));
    expect(msg!.amends).toEqual({ messageId: SENT.messageId, type: 'withdraw' });
  });

  it('the root element is configuration', async () => {
    const t = createTranslator('amend', { rootElement: 'DecModRequest' });
    const [msg] = await t.translate(sample('amend-02-withdraw.csv'), ctx('amend-02-withdraw.csv'));
    expect(msg!.messageType).toBe('DecModRequest');
    expect(msg!.xml).toBe(
      expected('amend-02-withdraw.xml').replace(/DecModMessage>/g, 'DecModRequest>'),
    );
  });

  it('the same request on the same declaration keeps its number; another request gets another', async () => {
    const a = await translator.translate(sample('amend-01-modify.json'), ctx('x.json'));
    const b = await translator.translate(sample('amend-01-modify.json'), ctx('y.json'));
    const c = await translator.translate(sample('amend-02-withdraw.csv'), ctx('z.csv'));
    expect(a[0]!.businessKey).toBe(b[0]!.businessKey);
    expect(c[0]!.businessKey).not.toBe(a[0]!.businessKey);
  });
});

describe('bad 修撤单 requests: precise, bilingual, every problem at once', () => {
  it('an unknown field, an unchanged value and a too long value', async () => {
    const err = await errorOf(
      JSON.stringify({
        declaration: 'EPGW20260105000101',
        type: 'modify',
        reason: 'x',
        fields: [
          { field: 'GrossWeight', value: '1' },
          { field: 'NetWt', value: '5257.4' },
          { field: 'DecList[1].GName', value: '长'.repeat(256) },
          { field: 'DecList[9].GName', value: 'y' },
        ],
      }),
    );
    expect(err.code).toBe('GW_ERR_TRANSLATE_FIELD');
    expect(err.kind).toBe('permanent');
    expect(err.details.map((d) => [d.where, d.field])).toEqual([
      ['bad.json: fields[0]', 'GrossWeight'],
      ['bad.json: fields[1]', 'NetWt'],
      ['bad.json: fields[2]', 'DecList[1].GName'],
      ['bad.json: fields[3]', 'DecList[9].GName'],
    ]);
    expect(err.details[0]).toMatchObject({
      zh: '原报关单中没有字段 GrossWeight',
      en: 'the sent declaration has no field GrossWeight',
    });
    expect(err.details[1]).toMatchObject({
      zh: 'NetWt 的新值与原值相同（“5257.4”）',
      en: 'the new value of NetWt equals the sent one ("5257.4")',
    });
    expect(err.details[2]).toMatchObject({
      zh: 'DecList[1].GName 的新值长 256，超过 255',
      en: 'the new value of DecList[1].GName is 256 characters, over 255',
    });
  });

  it('a head without declaration, type or reason', async () => {
    const err = await errorOf('{"type":"change","fields":[]}');
    expect(err.code).toBe('GW_ERR_TRANSLATE_FIELD');
    expect(err.details.map((d) => d.field)).toEqual(['declaration', 'type', 'reason']);
    expect(err.details[1]).toMatchObject({
      zh: '修撤类型“change”无效',
      en: 'amendment type "change" is not valid',
    });
  });

  it('a modification without fields, and a withdrawal with fields', async () => {
    const m = await errorOf('{"declaration":"EPGW20260105000101","type":1,"reason":"r"}');
    expect(m.details[0]).toMatchObject({
      field: 'fields',
      en: 'a modification needs at least one changed field',
    });
    const w = await errorOf(
      '{"declaration":"EPGW20260105000101","type":"withdraw","reason":"r","fields":[{"field":"GrossWet","value":"1"}]}',
    );
    expect(w.details[0]).toMatchObject({
      where: 'bad.json: fields[0]',
      en: 'a withdrawal cannot change fields',
    });
  });

  it('a declaration the gateway never sent', async () => {
    const err = await errorOf('{"declaration":"NOPE","type":"withdraw","reason":"r"}');
    expect(err.details[0]).toMatchObject({
      where: 'bad.json: declaration',
      zh: '网关没有发送过 ClientSeqNo 或统一编号为 NOPE 的报关单',
      en: 'the gateway sent no declaration with ClientSeqNo or 统一编号 NOPE',
    });
  });

  it('a declaration without 统一编号 yet (no import response)', async () => {
    const { seqNo: _seq, ...unanswered } = SENT;
    const err = await errorOf(
      '{"declaration":"EPGW20260105000101","type":"withdraw","reason":"r"}',
      ctx('bad.json', unanswered),
    );
    expect(err.details[0]).toMatchObject({
      field: 'DecSeqNo',
      en: 'the declaration has no 统一编号 yet (no import response), so it cannot be amended',
    });
  });

  it('a CSV whose rows disagree on the head, and one missing columns', async () => {
    const rows =
      'declaration,type,reason,field,value\nEPGW20260105000101,modify,r1,GrossWet,1\nEPGW20260105000101,modify,r2,NetWt,2\n';
    const err = await errorOf(rows, ctx('bad.csv'));
    expect(err.details[0]).toMatchObject({
      where: 'bad.csv, line 3, column reason',
      en: 'reason differs from an earlier row ("r2" vs "r1")',
    });
    const cols = await errorOf('declaration,type\nX,1\n', ctx('cols.csv'));
    expect(cols.code).toBe('GW_ERR_INPUT_FORMAT');
    expect(cols.details[0]).toMatchObject({
      where: 'cols.csv, line 1',
      en: 'the CSV header lacks column(s): reason, field, value',
    });
  });

  it('JSON that does not parse', async () => {
    const err = await errorOf('{"declaration":');
    expect(err.code).toBe('GW_ERR_INPUT_FORMAT');
    expect(err.details[0]!.where).toBe('bad.json');
  });

  it('a message that is not a declaration', async () => {
    const err = await errorOf(
      '{"declaration":"M1","type":"withdraw","reason":"r"}',
      ctx('bad.json', {
        ...SENT,
        clientSeqNo: 'M1',
        xml: '<?xml version="1.0"?>\n<Manifest><Head/></Manifest>',
      }),
    );
    expect(err.code).toBe('GW_ERR_TRANSLATE_ROOT');
  });
});
