/**
 * The little DER reading and writing SM2 key handling needs (PKCS#8, SPKI, ECDSA-Sig-Value).
 * Not a general ASN.1 library: definite lengths only, which is all DER allows.
 */

/** One TLV: tag byte, content [start, end). */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** Reads the TLV at `offset`; throws on truncated or indefinite-length input. */
export function readTlv(buf: Uint8Array, offset: number): Tlv {
  const tag = buf[offset];
  let len = buf[offset + 1];
  if (tag === undefined || len === undefined) throw new Error('DER: truncated');
  let p = offset + 2;
  if (len & 0x80) {
    const bytes = len & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('DER: unsupported length');
    len = 0;
    for (let k = 0; k < bytes; k++) len = len * 256 + (buf[p++] ?? Number.NaN);
  }
  if (!Number.isFinite(len) || p + len > buf.length) throw new Error('DER: truncated');
  return { tag, start: p, end: p + len };
}

/** The TLVs inside a constructed TLV, in order. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.start; p < parent.end;) {
    const t = readTlv(buf, p);
    out.push(t);
    p = t.end;
  }
  if (out.length > 0 && out[out.length - 1]?.end !== parent.end)
    throw new Error('DER: bad nesting');
  return out;
}

/** Dotted form of an OBJECT IDENTIFIER's content. */
export function oidOf(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== 0x06) throw new Error('DER: not an OID');
  const parts: number[] = [];
  let v = 0;
  for (let p = t.start; p < t.end; p++) {
    const b = buf[p] as number;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Content bytes of a TLV. */
export function contentOf(buf: Uint8Array, t: Tlv): Buffer {
  return Buffer.from(buf.subarray(t.start, t.end));
}

function encodeLength(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes a TLV. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** Minimal DER INTEGER content for an unsigned big-endian number. */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = Buffer.from(bytes.subarray(i));
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}
