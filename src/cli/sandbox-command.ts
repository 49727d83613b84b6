import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createLogger } from '../core/logger.js';
import { startSandbox } from '../sandbox/server.js';
import { runUntilSignal } from './run-until-signal.js';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('run the local customs simulator on loopback / 运行本地模拟海关')
    .option('--host <host>', 'listen address (loopback only by design)', '127.0.0.1')
    .option('-p, --port <port>', 'port (0 = any free port)', '8471')
    .option('--step-ms <ms>', 'delay between business receipts', '300')
    .option('--fail-first <n>', 'answer 503 to the first N submissions (fault injection)', '0')
    .option('--fail-rate <p>', 'answer 503 to this fraction of submissions (0..1)', '0')
    .option('--trust <pem...>', 'accept only signatures by these certificates (PEM files)')
    .action(async (opts: { host: string; port: string; stepMs: string; failFirst: string; failRate: string; trust?: string[] }) => {
      const log = createLogger({ level: 'info' });
      const sandbox = await startSandbox({
        host: opts.host,
        port: Number(opts.port),
        stepMs: Number(opts.stepMs),
        failFirst: Number(opts.failFirst),
        failRate: Number(opts.failRate),
        ...(opts.trust ? { trustedCertsPem: opts.trust.map((f) => readFileSync(f, 'utf8')) } : {}),
        logger: log,
      });
      console.log(`customs sandbox listening / 模拟海关已启动: ${sandbox.url}  (POST /dec/submit, GET /receipts, GET /stats)`);
      await runUntilSignal(() => sandbox.close(), () => {});
    });
}
