/**
 * Sends command APDUs to a card over a raw transport and gives back complete responses. On a T=1
 * reader neither pcscd nor the driver does any of the following, so it is done here:
 * - GET RESPONSE while the card answers 61xx ("xx more bytes waiting");
 * - one re-send with the exact Le when the card answers 6Cxx ("wrong Le, I have xx bytes");
 * - a long command as an extended APDU when the card supports it, else as a command chain
 *   (CLA bit b5 set on every part but the last), and long answers via GET RESPONSE.
 */
import {
  EXTENDED_MAX_NE,
  SHORT_MAX_NC,
  SHORT_MAX_NE,
  describeHeader,
  encodeExtended,
  encodeShort,
  needsExtended,
  splitResponse,
  swHex,
  type CommandApdu,
  type ResponseApdu,
} from './apdu.js';
import { expectOk } from './status-words.js';

/** One exchange with the card: raw command in, raw response (data + SW) out. */
export interface ApduTransport {
  /** `maxResponse` sizes the receive buffer; too small a buffer is a PC/SC error, not a short answer. */
  transmit(apdu: Buffer, maxResponse: number): Promise<Buffer>;
}

/** What the card accepts beyond short APDUs. */
export interface SessionCapabilities {
  readonly extendedLength: boolean;
  readonly chaining: boolean;
}

/** Receives one line per exchange, header and lengths only (never command data). */
export type ApduTrace = (line: string) => void;

export interface SendOptions {
  /** The command data is secret (a PIN): the trace does not even give its length. */
  readonly sensitive?: boolean;
}

/** A command the card cannot take at all (too long, and neither extended length nor chaining). */
export class CardCapabilityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardCapabilityError';
  }
}

const SHORT_RESPONSE_BUFFER = SHORT_MAX_NE + 2;
const EXTENDED_RESPONSE_BUFFER = EXTENDED_MAX_NE + 2;
/** GET RESPONSE rounds before giving up on a card that keeps answering 61xx. */
const MAX_GET_RESPONSE = 300;

export class ApduSession {
  constructor(
    private readonly transport: ApduTransport,
    readonly capabilities: SessionCapabilities,
    private readonly trace?: ApduTrace,
  ) {}

  /** Sends `cmd` and returns the whole answer; the SW is the card's last one. */
  async send(cmd: CommandApdu, options: SendOptions = {}): Promise<ResponseApdu> {
    const nc = cmd.data?.length ?? 0;
    if (!needsExtended(cmd)) return this.sendShort(cmd, options);
    if (this.capabilities.extendedLength) {
      const resp = await this.exchange(encodeExtended(cmd), EXTENDED_RESPONSE_BUFFER, cmd, options);
      return this.collect(cmd, resp);
    }
    if (nc > SHORT_MAX_NC) {
      if (!this.capabilities.chaining) {
        throw new CardCapabilityError(
          `${describeHeader(cmd)}: ${nc} bytes of command data, but the card supports neither extended length nor command chaining`,
        );
      }
      return this.sendChained(cmd, options);
    }
    // Only Ne is too big for the short form: ask for 256 and fetch the rest with GET RESPONSE.
    return this.sendShort({ ...cmd, ne: SHORT_MAX_NE }, options);
  }

  /** `send`, then the data if SW is 9000; otherwise throws CardStatusError naming `what`. */
  async call(cmd: CommandApdu, what: string, options: SendOptions = {}): Promise<Buffer> {
    return expectOk(await this.send(cmd, options), what);
  }

  private async sendShort(cmd: CommandApdu, options: SendOptions): Promise<ResponseApdu> {
    let resp = await this.exchange(encodeShort(cmd), SHORT_RESPONSE_BUFFER, cmd, options);
    if (resp.sw >> 8 === 0x6c) {
      // The card names the exact length it has; asking again with that Le is the only fix (once).
      const exact = { ...cmd, ne: resp.sw & 0xff || SHORT_MAX_NE };
      resp = await this.exchange(encodeShort(exact), SHORT_RESPONSE_BUFFER, exact, options);
    }
    return this.collect(cmd, resp);
  }

  private async sendChained(cmd: CommandApdu, options: SendOptions): Promise<ResponseApdu> {
    const data = Buffer.from(cmd.data as Uint8Array);
    let offset = 0;
    while (data.length - offset > SHORT_MAX_NC) {
      const part: CommandApdu = {
        cla: cmd.cla | 0x10,
        ins: cmd.ins,
        p1: cmd.p1,
        p2: cmd.p2,
        data: data.subarray(offset, offset + SHORT_MAX_NC),
      };
      const resp = await this.exchange(encodeShort(part), SHORT_RESPONSE_BUFFER, part, options);
      // Any answer but 9000 to a non-final part ends the chain; the caller sees that SW.
      if (resp.sw !== 0x9000) return resp;
      offset += SHORT_MAX_NC;
    }
    const last: CommandApdu = {
      ...cmd,
      data: data.subarray(offset),
      ne: Math.min(cmd.ne ?? 0, SHORT_MAX_NE),
    };
    return this.sendShort(last, options);
  }

  /** Follows 61xx with GET RESPONSE (same logical channel, no chaining bit) and joins the parts. */
  private async collect(cmd: CommandApdu, first: ResponseApdu): Promise<ResponseApdu> {
    if (first.sw >> 8 !== 0x61) return first;
    const parts: Buffer[] = [];
    let resp = first;
    for (let round = 0; resp.sw >> 8 === 0x61; round++) {
      if (round >= MAX_GET_RESPONSE)
        throw new CardCapabilityError(
          `${describeHeader(cmd)}: card kept answering 61xx after ${MAX_GET_RESPONSE} GET RESPONSE rounds`,
        );
      parts.push(resp.data);
      const get: CommandApdu = {
        cla: cmd.cla & 0x03,
        ins: 0xc0,
        p1: 0,
        p2: 0,
        ne: resp.sw & 0xff || SHORT_MAX_NE,
      };
      resp = await this.exchange(encodeShort(get), SHORT_RESPONSE_BUFFER, get, {});
    }
    parts.push(resp.data);
    return { data: Buffer.concat(parts), sw: resp.sw };
  }

  private async exchange(
    raw: Buffer,
    maxResponse: number,
    cmd: CommandApdu,
    options: SendOptions,
  ): Promise<ResponseApdu> {
    const resp = splitResponse(await this.transport.transmit(raw, maxResponse));
    if (this.trace) {
      const lengths = options.sensitive
        ? 'data redacted'
        : `Nc=${cmd.data?.length ?? 0} Ne=${cmd.ne ?? 0}`;
      this.trace(
        `> ${describeHeader(cmd)} ${lengths}${needsExtended(cmd) ? ' (extended)' : ''} < ${swHex(resp.sw)} ${resp.data.length}B`,
      );
    }
    return resp;
  }
}
