/** The BER-TLV building the emulator needs (its own, so card and host code are not the same code). */

/** `tag` as written in the specs (0x7F49, 0x5FC10A), definite length. */
export function tlv(tag: number, ...values: Uint8Array[]): Buffer {
  const value = Buffer.concat(values);
  const tagBytes: number[] = [];
  for (let t = tag; t > 0; t = Math.floor(t / 256)) tagBytes.unshift(t & 0xff);
  const n = value.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from(tagBytes), Buffer.from(len), value]);
}

/** Top-level TLVs of `buf` with one-byte tags (all the emulator has to read from hosts). */
export function readSimpleTlvs(buf: Buffer): Map<number, Buffer> | undefined {
  const out = new Map<number, Buffer>();
  let p = 0;
  while (p < buf.length) {
    const tag = buf[p++]!;
    let len = buf[p++];
    if (len === undefined) return undefined;
    if (len === 0x81) len = buf[p++];
    else if (len === 0x82) {
      len = buf.readUInt16BE(p);
      p += 2;
    }
    if (len === undefined || p + len > buf.length) return undefined;
    out.set(tag, buf.subarray(p, p + len));
    p += len;
  }
  return out;
}
