import type { Command } from 'commander';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'check a configuration against this machine: Redis, keys and certificates, folders, routes / 运行环境自检',
    )
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    // The checks load Redis, TLS and card modules: only when the command runs.
    .action(async (opts: { config: string }) => (await import('./doctor-run.js')).runDoctor(opts));
}
