import { describe, expect, it } from 'vitest';
import { documentBytes, isBundle, packBundle, unpackBundle } from './document-bundle.js';

const pdf = (s: string): Buffer => Buffer.from(`%PDF-1.4\n${s}\n%%EOF\n`);

describe('document bundle', () => {
  it('packs deterministically, is recognised, and unpacks to the same files', async () => {
    const b = {
      document: { name: 'dec-01.xml', bytes: Buffer.from('<DecMessage/>') },
      manifest: { name: 'dec-01.edoc.json', bytes: Buffer.from('{}') },
      attachments: [
        { name: 'b.pdf', bytes: pdf('b') },
        { name: '发票_a.pdf', bytes: pdf('a') },
      ],
    };
    const one = await packBundle(b);
    const two = await packBundle({ ...b, attachments: [...b.attachments].reverse() });
    expect(one.equals(two)).toBe(true);
    expect(isBundle(one)).toBe(true);
    const back = await unpackBundle(one);
    expect(back.document.bytes.toString()).toBe('<DecMessage/>');
    expect(back.manifest?.name).toBe('dec-01.edoc.json');
    expect(back.attachments.map((a) => a.name)).toEqual(['b.pdf', '发票_a.pdf']);
    expect(back.attachments[1]!.bytes.equals(pdf('a'))).toBe(true);
    expect((await documentBytes(one)).toString()).toBe('<DecMessage/>');
  });

  it('a plain document or another zip (an .xlsx) is not a bundle', async () => {
    expect(isBundle(Buffer.from('<DecMessage/>'))).toBe(false);
    expect(isBundle(Buffer.from('PK\u0003\u0004'))).toBe(false);
    expect((await documentBytes(Buffer.from('abc'))).toString()).toBe('abc');
  });
});
