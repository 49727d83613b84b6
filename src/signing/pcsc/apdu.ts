/**
 * Command and response APDUs (ISO/IEC 7816-4 §5.1): encoding in the short and the extended form,
 * and splitting a response into data and status word. Pure functions, no I/O.
 */

/** One command APDU. */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (Nc bytes); absent or empty for cases 1 and 2. */
  readonly data?: Uint8Array;
  /** Ne, the number of response bytes expected: 0 (none) up to 256 (short) or 65536 (extended). */
  readonly ne?: number;
}

/** A response APDU: data and the two status bytes as one number (e.g. 0x9000). */
export interface ResponseApdu {
  readonly data: Buffer;
  readonly sw: number;
}

export const SHORT_MAX_NC = 255;
export const SHORT_MAX_NE = 256;
export const EXTENDED_MAX_NC = 65535;
export const EXTENDED_MAX_NE = 65536;

/** True when the command does not fit the short form (Nc > 255 or Ne > 256). */
export function needsExtended(cmd: CommandApdu): boolean {
  return (cmd.data?.length ?? 0) > SHORT_MAX_NC || (cmd.ne ?? 0) > SHORT_MAX_NE;
}

function header(cmd: CommandApdu): number[] {
  return [cmd.cla & 0xff, cmd.ins & 0xff, cmd.p1 & 0xff, cmd.p2 & 0xff];
}

/** Short form: Lc and Le are one byte each; Le=00 means 256. Throws if the command does not fit. */
export function encodeShort(cmd: CommandApdu): Buffer {
  const nc = cmd.data?.length ?? 0;
  const ne = cmd.ne ?? 0;
  if (nc > SHORT_MAX_NC || ne > SHORT_MAX_NE || ne < 0)
    throw new RangeError(`APDU does not fit the short form (Nc=${nc}, Ne=${ne})`);
  const bytes = header(cmd);
  if (nc > 0) bytes.push(nc, ...(cmd.data as Uint8Array));
  if (ne > 0) bytes.push(ne === SHORT_MAX_NE ? 0 : ne);
  return Buffer.from(bytes);
}

/**
 * Extended form: a 00 marker byte, then Lc in two bytes; Le in two bytes (0000 means 65536), and
 * when there is no command data Le carries the 00 marker itself (case 2E: `00 Le1 Le2`).
 */
export function encodeExtended(cmd: CommandApdu): Buffer {
  const nc = cmd.data?.length ?? 0;
  const ne = cmd.ne ?? 0;
  if (nc > EXTENDED_MAX_NC || ne > EXTENDED_MAX_NE || ne < 0)
    throw new RangeError(`APDU too long even for the extended form (Nc=${nc}, Ne=${ne})`);
  const out = Buffer.alloc(4 + (nc > 0 ? 3 + nc : 0) + (ne > 0 ? (nc > 0 ? 2 : 3) : 0));
  Buffer.from(header(cmd)).copy(out, 0);
  let p = 4;
  if (nc > 0) {
    out[p++] = 0;
    out.writeUInt16BE(nc, p);
    p += 2;
    Buffer.from(cmd.data as Uint8Array).copy(out, p);
    p += nc;
  }
  if (ne > 0) {
    if (nc === 0) out[p++] = 0;
    out.writeUInt16BE(ne === EXTENDED_MAX_NE ? 0 : ne, p);
  }
  return out;
}

/** Splits a raw response into data and SW; throws if it is shorter than the two status bytes. */
export function splitResponse(raw: Buffer): ResponseApdu {
  if (raw.length < 2) throw new RangeError(`response APDU too short (${raw.length} bytes)`);
  return { data: raw.subarray(0, raw.length - 2), sw: raw.readUInt16BE(raw.length - 2) };
}

/** `9000`, `63C2`: a status word as four hex digits. */
export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

/** The header of a command for logs (`00 2A 9E 9A`), never its data (which may be a PIN). */
export function describeHeader(cmd: CommandApdu): string {
  return header(cmd)
    .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
    .join(' ');
}
