import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  exitCodeAfter,
  runUntilSignal,
  signalExitCode,
  type SignalProcess,
  type SignalStage,
} from './run-until-signal.js';

/** A process stand-in: signals are emitted by the test, exit() is recorded instead of ending vitest. */
function fakeProcess(): SignalProcess & {
  emitter: EventEmitter;
  exits: number[];
  send(s: NodeJS.Signals): void;
} {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return {
    emitter,
    exits,
    on: (s, l) => emitter.on(s, l),
    off: (s, l) => emitter.off(s, l),
    exit: (code) => void exits.push(code),
    stderr: { write: () => true },
    send: (s) => void emitter.emit(s, s),
  };
}

/** A stop that finishes only when the test says so (or when hurried). */
function pendingStop(): {
  stop: () => Promise<void>;
  hurry: () => void;
  finish: () => void;
  hurries: number;
} {
  let finish = (): void => {};
  const t = {
    hurries: 0,
    stop: () => new Promise<void>((r) => (finish = r)),
    hurry: () => {
      t.hurries++;
      finish();
    },
    finish: () => finish(),
  };
  return t;
}

describe('runUntilSignal', () => {
  it('stops gracefully on SIGTERM and exits 0', async () => {
    const proc = fakeProcess();
    const target = pendingStop();
    const stages: SignalStage[] = [];
    const running = runUntilSignal(target, (_s, stage) => stages.push(stage), undefined, proc);
    proc.send('SIGTERM');
    target.finish();
    const outcome = await running;
    expect(outcome).toEqual({ signal: 'SIGTERM', hurried: false });
    expect(exitCodeAfter(outcome)).toBe(0);
    expect(stages).toEqual(['graceful']);
    expect(proc.exits).toEqual([]);
    expect(proc.emitter.listenerCount('SIGTERM') + proc.emitter.listenerCount('SIGINT')).toBe(0);
  });

  it('stops gracefully on SIGINT and exits 130', async () => {
    const proc = fakeProcess();
    const target = pendingStop();
    const running = runUntilSignal(target, () => {}, undefined, proc);
    proc.send('SIGINT');
    target.finish();
    expect(exitCodeAfter(await running)).toBe(130);
  });

  it('hurries the stop on the second signal and exits 128 + the first signal', async () => {
    const proc = fakeProcess();
    const target = pendingStop();
    const stages: [NodeJS.Signals, SignalStage][] = [];
    const running = runUntilSignal(target, (s, stage) => stages.push([s, stage]), undefined, proc);
    proc.send('SIGTERM');
    proc.send('SIGINT');
    const outcome = await running;
    expect(target.hurries).toBe(1);
    expect(outcome).toEqual({ signal: 'SIGTERM', hurried: true });
    expect(exitCodeAfter(outcome)).toBe(143);
    expect(stages).toEqual([
      ['SIGTERM', 'graceful'],
      ['SIGINT', 'hurry'],
    ]);
    expect(proc.exits).toEqual([]);
  });

  it('exits at once on the third signal, whatever the stop is doing', () => {
    const proc = fakeProcess();
    const stages: SignalStage[] = [];
    let hurries = 0;
    void runUntilSignal(
      { stop: () => new Promise<void>(() => {}), hurry: () => void hurries++ },
      (_s, stage) => stages.push(stage),
      undefined,
      proc,
    );
    proc.send('SIGINT');
    proc.send('SIGINT');
    expect(proc.exits).toEqual([]);
    proc.send('SIGINT');
    expect(stages).toEqual(['graceful', 'hurry', 'immediate']);
    expect(hurries).toBe(1);
    expect(proc.exits).toEqual([130]);
  });

  it('still resolves, with the signal, when the stop itself fails', async () => {
    const proc = fakeProcess();
    const running = runUntilSignal(
      { stop: () => Promise.reject(new Error('redis gone')) },
      () => {},
      undefined,
      proc,
    );
    proc.send('SIGTERM');
    expect(await running).toEqual({ signal: 'SIGTERM', hurried: false });
  });

  it('knows the shell numbers of the signals', () => {
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGINT')).toBe(130);
  });
});
