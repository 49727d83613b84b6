import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../core/errors.js';
import { decodeText, type TextEncodingSetting } from './text-encoding.js';

const TEXT = '记录类型,商品名称\nI,红葡萄酒·干型 𠮷\n';
const errorOf = (bytes: Uint8Array, setting: TextEncodingSetting): GatewayError => {
  try {
    decodeText(bytes, setting, 'f.csv');
  } catch (e) {
    return e as GatewayError;
  }
  throw new Error('expected an error');
};
const ruleOf = (e: GatewayError): string => (e.details[0] as { rule?: string }).rule ?? '';

describe('decodeText', () => {
  it('detects UTF-8, UTF-8 with BOM and GB18030', () => {
    expect(decodeText(Buffer.from(TEXT), 'auto', 'f')).toMatchObject({
      text: TEXT,
      encoding: 'UTF-8',
      hadBom: false,
    });
    expect(
      decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]), 'auto', 'f'),
    ).toMatchObject({ text: TEXT, hadBom: true });
    expect(decodeText(iconv.encode(TEXT, 'gb18030'), 'auto', 'f')).toMatchObject({
      text: TEXT,
      encoding: 'GB18030',
    });
    const gbkText = TEXT.replace(' 𠮷', '');
    expect(decodeText(iconv.encode(gbkText, 'gbk'), 'GBK', 'f')).toMatchObject({
      text: gbkText,
      encoding: 'GBK',
    });
  });

  it('refuses a wrong configured encoding instead of producing mojibake', () => {
    expect(ruleOf(errorOf(Buffer.from(TEXT), 'GBK'))).toBe('encoding-mismatch');
    expect(ruleOf(errorOf(iconv.encode(TEXT, 'gb18030'), 'UTF-8'))).toBe('encoding-invalid');
    expect(
      ruleOf(errorOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]), 'GBK')),
    ).toBe('encoding-mismatch');
  });

  it('refuses text whose GB18030 reading is implausible', () => {
    // Bytes that decode as GB18030 into private-use characters: not Chinese text.
    const e = errorOf(Buffer.from([0x61, 0xaa, 0xa1, 0xaa, 0xa2, 0x0a]), 'auto');
    expect(ruleOf(e)).toBe('encoding-unreliable');
    expect(e.details[0]!.zh).toContain('乱码');
  });

  it('names truncation, UTF-16 and binary files', () => {
    const b = Buffer.from(TEXT.trimEnd());
    expect(ruleOf(errorOf(b.subarray(0, b.length - 2), 'auto'))).toBe('encoding-truncated');
    expect(ruleOf(errorOf(Buffer.from([0xff, 0xfe, 0x41, 0]), 'auto'))).toBe('encoding-utf16');
    expect(ruleOf(errorOf(Buffer.from([0x41, 0, 0x42]), 'auto'))).toBe('encoding-binary');
  });

  it('ASCII is fine under any setting', () => {
    expect(decodeText(Buffer.from('a,b\n1,2\n'), 'GBK', 'f').text).toBe('a,b\n1,2\n');
  });
});
