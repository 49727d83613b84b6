/**
 * One emulated contact card: ATR, power state, application selection, command chaining, and
 * answers longer than Ne served through 61xx + GET RESPONSE (or refused with 6Cxx when asked to
 * behave like a T=0 card). The applications do the rest.
 */
import type { Applet, CardStats, Reply } from './applet.js';
import { emptyStats } from './applet.js';
import { parseCommand, type Command } from './command.js';
import { OpenPgpApplet, type OpenPgpOptions } from './openpgp-applet.js';
import { PivApplet, type PivOptions } from './piv-applet.js';

export interface VirtualCardOptions {
  /** The ATR advertises, and the card accepts, extended Lc/Le. Default true. */
  readonly extendedLength?: boolean;
  /** The ATR advertises, and the card accepts, command chaining. Default true. */
  readonly chaining?: boolean;
  /** When the answer is longer than a short Ne: '61' = part + 61xx (default), '6C' = 6Cxx and no data (T=0 style). */
  readonly wrongLe?: '61' | '6C';
  readonly openpgp?: OpenPgpOptions;
  readonly piv?: PivOptions;
}

let globalSeq = 0;

function buildAtr(chaining: boolean, extended: boolean): Buffer {
  // Card capabilities, third byte: b8 command chaining, b7 extended Lc/Le, b6 extended length info.
  const caps = (chaining ? 0x80 : 0) | (extended ? 0x60 : 0);
  const historical = Buffer.from([0x00, 0x31, 0xf5, 0x73, 0xc0, 0x01, caps, 0x05, 0x90, 0x00]);
  // TS=3B, T0: TD1 follows, 10 historical bytes; TD1: TD2 follows, T=0; TD2: T=1.
  const body = Buffer.concat([
    Buffer.from([0x3b, 0x80 | historical.length, 0x80, 0x01]),
    historical,
  ]);
  let tck = 0;
  for (const b of body.subarray(1)) tck ^= b;
  return Buffer.concat([body, Buffer.from([tck])]);
}

export class VirtualCard {
  readonly stats: CardStats = emptyStats();
  readonly openpgp: OpenPgpApplet | undefined;
  readonly piv: PivApplet | undefined;
  readonly atr: Buffer;
  private readonly extended: boolean;
  private readonly chaining: boolean;
  private readonly wrongLe: '61' | '6C';
  private readonly applets: Applet[] = [];
  private selected: Applet | undefined;
  private pending: Buffer | undefined;
  private chain: { ins: number; p1: number; p2: number; parts: Buffer[] } | undefined;
  powered = false;

  constructor(options: VirtualCardOptions) {
    this.extended = options.extendedLength ?? true;
    this.chaining = options.chaining ?? true;
    this.wrongLe = options.wrongLe ?? '61';
    this.atr = buildAtr(this.chaining, this.extended);
    const historical = this.atr.subarray(4, 14);
    if (options.openpgp)
      this.applets.push(
        (this.openpgp = new OpenPgpApplet(options.openpgp, this.stats, historical)),
      );
    if (options.piv) this.applets.push((this.piv = new PivApplet(options.piv, this.stats)));
  }

  powerOn(): void {
    this.powered = true;
    this.clearVolatile();
  }

  powerOff(): void {
    this.powered = false;
    this.clearVolatile();
  }

  reset(): void {
    this.clearVolatile();
  }

  resetStats(): void {
    Object.assign(this.stats, emptyStats());
  }

  /** One C-APDU in, one R-APDU out; the time it takes is added to `stats.answerUs`. */
  process(raw: Buffer): Buffer {
    const start = process.hrtime.bigint();
    try {
      const cmd = parseCommand(raw);
      this.count(raw, cmd);
      if (!cmd) return Buffer.from([0x67, 0x00]);
      return this.encode(this.dispatch(cmd), cmd);
    } finally {
      this.stats.answerUs += Number(process.hrtime.bigint() - start) / 1000;
    }
  }

