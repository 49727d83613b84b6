/**
 * Keeps the process alive until SIGTERM or SIGINT, then runs `stop` once. A second signal while
 * stopping forces the exit, for an operator who cannot wait for the drain.
 */
export function runUntilSignal(stop: () => Promise<void>, onSignal: (signal: string, forced: boolean) => void): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (stopping) {
        onSignal(signal, true);
        process.exit(130);
      }
      stopping = true;
      onSignal(signal, false);
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
