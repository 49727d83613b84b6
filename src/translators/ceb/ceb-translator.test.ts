import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingTool, skipWithout } from '../../../test/helpers/tools.js';
import { signEnveloped } from '../../signing/xmldsig.js';
import { createFakeSigner } from '../../signing/fake-signer.js';
import { loadCodeTables } from '../codes/code-tables.js';
import { createTranslator } from '../factory.js';
import { CebTranslator } from './ceb-translator.js';
import { loadCebMapping } from './mapping.js';

const SAMPLES = 'samples/ceb';
const XSD = 'test/fixtures/xsd/ceb/ceb-import-business-202205.xsd';
const codes = loadCodeTables();
const translator = (m: string): CebTranslator =>
  new CebTranslator({ mapping: loadCebMapping(join(SAMPLES, m)), codes });
const ctx = (fileName: string) => ({ channel: 'test', fileName });

const order = (): Buffer => readFileSync(join(SAMPLES, 'ceb311-order.json'));
const inventory = (): string => readFileSync(join(SAMPLES, 'ceb621-inventory.csv'), 'utf8');

const skipXsd = skipWithout('CEB XSD validation (xmllint --schema)', missingTool('xmllint'));

function xsdValid(xml: string): void {
  if (skipXsd) return;
  const dir = mkdtempSync(join(tmpdir(), 'ceb-xsd-'));
  try {
    writeFileSync(join(dir, 'm.xml'), xml);
    execFileSync('xmllint', ['--noout', '--schema', XSD, join(dir, 'm.xml')], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rules of the problems a bad input is refused with. */
async function rules(run: () => Promise<unknown>): Promise<string[]> {
  try {
    await run();
  } catch (e) {
    return ((e as { details?: { rule: string }[] }).details ?? []).map((d) => d.rule);
  }
  throw new Error('expected a refusal');
}

describe('CEB311 / CEB621 translators', () => {
  it('CEB311 from JSON matches the golden file, validates against the XSD, keys on orderNo', async () => {
    const m = (
      await translator('ceb311-order.yaml').translate(order(), ctx('ceb311-order.json'))
    )[0]!;
    expect(m.xml).toBe(readFileSync(join(SAMPLES, 'expected/ceb311-order.xml'), 'utf8'));
    expect(m.businessKey).toBe('SO20261127001');
    expect(m.messageType).toBe('CEB311Message');
    xsdValid(m.xml);
  });

  it('CEB621 from CSV matches the golden file and validates once signed (the XSD requires ds:Signature)', async () => {
    const m = (
      await translator('ceb621-inventory.yaml').translate(
        Buffer.from(inventory()),
        ctx('ceb621-inventory.csv'),
      )
    )[0]!;
    expect(m.xml).toBe(readFileSync(join(SAMPLES, 'expected/ceb621-inventory.xml'), 'utf8'));
    expect(m.businessKey).toBe('INV20261127001');
    xsdValid(await signEnveloped(m.xml, createFakeSigner(), { algorithm: 'rsa-sha1' }));
  });

  it('derives a stable upper-case guid from the input, different for a different input', async () => {
    const t = translator('ceb311-order.yaml');
    const guid = async (b: Buffer): Promise<string> =>
      /guid="([^"]+)"/.exec((await t.translate(b, ctx('o.json')))[0]!.xml)![1]!;
    const a = await guid(order());
    expect(a).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(await guid(order())).toBe(a);
    expect(
      await guid(Buffer.from(order().toString('utf8').replace('SO20261127001', 'SO20261127002'))),
    ).not.toBe(a);
  });

  it('is made by createTranslator("ceb")', async () => {
    const t = createTranslator('ceb', { mapping: join(SAMPLES, 'ceb311-order.yaml') });
    expect((await t.translate(order(), ctx('o.json')))[0]!.businessKey).toBe('SO20261127001');
  });

  const json = (
    edit: (o: { order: Record<string, string>; items: Record<string, string>[] }) => void,
  ): Buffer => {
    const o = JSON.parse(order().toString('utf8')) as {
      order: Record<string, string>;
      items: Record<string, string>[];
    };
    edit(o);
    return Buffer.from(JSON.stringify(o));
  };
  const csv = (from: string, to: string): Buffer => Buffer.from(inventory().replace(from, to));
  const t311 = translator('ceb311-order.yaml');
  const t621 = translator('ceb621-inventory.yaml');

  it.each([
    [
      'acturalPaid ≠ goodsValue + freight + taxTotal − discount',
      () =>
        t311.translate(
          json((o) => (o.order['实付'] = '160')),
          ctx('o.json'),
        ),
      'actural-paid',
    ],
    [
      'totalPrice ≠ price × qty',
      () =>
        t311.translate(
          json((o) => (o.items[0]!['总价'] = '99')),
          ctx('o.json'),
        ),
      'total-price',
    ],
    [
      'more than 99 items',
      () =>
        t311.translate(
          json((o) => (o.items = Array.from({ length: 100 }, () => ({ ...o.items[1]! })))),
          ctx('o.json'),
        ),
      'max-items',
    ],
    [
      'appTime not a time',
      () =>
        t311.translate(
          json((o) => (o.order['下单时间'] = 'yesterday')),
          ctx('o.json'),
        ),
      'datetime',
    ],
    ['CEB621 tradeMode 0110', () => t621.translate(csv(',9610,', ',0110,'), ctx('i.csv')), 'enum'],
    [
      'CEB621 grossWeight < netWeight',
      () => t621.translate(csv(',2.5,2.1,', ',2.0,2.1,'), ctx('i.csv')),
      'gross-net',
    ],
    [
      'CEB621 qty2 without unit2',
      () => t621.translate(csv(',1,瓶,40,40', ',1,,40,40'), ctx('i.csv')),
      'qty2-unit2',
    ],
    [
      'CEB621 9610 without billNo',
      () => t621.translate(csv(',999-12345678,', ',,'), ctx('i.csv')),
      'trade-mode-field',
    ],
    [
      'CEB621 HS code not 10 digits',
      () => t621.translate(csv('1901101010', '19011010'), ctx('i.csv')),
      'hs-code',
    ],
  ])('refuses %s', async (_name, run, rule) => {
    expect(await rules(run)).toContain(rule);
  });

  it('names the source position of a bad value', async () => {
    const e = await t621.translate(csv(',2.5,2.1,', ',2.0,2.1,'), ctx('i.csv')).then(
      () => expect.fail('expected a refusal'),
      (err: unknown) => err,
    );
    const d = (
      e as { details: { rule: string; where: string; zh: string; en: string }[] }
    ).details.find((x) => x.rule === 'gross-net')!;
    expect(d.where).toBe('i.csv, row 2, column M (毛重)');
    expect(d.zh).toContain('毛重');
    expect(d.en).toContain('grossWeight');
  });
});
