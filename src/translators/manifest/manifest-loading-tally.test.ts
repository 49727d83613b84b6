import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import { createTranslator, translateAll } from '../index.js';
import { parseManifestMapping } from './mapping.js';

/** MT4101 装载舱单 and the 理货报告 MT5101/MT5201: golden files and refusals. */
const SAMPLES = 'samples/manifest';
const sample = (f: string): string => readFileSync(join(SAMPLES, f), 'utf8');
const translator = (yaml: string) => createTranslator('manifest', { mapping: join(SAMPLES, yaml) });

async function refusal(yaml: string, csv: string): Promise<GatewayError> {
  const err = await translator(yaml)
    .translate(Buffer.from(csv), { channel: 'test', fileName: 'm.csv' })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!err) throw new Error('expected a refusal');
  return err as GatewayError;
}

describe('golden: MT4101 / MT5101 / MT5201 from CSV', () => {
  it.each([
    [
      'mt4101-sea',
      'MT4101',
      'CN_MT4101_1p0_2248101115245_20261130093000123',
      ['COSU6123456790', 'COSU6123456791'],
    ],
    [
      'mt5101-sea-tally',
      'MT5101',
      '2248101115245_20261201081500123',
      ['COSU6123456780', 'COSU6123456781'],
    ],
    ['mt5201-air-tally', 'MT5201', '2233101115245_20261201101500456', ['781-12345675']],
  ])('%s', async (name, type, messageId, bills) => {
    const [m, ...rest] = await translateAll(
      translator(`${name}.yaml`),
      readFileSync(join(SAMPLES, `${name}.csv`)),
      { channel: 'test', fileName: `${name}.csv` },
    );
    expect(rest).toHaveLength(0);
    expect(m!.xml).toBe(sample(`expected/${name}.xml`));
    expect(m!.messageType).toBe(type);
    expect(m!.businessKey).toBe(messageId);
    // MT9999 answers per bill: every master bill is a correlation key.
    expect(m!.correlationKeys).toEqual(bills.map((b) => `bill:${b}`));
  });

  it('standard MT4101 / MT5101 XML passes through the manifest-xml translator unchanged', async () => {
    for (const name of ['mt4101-sea', 'mt5101-sea-tally', 'mt5201-air-tally']) {
      const xml = readFileSync(join(SAMPLES, 'expected', `${name}.xml`));
      const [m] = await createTranslator('manifest-xml').translate(xml, {
        channel: 'test',
        fileName: `${name}.xml`,
      });
      expect(m!.xml).toBe(xml.toString('utf8'));
    }
  });
});

