import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths that must never reach a log line (PINs, passphrases, tokens, keys). */
export const REDACT_PATHS = [
  'pin',
  'passphrase',
  'password',
  'passwd',
  'token',
  'authorization',
  '*.pin',
  '*.passphrase',
  '*.password',
  '*.passwd',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'args.passwd',
];

export interface LoggerSettings {
  readonly level: string;
  /** Human-readable output; defaults to on when stdout is a terminal. */
  readonly pretty?: boolean;
}

export function createLogger(
  settings: LoggerSettings,
  destination?: NodeJS.WritableStream,
): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  const pretty = settings.pretty ?? Boolean(process.stdout.isTTY);
  if (pretty && !destination) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return destination ? pino(options, destination as never) : pino(options);
}
