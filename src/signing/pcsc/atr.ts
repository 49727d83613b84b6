/**
 * Reads what the signer needs from an ATR (ISO/IEC 7816-3 §8.2, 7816-4 §8.1.1): the historical
 * bytes and, inside them, the "card capabilities" that say whether the card takes command chaining
 * and extended Lc/Le. Cards that do not say are treated as supporting neither.
 */

export interface AtrInfo {
  /** Transmission protocols offered (0 = T=0, 1 = T=1, ...). */
  readonly protocols: readonly number[];
  readonly historical: Buffer;
  /** Card capabilities from the historical bytes; undefined when the card gives none. */
  readonly chaining?: boolean;
  readonly extendedLength?: boolean;
}

/** Walks TA/TB/TC/TD to find where the historical bytes start. Returns undefined for a malformed ATR. */
export function parseAtr(atr: Buffer): AtrInfo | undefined {
  if (atr.length < 2) return undefined;
  const t0 = atr[1] as number;
  const k = t0 & 0x0f;
  let y = t0 >> 4;
  let i = 2;
  const protocols: number[] = [];
  while (y !== 0) {
    if (y & 1) i++;
    if (y & 2) i++;
    if (y & 4) i++;
    if (y & 8) {
      const td = atr[i++];
      if (td === undefined) return undefined;
      protocols.push(td & 0x0f);
      y = td >> 4;
    } else {
      y = 0;
    }
  }
  if (protocols.length === 0) protocols.push(0);
  if (i + k > atr.length) return undefined;
  const historical = Buffer.from(atr.subarray(i, i + k));
  return { protocols, historical, ...cardCapabilities(historical) };
}

/**
 * Compact-TLV objects of the historical bytes. Category 00 ends with a three-byte status indicator
 * that is not TLV-coded; category 80 is TLV-coded throughout.
 */
function compactTlvs(h: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  const category = h[0];
  const end = category === 0x00 ? h.length - 3 : category === 0x80 ? h.length : 0;
  let p = 1;
  while (p < end) {
    const b = h[p] as number;
    const tag = b >> 4;
    const len = b & 0x0f;
    if (p + 1 + len > end) break;
    out.set(tag, h.subarray(p + 1, p + 1 + len));
    p += 1 + len;
  }
  return out;
}

/** Tag 7 (card capabilities), third byte: b8 = command chaining, b7 = extended Lc and Le fields. */
function cardCapabilities(h: Buffer): { chaining?: boolean; extendedLength?: boolean } {
  const caps = compactTlvs(h).get(7);
  const third = caps?.[2];
  if (third === undefined) return {};
  return { chaining: (third & 0x80) !== 0, extendedLength: (third & 0x40) !== 0 };
}
