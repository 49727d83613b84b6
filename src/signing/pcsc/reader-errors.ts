/**
 * PC/SC failures (SCardConnect/SCardTransmit/... return codes) as a typed error. pcsclite reports
 * them only as message text ending in `(0x8010xxxx)`, so the code is parsed back out of it.
 */

/** What a PC/SC failure means for the signer. */
export type ReaderFailure =
  /** The card is gone or not powered: pause signing until it is back. */
  | 'card-absent'
  /** Another program reset the card: our session (selected applet, verified PIN) is lost. */
  | 'card-reset'
  /** pcscd is not running or went away. */
  | 'no-service'
  /** The reader was unplugged or is not known to pcscd. */
  | 'reader-unavailable'
  /** Another program holds the card exclusively. */
  | 'sharing-violation'
  /** The native pcsclite module could not be loaded. */
  | 'no-driver'
  | 'other';

/** Known SCARD_* codes, as winscard/pcsclite define them. */
export const SCARD = {
  E_CANCELLED: 0x80100002,
  E_INVALID_HANDLE: 0x80100003,
  E_INSUFFICIENT_BUFFER: 0x80100008,
  E_UNKNOWN_READER: 0x80100009,
  E_SHARING_VIOLATION: 0x8010000b,
  E_NO_SMARTCARD: 0x8010000c,
  E_PROTO_MISMATCH: 0x8010000f,
  E_NOT_TRANSACTED: 0x80100016,
  E_READER_UNAVAILABLE: 0x80100017,
  E_NO_SERVICE: 0x8010001d,
  E_SERVICE_STOPPED: 0x8010001e,
  E_NO_READERS_AVAILABLE: 0x8010002e,
  W_UNRESPONSIVE_CARD: 0x80100066,
  W_UNPOWERED_CARD: 0x80100067,
  W_RESET_CARD: 0x80100068,
  W_REMOVED_CARD: 0x80100069,
} as const;

const FAILURE_BY_CODE: ReadonlyMap<number, ReaderFailure> = new Map<number, ReaderFailure>([
  [SCARD.E_NO_SMARTCARD, 'card-absent'],
  [SCARD.W_REMOVED_CARD, 'card-absent'],
  [SCARD.W_UNPOWERED_CARD, 'card-absent'],
  [SCARD.W_UNRESPONSIVE_CARD, 'card-absent'],
  // The driver lost the card in the middle of a command. With a pulled card this is what pcscd
  // answers until its next presence poll (vpcd: up to 400 ms) notices the removal.
  [SCARD.E_NOT_TRANSACTED, 'card-absent'],
  [SCARD.W_RESET_CARD, 'card-reset'],
  [SCARD.E_NO_SERVICE, 'no-service'],
  [SCARD.E_SERVICE_STOPPED, 'no-service'],
  [SCARD.E_READER_UNAVAILABLE, 'reader-unavailable'],
  [SCARD.E_UNKNOWN_READER, 'reader-unavailable'],
  [SCARD.E_NO_READERS_AVAILABLE, 'reader-unavailable'],
  [SCARD.E_SHARING_VIOLATION, 'sharing-violation'],
]);

/** A PC/SC call that failed. */
export class ReaderError extends Error {
  readonly failure: ReaderFailure;
  /** The SCARD_* code when pcsclite gave one. */
  readonly pcscCode: number | undefined;

  constructor(
    message: string,
    failure: ReaderFailure,
    pcscCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReaderError';
    this.failure = failure;
    this.pcscCode = pcscCode;
  }
}

/** The SCARD_* code in a pcsclite error message (`...Card was removed.(0x80100069)`), if any. */
export function pcscCodeOf(message: string): number | undefined {
  const m = /\(0x([0-9a-f]{8})\)/i.exec(message);
  return m?.[1] ? Number.parseInt(m[1], 16) : undefined;
}

/** Wraps whatever pcsclite threw or passed to a callback into a ReaderError. */
export function toReaderError(err: unknown, operation: string): ReaderError {
  if (err instanceof ReaderError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = pcscCodeOf(message);
  // pcsclite's JS layer says "Card Reader not connected" without a code when the handle was dropped.
  const failure =
    code !== undefined
      ? (FAILURE_BY_CODE.get(code) ?? 'other')
      : /not connected/i.test(message)
        ? 'card-absent'
        : 'other';
  return new ReaderError(`${operation}: ${message}`, failure, code, { cause: err });
}
