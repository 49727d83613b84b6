import type { X509Certificate } from 'node:crypto';
import type { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { NumberAllocator } from './numbers.js';
import type { TimerSet } from './scheduler.js';
import type { StatsCounter } from './stats.js';
import type { ParsedSubmission } from './submission.js';

/** The desk's settings, what it is told of a submission and what it answers (desk.ts). */

/** Settings of a desk (already defaulted). */
export interface DeskSettings {
  readonly stepMs: number;
  /** Delay before a 修撤单's answer; default stepMs. */
  readonly decModStepMs?: number;
  readonly failFirst: number;
  readonly failRate: number;
  readonly trusted?: readonly X509Certificate[];
  /** Signature verification: xml-crypto (default) or the gateway's own C14N (fast, for benchmarks). */
  readonly verifier?: 'xml-crypto' | 'own';
  readonly logger?: Logger;
  /** Random source for failRate, 0 ≤ x < 1. */
  readonly random?: () => number;
}

/** How a submission reached the desk. */
export interface SubmitContext {
  /**
   * It came through the simulated Single Window client, which signs with its own card: an unsigned
   * message is taken as signed by the client; a signed one is still verified.
   */
  readonly clientSigns?: boolean;
  /** The name of the file the message came in (the client route), echoed by some receipts. */
  readonly fileName?: string;
}

/** Called for every business receipt the desk emits, with the business key it answers. */
export type ReceiptListener = (fileName: string, xml: string, key: string) => void;

/** What the HTTP layer should answer. */
export type SubmitOutcome =
  | {
      readonly status: 200;
      /** The DecImportResponse document. */
      readonly xml: string;
      readonly responseCode: string;
      readonly clientSeqNo: string;
      readonly duplicate: boolean;
    }
  | { readonly status: 400 | 503; readonly reason: string };

export type ImportAnswer = Extract<SubmitOutcome, { status: 200 }>;

/** The outcome of checking a submission's signature. */
export type VerifyResult = { ok: true; signedXml: string } | { ok: false; zh: string; en: string };

/** What the desk hands a message family's import: its shared state and its own helpers. */
export interface DeskState {
  readonly settings: DeskSettings;
  readonly stats: StatsCounter;
  readonly timers: TimerSet;
  readonly numbers: NumberAllocator;
  /** Accepted imports by family key. */
  readonly accepted: Map<string, ImportAnswer>;
  /** Puts a business receipt on the feed and hands it to the listeners. */
  emit(fileName: string, xml: string, key: string): void;
  verify(parsed: ParsedSubmission, ctx: SubmitContext): VerifyResult;
  /** A DecImportResponse with ResponseCode 1. */
  failure(clientSeqNo: string, zh: string, en: string): ImportAnswer;
  /** Submissions received so far. */
  received(): number;
  /** 金二 numbers: the sandbox's random base and the next counter value. */
  readonly jin2Base: number;
  nextJin2Seq(): number;
}

export const FAULT_REASON =
  '沙箱注入故障：服务暂时不可用，请稍后重试 / sandbox fault injection: service temporarily unavailable, retry later';

/** Bilingual one-line reason of a refused body. */
export function reasonOf(err: GatewayError): string {
  const d = err.details[0];
  if (!d) return `${err.code}: ${err.toJSON().zh} / ${err.toJSON().en}`;
  const where = d.where ? `（${d.where}）` : '';
  const whereEn = d.where ? ` (at ${d.where})` : '';
  return `${err.code}: ${d.zh}${where} / ${d.en}${whereEn}`;
}
