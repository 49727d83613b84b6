import { constants } from 'node:os';

/**
 * What a termination signal does, as graphile-worker does it:
 * - the first SIGTERM or SIGINT stops the process gracefully (intake stops, workers drain);
 * - a second one is logged and hurries the stop: drains are cut short, but the data-directory
 *   lock, Redis and a managed redis-server still close;
 * - a third one exits at once.
 *
 * Exit status: 0 after a graceful stop on SIGTERM (systemd, Docker and Kubernetes read a clean
 * stop), 130 after one on SIGINT (Ctrl-C, so a calling script stops too); after a hurried or
 * immediate stop, 128 + the signal's number (143 for SIGTERM, 130 for SIGINT). A stop that
 * overruns `deadlineMs` exits 1.
 */
export type SignalStage = 'graceful' | 'hurry' | 'immediate';

export interface Stoppable {
  /** Graceful stop; called once, on the first signal. */
  stop(): Promise<void>;
  /** Called on the second signal, while stop() runs. */
  hurry?(): void;
}

/** How the stop went, for the exit status: the first signal, and whether it was hurried. */
export interface StopOutcome {
  readonly signal: NodeJS.Signals;
  readonly hurried: boolean;
}

/** The part of `process` this needs; tests pass a fake. */
export interface SignalProcess {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
  readonly stderr: { write(text: string): unknown };
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** 128 + the signal's number, what a shell reports for a process the signal ended. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** The exit status after a stop that finished (see the module comment). */
export function exitCodeAfter(outcome: StopOutcome): number {
  if (outcome.hurried) return signalExitCode(outcome.signal);
  return outcome.signal === 'SIGINT' ? signalExitCode('SIGINT') : 0;
}

/**
 * Keeps the process alive until SIGTERM or SIGINT, then stops `target` (see the module comment);
 * resolves once the stop has finished, with what the caller needs for the exit status.
 */
export function runUntilSignal(
  target: Stoppable,
  onSignal: (signal: NodeJS.Signals, stage: SignalStage) => void,
  deadlineMs?: number,
  proc: SignalProcess = process,
): Promise<StopOutcome> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    let count = 0;
    const handler = (signal: NodeJS.Signals): void => {
      count++;
      if (count >= 3) {
        onSignal(signal, 'immediate');
        proc.exit(signalExitCode(signal));
        return;
      }
      if (count === 2) {
        onSignal(signal, 'hurry');
        target.hurry?.();
        return;
      }
      first = signal;
      onSignal(signal, 'graceful');
      if (deadlineMs !== undefined) {
        setTimeout(() => {
          proc.stderr.write(
            `eport: shutdown did not finish within ${deadlineMs} ms: exiting / 关闭超时，强制退出\n`,
          );
          proc.exit(1);
        }, deadlineMs).unref();
      }
      const done = (): void => {
        for (const s of SIGNALS) proc.off(s, handler);
        resolve({ signal: first ?? signal, hurried: count > 1 });
      };
      // A failing step is already logged by the shutdown itself; the exit status still follows the signal.
      target.stop().then(done, done);
    };
    for (const s of SIGNALS) proc.on(s, handler);
  });
}