  private clearVolatile(): void {
    this.selected = undefined;
    this.pending = undefined;
    this.chain = undefined;
    for (const a of this.applets) a.reset();
  }

  private count(raw: Buffer, cmd: Command | undefined): void {
    const s = this.stats;
    s.apdus++;
    const ins = (raw[1] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    s.byIns[ins] = (s.byIns[ins] ?? 0) + 1;
    const p1p2 = raw.subarray(2, 4).toString('hex').toUpperCase();
    s.trace.push(
      `${ins} ${p1p2}${cmd && cmd.data.length === 0 && cmd.ins === 0x20 ? ' (query)' : ''}`,
    );
    s.seq.push(++globalSeq);
    if (s.trace.length > 2000) {
      s.trace.shift();
      s.seq.shift();
    }
  }

  private dispatch(cmd: Command): Reply | Buffer {
    if (cmd.extended && !this.extended) return { sw: 0x6700 };
    if (cmd.ins === 0xc0 && !(cmd.cla & 0x10)) return this.getResponse(cmd);
    this.pending = undefined;
    if (cmd.cla & 0x10) {
      if (!this.chaining) return { sw: 0x6884 };
      if (
        this.chain &&
        (this.chain.ins !== cmd.ins || this.chain.p1 !== cmd.p1 || this.chain.p2 !== cmd.p2)
      ) {
        this.chain = undefined;
        return { sw: 0x6883 };
      }
      this.chain ??= { ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, parts: [] };
      this.chain.parts.push(cmd.data);
      return { sw: 0x9000 };
    }
    let full = cmd;
    if (this.chain) {
      const chain = this.chain;
      this.chain = undefined;
      if (chain.ins !== cmd.ins || chain.p1 !== cmd.p1 || chain.p2 !== cmd.p2)
        return { sw: 0x6883 };
      full = { ...cmd, data: Buffer.concat([...chain.parts, cmd.data]) };
    }
    if (full.ins === 0xa4 && full.p1 === 0x04) return this.select(full.data);
    if (!this.selected) return { sw: 0x6985 };
    return this.selected.handle(full);
  }

  private select(aid: Buffer): Reply {
    const found =
      aid.length >= 5
        ? this.applets.find((a) => a.aid.subarray(0, aid.length).equals(aid))
        : undefined;
    for (const a of this.applets) a.reset();
    this.selected = found;
    return found ? found.select() : { sw: 0x6a82 };
  }

  /** Serves the next piece of a long answer; the GET RESPONSE's Le decides the size. */
  private getResponse(cmd: Command): Buffer {
    const rest = this.pending;
    if (!rest) return Buffer.from([0x69, 0x85]);
    const n = Math.min(cmd.ne || 256, rest.length);
    this.pending = rest.length > n ? rest.subarray(n) : undefined;
    return this.withMore(rest.subarray(0, n));
  }

  private withMore(part: Buffer): Buffer {
    const left = this.pending?.length ?? 0;
    return Buffer.concat([
      part,
      left > 0 ? Buffer.from([0x61, left >= 256 ? 0x00 : left]) : Buffer.from([0x90, 0x00]),
    ]);
  }

  /** Fits the answer to Ne: whole, or first part + 61xx, or 6Cxx. */
  private encode(reply: Reply | Buffer, cmd: Command): Buffer {
    if (Buffer.isBuffer(reply)) return reply;
    const data = reply.data ?? Buffer.alloc(0);
    const swBytes = Buffer.from([reply.sw >> 8, reply.sw & 0xff]);
    if (reply.sw !== 0x9000 || data.length === 0) return Buffer.concat([data, swBytes]);
    const ne = cmd.ne;
    if (ne >= data.length) return Buffer.concat([data, swBytes]);
    if (this.wrongLe === '6C' && !cmd.extended && ne > 0 && data.length <= 256)
      return Buffer.from([0x6c, data.length & 0xff]);
    this.pending = data.subarray(ne);
    return this.withMore(data.subarray(0, ne));
  }
}
