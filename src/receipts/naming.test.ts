import { describe, expect, it } from 'vitest';
import {
  MAX_STEM_BYTES,
  MAX_STEM_CHARS,
  receiptFileName,
  responseSourceStem,
  sanitizeStem,
  stemOf,
} from './naming.js';

describe('receiptFileName', () => {
  it('builds stem.kind.seq.ext with a two-digit seq', () => {
    expect(receiptFileName({ stem: 'I_20240101_001', kind: 'dec-result', seq: 3 })).toBe(
      'I_20240101_001.dec-result.03.xml',
    );
    expect(receiptFileName({ stem: 'a', kind: 'import-response', seq: 12, ext: 'json' })).toBe(
      'a.import-response.12.json',
    );
    expect(receiptFileName({ stem: 'a', kind: 'ceb900', seq: 100 })).toBe('a.ceb900.100.xml');
  });

  it('keeps Chinese stems as they are', () => {
    expect(receiptFileName({ stem: '报关单_宁波_001', kind: 'dec-result', seq: 1 })).toBe(
      '报关单_宁波_001.dec-result.01.xml',
    );
  });

  it('refuses kinds, seqs and extensions the gateway got wrong', () => {
    expect(() => receiptFileName({ stem: 'a', kind: '../x', seq: 1 })).toThrow(RangeError);
    expect(() => receiptFileName({ stem: 'a', kind: 'Dec_Result', seq: 1 })).toThrow(RangeError);
    expect(() => receiptFileName({ stem: 'a', kind: 'dec-result', seq: -1 })).toThrow(RangeError);
    expect(() => receiptFileName({ stem: 'a', kind: 'dec-result', seq: 1.5 })).toThrow(RangeError);
    expect(() => receiptFileName({ stem: 'a', kind: 'dec-result', seq: 1, ext: 'x/ml' })).toThrow(
      RangeError,
    );
  });
});

describe('sanitizeStem', () => {
  it.each([
    ['../evil', '_evil'],
    ['..\\..\\windows\\system32', '_.._windows_system32'],
    ['/etc/passwd', '_etc_passwd'],
    ['.hidden', 'hidden'],
    ['...', 'receipt'],
    ['', 'receipt'],
    ['a\u0000b\nc\td\u007f\u0085e', 'abcde'],
    ['what?<>:"|*', 'what_______'],
    ['trailing. . ', 'trailing'],
    ['CON', '_CON'],
    ['lpt1.backup', '_lpt1.backup'],
    ['CONTRACT_01', 'CONTRACT_01'],
    ['bad\uD800surrogate', 'badsurrogate'],
    ['e\u0301', '\u00e9'], // NFC
  ])('%j → %j', (input, expected) => {
    expect(sanitizeStem(input)).toBe(expected);
  });

  it('cuts long ASCII stems at 150 characters', () => {
    const s = sanitizeStem('x'.repeat(500));
    expect(s).toHaveLength(MAX_STEM_CHARS);
  });

  it('cuts long Chinese stems at 200 UTF-8 bytes, never inside a character', () => {
    const s = sanitizeStem('关'.repeat(150));
    expect(Buffer.byteLength(s, 'utf8')).toBeLessThanOrEqual(MAX_STEM_BYTES);
    expect(s).toBe('关'.repeat(66));
    const name = receiptFileName({ stem: '关'.repeat(150), kind: 'import-response', seq: 99 });
    expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(255);
  });

  it('never splits an astral character', () => {
    const s = sanitizeStem('😀'.repeat(200));
    expect(s).toBe('😀'.repeat(50));
  });

  it('a name cut before a dot loses the dangling dot', () => {
    expect(sanitizeStem(`${'a'.repeat(149)}.b`)).toBe('a'.repeat(149));
  });
});

describe('stemOf', () => {
  it.each([
    ['a.xml', 'a'],
    ['a.b.xml', 'a.b'],
    ['noext', 'noext'],
    ['.hidden', '.hidden'],
    ['dir/sub/file.zip', 'file'],
    ['C:\\ImpPath\\DecCus001\\OutBox\\I_001_t-1.xml', 'I_001_t-1'],
    ['报关单.xml', '报关单'],
    ['trailing.', 'trailing'],
  ])('%j → %j', (input, expected) => {
    expect(stemOf(input)).toBe(expected);
  });
});

describe('responseSourceStem', () => {
  it.each([
    ['Successed_I_001_t-1_202408191442314383412.xml', 'I_001_t-1'],
    ['Failed_I_001_t-1_20240819144231.xml', 'I_001_t-1'],
    [
      'Successed_INV101_E_fef3da4f-86c8-4bf2-bb60-a5f03bdcbd30.xml',
      'INV101_E_fef3da4f-86c8-4bf2-bb60-a5f03bdcbd30',
    ],
    ['successed_x.xml', 'x'],
    ['Receipt_C_001.xml', undefined],
    ['INV201.xml', undefined],
  ])('%j → %j', (input, expected) => {
    expect(responseSourceStem(input)).toBe(expected);
  });
});
