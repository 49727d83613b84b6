import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../core/input-limits.js';
import { guardInput } from './source/input-guard.js';

/** The standard customs message a translator made from a document. */
export interface StandardMessage {
  /** Root element name, e.g. DecMessage. */
  readonly messageType: string;
  /** The message as UTF-8 XML text (declaration included), unsigned. */
  readonly xml: string;
  /** The correlation key customs receipts carry back (ClientSeqNo for 报关单). */
  readonly businessKey: string;
  /**
   * Further keys receipts may carry instead, e.g. `bill:<提运单号>` for each bill of a manifest
   * (MT9999 answers per bill). Not unique: a later message listing the same bill takes it over.
   */
  readonly correlationKeys?: readonly string[];
}

export interface TranslateContext {
  readonly channel: string;
  readonly fileName: string;
}

/**
 * Enterprise document -> standard message. Pure: no I/O beyond what `ctx` gives.
 * Throws GatewayError (permanent) listing every problem found, each with where and how to fix.
 *
 * One input may yield several messages (a 报关单 holds at most 50 items, so a larger input is split
 * into linked declarations), and some readers are asynchronous (exceljs loads .xlsx with promises).
 * Translators that can do either implement `translateMany`; callers should go through
 * {@link translateAll}, which works for both kinds. `translate` stays for the single-message,
 * synchronous case and throws GW_ERR_CONFIG when the input needs `translateMany`.
 */
export interface Translator {
  readonly name: string;
  translate(bytes: Buffer, ctx: TranslateContext): StandardMessage;
  /**
   * All messages one input yields, in order (split parts as `<ClientSeqNo>-1`, `-2`, …).
   * Rejects with the same GatewayError `translate` would throw. Optional for backward compatibility.
   */
  translateMany?(bytes: Buffer, ctx: TranslateContext): Promise<readonly StandardMessage[]>;
}

/**
 * The messages a translator makes of one input: `translateMany` when the translator has it, else
 * the one message of `translate`. The pipeline's translate stage should call this. The input is
 * first checked against the limits on its raw bytes (see source/input-guard.ts).
 */
export async function translateAll(
  translator: Translator,
  bytes: Buffer,
  ctx: TranslateContext,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<readonly StandardMessage[]> {
  guardInput(bytes, ctx.fileName, limits);
  if (translator.translateMany) return translator.translateMany(bytes, ctx);
  return [translator.translate(bytes, ctx)];
}
