/**
 * Card-side parsing of command APDUs, short and extended, cases 1 to 4 (ISO/IEC 7816-3 §12.1).
 * Written independently of the gateway's encoder so the two check each other.
 */

export interface Command {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Buffer;
  /** Ne: 0 when Le is absent; Le=00 means 256, extended Le=0000 means 65536. */
  readonly ne: number;
  readonly extended: boolean;
}

/** Parses a raw C-APDU; returns undefined when the length fields do not add up. */
export function parseCommand(raw: Buffer): Command | undefined {
  if (raw.length < 4) return undefined;
  const [cla, ins, p1, p2] = [raw[0]!, raw[1]!, raw[2]!, raw[3]!];
  const body = raw.subarray(4);
  const base = { cla, ins, p1, p2 };
  if (body.length === 0) return { ...base, data: Buffer.alloc(0), ne: 0, extended: false };
  if (body.length === 1)
    return { ...base, data: Buffer.alloc(0), ne: body[0] || 256, extended: false };
  if (body[0] !== 0) {
    const lc = body[0]!;
    const data = body.subarray(1, 1 + lc);
    if (data.length !== lc) return undefined;
    if (body.length === 1 + lc) return { ...base, data, ne: 0, extended: false };
    if (body.length === 2 + lc) return { ...base, data, ne: body[1 + lc] || 256, extended: false };
    return undefined;
  }
  if (body.length === 3)
    return { ...base, data: Buffer.alloc(0), ne: body.readUInt16BE(1) || 65536, extended: true };
  const lc = body.readUInt16BE(1);
  const data = body.subarray(3, 3 + lc);
  if (lc === 0 || data.length !== lc) return undefined;
  if (body.length === 3 + lc) return { ...base, data, ne: 0, extended: true };
  if (body.length === 5 + lc)
    return { ...base, data, ne: body.readUInt16BE(3 + lc) || 65536, extended: true };
  return undefined;
}
