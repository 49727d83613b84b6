import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { checkXml, decodeXml, encodeXml } from './xml-text.js';
import { isGatewayError } from './errors.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isGatewayError(err) ? err.code : 'not-a-gateway-error';
  }
  return undefined;
};

describe('decodeXml', () => {
  const text = '<?xml version="1.0" encoding="GBK"?><a>报关单 上海进出口有限公司</a>';

  it('reads GBK bytes by their declaration', () => {
    const d = decodeXml(iconv.encode(text, 'gbk'));
    expect(d.encoding).toBe('GBK');
    expect(d.text).toBe(text);
  });

  it('reads GB2312-declared files as GBK and GB18030 four-byte characters', () => {
    const gb = '<?xml version="1.0" encoding="gb2312"?><a>镕</a>';
    expect(decodeXml(iconv.encode(gb, 'gbk')).text).toBe(gb);
    const four = '<?xml version="1.0" encoding="GB18030"?><a>𠀀</a>';
    expect(decodeXml(iconv.encode(four, 'gb18030')).text).toBe(four);
  });

  it('strips a UTF-8 BOM and defaults to UTF-8 without a declaration', () => {
    const d = decodeXml(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>中文</a>')]),
    );
    expect(d).toMatchObject({ text: '<a>中文</a>', encoding: 'UTF-8', hadBom: true });
  });

  it('refuses GBK bytes that claim to be UTF-8 instead of producing mojibake, and says where', () => {
    const bytes = iconv.encode('<?xml version="1.0" encoding="UTF-8"?><a>中文</a>', 'gbk');
    expect(codeOf(() => decodeXml(bytes, 'f.xml'))).toBe('GW_ERR_XML_ENCODING');
    try {
      decodeXml(bytes, 'f.xml');
    } catch (err) {
      expect((err as { details: { where: string }[] }).details[0]!.where).toMatch(
        /f\.xml, byte \d+/,
      );
    }
  });

  it('refuses unsupported encodings, UTF-16 and a BOM contradicting the declaration', () => {
    expect(codeOf(() => decodeXml(Buffer.from('<?xml version="1.0" encoding="Big5"?><a/>')))).toBe(
      'GW_ERR_XML_ENCODING',
    );
    expect(codeOf(() => decodeXml(Buffer.from([0xff, 0xfe, 0x3c, 0x00])))).toBe(
      'GW_ERR_XML_ENCODING',
    );
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('<?xml version="1.0" encoding="GBK"?><a/>'),
    ]);
    expect(codeOf(() => decodeXml(bom))).toBe('GW_ERR_XML_ENCODING');
  });

  it('round-trips through encodeXml', () => {
    expect(decodeXml(encodeXml(text, 'GBK')).text).toBe(text);
  });
});

describe('checkXml', () => {
  it('refuses DTDs and entity declarations (billion laughs, XXE)', () => {
    expect(codeOf(() => checkXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'))).toBe(
      'GW_ERR_XML_DTD',
    );
    expect(codeOf(() => checkXml('<!doctype a SYSTEM "file:///etc/passwd"><a/>'))).toBe(
      'GW_ERR_XML_DTD',
    );
  });

  it('points at the line of a well-formedness error', () => {
    try {
      checkXml('<a>\n<b>\n</a>', 'x.xml');
      expect.unreachable();
    } catch (err) {
      expect((err as { code: string }).code).toBe('GW_ERR_XML_MALFORMED');
      expect((err as { details: { where: string }[] }).details[0]!.where).toMatch(
        /x\.xml, line \d+, column \d+/,
      );
    }
  });

  it('enforces size and depth limits', () => {
    expect(codeOf(() => checkXml('<a>12345</a>', 'x', { maxBytes: 5, maxDepth: 10 }))).toBe(
      'GW_ERR_XML_LIMIT',
    );
    const deep = '<a>'.repeat(20) + '</a>'.repeat(20);
    expect(codeOf(() => checkXml(deep, 'x', { maxBytes: 1000, maxDepth: 10 }))).toBe(
      'GW_ERR_XML_LIMIT',
    );
    expect(codeOf(() => checkXml(deep, 'x', { maxBytes: 1000, maxDepth: 20 }))).toBeUndefined();
  });
});
