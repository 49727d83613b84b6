import { describe, expect, it } from 'vitest';
import {
  certificateFromData,
  decodeBase64,
  formatEportTime,
  parseEportTime,
  signatureFromData,
  validityFromData,
} from './card-replies.js';
import {
  answers,
  decodeFrame,
  describeRequest,
  encodeRequest,
  succeeded,
  type EportReply,
} from './protocol.js';
import { failureError, pinFailureOf, redact } from './service-errors.js';

const request = {
  _method: 'cus-sec_SpcSignDataAsPEM',
  _id: 7,
  args: { inData: '<ds:SignedInfo/>', passwd: '86421357' },
};

function reply(text: string): EportReply {
  const f = decodeFrame(text);
  if (f.kind !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(f)}`);
  return f.reply;
}

describe('E-Port control protocol', () => {
  it('encodes the documented request shape', () => {
    expect(JSON.parse(encodeRequest(request))).toEqual({
      _method: 'cus-sec_SpcSignDataAsPEM',
      _id: 7,
      args: { inData: '<ds:SignedInfo/>', passwd: '86421357' },
    });
  });

  it('describes requests for logs without the PIN or the data', () => {
    const text = JSON.stringify(describeRequest(request));
    expect(text).not.toContain('86421357');
    expect(text).not.toContain('SignedInfo');
    expect(describeRequest(request).args).toEqual({ inData: '16 chars', passwd: '[redacted]' });
  });

  it('decodes an enveloped reply and correlates it by _id (number or numeric string)', () => {
    const r = reply(
      '{"_id":7,"_method":"cus-sec_SpcSignDataAsPEM","_status":"00","_args":{"Result":true,"Data":["c2ln","01691fe9"],"Error":[]}}',
    );
    expect(r).toEqual({
      id: 7,
      method: 'cus-sec_SpcSignDataAsPEM',
      status: '00',
      result: true,
      data: ['c2ln', '01691fe9'],
      errors: [],
    });
    expect(succeeded(r)).toBe(true);
    expect(answers(r, request)).toBe(true);
    expect(answers(reply('{"_id":"7","_args":{"Result":true}}'), request)).toBe(true);
    expect(answers(reply('{"_id":6,"_args":{"Result":true}}'), request)).toBe(false);
  });

  it('accepts the envelope-less form some clients report, correlated by being the only request', () => {
    const r = reply('{"Result":false,"Data":[],"Error":["x"]}');
    expect(r).toEqual({ result: false, data: [], errors: ['x'] });
    expect(answers(r, request)).toBe(true);
  });

  it('treats a _status other than "00" as failure even with Result true', () => {
    expect(succeeded(reply('{"_id":7,"_status":"01","_args":{"Result":true,"Data":[]}}'))).toBe(
      false,
    );
  });

  it('recognises the open greeting', () => {
    expect(
      decodeFrame(
        '{"_id":0,"_method":"open","_status":"00","_args":{"Result":true,"Data":[],"Error":[]}}',
      ),
    ).toEqual({ kind: 'open' });
  });

  it.each([
    ['{"_id":7,', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"_id":7,"_status":"00"}', '_args is missing or not an object'],
    ['{"_id":7,"_args":{"Data":[]}}', 'Result is missing or not a boolean'],
    ['{"_id":7,"_args":{"Result":true,"Data":"abc"}}', 'Data is not an array'],
  ])('reports %s as malformed (%s)', (text, reason) => {
    expect(decodeFrame(text)).toMatchObject({ kind: 'malformed', reason });
  });
});

describe('failure classification', () => {
  it('card/reader failures are transient GW_ERR_SIGN_CARD_ABSENT with a restart hint', () => {
    const err = failureError(
      'cus-sec_SpcSignDataAsPEM',
      ['[读卡器底层库]复位读卡器失败:错误码=50070', 'Err:Custom50070'],
      '00',
      [],
    );
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_CARD_ABSENT', kind: 'transient' });
    expect(err.details[0]?.zh).toContain('复位读卡器失败');
    expect(err.details[0]?.fixEn).toContain('restart');
    expect(failureError('m', ['[读卡器底层库]打开读卡器失败：错误码=50200'], '00', []).code).toBe(
      'GW_ERR_SIGN_CARD_ABSENT',
    );
  });

  it('PIN failures are permanent GW_ERR_SIGN_PIN, with tries left when the control says', () => {
    const err = failureError(
      'cus-sec_SpcSignDataAsPEM',
      ['[卡操作]口令错误，剩余重试次数:3'],
      '00',
      [],
    );
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_PIN', kind: 'permanent' });
    expect(err.details[0]?.en).toContain('3 tries left');
    expect(pinFailureOf(['口令已锁定'])).toEqual({ locked: true });
    expect(pinFailureOf(['密码错误,还可以尝试2次'])).toEqual({ locked: false, triesLeft: 2 });
    expect(pinFailureOf(['PIN incorrect'])).toEqual({ locked: false });
    expect(pinFailureOf(['[读卡器底层库]复位读卡器失败:错误码=50070'])).toBeUndefined();
  });

  it('anything else is a transient GW_ERR_SIGN_FAILED carrying the control texts', () => {
    const err = failureError('cus-sec_SpcSignDataAsPEM', ['内部错误 42'], '00', []);
    expect(err).toMatchObject({ code: 'GW_ERR_SIGN_FAILED', kind: 'transient' });
    expect(err.message).toContain('内部错误 42');
    expect(failureError('m', [], '07', []).message).toContain('_status=07');
  });

  it('scrubs the PIN from texts the control sends back', () => {
    expect(redact('口令 86421357 错误', ['86421357'])).toBe('口令 [redacted] 错误');
    const err = failureError('m', ['口令 86421357 错误'], '00', ['86421357']);
    expect(JSON.stringify(err.toJSON())).not.toContain('86421357');
  });
});

describe('reply data readers', () => {
  it('decodes base64 strictly, allowing PEM armour and line breaks', () => {
    expect(decodeBase64('-----BEGIN X-----\nAAEC\r\nAw==\n-----END X-----', 'x')).toEqual(
      Buffer.from([0, 1, 2, 3]),
    );
    expect(() => decodeBase64('AA*C', 'signature')).toThrow('signature is not base64');
    expect(() => decodeBase64('', 'signature')).toThrow();
  });

  it('reads the signature and the signing card number', () => {
    expect(signatureFromData(['AAEC', '01691fe9'])).toEqual({
      signature: Buffer.from([0, 1, 2]),
      certNo: '01691fe9',
    });
    expect(signatureFromData(['AAEC'])).toEqual({ signature: Buffer.from([0, 1, 2]) });
    expect(() => signatureFromData([])).toThrow('Data[0] (signature) is missing');
  });

  it('rejects a certificate that is not X.509', () => {
    expect(() => certificateFromData(['AAEC'])).toThrow('does not parse as X.509');
  });

  it('reads control times as yyyyMMddHHmmss in UTC+8 and writes them back', () => {
    const d = parseEportTime('20190120195948');
    expect(d?.toISOString()).toBe('2019-01-20T11:59:48.000Z');
    expect(parseEportTime('2019-01-20 19:59:48')?.getTime()).toBe(d?.getTime());
    expect(parseEportTime('soon')).toBeUndefined();
    expect(formatEportTime(d as Date)).toBe('20190120195948');
    expect(
      validityFromData([
        { szStartTime: '20230329000000', szEndTime: '20330329000000' },
      ]).notAfter.toISOString(),
    ).toBe('2033-03-28T16:00:00.000Z');
    expect(() => validityFromData(['x'])).toThrow();
  });
});
