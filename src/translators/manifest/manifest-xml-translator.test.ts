import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestXmlTranslator } from './manifest-xml-translator.js';
import { loadCodeTables } from '../codes/code-tables.js';
import type { GatewayError } from '../../core/errors.js';

const EXPECTED = readFileSync(
  join(import.meta.dirname, '..', '..', '..', 'samples', 'manifest', 'expected', 'mt1101-sea.xml'),
  'utf8',
);
const t = new ManifestXmlTranslator({ codes: loadCodeTables() });
const ctx = { channel: 'm', fileName: 'mt.xml' };
const errorOf = (xml: string): GatewayError => {
  try {
    t.translateOne(Buffer.from(xml), ctx);
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('expected an error');
};

describe('standard 舱单 XML dropped as it is (manifest-xml)', () => {
  it('passes the same rules as a mapped manifest and goes through unchanged, bound to its bills', () => {
    const m = t.translateOne(Buffer.from(EXPECTED), ctx);
    expect(m.messageType).toBe('MT1101');
    expect(m.businessKey).toBe(/<MessageID>([^<]+)</.exec(EXPECTED)![1]);
    expect(m.xml).toBe(EXPECTED);
    expect(m.correlationKeys!.length).toBeGreaterThan(0);
    expect(m.correlationKeys!.every((k) => k.startsWith('bill:'))).toBe(true);
  });

  it('finds a bad SendTime, a bad container check digit and a repeated bill, with element paths', () => {
    const first = /<Consignment>[\s\S]*?<\/Consignment>/.exec(EXPECTED)![0];
    const container = /<EquipmentIdentification>\s*<ID>([A-Z]{4}\d{7})<\/ID>/.exec(EXPECTED);
    let xml = EXPECTED.replace(/<SendTime>\d+</, '<SendTime>2026<').replace(first, first + first);
    if (container)
      xml = xml.replace(
        container[1]!,
        container[1]!.slice(0, 10) + String((Number(container[1]!.slice(10)) + 1) % 10),
      );
    const e = errorOf(xml);
    expect(e.code).toBe('GW_ERR_VALIDATION');
    const text = e.details.map((d) => `${d.rule ?? ''} ${d.where ?? ''}`).join('\n');
    expect(text).toMatch(/SendTime/);
    expect(text).toMatch(/duplicate-bill/);
    if (container) expect(text).toMatch(/container-check/);
    expect(text).toMatch(/\/Manifest\/Head/);
  });

  it('refuses a message that is not a manifest', () => {
    expect(errorOf('<DecMessage xmlns="http://www.chinaport.gov.cn/dec"/>').code).toBe(
      'GW_ERR_TRANSLATE_ROOT',
    );
  });
});
