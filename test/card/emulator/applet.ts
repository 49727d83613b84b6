/** What an emulated card application implements, and the counters tests assert on. */
import type { Command } from './command.js';

export interface Reply {
  readonly data?: Buffer;
  readonly sw: number;
}

export const ok = (data?: Buffer): Reply => (data ? { data, sw: 0x9000 } : { sw: 0x9000 });
export const sw = (code: number): Reply => ({ sw: code });

/** Per-card counters; VERIFY with data (an attempt) is counted apart from VERIFY without (a status query). */
export interface CardStats {
  apdus: number;
  byIns: Record<string, number>;
  verifyAttempts: number;
  verifyQueries: number;
  signatures: number;
  /**
   * Microseconds spent answering C-APDUs (VirtualCard.process: parse, applet, RSA, encode), summed;
   * benches subtract it from their wall time to get what the PC/SC stack and the gateway add.
   */
  answerUs: number;
  /** `INS P1P2` of the last commands, oldest first (at most 2000), GET RESPONSE included. */
  trace: string[];
  /** Global sequence number of each traced command across all cards of the process. */
  seq: number[];
}

export function emptyStats(): CardStats {
  return {
    apdus: 0,
    byIns: {},
    verifyAttempts: 0,
    verifyQueries: 0,
    signatures: 0,
    answerUs: 0,
    trace: [],
    seq: [],
  };
}

/** A PIN with its retry counter, as both applications keep them. */
export class PinSlot {
  tries: number;
  verified = false;

  constructor(
    public value: Buffer,
    readonly maxTries = 3,
  ) {
    this.tries = maxTries;
  }

  /** VERIFY: 9000, 63Cx (x = tries left) or 6983 once blocked. */
  check(candidate: Buffer, stats: CardStats): Reply {
    stats.verifyAttempts++;
    if (this.tries === 0) return sw(0x6983);
    if (candidate.equals(this.value)) {
      this.tries = this.maxTries;
      this.verified = true;
      return ok();
    }
    this.verified = false;
    this.tries--;
    return sw(this.tries === 0 ? 0x6983 : 0x63c0 | this.tries);
  }

  /** VERIFY without data: status only, never counts as a try. */
  query(stats: CardStats): Reply {
    stats.verifyQueries++;
    if (this.verified) return ok();
    return sw(this.tries === 0 ? 0x6983 : 0x63c0 | this.tries);
  }
}

export interface Applet {
  /** The full AID; SELECT matches any leading part of it of 5 bytes or more. */
  readonly aid: Buffer;
  select(): Reply;
  handle(cmd: Command): Reply;
  /** Power off, reset or another application selected: security state is lost. */
  reset(): void;
}
