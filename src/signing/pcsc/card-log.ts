/**
 * The logger the card signer writes to: structurally a subset of pino's Logger, so the gateway's
 * logger fits and tests can pass a plain recorder. Nothing logged here ever contains the PIN.
 */
export interface CardLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A logger that drops everything. */
export const silentCardLog: CardLog = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
