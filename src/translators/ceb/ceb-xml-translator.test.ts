import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { CebXmlTranslator } from './ceb-xml-translator.js';
import { loadCodeTables } from '../codes/code-tables.js';
import type { GatewayError } from '../../core/errors.js';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'samples', 'ceb', 'expected');
const t = new CebXmlTranslator({ codes: loadCodeTables() });
const ctx = (fileName: string) => ({ channel: 'c', fileName });
const errorOf = (bytes: Buffer, name = 'x.xml'): GatewayError => {
  try {
    t.translateOne(bytes, ctx(name));
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('expected an error');
};

describe('standard CEB XML dropped as it is (ceb-xml)', () => {
  it.each([
    ['ceb311-order.xml', 'CEB311Message', 'orderNo'],
    ['ceb621-inventory.xml', 'CEB621Message', 'copNo'],
  ])(
    '%s passes the same rules as a mapped one and goes through unchanged',
    (file, type, keyField) => {
      const xml = readFileSync(join(SAMPLES, file), 'utf8');
      const m = t.translateOne(Buffer.from(xml), ctx(file));
      expect(m.messageType).toBe(type);
      expect(m.businessKey).toBe(new RegExp(`<ceb:${keyField}>([^<]+)<`).exec(xml)![1]);
      expect(m.xml).toBe(xml);
    },
  );

  it('reads GBK and re-encodes as UTF-8', () => {
    const xml = readFileSync(join(SAMPLES, 'ceb311-order.xml'), 'utf8').replace(
      'encoding="UTF-8"',
      'encoding="GBK"',
    );
    const m = t.translateOne(iconv.encode(xml, 'gbk'), ctx('gbk.xml'));
    expect(m.xml).toBe(xml.replace('encoding="GBK"', 'encoding="UTF-8"'));
  });

  it('reports broken amounts and a bad guid with the element path', () => {
    const xml = readFileSync(join(SAMPLES, 'ceb311-order.xml'), 'utf8')
      .replace(/<ceb:acturalPaid>[^<]*</, '<ceb:acturalPaid>1.00<')
      .replace(/(<ceb:OrderHead>\s*<ceb:guid>)[^<]*/, '$1not-a-guid');
    const e = errorOf(Buffer.from(xml));
    expect(e.code).toBe('GW_ERR_VALIDATION');
    const fields = e.details.map((d) => `${d.field ?? ''} ${d.where ?? ''}`).join('\n');
    expect(fields).toMatch(/acturalPaid/);
    expect(fields).toMatch(/guid/);
    expect(fields).toMatch(/\/CEB311Message\/Order\/OrderHead/);
  });

  it('refuses a 报关单 or an unknown root', () => {
    expect(errorOf(Buffer.from('<DecMessage xmlns="http://www.chinaport.gov.cn/dec"/>')).code).toBe(
      'GW_ERR_TRANSLATE_ROOT',
    );
  });
});
