/** Command-line settings of the chaos run; defaults are the issue's: 5,000 / 20 / 1 / 0.2. */
export interface ChaosArgs {
  readonly files: number;
  readonly kills: number;
  readonly redisRestarts: number;
  readonly faultRate: number;
  readonly seed: number;
  /** Share of the declarations sent as HTTP uploads instead of files. */
  readonly httpShare: number;
  /** Share of the files dropped under a name used before (ERPs reuse names). */
  readonly repeatShare: number;
  /** Longest wait for quiet after the last drop, in seconds. */
  readonly quietTimeoutS: number;
  /** Keep the work folder for inspection. */
  readonly keep: boolean;
}

const USAGE = `usage: npm run chaos -- [--files N] [--kills K] [--redis-restarts R] [--fault-rate P] [--seed S]
                        [--http-share 0.1] [--repeat-share 0.1] [--quiet-timeout-s 900] [--keep]`;

export function parseArgs(argv: readonly string[]): ChaosArgs {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${USAGE}`);
    const key = a.slice(2);
    if (key === 'keep') out[key] = true;
    else if (key === 'help') throw new Error(USAGE);
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`--${key} needs a value\n${USAGE}`);
      out[key] = v;
    }
  }
  const num = (key: string, dflt: number, ok: (n: number) => boolean): number => {
    const raw = out[key];
    delete out[key];
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!ok(n)) throw new Error(`--${key} ${String(raw)} is out of range\n${USAGE}`);
    return n;
  };
  const int = (n: number) => Number.isInteger(n) && n >= 0;
  const share = (n: number) => n >= 0 && n <= 1;
  const args: ChaosArgs = {
    files: num('files', 5000, (n) => int(n) && n > 0),
    kills: num('kills', 20, int),
    redisRestarts: num('redis-restarts', 1, int),
    faultRate: num('fault-rate', 0.2, (n) => n >= 0 && n < 1),
    seed: num('seed', Date.now() % 1_000_000, int),
    httpShare: num('http-share', 0.1, share),
    repeatShare: num('repeat-share', 0.1, share),
    quietTimeoutS: num('quiet-timeout-s', 900, (n) => n > 0),
    keep: out.keep === true,
  };
  delete out.keep;
  const unknown = Object.keys(out);
  if (unknown.length) throw new Error(`unknown option --${unknown[0]}\n${USAGE}`);
  return args;
}
