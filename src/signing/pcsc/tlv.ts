/**
 * BER-TLV as smart cards use it (ISO/IEC 7816-4 §5.2): multi-byte tags such as 7F21 or 5FC10A,
 * definite lengths up to three bytes. Tags are kept as numbers (0x7F21), the way the specs write them.
 */

export interface BerTlv {
  readonly tag: number;
  readonly value: Buffer;
}

/** Parses a sequence of TLVs. 00 bytes between objects are padding and skipped. Throws on truncation. */
export function parseBerTlvs(buf: Buffer): BerTlv[] {
  const out: BerTlv[] = [];
  let p = 0;
  while (p < buf.length) {
    if (buf[p] === 0x00) {
      p++;
      continue;
    }
    let tag = buf[p++] as number;
    if ((tag & 0x1f) === 0x1f) {
      // Subsequent tag bytes follow while b8 is set.
      let b: number;
      do {
        b = buf[p++] as number;
        if (b === undefined) throw new RangeError('TLV: truncated tag');
        tag = tag * 256 + b;
      } while (b & 0x80);
    }
    const first = buf[p++];
    if (first === undefined) throw new RangeError('TLV: truncated length');
    let len = first;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n === 0 || n > 3) throw new RangeError('TLV: unsupported length form');
      if (p + n > buf.length) throw new RangeError('TLV: truncated length');
      len = buf.readUIntBE(p, n);
      p += n;
    }
    if (p + len > buf.length)
      throw new RangeError(`TLV: value of tag ${tag.toString(16)} truncated`);
    out.push({ tag, value: buf.subarray(p, p + len) });
    p += len;
  }
  return out;
}

/** The value of the first object with `tag` at this level, or undefined. */
export function findTlv(buf: Buffer, tag: number): Buffer | undefined {
  return parseBerTlvs(buf).find((t) => t.tag === tag)?.value;
}

/**
 * The value of `tag`, searched depth-first through constructed objects (b6 of the first tag byte).
 * Used for the OpenPGP application related data (6E → 73 → C4 ...), whose nesting is not fixed.
 */
export function findTlvDeep(buf: Buffer, tag: number): Buffer | undefined {
  for (const t of parseBerTlvs(buf)) {
    if (t.tag === tag) return t.value;
    if (firstTagByte(t.tag) & 0x20) {
      const inner = findTlvDeep(t.value, tag);
      if (inner) return inner;
    }
  }
  return undefined;
}

function firstTagByte(tag: number): number {
  let b = tag;
  while (b > 0xff) b = Math.floor(b / 256);
  return b;
}

/** Encodes one TLV (tag as written in the spec, e.g. 0x7C or 0x5C). */
export function encodeTlv(tag: number, value: Uint8Array): Buffer {
  const tagBytes: number[] = [];
  for (let t = tag; t > 0; t = Math.floor(t / 256)) tagBytes.unshift(t & 0xff);
  if (tagBytes.length === 0) tagBytes.push(0);
  const n = value.length;
  const lenBytes =
    n < 0x80
      ? [n]
      : n <= 0xff
        ? [0x81, n]
        : n <= 0xffff
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from(tagBytes), Buffer.from(lenBytes), Buffer.from(value)]);
}
