import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { DecXmlTranslator } from './dec-xml-translator.js';
import { withUtf8Declaration } from '../../core/xml-text.js';
import type { GatewayError } from '../../core/errors.js';

const t = new DecXmlTranslator();
const ctx = { channel: 'declaration', fileName: 'dec.xml' };
const dec = (
  body: string,
  root = '<DecMessage xmlns="http://www.chinaport.gov.cn/dec" version="3.1">',
  close = '</DecMessage>',
) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${root}<DecHead><IEFlag>I</IEFlag><TradeName>上海示例贸易有限公司</TradeName></DecHead>${body}${close}`;
const sign = '<DecSign><OperType>G</OperType><ClientSeqNo>EPGW2026000001</ClientSeqNo></DecSign>';

function errorOf(bytes: Buffer): GatewayError {
  try {
    t.translateOne(bytes, ctx);
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('expected an error');
}

describe('dec-xml translator', () => {
  it('passes a standard DecMessage through and takes ClientSeqNo as the business key', () => {
    const xml = dec(sign);
    const m = t.translateOne(Buffer.from(xml), ctx);
    expect(m).toEqual({ messageType: 'DecMessage', businessKey: 'EPGW2026000001', xml });
  });

  it('re-encodes GBK input as UTF-8 and rewrites the declaration', () => {
    const xml = dec(sign).replace('UTF-8', 'GBK');
    const m = t.translateOne(iconv.encode(xml, 'gbk'), ctx);
    expect(m.xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(m.xml).toContain('上海示例贸易有限公司');
  });

  it('accepts a prefixed namespace and a BOM', () => {
    const xml = dec(
      sign,
      '<dec:DecMessage xmlns:dec="http://www.chinaport.gov.cn/dec">',
      '</dec:DecMessage>',
    ).replace(/<(\/?)(Dec\w+|IEFlag|TradeName|OperType|ClientSeqNo)>/g, '<$1dec:$2>');
    const m = t.translateOne(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]),
      ctx,
    );
    expect(m.businessKey).toBe('EPGW2026000001');
  });

  it('refuses a wrong root or namespace with a fix', () => {
    expect(errorOf(Buffer.from('<Manifest/>')).code).toBe('GW_ERR_TRANSLATE_ROOT');
    const e = errorOf(Buffer.from(dec(sign, '<DecMessage xmlns="http://example.com/dec">')));
    expect(e.code).toBe('GW_ERR_TRANSLATE_ROOT');
    expect(e.details[0]!.fixEn).toContain('http://www.chinaport.gov.cn/dec');
  });

  it('reports every missing field at once, in Chinese and English', () => {
    const e = errorOf(
      Buffer.from('<DecMessage xmlns="http://www.chinaport.gov.cn/dec"><DecSign/></DecMessage>'),
    );
    expect(e.code).toBe('GW_ERR_TRANSLATE_FIELD');
    expect(e.details.map((d) => d.field)).toEqual(['DecHead', 'ClientSeqNo']);
    expect(e.details[1]!.zh).toContain('ClientSeqNo');
  });

  it('refuses malformed XML and DTDs', () => {
    expect(errorOf(Buffer.from(dec(sign).replace('</DecHead>', ''))).code).toBe(
      'GW_ERR_XML_MALFORMED',
    );
    expect(
      errorOf(Buffer.from(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${dec(sign)}`))
        .code,
    ).toBe('GW_ERR_XML_DTD');
  });

  it('withUtf8Declaration adds or rewrites the encoding', () => {
    expect(withUtf8Declaration('<a/>')).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<a/>');
    expect(withUtf8Declaration("<?xml version='1.0' encoding='gbk'?><a/>")).toBe(
      '<?xml version=\'1.0\' encoding="UTF-8"?><a/>',
    );
    expect(withUtf8Declaration('<?xml version="1.0"?><a/>')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><a/>',
    );
  });
});
