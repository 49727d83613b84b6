import { describe, expect, it } from 'vitest';
import { encodeExtended, encodeShort, needsExtended, splitResponse } from './apdu.js';
import { CardStatusError, describeSw, expectOk } from './status-words.js';
import { pcscCodeOf, ReaderError, toReaderError } from './reader-errors.js';

const hex = (b: Buffer) => b.toString('hex').toUpperCase();

describe('APDU encoding', () => {
  it('short form, cases 1 to 4 (Le 256 is written 00)', () => {
    expect(hex(encodeShort({ cla: 0, ins: 0xa4, p1: 4, p2: 0 }))).toBe('00A40400');
    expect(hex(encodeShort({ cla: 0, ins: 0xca, p1: 0, p2: 0xc4, ne: 256 }))).toBe('00CA00C400');
    expect(
      hex(encodeShort({ cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: Buffer.from('313233', 'hex') })),
    ).toBe('0020008103313233');
    expect(
      hex(encodeShort({ cla: 0, ins: 0x2a, p1: 0x9e, p2: 0x9a, data: Buffer.from([1, 2]), ne: 7 })),
    ).toBe('002A9E9A02010207');
    expect(() => encodeShort({ cla: 0, ins: 0, p1: 0, p2: 0, data: Buffer.alloc(256) })).toThrow(
      RangeError,
    );
  });

  it('extended form: 00 marker, two-byte Lc/Le, Le 65536 written 0000', () => {
    expect(hex(encodeExtended({ cla: 0, ins: 0x47, p1: 0x81, p2: 0, ne: 65536 }))).toBe(
      '00478100000000',
    );
    expect(
      hex(
        encodeExtended({ cla: 0, ins: 0xdb, p1: 0x3f, p2: 0xff, data: Buffer.alloc(300, 0xaa) }),
      ).slice(0, 14),
    ).toBe('00DB3FFF00012C');
    const case4 = encodeExtended({
      cla: 0,
      ins: 0x87,
      p1: 7,
      p2: 0x9c,
      data: Buffer.alloc(266),
      ne: 300,
    });
    expect(case4.length).toBe(4 + 3 + 266 + 2);
    expect(hex(case4.subarray(-2))).toBe('012C');
    expect(needsExtended({ cla: 0, ins: 0, p1: 0, p2: 0, data: Buffer.alloc(255), ne: 256 })).toBe(
      false,
    );
    expect(needsExtended({ cla: 0, ins: 0, p1: 0, p2: 0, ne: 257 })).toBe(true);
  });

  it('splits data and status word', () => {
    expect(splitResponse(Buffer.from('01029000', 'hex'))).toEqual({
      data: Buffer.from([1, 2]),
      sw: 0x9000,
    });
    expect(() => splitResponse(Buffer.from([0x90]))).toThrow(RangeError);
  });
});

describe('status words', () => {
  it('63Cx carries the tries left; 6983 is blocked; unknown SWs are kept', () => {
    expect(describeSw(0x63c2)).toMatchObject({ reason: 'wrong-pin', retriesLeft: 2 });
    expect(describeSw(0x6983).reason).toBe('pin-blocked');
    expect(describeSw(0x6a82).reason).toBe('not-found');
    expect(describeSw(0x6c10).reason).toBe('wrong-length');
    expect(describeSw(0x6f00)).toMatchObject({ reason: 'unknown', en: 'status 6F00' });
  });

  it('expectOk throws a CardStatusError naming the command, in both languages', () => {
    expect(expectOk({ data: Buffer.from([1]), sw: 0x9000 }, 'X')).toEqual(Buffer.from([1]));
    const err = (() => {
      try {
        expectOk({ data: Buffer.alloc(0), sw: 0x63c1 }, 'VERIFY PW1 (81)');
      } catch (e) {
        return e as CardStatusError;
      }
    })();
    expect(err).toBeInstanceOf(CardStatusError);
    expect(err).toMatchObject({
      sw: 0x63c1,
      reason: 'wrong-pin',
      retriesLeft: 1,
      command: 'VERIFY PW1 (81)',
    });
    expect(err?.zh).toContain('剩余 1 次');
  });
});

describe('PC/SC errors', () => {
  it('parses the SCARD code out of pcsclite messages and classifies it', () => {
    expect(pcscCodeOf('SCardTransmit error: Card was removed.(0x80100069)')).toBe(0x80100069);
    expect(
      toReaderError(
        new Error('SCardTransmit error: Card was removed.(0x80100069)'),
        'SCardTransmit',
      ).failure,
    ).toBe('card-absent');
    expect(
      toReaderError(new Error('SCardTransmit error: Transaction failed.(0x80100016)'), 'x').failure,
    ).toBe('card-absent');
    expect(
      toReaderError(
        new Error('SCardEstablishContext error: Service not available.(0x8010001d)'),
        'x',
      ).failure,
    ).toBe('no-service');
    expect(
      toReaderError(new Error('SCardConnect error: Sharing violation.(0x8010000b)'), 'x').failure,
    ).toBe('sharing-violation');
    expect(toReaderError(new Error('Card Reader not connected'), 'x').failure).toBe('card-absent');
    expect(toReaderError('weird', 'x')).toBeInstanceOf(ReaderError);
  });
});
