/**
 * GatewayError: a failure with a stable code from the catalogue (error-catalogue.ts), its class
 * (transient or permanent) and its details. Check `code`, not `instanceof`: errors cross process
 * and queue boundaries. The catalogue is re-exported here, where most modules import it from.
 */

import { ERRORS, type ErrorClass, type ErrorCode } from './error-catalogue.js';
import type { NoticeCode } from './notice-catalogue.js';

export { ERRORS, isSignerFatal, type ErrorClass, type ErrorCode } from './error-catalogue.js';
export { NOTICES, type NoticeCode } from './notice-catalogue.js';

/** Every code a receipt or a ledger event may carry. */
export type GatewayCode = ErrorCode | NoticeCode;

/**
 * At most this many problems are kept per error (receipts, ledger, logs); the rest are counted in
 * one closing entry. A file with a million bad cells must not make a receipt of a hundred MB.
 */
export const MAX_ERROR_DETAILS = 100;

function capDetails(details: ErrorDetail[]): ErrorDetail[] {
  if (details.length <= MAX_ERROR_DETAILS) return details;
  const rest = details.length - MAX_ERROR_DETAILS;
  return [
    ...details.slice(0, MAX_ERROR_DETAILS),
    {
      rule: 'more-problems',
      zh: `另有 ${rest} 个问题未列出；请先修正以上问题`,
      en: `${rest} more problems not listed; fix the ones above first`,
    },
  ];
}

/** One problem inside a document, pointing at where it is. */
export interface ErrorDetail {
  /** Where: file name, and line/column or element path when known. */
  readonly where?: string;
  readonly field?: string;
  /** The field's Chinese name (商品编号...), when known. */
  readonly fieldZh?: string;
  /** Stable id of the rule broken (hs-code, uscc-check, required...), when known. */
  readonly rule?: string;
  readonly zh: string;
  readonly en: string;
  /** How to fix it, when the gateway can say. */
  readonly fixZh?: string;
  readonly fixEn?: string;
}

/** A GatewayError as plain data: what receipts, logs and the ledger carry. */
export interface GatewayErrorJson {
  readonly code: ErrorCode;
  readonly kind: ErrorClass;
  readonly zh: string;
  readonly en: string;
  readonly details: readonly ErrorDetail[];
}

/**
 * Marks real GatewayErrors. Global (Symbol.for), so two copies of this module still agree; other
 * errors that merely carry a catalogue code (ConfigError, a JSON copy) are not GatewayErrors.
 */
const BRAND = Symbol.for('eport-gateway.GatewayError');

export class GatewayError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly kind: ErrorClass;
  readonly details: readonly ErrorDetail[];
  /** A transient error's earliest sensible retry, when the far side said (Retry-After, a reconnect backoff). */
  declare readonly retryAfterMs?: number;

  constructor(
    code: ErrorCode,
    detail?: string | ErrorDetail | readonly ErrorDetail[],
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    const entry = ERRORS[code];
    const details: ErrorDetail[] =
      detail === undefined
        ? []
        : typeof detail === 'string'
          ? [{ zh: detail, en: detail }]
          : Array.isArray(detail)
            ? [...(detail as ErrorDetail[])]
            : [detail as ErrorDetail];
    const first = details[0];
    super(
      `${code}: ${entry.en}${first ? ` (${first.en}${first.where ? ` at ${first.where}` : ''})` : ''}`,
      options,
    );
    this.name = 'GatewayError';
    this.code = code;
    this.kind = entry.kind;
    this.details = capDetails(details);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  get transient(): boolean {
    return this.kind === 'transient';
  }

  /** Plain data for receipts, logs and the ledger. */
  toJSON(): GatewayErrorJson {
    const entry = ERRORS[this.code];
    return { code: this.code, kind: this.kind, zh: entry.zh, en: entry.en, details: this.details };
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return (
    err instanceof Error &&
    (err as Partial<Record<typeof BRAND, unknown>>)[BRAND] === true &&
    (err as GatewayError).code in ERRORS
  );
}

/** Wraps anything thrown into a GatewayError; unknown errors count as transient internal errors. */
export function toGatewayError(err: unknown): GatewayError {
  if (isGatewayError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayError('GW_ERR_INTERNAL', message, { cause: err });
}
