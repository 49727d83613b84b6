/**
 * The slice of the `pcsclite` native module the signer uses, typed structurally, and a lazy loader:
 * the module is only required when a card signer starts, so a daemon that signs with soft keys
 * never needs the native build.
 */
import { createRequire } from 'node:module';
import { ReaderError } from './reader-errors.js';

/** A `status` event: reader state bits (high 16 bits = pcscd's card event counter) and the ATR. */
export interface PcscStatus {
  readonly state: number;
  readonly atr?: Buffer;
}

type Callback<T> = (err: Error | null | undefined, value: T) => void;

/** One reader as pcsclite exposes it (an EventEmitter with `status`, `end` and `error` events). */
export interface PcscReader {
  readonly name: string;
  connected: boolean;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  on(event: 'status', listener: (status: PcscStatus) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  connect(options: { share_mode?: number; protocol?: number }, callback: Callback<number>): void;
  disconnect(disposition: number, callback: (err: Error | null | undefined) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, callback: Callback<Buffer>): void;
  /** Stops the reader's status thread. Blocks briefly; never call it from inside the reader's own event. */
  close(): void;
}

/** A PC/SC context: emits `reader` for every reader pcscd knows and `error` when the service is lost. */
export interface PcscContext {
  on(event: 'reader', listener: (reader: PcscReader) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  /** Readers by name (pcsclite keeps this map). */
  readonly readers?: Record<string, PcscReader>;
  close(): void;
}

/** Creates a context. pcsclite throws synchronously (SCardEstablishContext) when pcscd is not running. */
export type PcscFactory = () => PcscContext;

let factory: PcscFactory | undefined;

/** Loads pcsclite once; throws ReaderError('no-driver') when the native module is missing or broken. */
export function loadPcsclite(): PcscFactory {
  if (factory) return factory;
  try {
    const required = createRequire(import.meta.url)('pcsclite') as PcscFactory;
    factory = required;
    return required;
  } catch (err) {
    throw new ReaderError(
      `cannot load the pcsclite native module: ${err instanceof Error ? err.message : String(err)}`,
      'no-driver',
      undefined,
      { cause: err },
    );
  }
}
