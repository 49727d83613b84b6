// What parseReceipt does with files that are not receipts it knows, or not XML at all.
import { describe, expect, it } from 'vitest';
import { isGatewayError, type GatewayError } from '../core/errors.js';
import { parseReceipt } from './parse.js';

function failure(bytes: Buffer, name = 'in/bad.xml'): GatewayError {
  try {
    parseReceipt(bytes, name);
  } catch (err) {
    if (isGatewayError(err)) return err;
    throw err;
  }
  throw new Error('expected parseReceipt to throw');
}

describe('unknown receipts', () => {
  it('an unknown root is family unknown, status sent, not an error', () => {
    const r = parseReceipt(Buffer.from('<Manifest xmlns="urn:x"><Head/></Manifest>'), 'MT9999.xml');
    expect(r).toEqual({
      family: 'unknown',
      kind: 'unknown',
      messageType: 'Manifest',
      keys: {},
      code: '',
      text: '',
      status: 'sent',
      terminal: false,
      negative: false,
    });
  });

  it('a CEB declaration (no …Return inside) is unknown', () => {
    const xml =
      '<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:Order/></ceb:CEB311Message>';
    const r = parseReceipt(Buffer.from(xml));
    expect(r).toMatchObject({ family: 'unknown', messageType: 'CEB311Message' });
  });

  it('a Package without EnvelopInfo is unknown', () => {
    expect(parseReceipt(Buffer.from('<Package><DataInfo/></Package>')).family).toBe('unknown');
  });

  it('a 金二 receipt in its signed wrapper is still read', () => {
    const xml = `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><Object><Package>
      <EnvelopInfo><message_type>INV202</message_type></EnvelopInfo>
      <DataInfo><BussinessData><INV202><HdeApprResult><etpsPreentNo>202400000000000009</etpsPreentNo>
      <businessId>QD311124E000000001</businessId><manageResult>3</manageResult><rmk>退单：表体数量有误</rmk>
      </HdeApprResult></INV202></BussinessData></DataInfo></Package></Object></Signature>`;
    const r = parseReceipt(Buffer.from(xml));
    expect(r).toMatchObject({ family: 'sas', kind: 'sas-receipt', messageType: 'INV202' });
    expect(r).toMatchObject({ code: '3', status: 'rejected', negative: true });
    expect(r.text).toBe('退单：表体数量有误');
  });
});

describe('unparseable receipts', () => {
  it('empty file', () => {
    const err = failure(Buffer.alloc(0));
    expect(err.code).toBe('GW_ERR_RECEIPT_UNPARSEABLE');
    expect(err.details[0]).toMatchObject({
      where: 'in/bad.xml',
      zh: '回执无法解析',
      en: 'receipt cannot be parsed',
    });
  });

  it('not XML: keeps the line and column from the XML check', () => {
    const err = failure(Buffer.from('<DEC_RESULT><CHANNEL>P</DEC_RESULT>'));
    expect(err.code).toBe('GW_ERR_RECEIPT_UNPARSEABLE');
    expect(err.details[1]?.where).toMatch(/^in\/bad\.xml, line 1, column \d+$/);
    expect(err.cause).toMatchObject({ code: 'GW_ERR_XML_MALFORMED' });
  });

  it('a DTD is refused', () => {
    const err = failure(
      Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><DEC_RESULT><CHANNEL>&a;</CHANNEL></DEC_RESULT>'),
    );
    expect(err.code).toBe('GW_ERR_RECEIPT_UNPARSEABLE');
    expect(err.cause).toMatchObject({ code: 'GW_ERR_XML_DTD' });
  });

  it('bytes that do not match the declared encoding', () => {
    // 你 in GBK, in a file that says UTF-8.
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="UTF-8"?><DEC_RESULT><NOTE>'),
      Buffer.from([0xc4, 0xe3]),
      Buffer.from('</NOTE></DEC_RESULT>'),
    ]);
    const err = failure(bytes);
    expect(err.code).toBe('GW_ERR_RECEIPT_UNPARSEABLE');
    expect(err.cause).toMatchObject({ code: 'GW_ERR_XML_ENCODING' });
  });

  it('an element name the parser refuses (prototype pollution guard)', () => {
    const err = failure(Buffer.from('<DEC_RESULT><__proto__>1</__proto__></DEC_RESULT>'));
    expect(err.code).toBe('GW_ERR_RECEIPT_UNPARSEABLE');
  });

  it('element names like toString do not confuse lookups', () => {
    const r = parseReceipt(
      Buffer.from('<DEC_RESULT><toString>x</toString><CHANNEL>L</CHANNEL></DEC_RESULT>'),
    );
    expect(r.status).toBe('accepted');
  });
});
