/**
 * Keeps the process alive until SIGTERM or SIGINT, then runs `stop` once. A second signal while
 * stopping forces the exit, for an operator who cannot wait for the drain; so does `deadlineMs`
 * after the first signal, whatever a component (or an unreachable Redis) does meanwhile.
 */
export function runUntilSignal(stop: () => Promise<void>, onSignal: (signal: string, forced: boolean) => void, deadlineMs?: number): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (stopping) {
        onSignal(signal, true);
        process.exit(130);
      }
      stopping = true;
      onSignal(signal, false);
      if (deadlineMs !== undefined) {
        setTimeout(() => {
          process.stderr.write(`eport: shutdown did not finish within ${deadlineMs} ms: exiting / 关闭超时，强制退出\n`);
          process.exit(1);
        }, deadlineMs).unref();
      }
      stop().finally(() => {
        process.off('SIGTERM', handler);
        process.off('SIGINT', handler);
        resolve();
      });
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
