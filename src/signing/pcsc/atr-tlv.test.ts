import { describe, expect, it } from 'vitest';
import { parseAtr } from './atr.js';
import { encodeTlv, findTlv, findTlvDeep, parseBerTlvs } from './tlv.js';

describe('ATR', () => {
  it('finds T=1 and the card capabilities (chaining, extended Lc/Le) in the historical bytes', () => {
    const info = parseAtr(Buffer.from('3B8A80010031F573C001E005900008', 'hex'));
    expect(info).toMatchObject({ protocols: [0, 1], chaining: true, extendedLength: true });
    expect(info?.historical.toString('hex')).toBe('0031f573c001e0059000');
    expect(parseAtr(Buffer.from('3B8A80010031F573C0018005900008', 'hex'))).toMatchObject({
      chaining: true,
      extendedLength: false,
    });
  });

  it('leaves capabilities undefined when the card states none, and rejects truncated ATRs', () => {
    const yubikey = parseAtr(Buffer.from('3BF81300008131FE15597562696B657934D4', 'hex'));
    expect(yubikey?.protocols).toEqual([1, 1]);
    expect(yubikey?.historical.toString('latin1')).toBe('Yubikey4');
    expect(yubikey?.extendedLength).toBeUndefined();
    expect(parseAtr(Buffer.from('3B8A8001', 'hex'))).toBeUndefined();
  });
});

describe('BER-TLV', () => {
  it('reads multi-byte tags and long lengths, and finds nested objects', () => {
    const cert = Buffer.alloc(300, 0x30);
    const obj = encodeTlv(
      0x53,
      Buffer.concat([
        encodeTlv(0x70, cert),
        encodeTlv(0x71, Buffer.from([0])),
        encodeTlv(0xfe, Buffer.alloc(0)),
      ]),
    );
    expect(obj.subarray(0, 4).toString('hex')).toBe('53820135');
    expect(findTlv(findTlv(obj, 0x53)!, 0x70)?.equals(cert)).toBe(true);
    const related = encodeTlv(
      0x6e,
      Buffer.concat([
        encodeTlv(0x5f52, Buffer.from([0])),
        encodeTlv(0x73, encodeTlv(0xc4, Buffer.from('007f7f7f030003', 'hex'))),
      ]),
    );
    expect(findTlvDeep(related, 0xc4)?.toString('hex')).toBe('007f7f7f030003');
    expect(parseBerTlvs(encodeTlv(0x7f21, Buffer.from([1, 2])))).toEqual([
      { tag: 0x7f21, value: Buffer.from([1, 2]) },
    ]);
    expect(() => parseBerTlvs(Buffer.from('7F2105AABB', 'hex'))).toThrow(RangeError);
  });
});
