/**
 * What the emulator process (test/card/vcard.ts) is started with, and the JSON-lines control
 * protocol between it and the tests: one request per stdin line, one reply per stdout line,
 * plus unsolicited event lines when a card connects to or drops from vpcd.
 */

export type AppletName = 'openpgp' | 'piv';

export interface EmulatedIdentity {
  /** PKCS#8 PEM private key. */
  readonly keyPem: string;
  /** PEM certificate stored on the card; omit for a card without one. */
  readonly certPem?: string;
}

export interface EmulatedCardConfig {
  /** vpcd port of the reader slot (35963 = first reader, 35964 = second with Debian's config). */
  readonly port: number;
  /** Connect to vpcd at start. Default true. */
  readonly inserted?: boolean;
  readonly extendedLength?: boolean;
  readonly chaining?: boolean;
  readonly wrongLe?: '61' | '6C';
  readonly openpgp?: EmulatedIdentity & {
    pin?: string;
    adminPin?: string;
    tries?: number;
    pw1Multi?: boolean;
  };
  readonly piv?: EmulatedIdentity & { pin?: string; tries?: number; compressCertificate?: boolean };
}

export interface EmulatorConfig {
  /** vpcd host; default 127.0.0.1. */
  readonly host?: string;
  readonly cards: readonly EmulatedCardConfig[];
}

export type ControlRequest =
  | { cmd: 'ping' }
  | { cmd: 'insert' | 'remove' | 'stats' | 'resetStats' | 'status'; slot: number }
  /** The card's APDU count and answer time so far (cheap: no trace), see AnswerTime. */
  | { cmd: 'answerTime'; slot: number }
  | { cmd: 'setPin'; slot: number; applet: AppletName; pin: string }
  | { cmd: 'setTries'; slot: number; applet: AppletName; tries: number }
  | { cmd: 'setPw1Multi'; slot: number; value: boolean }
  | {
      cmd: 'setIdentity';
      slot: number;
      applet: AppletName;
      keyPem: string;
      certPem: string | null;
    };

/** Cumulative since the emulator started or the last resetStats (CardStats.apdus and .answerUs). */
export interface AnswerTime {
  readonly apdus: number;
  readonly answerUs: number;
}

export type ControlReply =
  { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

export interface ControlEvent {
  readonly event: 'connected' | 'disconnected';
  readonly slot: number;
}

/** DER bytes of the first PEM certificate in `pem`. */
export function certPemToDer(pem: string): Buffer {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (!body) throw new Error('no PEM certificate');
  return Buffer.from(body.replace(/\s+/g, ''), 'base64');
}