describe('bad MT4101 / 理货报告 inputs: precise and bilingual', () => {
  it('FunctionCode other than 2 (add) or 3 (delete) on a loading manifest', async () => {
    const yaml = sample('mt4101-sea.yaml').replace(
      '{ column: 功能, map: functions }',
      "{ const: '9' }",
    );
    const loaded = parseManifestMapping(yaml, 'mt4101.yaml');
    const { ManifestTranslator } = await import('./manifest-translator.js');
    const { loadCodeTables } = await import('../codes/code-tables.js');
    const err = await new ManifestTranslator({ mapping: loaded, codes: loadCodeTables() })
      .translate(Buffer.from(sample('mt4101-sea.csv')), { channel: 'test', fileName: 'm.csv' })
      .then(
        () => undefined,
        (e: unknown) => e as GatewayError,
      );
    expect(err!.code).toBe('GW_ERR_VALIDATION');
    expect(err!.details).toHaveLength(1);
    expect(err!.details[0]).toMatchObject({ field: 'Head.FunctionCode', rule: 'format' });
    expect(err!.details[0]!.zh).toContain('2（增加）或 3（删除）');
    expect(err!.details[0]!.en).toContain('2 (add) or 3 (delete)');
  });

  it('a tally report without its tally party, start time and a bill without a count', async () => {
    const csv = sample('mt5101-sea-tally.csv')
      .replace(',20261201020000,', ',,')
      .replace(',3122980T01,', ',,')
      .replace('COSU6123456781,HB001,38,', 'COSU6123456781,HB001,,');
    const err = await refusal('mt5101-sea-tally.yaml', csv);
    const fields = err.details.map((d) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'Declaration.BorderTransportMeans/ActualDateTime',
        'Declaration.TallyParty/ID',
      ]),
    );
    const count = err.details.find((d) =>
      d.field?.endsWith('ConsignmentPackaging/QuantityQuantity'),
    );
    expect(count).toBeDefined();
    expect(count!.where).toBe('m.csv, row 4, column Q (理货件数)');
    for (const d of err.details) expect(d.zh && d.en).toBeTruthy();
  });

  it('a container with a wrong check digit and a repeated bill on a loading manifest', async () => {
    const csv = sample('mt4101-sea.csv')
      .replace('MSCU1234566', 'MSCU1234565')
      .replace('COSU6123456791,', 'COSU6123456790,');
    const err = await refusal('mt4101-sea.yaml', csv);
    expect(err.details.map((d) => d.rule)).toEqual(
      expect.arrayContaining(['container-check', 'duplicate-bill']),
    );
    const check = err.details.find((d) => d.rule === 'container-check')!;
    expect(check.en).toContain(
      'container number "MSCU1234565" fails the ISO 6346 check digit: the last digit should be 6',
    );
  });

  it('a loading date longer than the shared 14 characters', async () => {
    const err = await refusal(
      'mt4101-sea.yaml',
      sample('mt4101-sea.csv').replace(',20261130,120,', ',202611301200000,120,'),
    );
    expect(err.details[0]).toMatchObject({
      field: expect.stringContaining('LoadingLocation/LoadingDate'),
    });
  });

  it('container details: a count that does not match the containers, a bad size-type, fullness, seal agency and ten seals', async () => {
    const tenSeals = Array.from({ length: 10 }, (_, i) => `S${i}`).join(',');
    const err = await refusal(
      'mt4101-sea.yaml',
      sample('mt4101-sea.csv').replace(
        ',22G1;45G1,8;7,"CN1234567,CN1234568;EM998877",CU;SH,',
        `,22G1,88;7,"${tenSeals};EM998877",CU;shipper,`,
      ),
    );
    const by = (rule: string) => err.details.filter((d) => d.rule === rule);
    expect(by('container-count')).toHaveLength(1);
    expect(by('container-count')[0]!.field).toContain('TransportEquipment/CharacteristicCode');
    expect(by('container-count')[0]!.en).toContain(
      'has 1 entries (separated by ;) for 2 container numbers',
    );
    expect(by('container-fullness')[0]!.en).toContain(
      'container CSQU3054383: fullness code "88" should be 1 digit',
    );
    expect(by('container-seals')[0]!.en).toContain(
      'container CSQU3054383: has 10 seals, at most 9',
    );
    expect(by('container-seal-agency')[0]!.en).toContain(
      'the agency code "shipper" of seal EM998877',
    );
    expect(by('container-seal-agency')[0]!.where).toBe('m.csv, row 3, column U (施封人)');
    for (const d of err.details) expect(d.zh && d.en).toBeTruthy();

    const sizeType = await refusal(
      'mt4101-sea.yaml',
      sample('mt4101-sea.csv').replace(',22G1;45G1,', ',22G1;45 G1,'),
    );
    expect(sizeType.details.map((d) => d.rule)).toEqual(['container-size-type']);
    expect(sizeType.details[0]!.en).toContain('container MSCU1234566: size-type code "45 G1"');
  });

  it('a mapping naming an element the tally report does not have', () => {
    const yaml = sample('mt5201-air-tally.yaml').replace(
      'TallyParty/ID: 理货单位',
      'TallyParty/ID: 理货单位\n      Carrier/ID: 理货单位',
    );
    expect(() => parseManifestMapping(yaml, 'bad.yaml')).toThrow(
      /Declaration has no element Carrier\/ID/,
    );
  });
});
