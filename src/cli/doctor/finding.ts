export type Level = 'ok' | 'warn' | 'fail';

/** One line of `eport doctor`: what was checked, what was found, and how to fix a problem. */
export interface Finding {
  readonly level: Level;
  readonly what: string;
  readonly detail: string;
  /** For a warning or failure: what to do about it, in Chinese and English. */
  readonly fix?: string;
}
