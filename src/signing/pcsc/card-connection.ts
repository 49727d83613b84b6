/**
 * A connection to the card in one reader (SCardConnect … SCardDisconnect) as an ApduTransport:
 * pcsclite's callbacks as promises, every failure as a ReaderError, every call bounded by a timeout.
 */
import type { ApduTransport } from './apdu-session.js';
import type { PcscReader } from './pcsclite-binding.js';
import { ReaderError, toReaderError } from './reader-errors.js';

export type ShareMode = 'exclusive' | 'shared';

function withTimeout<T>(
  what: string,
  ms: number,
  start: (done: (err: unknown, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let finished = false;
    const timer = setTimeout(() => {
      finished = true;
      reject(new ReaderError(`${what}: no answer from PC/SC within ${ms} ms`, 'other'));
    }, ms);
    start((err, value) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (err) reject(toReaderError(err, what));
      else resolve(value as T);
    });
  });
}

export class CardConnection implements ApduTransport {
  private open = true;

  private constructor(
    private readonly reader: PcscReader,
    /** The protocol SCardConnect negotiated (1 = T=0, 2 = T=1), passed back on every transmit. */
    readonly protocol: number,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Connects to the card. Exclusive by default: pcsclite has no SCardBeginTransaction, so in shared
   * mode another program could send APDUs between our VERIFY and the signature and use the
   * verified PIN.
   */
  static async connect(
    reader: PcscReader,
    share: ShareMode,
    timeoutMs: number,
  ): Promise<CardConnection> {
    if (reader.connected) {
      // pcsclite's connect() is a no-op while `connected` is set, and the flag survives a removed
      // card; drop the stale handle first, and clear the flag ourselves if the library cannot.
      await new Promise<void>((resolve) =>
        reader.disconnect(reader.SCARD_LEAVE_CARD, () => resolve()),
      );
      reader.connected = false;
    }
    const protocol = await withTimeout<number>('SCardConnect', timeoutMs, (done) =>
      reader.connect(
        {
          share_mode:
            share === 'exclusive' ? reader.SCARD_SHARE_EXCLUSIVE : reader.SCARD_SHARE_SHARED,
          protocol: reader.SCARD_PROTOCOL_T0 | reader.SCARD_PROTOCOL_T1,
        },
        done,
      ),
    );
    return new CardConnection(reader, protocol, timeoutMs);
  }

  transmit(apdu: Buffer, maxResponse: number): Promise<Buffer> {
    if (!this.open)
      return Promise.reject(
        new ReaderError('SCardTransmit: connection already closed', 'card-absent'),
      );
    return withTimeout<Buffer>('SCardTransmit', this.timeoutMs, (done) =>
      this.reader.transmit(apdu, maxResponse, this.protocol, done),
    );
  }

  /**
   * SCardDisconnect. `reset` clears the card's security state (a verified PIN) for whoever comes
   * next; `leave` is for a card that is already gone. Never throws.
   */
  async close(disposition: 'reset' | 'leave'): Promise<void> {
    if (!this.open) return;
    this.open = false;
    const code =
      disposition === 'reset' ? this.reader.SCARD_RESET_CARD : this.reader.SCARD_LEAVE_CARD;
    try {
      await withTimeout<void>('SCardDisconnect', this.timeoutMs, (done) =>
        this.reader.disconnect(code, (err) => done(err)),
      );
    } catch {
      // The handle is stale (card or service gone); forget it so the next connect starts fresh.
      this.reader.connected = false;
    }
  }
}
